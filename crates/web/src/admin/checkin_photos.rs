//! `GET /admin/checkin-photos/{id}`: the photo a client added to a healing check-in, for
//! clinical roles, who see it with the alert. Served `no-store` from its 256-bit random id;
//! an unknown id is a 404 page.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use service::Refusal;

use super::layout::admin_page;
use crate::auth::ClinicalSession;
use crate::error::ApiError;
use crate::state::AppState;

/// The address a check-in photo is served from.
pub fn checkin_photo_url(id: &str) -> String {
    format!("/admin/checkin-photos/{id}")
}

/// The photo's bytes, as stored (metadata already stripped).
pub async fn show(
    State(state): State<AppState>,
    ClinicalSession(session): ClinicalSession,
    Path(id): Path<String>,
) -> Response {
    let (content_type, bytes) = match state.flows.checkin_photo(&id).await {
        Ok(photo) => photo,
        Err(Refusal::NotFound { .. }) => {
            let body = html! { h1 { "No such photo" } p { a href="/admin/alerts" { "Aftercare alerts" } } };
            return (
                StatusCode::NOT_FOUND,
                admin_page(&state, &session, "Not found", "", body),
            )
                .into_response();
        }
        Err(err) => return ApiError::from(err).into_response(),
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    response
}
