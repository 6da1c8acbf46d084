//! Server-rendered pages. Every one works without JavaScript.

mod info;
pub mod layout;
mod site;

use axum::routing::get;
use axum::Router;

use crate::state::AppState;

pub use site::not_found;

/// Every page route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(site::home))
        .route("/healthz", get(info::healthz))
        .route("/robots.txt", get(info::robots))
        .route("/sitemap.xml", get(info::sitemap))
        .route("/services", get(site::services))
        .route("/practitioners", get(site::practitioners))
        .route("/problems/{slug}", get(info::problem))
        .route("/{slug}", get(site::content_page))
}
