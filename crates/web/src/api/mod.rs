//! The JSON API under `/api/v1`, as DESIGN.md's contract fixes it.

mod clinic;

use axum::routing::get;
use axum::Router;

use crate::error::ApiError;
use crate::state::AppState;

/// Every API route; unknown paths answer a problem, not an HTML page.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/clinic", get(clinic::clinic))
        .route("/services", get(clinic::services))
        .route("/practitioners", get(clinic::practitioners))
        .fallback(|| async { ApiError::not_found("API endpoint at this path") })
}
