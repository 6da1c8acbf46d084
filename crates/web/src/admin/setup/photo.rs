//! A practitioner's photo as an upload: kept as a file in the content folder's
//! `practitioners/` (where a clinic file's `photo = "maya-lee.jpg"` points, and where the
//! public pages serve it from), without its metadata, then named in the setup.

use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::response::Response;
use clinic::PractitionerSetup;
use maud::{Markup, html};
use service::ImageFormat;

use super::problems::{Problems, settle};
use super::{View, refused_form};
use crate::admin::layout::csrf_field;
use crate::admin::photos::{read_field, unreadable};
use crate::auth::{AdminSession, StaffSession};
use crate::pages::people::MAX_PHOTO_BYTES;
use crate::state::AppState;
use crate::ui::forms::field_id;

/// The largest upload body: the photo and a few short fields.
pub const PHOTO_BODY_LIMIT: usize = service::MAX_PHOTO_BYTES + 64 * 1024;

/// The upload form under a practitioner's details; without a content folder it says why
/// there is none.
pub(super) fn upload_form(
    session: &StaffSession,
    state: &AppState,
    p: &PractitionerSetup,
    view: &View<'_>,
) -> Markup {
    let key = format!("practitioner.{}.upload", p.id);
    let id = field_id(&key);
    let error = view.problems.get(&key);
    html! {
        @if state.config.content_dir.is_some() {
            form.setup-form method="post" action="/admin/setup/practitioners/photo" enctype="multipart/form-data"
                aria-label=(format!("Upload a photo of {}", p.name)) {
                (csrf_field(session))
                input type="hidden" name="practitioner" value=(p.id);
                div.field {
                    label for=(id) { "Upload a new photo" span.visually-hidden { " of " (p.name) } }
                    p.hint id=(format!("{id}-hint")) { "A JPEG or PNG portrait, at most 5 MB. Its location and camera details are removed; it is saved as " code { (p.id) ".jpg" } " or " code { (p.id) ".png" } " and chosen for them." }
                    @if let Some(message) = error { p.error-text id=(format!("{id}-error")) { (message) } }
                    input id=(id) type="file" name="photo" accept="image/jpeg,image/png"
                        aria-describedby=(if error.is_some() { format!("{id}-hint {id}-error") } else { format!("{id}-hint") })
                        aria-invalid=[error.map(|_| "true")];
                }
                button type="submit" { "Upload photo" span.visually-hidden { " of " (p.name) } }
            }
        } @else {
            p.hint { "To upload photos, start the server with a content folder (" code { "--content-dir" } "); photos are kept in its " code { "practitioners/" } " folder." }
        }
    }
}

/// `POST /admin/setup/practitioners/photo`: saves the file, then names it in the setup
/// through the same validation and save as every other change.
pub async fn upload_photo(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let mut problems = Problems::default();
    let (id, photo) = match multipart {
        Ok(multipart) => read(multipart).await,
        Err(_) => (
            String::new(),
            Err("Send the photo from the upload form.".to_owned()),
        ),
    };
    let key = format!("practitioner.{id}.upload");
    let mut setup = state.clinic().setup.clone();
    let label = setup
        .practitioner(&id)
        .map_or_else(|| "Photo".to_owned(), |p| format!("{}, photo", p.name));
    match photo.and_then(|bytes| keep(&state, &id, &bytes)) {
        Err(message) => problems.add(&key, &label, message),
        Ok(name) => match setup.practitioner_mut(&id) {
            Err(refused) => problems.add(&key, &label, refused.message),
            Ok(p) => p.photo = Some(name),
        },
    }
    if problems.is_empty() {
        let anchor = format!("p-{id}");
        if let Some(saved) = settle(
            &state,
            &session,
            &setup,
            "practitioner photo",
            &anchor,
            &[],
            (key.as_str(), label.as_str()),
            &mut problems,
        )
        .await
        {
            return saved;
        }
    }
    refused_form(&state, &session, problems, Vec::new())
}

/// The practitioner's id and the photo's bytes, or why the upload cannot be read.
async fn read(mut multipart: Multipart) -> (String, Result<Vec<u8>, String>) {
    let (mut id, mut photo) = (String::new(), Vec::new());
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return (id, Ok(photo)),
            Err(err) => return (id, Err(unreadable(err.status()).to_string())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let limit = if name == "photo" {
            service::MAX_PHOTO_BYTES + 1
        } else {
            4096
        };
        match read_field(field, limit).await {
            Ok(bytes) if name == "photo" => photo = bytes,
            Ok(bytes) if name == "practitioner" => {
                id = String::from_utf8_lossy(&bytes).trim().to_owned()
            }
            Ok(_) => {}
            Err(status) => return (id, Err(unreadable(status).to_string())),
        }
    }
}

/// Checks and cleans the photo, writes it as `{id}.jpg` or `{id}.png` under the content
/// folder's `practitioners/` (whole, through a temporary file), and answers its name.
fn keep(state: &AppState, id: &str, bytes: &[u8]) -> Result<String, String> {
    let Some(dir) = state.config.content_dir.as_deref() else {
        return Err("This server has no content folder (--content-dir) to keep photos in.".into());
    };
    let Some(p) = state.clinic().setup.practitioner(id).cloned() else {
        return Err(
            "There is no such practitioner any more; reload the page and try again.".into(),
        );
    };
    let (format, clean) = service::check_photo(bytes).map_err(|r| r.to_string())?;
    let ext = match format {
        ImageFormat::Jpeg => "jpg",
        ImageFormat::Png => "png",
        ImageFormat::Heif => {
            return Err(
                "HEIC photos do not show in every browser: export it as JPEG and upload that."
                    .into(),
            );
        }
    };
    if clean.len() as u64 > MAX_PHOTO_BYTES {
        return Err(format!(
            "A portrait needs at most {} MB: export a smaller copy.",
            MAX_PHOTO_BYTES / (1024 * 1024)
        ));
    }
    let name = format!("{}.{ext}", p.id);
    let folder = dir.join("practitioners");
    let written = std::fs::create_dir_all(&folder).and_then(|()| {
        let partial = folder.join(format!(".{name}.partial"));
        std::fs::write(&partial, &clean)?;
        std::fs::rename(&partial, folder.join(&name))
    });
    match written {
        Ok(()) => Ok(name),
        Err(err) => {
            tracing::warn!(error = %err, "could not keep a practitioner's photo");
            Err("The photo could not be saved in the content folder; nothing was changed.".into())
        }
    }
}
