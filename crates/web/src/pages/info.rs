//! Machine-facing pages: health, robots, sitemap, and the problem-type explanations.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::problem::ProblemKind;
use crate::state::AppState;
use crate::ui::layout::{PageMeta, page};

/// 200 once the database answers.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Public pages may be indexed; private and staff pages may not.
pub async fn robots(State(state): State<AppState>) -> Response {
    let base = state.config.public_url.trim_end_matches('/');
    let body = format!(
        "User-agent: *\nDisallow: /admin\nDisallow: /login\nDisallow: /manage/\nDisallow: /api/\n\nSitemap: {base}/sitemap.xml\n"
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// Every public page, for search engines.
pub async fn sitemap(State(state): State<AppState>) -> Response {
    let base = state.config.public_url.trim_end_matches('/');
    let mut paths: Vec<String> = state.content.pages.iter().map(|p| p.path()).collect();
    for extra in [
        "/services",
        "/practitioners",
        "/book",
        "/suitability",
        "/plan",
    ] {
        paths.push(extra.into());
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        xml.push_str(&format!("  <url><loc>{base}{path}</loc></url>\n"));
    }
    xml.push_str("</urlset>\n");
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

/// Explains a problem type, so the `type` URI in an API error leads somewhere useful.
pub async fn problem(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let Some(kind) = ProblemKind::from_slug(&slug) else {
        return super::not_found(State(state)).await;
    };
    let path = kind.type_uri();
    let body = html! {
        h1 { (kind.title()) }
        p { "API problem type " code { (path) } ", answered with HTTP status " (kind.status().as_u16()) "." }
        p { "The response's " code { "detail" } " says what happened and, for invalid input, " code { "field" } " names the field." }
    };
    page(
        &state,
        PageMeta::new(
            kind.title(),
            "An explanation of an API problem type.",
            &path,
        )
        .private(),
        body,
    )
    .into_response()
}
