//! Back-office clients screens (being built).

use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::auth::StaffSession;
use crate::state::AppState;

/// `GET /admin/clients?q=`.
pub async fn search(State(_state): State<AppState>, _session: StaffSession) -> Response {
    "todo".into_response()
}

/// `GET /admin/clients/{id}`.
pub async fn show(State(_state): State<AppState>, _session: StaffSession) -> Response {
    "todo".into_response()
}
