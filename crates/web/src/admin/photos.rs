//! Before and after photos of a visit, for clinical roles only (never the front desk):
//! the visit's photo page with its upload form, the upload itself (a multipart form whose
//! CSRF token is its first field), and the photo's bytes, served `no-store` from an
//! address holding its 256-bit random id.

use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use service::{MAX_PHOTO_BYTES, PhotoUpload, Refusal};
use store::{Booking, PhotoMeta};

use super::layout::{admin_page, csrf_field};
use crate::auth::{ClinicalSession, StaffSession};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::forms::{FieldAria, FieldErrors};
use crate::ui::refusal::FormRefusal;

/// The most an upload request may carry. Past the photo limit the rest is read and
/// dropped, so the form can come back with what was typed; past this the read stops.
pub const UPLOAD_BODY_LIMIT: usize = 3 * MAX_PHOTO_BYTES;
/// The longest text field read from an upload; the caption's own limit is far below.
const TEXT_FIELD_LIMIT: usize = 4096;

/// The address a photo is served from.
pub fn photo_url(photo: &PhotoMeta) -> String {
    format!("/admin/photos/{}", photo.id)
}

/// `GET /admin/bookings/{id}/photos`: the visit's photos and the form to add one.
pub async fn page(
    State(state): State<AppState>,
    ClinicalSession(session): ClinicalSession,
    Path(id): Path<String>,
) -> Response {
    let booking = match super::bookings::load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    if let Err(e) = crate::audit::record_reads(
        &state,
        &[crate::audit::read(
            "photos",
            &booking.id,
            &booking.client.id,
        )],
    )
    .await
    {
        return e.into_response();
    }
    render(&state, &session, &booking, &Typed::default(), None).await
}

/// What the form had, to show again after a refusal.
#[derive(Default)]
struct Typed {
    kind: String,
    caption: String,
}

/// `POST /admin/bookings/{id}/photos`: adds a photo, then back to the visit's photos.
pub async fn upload(
    State(state): State<AppState>,
    ClinicalSession(session): ClinicalSession,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let booking = match super::bookings::load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let (upload, broken) = match multipart {
        Ok(multipart) => read_upload(multipart).await,
        Err(_) => (
            PhotoUpload::default(),
            Some(Refusal::invalid(
                "photo",
                "Send the photo from the upload form (multipart/form-data).",
            )),
        ),
    };
    let typed = Typed {
        kind: upload.kind.clone(),
        caption: upload.caption.clone(),
    };
    let result = match broken {
        Some(refusal) => Err(refusal),
        None => {
            state
                .flows
                .add_photo(&booking, &session.staff.id, upload)
                .await
        }
    };
    match result {
        Ok(_) => Redirect::to(&format!("/admin/bookings/{}/photos", booking.id)).into_response(),
        Err(refusal) => render(&state, &session, &booking, &typed, Some(refusal)).await,
    }
}

/// Reads the upload's fields; a photo is kept up to one byte past the limit (so the
/// workflow can say it is too large) and the rest is read and dropped. A body that breaks
/// off or passes [`UPLOAD_BODY_LIMIT`] is the second value.
async fn read_upload(mut multipart: Multipart) -> (PhotoUpload, Option<Refusal>) {
    let mut upload = PhotoUpload::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return (upload, None),
            Err(err) => return (upload, Some(unreadable(err.status()))),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let limit = if name == "photo" {
            MAX_PHOTO_BYTES + 1
        } else {
            TEXT_FIELD_LIMIT
        };
        let bytes = match read_field(field, limit).await {
            Ok(bytes) => bytes,
            Err(status) => return (upload, Some(unreadable(status))),
        };
        match name.as_str() {
            "photo" => upload.bytes = bytes,
            "kind" => upload.kind = String::from_utf8_lossy(&bytes).into_owned(),
            "caption" => upload.caption = String::from_utf8_lossy(&bytes).into_owned(),
            _ => {}
        }
    }
}

/// Up to `limit` bytes of a field; the rest is read and dropped.
pub(crate) async fn read_field(mut field: Field<'_>, limit: usize) -> Result<Vec<u8>, StatusCode> {
    let mut kept = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit.saturating_sub(kept.len());
                kept.extend_from_slice(&chunk[..room.min(chunk.len())]);
            }
            Ok(None) => return Ok(kept),
            Err(err) => return Err(err.status()),
        }
    }
}

/// Why an upload could not be read: too large, or broken off.
pub(crate) fn unreadable(status: StatusCode) -> Refusal {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        Refusal::invalid(
            "photo",
            format!(
                "This upload is larger than {} MB. Choose a smaller photo.",
                MAX_PHOTO_BYTES / (1024 * 1024)
            ),
        )
    } else {
        Refusal::invalid(
            "photo",
            "The upload did not arrive whole. Choose the photo and send it again.",
        )
    }
}

