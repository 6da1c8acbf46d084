//! Staff sign-in: roles, server-side sessions in the database, CSRF on every form post,
//! and the guard that every back-office route sits behind.

pub mod device;
pub mod password;
mod roles;
pub mod sessions;
pub mod sign_in_csrf;
pub mod throttle;
pub mod tokens;
pub mod totp;
pub mod two_factor;
mod upload_csrf;

pub use roles::{AdminSession, ClinicalSession};
pub use sessions::Credential;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use rand::Rng as _;
use store::Staff;

use crate::error::ApiError;
use crate::problem::ProblemKind;
use crate::state::AppState;

/// The session cookie's name.
pub const COOKIE: &str = "collagen_session";
/// How long a session lasts from sign-in.
pub const SESSION_SECONDS: i64 = 12 * 3600;

/// What a staff member may do; each role includes nothing of the others implicitly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Admin,
    Practitioner,
    FrontDesk,
}

impl Role {
    /// Reads a stored role.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "admin" => Some(Role::Admin),
            "practitioner" => Some(Role::Practitioner),
            "front-desk" => Some(Role::FrontDesk),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Practitioner => "practitioner",
            Role::FrontDesk => "front-desk",
        }
    }

    /// Clinical detail (screening answers, findings) is for practitioners and admins only.
    pub fn sees_clinical(self) -> bool {
        matches!(self, Role::Admin | Role::Practitioner)
    }
}

/// The signed-in staff member, put in request extensions by [`require_staff`].
#[derive(Clone, Debug)]
pub struct StaffSession {
    pub staff: Staff,
    pub role: Role,
    pub csrf: String,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for StaffSession {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Response> {
        parts
            .extensions
            .get::<StaffSession>()
            .cloned()
            .ok_or_else(|| StatusCode::UNAUTHORIZED.into_response())
    }
}

/// The 403 page for a signed-in member without the right role; the role extractors answer with it.
pub fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, maud::html! {
        (maud::DOCTYPE)
        html lang="en" { head { title { "Not allowed" } meta name="viewport" content="width=device-width, initial-scale=1"; }
            body { main { h1 { "Not allowed" } p { "Your role does not include this page. " a href="/admin" { "Back to today" } } } } }
    })
        .into_response()
}

/// A new random token (256 bits, URL-safe).
pub fn random_token() -> String {
    use base64::Engine as _;
    let bytes: [u8; 32] = rand::rng().random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The value of the cookie called `name` in a request, if it sent one.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, COOKIE)
}

/// Whether the browser reached the site over TLS, so cookies can be marked `Secure`.
pub fn is_https(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.public_url.starts_with("https://")
        || (state.config.behind_proxy
            && headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                == Some("https"))
}

/// Looks up the live session a request's cookie names.
pub async fn session_for(state: &AppState, headers: &HeaderMap) -> Option<StaffSession> {
    sessions::live(state, headers)
        .await
        .map(|(session, _)| session)
}

/// The `Set-Cookie` value for a session; `Secure` when the site is served over TLS.
pub fn session_cookie(state: &AppState, headers: &HeaderMap, token: &str, max_age: i64) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if is_https(state, headers) {
            "; Secure"
        } else {
            ""
        }
    )
}

/// The session token in a request's cookie, hashed, for signing out.
pub fn session_token_hash(headers: &HeaderMap) -> Option<String> {
    cookie_token(headers).map(|t| store::hash_token(&t))
}

