//! CSRF for the sign-in form, which is posted before there is a session to hold a token.
//!
//! Without it another site could post its own credentials to `/login` from a clinic
//! browser and sign that browser in to an account of its choosing. Two checks, either of
//! which refuses:
//! - the form's `csrf` field must equal the `collagen_signin` cookie set with the form
//!   (a random token; another site can neither read the cookie nor set it here, and the
//!   cookie is `SameSite=Strict`, so a cross-site post does not even carry it);
//! - a browser that says where the post came from (`Sec-Fetch-Site`, else `Origin`) must
//!   say it came from this site.

use axum::http::{HeaderMap, header};

use super::{constant_time_eq, cookie_value, is_https, random_token};
use crate::state::AppState;

/// The cookie that carries the sign-in form's token.
pub const COOKIE: &str = "collagen_signin";
/// How long a sign-in form stays usable after it was last shown.
const LIFETIME_S: i64 = 2 * 3600;

/// The token to put in the sign-in form, and the `Set-Cookie` value that goes with it.
/// A token the browser already holds is kept, so two open sign-in tabs both work.
pub fn issue(state: &AppState, headers: &HeaderMap) -> (String, String) {
    let token = cookie_value(headers, COOKIE)
        .filter(|t| well_formed(t))
        .unwrap_or_else(random_token);
    let cookie = format!(
        "{COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age={LIFETIME_S}{}",
        if is_https(state, headers) {
            "; Secure"
        } else {
            ""
        }
    );
    (token, cookie)
}

/// A token as [`random_token`] makes them: 43 URL-safe characters.
fn well_formed(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Why a sign-in post was refused before anything else was looked at.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The browser says the post came from another site.
    CrossSite,
    /// The form's token is missing, or does not match the cookie (or there is no cookie).
    Token,
}

/// Checks a sign-in post: same site, and the form's token matches its cookie.
pub fn check(state: &AppState, headers: &HeaderMap, presented: &str) -> Result<(), Refused> {
    if cross_site(state, headers) {
        return Err(Refused::CrossSite);
    }
    match cookie_value(headers, COOKIE) {
        Some(expected) if well_formed(&expected) && constant_time_eq(presented, &expected) => {
            Ok(())
        }
        _ => Err(Refused::Token),
    }
}

/// Whether the browser says the request came from another site. `Sec-Fetch-Site` decides
/// when sent; else an `Origin` must be this site's (as configured, or as the `Host` the
/// request was sent to). An opaque `Origin: null` says nothing either way, so the token
/// alone decides.
fn cross_site(state: &AppState, headers: &HeaderMap) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
    };
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = text(header::ORIGIN) else {
        return false;
    };
    if origin == "null" {
        return false;
    }
    let origin = origin.to_ascii_lowercase();
    let configured = site_origin(&state.config.public_url);
    let host = text(header::HOST).map(str::to_ascii_lowercase);
    let authority = origin.split_once("://").map(|(_, rest)| rest);
    origin != configured && (host.is_none() || authority != host.as_deref())
}

/// `scheme://host[:port]` of a URL, lower case.
fn site_origin(url: &str) -> String {
    let url = url.to_ascii_lowercase();
    match url.split_once("://") {
        Some((scheme, rest)) => {
            format!("{scheme}://{}", rest.split('/').next().unwrap_or_default())
        }
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_origin_drops_the_path() {
        assert_eq!(
            site_origin("https://Your.Clinic/base/"),
            "https://your.clinic"
        );
        assert_eq!(
            site_origin("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080"
        );
    }

    #[test]
    fn only_random_tokens_are_accepted_as_cookies() {
        assert!(well_formed(&random_token()));
        assert!(!well_formed(""));
        assert!(!well_formed(&"a".repeat(42)));
        assert!(!well_formed(&format!("{};", "a".repeat(42))));
    }
}
