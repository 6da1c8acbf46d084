//! "Plan my treatment": concerns, areas on a face and body diagram, and the plan.

use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// `GET /plan`.
pub async fn page(State(_state): State<AppState>) -> Response {
    "todo".into_response()
}
