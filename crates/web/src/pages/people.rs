//! Practitioners' faces: photos kept as files under the content folder's `practitioners/`,
//! named by the clinic file, and initials for anyone without one.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use clinic::PractitionerSetup;
use maud::{Markup, html};

use crate::state::AppState;

/// The largest photo served; a portrait for a card needs far less.
pub(crate) const MAX_PHOTO_BYTES: u64 = 5 * 1024 * 1024;

/// Where a practitioner's photo file would be, when the clinic file names one and the
/// server has a content folder.
fn photo_file(state: &AppState, p: &PractitionerSetup) -> Option<std::path::PathBuf> {
    let name = p.photo.as_deref()?;
    let dir = state.config.content_dir.as_deref()?;
    Some(dir.join("practitioners").join(name))
}

/// `GET /practitioners/{id}/photo`: the photo the clinic file names, or 404. Only names the
/// clinic file's checks allow (plain file names) are ever read.
pub async fn photo(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let clinic = state.clinic();
    let Some(p) = clinic.setup.practitioner(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (Some(path), Some(kind)) = (
        photo_file(&state, p),
        p.photo.as_deref().and_then(PractitionerSetup::photo_type),
    ) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::metadata(&path).await {
        Ok(m) if m.is_file() && m.len() <= MAX_PHOTO_BYTES => {}
        _ => return StatusCode::NOT_FOUND.into_response(),
    }
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, kind),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A practitioner's face: their photo when its file is there, else their initials. The
/// name always stands beside it, so the picture itself is decorative to screen readers.
pub fn avatar(state: &AppState, p: &PractitionerSetup) -> Markup {
    let has_photo = photo_file(state, p).is_some_and(|f| f.is_file());
    html! {
        @if has_photo {
            img.avatar src=(format!("/practitioners/{}/photo", p.id)) alt="" width="64" height="64" loading="lazy";
        } @else {
            span.avatar.initials aria-hidden="true" { (p.initials()) }
        }
    }
}
