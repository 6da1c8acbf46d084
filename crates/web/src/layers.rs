//! What wraps every response: security headers, compression, request logs, timeouts.

use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::error::ApiError;
use crate::problem::ProblemKind;
use crate::state::AppState;

/// No inline script, nothing from elsewhere, never framed.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
    frame-ancestors 'none'";

/// The headers every answer carries, hyper's own and the early 503 included.
pub(crate) const SECURITY_HEADERS: [(&str, &str); 6] = [
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("x-frame-options", "DENY"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    ),
    ("cross-origin-opener-policy", "same-origin"),
];

/// A year: browsers keep to https for that long after an answer that came over it.
const HSTS: &str = "max-age=31536000";

/// Wraps the router in the layers every response passes through.
pub fn wrap(router: Router<AppState>, state: AppState) -> Router {
    let mut router = router
        .fallback(crate::pages::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::audit::as_client,
        ))
        .layer(middleware::from_fn(refuse_nul_in_address))
        .layer(middleware::from_fn(no_store_private))
        .layer(middleware::from_fn(log_request))
        .layer(CompressionLayer::new());
    for (name, value) in SECURITY_HEADERS {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    router
        .layer(middleware::from_fn_with_state(
            state.clone(),
            strict_transport,
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .with_state(state)
}

/// Whether the request reached the clinic over https. Collagen speaks plain http itself,
/// so only a trusted proxy's `X-Forwarded-Proto` can say so.
pub(crate) fn came_over_https(state: &AppState, headers: &axum::http::HeaderMap) -> bool {
    state.config.behind_proxy
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// `Strict-Transport-Security` on answers to https requests only: sent over plain http it
/// would mean nothing, and on loopback it would pin a developer's browser to https.
async fn strict_transport(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let https = came_over_https(&state, request.headers());
    let mut response = next.run(request).await;
    if https {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    response
}

/// One log line per request, with its status and how long it took.
async fn log_request(request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let micros = started.elapsed().as_micros() as u64;
    if status >= 500 {
        tracing::error!(%method, %path, status, micros, "request");
    } else {
        tracing::info!(%method, %path, status, micros, "request");
    }
    response
}

/// A path or query holding an encoded NUL (`%00`) never reaches a handler: no id, token or
/// search term has one, and no database text can store one.
async fn refuse_nul_in_address(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let holds_nul = |part: &str| {
        part.as_bytes()
            .windows(3)
            .any(|w| w.eq_ignore_ascii_case(b"%00"))
    };
    if holds_nul(uri.path()) || uri.query().is_some_and(holds_nul) {
        return ApiError::new(
            ProblemKind::MalformedRequest,
            "The address contains a NUL character (%00), which no page or resource here has.",
        )
        .into_response();
    }
    next.run(request).await
}

/// Whether answers at `path` are for one person only: the back office, sign-in, and
/// everything reached by a booking's or a course's manage token or a waitlist token.
fn is_private(path: &str) -> bool {
    [
        "/admin",
        "/login",
        "/manage/",
        "/courses/",
        "/book/course",
        "/api/v1/courses",
        "/api/v1/admin",
        "/api/v1/bookings",
        "/bookings/",
        "/waitlist/",
        "/api/v1/waitlist",
    ]
    .iter()
    .any(|prefix| path == prefix.trim_end_matches('/') || path.starts_with(prefix))
}

/// Private answers are never kept by browsers or shared caches.
async fn no_store_private(request: Request, next: Next) -> Response {
    let private = is_private(request.uri().path());
    let mut response = next.run(request).await;
    if private {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
