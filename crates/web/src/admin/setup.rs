//! Back-office setup screens (being built).

use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::auth::StaffSession;
use crate::state::AppState;

/// `GET /admin/setup`.
pub async fn page(State(_state): State<AppState>, _session: StaffSession) -> Response {
    "todo".into_response()
}

/// `POST /admin/setup`.
pub async fn save(State(_state): State<AppState>, _session: StaffSession) -> Response {
    "todo".into_response()
}
