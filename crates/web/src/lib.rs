//! The HTTP edge of Collagen: server-rendered pages that work without JavaScript, the JSON
//! API under `/api/v1`, and the background mail worker.
//!
//! Everything clinical or temporal is decided by the pure crates (`scheduling`, `protocol`,
//! `clinic`); this crate turns requests into their inputs and their answers into pages,
//! JSON and mail.

mod admin;
mod api;
mod assets;
mod auth;
mod booking;
mod config;
mod content;
mod error;
mod extract;
mod layers;
mod mail;
mod pages;
mod problem;
mod rate_limit;
mod snapshot;
mod state;

pub use admin::ROUTES as ADMIN_ROUTES;
pub use auth::password::{hash as hash_password, weakness as password_weakness};
pub use config::{Config, MailConfig};
pub use mail::worker::run_mail_worker;
pub use state::AppState;

use axum::Router;

/// The whole application as one router, ready to serve.
pub fn app(state: AppState) -> Router {
    let router = Router::new()
        .merge(pages::routes())
        .merge(admin::routes(state.clone()))
        .nest("/api/v1", api::routes())
        .merge(api::public_routes())
        .merge(assets::routes());
    layers::wrap(router, state)
}
