//! Back-office staff screens (being built).

use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::auth::StaffSession;
use crate::state::AppState;

/// `GET /admin/staff`.
pub async fn page(State(_state): State<AppState>, _session: StaffSession) -> Response {
    "todo".into_response()
}

/// `POST /admin/staff`.
pub async fn add(State(_state): State<AppState>, _session: StaffSession) -> Response {
    "todo".into_response()
}

/// `POST /admin/staff/{id}/active`.
pub async fn set_active(State(_state): State<AppState>, _session: StaffSession) -> Response {
    "todo".into_response()
}

/// `POST /admin/staff/{id}/password`.
pub async fn reset_password(State(_state): State<AppState>, _session: StaffSession) -> Response {
    "todo".into_response()
}
