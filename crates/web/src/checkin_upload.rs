//! A healing check-in sent as `multipart/form-data`, the way the check-in page and an API
//! client add a photo: `symptoms` (repeated), `pain`, `note` and an optional `photo` file.
//! The photo is kept up to one byte past the limit, so the workflow can say it is too
//! large while what was typed still comes back; the rest of the body is read and dropped.

use axum::extract::Multipart;
use service::{MAX_PHOTO_BYTES, Refusal};

use crate::admin::photos::{read_field, unreadable};

/// The longest text field read; the note's own limit is far below.
const TEXT_FIELD_LIMIT: usize = 16 * 1024;

/// What a check-in form or request carried, as typed.
#[derive(Debug, Default)]
pub struct CheckinFields {
    pub symptoms: Vec<String>,
    pub pain: String,
    pub note: String,
    /// The photo's bytes, if a file was chosen (an empty file part counts as none).
    pub photo: Option<Vec<u8>>,
}

/// Reads every field; a body that breaks off or passes the route's limit is the second
/// value, with what arrived before it.
pub async fn read(mut multipart: Multipart) -> (CheckinFields, Option<Refusal>) {
    let mut fields = CheckinFields::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return (fields, None),
            Err(err) => return (fields, Some(unreadable(err.status()))),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let limit = if name == "photo" {
            MAX_PHOTO_BYTES + 1
        } else {
            TEXT_FIELD_LIMIT
        };
        let bytes = match read_field(field, limit).await {
            Ok(bytes) => bytes,
            Err(status) => return (fields, Some(unreadable(status))),
        };
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "photo" if !bytes.is_empty() => fields.photo = Some(bytes),
            "symptoms" => fields.symptoms.push(text()),
            "pain" => fields.pain = text(),
            "note" => fields.note = text(),
            _ => {}
        }
    }
}

/// Whether a request's body is `multipart/form-data`.
pub fn is_multipart(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}