async fn render(
    state: &AppState,
    session: &StaffSession,
    booking: &Booking,
    typed: &Typed,
    refusal: Option<Refusal>,
) -> Response {
    let photos = match state.flows.visit_photos(&booking.id).await {
        Ok(p) => p,
        Err(err) => return ApiError::from(err).into_response(),
    };
    let refusal = refusal.map(FormRefusal::from);
    let status = refusal.as_ref().map_or(StatusCode::OK, |r| r.status);
    let mut errors = FieldErrors::default();
    let mut general = None;
    if let Some(r) = &refusal {
        match &r.field {
            Some(field) => errors.add(field.clone(), r.message.clone()),
            None => general = Some(r.message.clone()),
        }
    }
    let clinic = state.clinic();
    let when = booking.start.to_zoned_datetime(clinic.timezone.clone());
    let body = html! {
        h1 { "Photos: booking " (booking.reference) }
        p {
            a href=(format!("/admin/bookings/{}", booking.id)) { "Back to the booking" } " · "
            a href=(format!("/admin/clients/{}", booking.client.id)) { (booking.client.name) "'s course" }
        }
        p { (clinic.when(&when)) }
        p.notice { "Photos are for the clinical record only. They are never shown to the front desk or used elsewhere." }
        @if photos.is_empty() { p.muted { "No photos of this visit yet." } }
        @else { (photo_grid(&photos)) }
        h2 #add-photo { "Add a photo" }
        @if let Some(message) = general { div.notice.danger role="alert" { p { (message) } } }
        (errors.summary(|f| match f { "photo" => "Photo".into(), "kind" => "Before or after".into(), _ => "Caption".into() }))
        (upload_form(session, booking, typed, &errors))
    };
    (
        status,
        admin_page(
            state,
            session,
            &format!("Photos {}", booking.reference),
            "",
            body,
        ),
    )
        .into_response()
}

fn upload_form(session: &StaffSession, b: &Booking, typed: &Typed, errors: &FieldErrors) -> Markup {
    let photo = FieldAria::new(
        "photo",
        Some(
            "A JPEG, PNG or HEIC photo of up to 10 MB. Location and camera details are removed before it is stored.",
        ),
        errors,
    );
    let kind = FieldAria::new("kind", None, errors);
    let caption = FieldAria::new(
        "caption",
        Some("For example the area and the angle."),
        errors,
    );
    let before = typed.kind != "after";
    html! {
        form.photo-upload method="post" enctype="multipart/form-data"
            action=(format!("/admin/bookings/{}/photos", b.id)) {
            // The token goes first: the guard reads no further into an upload.
            (csrf_field(session))
            fieldset aria-describedby=[kind.error.map(|_| kind.error_id.as_str())] {
                legend { "Before or after the treatment" }
                @if let Some(message) = kind.error { p.error-text id=(kind.error_id) { (message) } }
                label { input type="radio" name="kind" value="before" checked[before]; " Before" }
                label { input type="radio" name="kind" value="after" checked[!before]; " After" }
            }
            div.field {
                label for=(caption.id) { "Caption" span.muted { " (optional)" } }
                p.hint id=(caption.hint_id) { "For example the area and the angle." }
                @if let Some(message) = caption.error { p.error-text id=(caption.error_id) { (message) } }
                input id=(caption.id) type="text" name="caption" value=(typed.caption) maxlength="200"
                    aria-invalid=[caption.error.map(|_| "true")] aria-describedby=[caption.described.as_deref()];
            }
            div.field {
                label for=(photo.id) { "Photo" }
                p.hint id=(photo.hint_id) { "A JPEG, PNG or HEIC photo of up to 10 MB. Location and camera details are removed before it is stored." }
                @if let Some(message) = photo.error { p.error-text id=(photo.error_id) { (message) } }
                input id=(photo.id) type="file" name="photo" required
                    accept="image/jpeg,image/png,image/heic,image/heif,.heic,.heif"
                    aria-invalid=[photo.error.map(|_| "true")] aria-describedby=[photo.described.as_deref()];
            }
            button type="submit" { "Add photo" }
        }
    }
}

/// Photos as a grid of figures with their kind and caption.
pub fn photo_grid(photos: &[PhotoMeta]) -> Markup {
    html! {
        ul.photo-grid {
            @for p in photos {
                li { (figure(p)) }
            }
        }
    }
}

/// One photo with its caption. Browsers other than Safari cannot show HEIC, so those are
/// a link to open or save the file.
pub fn figure(p: &PhotoMeta) -> Markup {
    let label = if p.kind == "after" { "After" } else { "Before" };
    let alt = if p.caption.is_empty() {
        format!("{label} photo")
    } else {
        format!("{label} photo: {}", p.caption)
    };
    html! {
        figure.photo {
            @if p.content_type == "image/heic" {
                a.photo-file href=(photo_url(p)) { "Open the HEIC photo" }
            } @else {
                a href=(photo_url(p)) { img src=(photo_url(p)) alt=(alt) loading="lazy"; }
            }
            figcaption { strong { (label) } @if !p.caption.is_empty() { ": " (p.caption) } }
        }
    }
}

/// `GET /admin/photos/{id}`: the photo's bytes, never kept by a cache. An unknown id and
/// a photo of another practitioner's visit get the same 404.
pub async fn show(
    State(state): State<AppState>,
    ClinicalSession(session): ClinicalSession,
    Path(id): Path<String>,
) -> Response {
    let photo = match state.flows.photo(&id).await {
        Ok(photo) => Some(photo),
        Err(Refusal::NotFound { .. }) => None,
        Err(err) => return ApiError::from(err).into_response(),
    };
    let visible = photo.filter(|p| {
        session.role != crate::auth::Role::Practitioner
            || session.staff.practitioner_id.as_deref() == Some(p.meta.practitioner_id.as_str())
    });
    let Some(photo) = visible else {
        let body =
            html! { h1 { "No such photo" } p { a href="/admin/clients" { "Search clients" } } };
        return (
            StatusCode::NOT_FOUND,
            admin_page(&state, &session, "Not found", "", body),
        )
            .into_response();
    };
    if let Err(e) = crate::audit::record_reads(
        &state,
        &[crate::audit::read(
            "photo",
            &photo.meta.id,
            &photo.meta.client_id,
        )],
    )
    .await
    {
        return e.into_response();
    }
    let mut response = photo.bytes.into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&photo.meta.content_type)
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
