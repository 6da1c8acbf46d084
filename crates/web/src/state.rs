//! Shared state behind every handler.

use std::sync::Arc;

use clinic::ClinicSnapshot;
use service::Workflows;
use store::Store;

use crate::config::Config;
use crate::content::Content;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Every change to a booking goes through here.
    pub flows: Workflows,
    /// For the read-only views (day lists, clients, staff, setup).
    pub store: Store,
    pub config: Arc<Config>,
    pub content: Arc<Content>,
}

impl AppState {
    /// Loads the stored setup and the public content; the database must hold a setup.
    pub async fn new(store: Store, config: Config) -> anyhow::Result<AppState> {
        let content = Content::load(config.content_dir.as_deref())?;
        let consent = crate::content::load_consent(config.content_dir.as_deref())?;
        let words = crate::content::load_message_texts(config.content_dir.as_deref())?;
        let flows = Workflows::new(store.clone(), &config.public_url, config.bookings_per_hour)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .with_consent_documents(consent)
            .with_message_texts(words);
        Ok(AppState {
            flows,
            store,
            config: Arc::new(config),
            content: Arc::new(content),
        })
    }

    /// The clinic as of the latest setup this process has seen.
    pub fn clinic(&self) -> Arc<ClinicSnapshot> {
        self.flows.clinic()
    }

    /// Picks up a setup saved by this or another process.
    pub async fn refresh_clinic(&self) -> anyhow::Result<()> {
        self.flows
            .refresh_clinic()
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    }
}
