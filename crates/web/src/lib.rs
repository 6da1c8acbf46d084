//! The HTTP edge of Collagen: server-rendered pages that work without JavaScript, the JSON
//! API under `/api/v1`, and the staff sign-in that guards the back office.
//!
//! Every change is decided by the workflows (`service`) and the pure crates beneath them;
//! this crate turns requests into their inputs and their answers into pages and JSON.

mod admin;
mod api;
mod assets;
mod audit;
mod auth;
mod checkin_upload;
mod config;
mod content;
mod error;
mod export;
mod extract;
mod head_guard;
mod illustrations;
mod json;
mod layers;
mod pages;
mod photos;
mod problem;
mod server;
mod state;
mod ui;

pub use admin::AUDITED_READS;
pub use admin::ROUTES as ADMIN_ROUTES;
pub use auth::password::{hash as hash_password, weakness as password_weakness};
/// The authenticator arithmetic (RFC 6238), for tools and tests that act as a phone.
pub use auth::totp;
pub use config::Config;
pub use export::{archive_name, client_archive, pack as pack_export};
pub use mail::{
    MailConfig, run_worker as run_mail_worker, run_worker_with as run_mail_worker_with,
    system_clock,
};
pub use server::{ServerLimits, raise_open_file_limit, serve};
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
