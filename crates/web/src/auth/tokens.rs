//! API tokens: `Authorization: Bearer TOKEN` on `/api/v1/admin/…` only. A token carries no
//! role of its own; the member's role and whether the login is active are read at each use.
//! A bearer request needs no CSRF token: a browser never adds the header by itself, so
//! another site cannot make one carry it.

use axum::http::{HeaderMap, header};

use super::sessions::Credential;
use super::{Role, StaffSession, random_token};
use crate::state::AppState;

/// The token in an `Authorization: Bearer …` header, if the request has one (even a
/// malformed one, which then matches nothing).
pub fn presented(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?;
    let text = String::from_utf8_lossy(value.as_bytes());
    let text = text.trim();
    let (scheme, token) = text.split_once(' ').unwrap_or((text, ""));
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// The staff member a presented token stands for, while it is unrevoked and their login
/// active. The session's CSRF token is random and never shown, since bearer requests are
/// not CSRF-checked and nothing may be posted with it.
pub async fn session_for(state: &AppState, token: &str) -> Option<(StaffSession, Credential)> {
    if token.is_empty() {
        return None;
    }
    let (staff, token_id) = state
        .store
        .staff_for_token(&store::hash_token(token))
        .await
        .ok()??;
    let role = Role::parse(&staff.role)?;
    Some((
        StaffSession {
            staff,
            role,
            csrf: random_token(),
        },
        Credential::Bearer { token_id },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_bearer_scheme_is_read() {
        let mut headers = HeaderMap::new();
        assert_eq!(presented(&headers), None);
        headers.insert(header::AUTHORIZATION, "Bearer abc".parse().unwrap());
        assert_eq!(presented(&headers).as_deref(), Some("abc"));
        headers.insert(header::AUTHORIZATION, "bearer  abc ".parse().unwrap());
        assert_eq!(presented(&headers).as_deref(), Some("abc"));
        headers.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(presented(&headers), None);
        headers.insert(header::AUTHORIZATION, "Bearer".parse().unwrap());
        assert_eq!(presented(&headers).as_deref(), Some(""));
    }
}
