//! "Is microneedling right for me?": the safety questionnaire, standalone and inside booking.

use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// The questionnaire's routes: standalone at `/suitability`, inline in booking at `/book/screening`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/suitability", axum::routing::get(page))
}

/// `GET /suitability`.
pub async fn page(State(_state): State<AppState>) -> Response {
    "todo".into_response()
}