/// Compares two secrets without telling, by its timing, where they first differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Guards every back-office route: no session → the sign-in page (pages) or 401 (API);
/// a state-changing request must carry the session's CSRF token, as the `csrf` form field
/// (the first field of a file upload) or the `X-CSRF-Token` header, else 403. On the API, an
/// `Authorization: Bearer` token (see [`tokens`]) stands in for the session and needs no CSRF
/// token; pages ignore it. A member the clinic requires a second step of, who has none yet,
/// reaches only the page that sets it up.
pub async fn require_staff(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    if is_api && let Some(token) = tokens::presented(request.headers()) {
        let Some((session, credential)) = tokens::session_for(&state, &token).await else {
            return ApiError::new(
                ProblemKind::Unauthorized,
                "This API token is not valid: it was revoked, or its staff login is disabled.",
            )
            .into_response();
        };
        let mut request = request;
        request.extensions_mut().insert(session.clone());
        request.extensions_mut().insert(credential);
        return crate::audit::as_staff(&state, &session, request, next).await;
    }
    let Some((session, credential)) = sessions::live(&state, request.headers()).await else {
        if is_api {
            return ApiError::new(
                ProblemKind::Unauthorized,
                "Sign in as staff to use this endpoint.",
            )
            .into_response();
        }
        let target = request
            .uri()
            .path_and_query()
            .map_or("/admin".to_owned(), |p| p.to_string());
        return Redirect::to(&format!(
            "/login?next={}",
            crate::ui::forms::encode(&target)
        ))
        .into_response();
    };
    if let Credential::Session {
        two_factor_on: false,
        ..
    } = &credential
        && two_factor::required(&state, session.role)
        && !request.uri().path().starts_with(ENROL_PATH)
    {
        if is_api {
            return ApiError::new(
                ProblemKind::Forbidden,
                "This clinic requires two-factor sign-in for your role: set it up in the back office first.",
            )
            .into_response();
        }
        return Redirect::to(ENROL_PATH).into_response();
    }
    let (mut parts, body) = request.into_parts();
    parts.extensions.insert(credential);
    let request = if parts.method == Method::GET || parts.method == Method::HEAD {
        Request::from_parts(parts, body)
    } else {
        let from_header = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // A file upload is not read whole here: only its first field, the token.
        let (from_form, body) = match upload_csrf::boundary(&parts.headers) {
            Some(boundary) => {
                let (token, body) = upload_csrf::first_field_token(&boundary, body).await;
                (token, body)
            }
            None => {
                let Ok(bytes) = to_bytes(body, 1 << 20).await else {
                    return (StatusCode::PAYLOAD_TOO_LARGE, "request too large").into_response();
                };
                (form_field(&bytes, "csrf"), Body::from(bytes))
            }
        };
        let presented = from_header.or(from_form).unwrap_or_default();
        if !constant_time_eq(&presented, &session.csrf) {
            tracing::warn!(path = %parts.uri.path(), staff = %session.staff.email, "refused a request without a valid CSRF token");
            if is_api {
                return ApiError::new(ProblemKind::Forbidden, "Missing or wrong X-CSRF-Token.")
                    .into_response();
            }
            return (StatusCode::FORBIDDEN, "This form has expired or did not come from this site. Go back, reload the page and try again.").into_response();
        }
        parts.extensions.insert(session.clone());
        return crate::audit::as_staff(&state, &session, Request::from_parts(parts, body), next)
            .await;
    };
    let mut request = request;
    request.extensions_mut().insert(session.clone());
    crate::audit::as_staff(&state, &session, request, next).await
}

/// Where a member sets up their authenticator; the one place open to a member who must
/// have one and has none yet.
pub const ENROL_PATH: &str = "/admin/account/two-factor";

fn form_field(bytes: &[u8], name: &str) -> Option<String> {
    crate::ui::forms::query_pairs(std::str::from_utf8(bytes).ok()?)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_decoded() {
        assert_eq!(
            form_field(b"a=1&csrf=ab%2Bc%3D&b=2", "csrf").as_deref(),
            Some("ab+c=")
        );
        assert_eq!(
            form_field(b"note=hello+there", "note").as_deref(),
            Some("hello there")
        );
        assert_eq!(form_field(b"a=1", "csrf"), None);
    }

    #[test]
    fn roles_round_trip_and_clinical_access_is_limited() {
        for role in [Role::Admin, Role::Practitioner, Role::FrontDesk] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert!(!Role::FrontDesk.sees_clinical());
        assert!(Role::Practitioner.sees_clinical());
    }
}
