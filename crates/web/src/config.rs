//! What the binary hands the web edge.

use std::path::PathBuf;

use mail::MailConfig;

/// Settings that shape the web edge, from flags and environment.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where `.eml` files go when no SMTP server is configured, and other local state.
    pub data_dir: PathBuf,
    /// The public pages' Markdown; `None` uses the copy built into the binary.
    pub content_dir: Option<PathBuf>,
    /// The address clients reach the site on, for links in mail (`http://127.0.0.1:8080`).
    pub public_url: String,
    pub mail: MailConfig,
    /// Bookings one client address may create per hour.
    pub bookings_per_hour: u32,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy in front.
    pub behind_proxy: bool,
}

impl Config {
    /// Defaults for tests and first runs: data in `data_dir`, mail to its outbox.
    pub fn local(data_dir: PathBuf, public_url: String) -> Config {
        Config {
            mail: MailConfig::Outbox {
                dir: data_dir.join("outbox"),
                from: "Collagen <no-reply@localhost>".into(),
            },
            data_dir,
            content_dir: None,
            public_url,
            bookings_per_hour: 120,
            behind_proxy: false,
        }
    }
}
