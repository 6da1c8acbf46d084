//! A clinic's own photos on its pages: files in the content folder's `photos/`, named with
//! their alternative text in a page's front matter (`hero` and `hero_alt`, `[[photos]]`).
//! Only names a page gives are ever read, so a request cannot reach any other file.

use std::path::{Path as FsPath, PathBuf};

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use clinic::PractitionerSetup;
use maud::{Markup, html};
use serde::Deserialize;

use crate::content::FrontMatter;
use crate::state::AppState;

/// The largest photo served: a page photo needs far less, and a bigger file is a mistake.
pub const MAX_PHOTO_BYTES: u64 = 5 * 1024 * 1024;

/// One photo in a page's `[[photos]]` (the team, the rooms).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PagePhoto {
    /// A plain file name in the content folder's `photos/`.
    pub file: String,
    /// What the photo shows, for people who cannot see it. Required.
    #[serde(default)]
    pub alt: String,
    /// A line shown under the photo.
    #[serde(default)]
    pub caption: Option<String>,
}

/// Refuses a page whose photos lack alternative text or name anything but a plain image
/// file, with a message that says what to write.
pub fn check(meta: &FrontMatter) -> anyhow::Result<()> {
    if let Some(hero) = &meta.hero {
        check_name("hero", hero)?;
        if meta.hero_alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
            anyhow::bail!(
                "hero = \"{hero}\" needs hero_alt: say in a few words what the photo shows, for people who cannot see it"
            );
        }
    } else if meta.hero_alt.is_some() {
        anyhow::bail!("hero_alt is set without a hero photo: add hero = \"file.jpg\" or remove it");
    }
    for (i, photo) in meta.photos.iter().enumerate() {
        check_name(&format!("photos[{i}].file"), &photo.file)?;
        if photo.alt.trim().is_empty() {
            anyhow::bail!(
                "photos[{i}] (\"{}\") needs alt: say in a few words what the photo shows, for people who cannot see it",
                photo.file
            );
        }
    }
    Ok(())
}

/// A plain file name (letters, digits, `.`, `_`, `-`, not starting with a dot) with an image
/// extension, so it names only a file directly inside `photos/`.
fn check_name(field: &str, name: &str) -> anyhow::Result<()> {
    if !is_plain_image(name) {
        anyhow::bail!(
            "{field} = \"{name}\" should be a file name in the content folder's photos/, such as \"hero.jpg\" (.jpg, .jpeg, .png or .webp)"
        );
    }
    Ok(())
}

fn is_plain_image(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        && PractitionerSetup::photo_type(name).is_some()
}

/// Where a named photo's file is, given the content folder.
pub fn file(dir: &FsPath, name: &str) -> PathBuf {
    dir.join("photos").join(name)
}

/// Whether the named photo can be shown: the server has a content folder and the file is
/// there. A page without its file shows its illustration (or nothing) instead.
pub fn present(state: &AppState, name: &str) -> bool {
    state
        .config
        .content_dir
        .as_deref()
        .is_some_and(|dir| file(dir, name).is_file())
}

/// `GET /photos/{name}`: a photo a page names, or 404.
pub async fn serve(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let not_found = || StatusCode::NOT_FOUND.into_response();
    if !is_plain_image(&name) || !state.content.names_photo(&name) {
        return not_found();
    }
    let (Some(dir), Some(kind)) = (
        state.config.content_dir.as_deref(),
        PractitionerSetup::photo_type(&name),
    ) else {
        return not_found();
    };
    let path = file(dir, &name);
    match tokio::fs::metadata(&path).await {
        Ok(m) if m.is_file() && m.len() <= MAX_PHOTO_BYTES => {}
        _ => return not_found(),
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
        Err(_) => not_found(),
    }
}

/// The page's hero photo when its file is there.
pub fn hero(state: &AppState, meta: &FrontMatter) -> Option<Markup> {
    let name = meta.hero.as_deref().filter(|n| present(state, n))?;
    let alt = meta.hero_alt.as_deref().unwrap_or_default();
    Some(html! { img.hero-photo src=(format!("/photos/{name}")) alt=(alt); })
}

/// The page's `[[photos]]` whose files are there, as a gallery; nothing without any.
pub fn gallery(state: &AppState, meta: &FrontMatter) -> Markup {
    let shown: Vec<&PagePhoto> = meta
        .photos
        .iter()
        .filter(|p| present(state, &p.file))
        .collect();
    html! {
        @if !shown.is_empty() {
            ul.gallery aria-label="Photos of the clinic" {
                @for p in shown {
                    li {
                        figure {
                            img src=(format!("/photos/{}", p.file)) alt=(p.alt) loading="lazy";
                            @if let Some(c) = &p.caption { figcaption { (c) } }
                        }
                    }
                }
            }
        }
    }
}
