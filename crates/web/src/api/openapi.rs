//! The OpenAPI description of the whole API, kept beside the code as `openapi.json`.

use axum::http::header;
use axum::response::IntoResponse;

/// `GET /openapi.json`.
pub async fn spec() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../../openapi.json"),
    )
}
