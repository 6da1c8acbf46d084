//! Starting a back-office session and reading it back: the idle limit comes from the
//! clinic's `[security]` setting, last-seen is kept (at most once a minute), and each
//! session records where it was started from, so its owner can recognise and end it.

use std::net::IpAddr;

use axum::http::{HeaderMap, header};

use super::{Role, SESSION_SECONDS, StaffSession, cookie_value, random_token, session_cookie};
use crate::state::AppState;

/// How a request proved who it is, next to its [`StaffSession`] in the extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    /// A browser session: its id (as listed on the account page), and whether its member
    /// has a confirmed authenticator.
    Session { id: String, two_factor_on: bool },
    /// An API token (`Authorization: Bearer`), by its id.
    Bearer { token_id: String },
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Credential {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse as _;
        parts
            .extensions
            .get::<Credential>()
            .cloned()
            .ok_or_else(|| axum::http::StatusCode::UNAUTHORIZED.into_response())
    }
}

/// The most of a user agent a session keeps.
const USER_AGENT_CHARS: usize = 200;

/// The browser's description of itself, shortened and without control characters.
fn user_agent(headers: &HeaderMap) -> String {
    headers
        .get(header::USER_AGENT)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(USER_AGENT_CHARS)
        .collect()
}

/// Starts a session for `staff_id` and answers its `Set-Cookie` value.
pub async fn start(
    state: &AppState,
    headers: &HeaderMap,
    address: IpAddr,
    staff_id: &str,
) -> Result<String, store::StoreError> {
    let token = random_token();
    let csrf = random_token();
    state
        .store
        .create_session(&store::NewSession {
            token_hash: &store::hash_token(&token),
            staff_id,
            csrf: &csrf,
            lifetime_s: SESSION_SECONDS,
            address: &address.to_string(),
            user_agent: &user_agent(headers),
        })
        .await?;
    Ok(session_cookie(state, headers, &token, SESSION_SECONDS))
}

/// The live session a request's cookie names (not past its lifetime, not idle longer than
/// the clinic allows, its member active), marking it as seen.
pub async fn live(state: &AppState, headers: &HeaderMap) -> Option<(StaffSession, Credential)> {
    let token = cookie_value(headers, super::COOKIE)?;
    let hash = store::hash_token(&token);
    let idle_s = state.clinic().setup.security.session_idle_seconds();
    let live = state.store.session(&hash, idle_s).await.ok()??;
    let role = Role::parse(&live.staff.role)?;
    if jiff::Timestamp::now().as_second() - live.last_seen_at >= store::TOUCH_EVERY_S
        && let Err(err) = state.store.touch_session(&hash).await
    {
        tracing::warn!(%err, "could not record a session's last use");
    }
    Some((
        StaffSession {
            staff: live.staff,
            role,
            csrf: live.csrf,
        },
        Credential::Session {
            id: live.id,
            two_factor_on: live.two_factor_on,
        },
    ))
}
