//! Shared state behind every handler.

use std::sync::{Arc, RwLock};

use store::Store;

use crate::config::Config;
use crate::content::Content;
use crate::rate_limit::RateLimiter;
use crate::snapshot::ClinicSnapshot;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub content: Arc<Content>,
    clinic: Arc<RwLock<Arc<ClinicSnapshot>>>,
    pub booking_limiter: Arc<RateLimiter>,
}

impl AppState {
    /// Loads the stored setup and the public content; the database must hold a setup.
    pub async fn new(store: Store, config: Config) -> anyhow::Result<AppState> {
        let (setup, version) = store
            .load_setup()
            .await?
            .ok_or_else(|| anyhow::anyhow!("the database holds no clinic setup"))?;
        let content = Content::load(config.content_dir.as_deref())?;
        Ok(AppState {
            store,
            booking_limiter: Arc::new(RateLimiter::per_hour(config.bookings_per_hour)),
            config: Arc::new(config),
            content: Arc::new(content),
            clinic: Arc::new(RwLock::new(ClinicSnapshot::new(setup, version))),
        })
    }

    /// The clinic as of the latest setup this process has seen.
    pub fn clinic(&self) -> Arc<ClinicSnapshot> {
        self.clinic.read().expect("clinic lock").clone()
    }

    /// Picks up a setup saved by this or another process.
    pub async fn refresh_clinic(&self) -> anyhow::Result<()> {
        let version = self.store.setup_version().await?;
        if version != self.clinic().version
            && let Some((setup, version)) = self.store.load_setup().await?
        {
            *self.clinic.write().expect("clinic lock") = ClinicSnapshot::new(setup, version);
        }
        Ok(())
    }
}
