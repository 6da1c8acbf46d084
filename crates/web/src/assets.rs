//! Static files built into the binary, served under content-hashed names so browsers may
//! keep them for a year.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::Digest as _;

use crate::state::AppState;

/// One embedded file and the name it is served under.
pub struct Asset {
    pub url: String,
    file_name: String,
    mime: &'static str,
    body: &'static [u8],
}

fn asset(stem: &str, ext: &str, mime: &'static str, body: &'static [u8]) -> Asset {
    let digest = sha2::Sha256::digest(body);
    let hash: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    let file_name = format!("{stem}.{hash}.{ext}");
    Asset {
        url: format!("/assets/{file_name}"),
        file_name,
        mime,
        body,
    }
}

/// The stylesheet.
pub static CSS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "site",
        "css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/site.css"),
    )
});
/// The progressive-enhancement script.
pub static JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "site",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/site.js"),
    )
});
/// The site icon.
pub static ICON: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "favicon",
        "svg",
        "image/svg+xml",
        include_bytes!("../assets/favicon.svg"),
    )
});

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/{name}", get(serve))
        .route("/favicon.ico", get(favicon))
}

async fn serve(Path(name): Path<String>) -> Response {
    for asset in [&*CSS, &*JS, &*ICON] {
        if asset.file_name == name {
            return (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static(asset.mime)),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("public, max-age=31536000, immutable"),
                    ),
                ],
                asset.body,
            )
                .into_response();
        }
    }
    StatusCode::NOT_FOUND.into_response()
}

async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(ICON.mime)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        ICON.body,
    )
        .into_response()
}
