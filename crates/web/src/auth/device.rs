//! Known devices: a browser that has signed in to an account is given a cookie, and only
//! its token's hash is kept in the database. A correct password from such a browser is
//! counted on its own key by the throttle (see [`super::throttle`]), so guessing at the
//! account from elsewhere does not keep its owner out.

use axum::http::HeaderMap;

use super::{cookie_value, is_https, random_token};
use crate::state::AppState;

/// The cookie that marks a browser as having signed in before.
pub const COOKIE: &str = "collagen_device";
/// How long a browser is remembered after its last sign-in.
const LIFETIME_S: i64 = 90 * 86_400;

/// The hash of the device token the browser sent, if it is remembered for `staff_id`
/// (looked up whether or not the account exists, so the answer's timing tells nothing).
pub async fn known_for(
    state: &AppState,
    headers: &HeaderMap,
    staff_id: Option<&str>,
) -> Option<String> {
    let token = cookie_value(headers, COOKIE)?;
    let hash = store::hash_token(&token);
    let owner = state.store.login_device_staff(&hash).await.ok()??;
    (Some(owner.as_str()) == staff_id).then_some(hash)
}

/// Remembers the browser for `staff_id` after a successful sign-in: keeps its token when it
/// is already known for this account, else gives it a new one. Answers the `Set-Cookie`
/// value (which also renews the cookie's age).
pub async fn remember(
    state: &AppState,
    headers: &HeaderMap,
    staff_id: &str,
    known: Option<&str>,
) -> Option<String> {
    let token = match (known, cookie_value(headers, COOKIE)) {
        (Some(_), Some(token)) => token,
        _ => random_token(),
    };
    let stored = state
        .store
        .remember_login_device(&store::hash_token(&token), staff_id, LIFETIME_S)
        .await;
    if let Err(err) = stored {
        tracing::warn!(%err, "could not remember the device a staff member signed in on");
        return None;
    }
    Some(format!(
        "{COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age={LIFETIME_S}{}",
        if is_https(state, headers) {
            "; Secure"
        } else {
            ""
        }
    ))
}
