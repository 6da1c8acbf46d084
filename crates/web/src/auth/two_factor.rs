//! Two-factor sign-in's rules: who must have it, what a code is checked against, and the
//! recovery codes. The arithmetic is in [`super::totp`]; "at most once" is the store's,
//! one conditional write per code, so a code cannot be taken twice even by two requests
//! at the same instant.

use axum::http::HeaderMap;
use rand::Rng as _;

use super::{Role, cookie_value, is_https, totp};
use crate::state::AppState;

/// How many recovery codes a member is given.
pub const RECOVERY_CODES: usize = 10;
/// The cookie that carries a sign-in waiting for its code (the password was right).
pub const STEP_COOKIE: &str = "collagen_step";
/// How long the second step waits for its code.
pub const STEP_LIFETIME_S: i64 = 10 * 60;

/// What a member is told when this server cannot read their authenticator's secret: it
/// was started with another secret key than the one the secret was sealed with.
pub const KEY_TROUBLE: &str = "This server cannot check authenticator codes: it was started with a different secret key than the one your authenticator was set up under, so no code can be right here. Nothing is wrong with your code or your phone. Please tell the clinic's administrator (every server needs the same COLLAGEN_SECRET_KEY or key file); a recovery code still works.";

/// Whether the clinic requires a second step of this role: admins and practitioners, who
/// read clinical detail, when `[security] require_two_factor` is on.
pub fn required(state: &AppState, role: Role) -> bool {
    role.sees_clinical() && state.clinic().setup.security.require_two_factor
}

/// What became of a code given at the second step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checked {
    /// A current authenticator code, now used up.
    Code,
    /// A recovery code, now used up.
    RecoveryCode,
    /// The authenticator code was right but its step was already used.
    Reused,
    /// Neither a current code nor an unused recovery code.
    Wrong,
}

/// Strips what people type around a code: spaces and dashes, any case.
pub fn normalize(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Checks `code` for `staff_id`: six digits against the authenticator (each step taken at
/// most once), anything else against the unused recovery codes.
pub async fn check(
    state: &AppState,
    staff_id: &str,
    code: &str,
) -> Result<Checked, store::StoreError> {
    let code = normalize(code);
    if code.len() == totp::DIGITS as usize && code.bytes().all(|b| b.is_ascii_digit()) {
        let Some(tf) = state.store.two_factor(staff_id).await? else {
            return Ok(Checked::Wrong);
        };
        let key = totp::base32_decode(&tf.secret).unwrap_or_default();
        let now = jiff::Timestamp::now().as_second();
        let Some(step) = totp::matching_step(&key, &code, now) else {
            return Ok(Checked::Wrong);
        };
        return Ok(
            if tf.confirmed_at.is_some()
                && state.store.accept_two_factor_step(staff_id, step).await?
            {
                Checked::Code
            } else if tf.confirmed_at.is_some() {
                Checked::Reused
            } else {
                Checked::Wrong
            },
        );
    }
    if code.is_empty() || code.len() > 64 {
        return Ok(Checked::Wrong);
    }
    Ok(
        if state
            .store
            .use_recovery_code(staff_id, &store::hash_token(&code))
            .await?
        {
            Checked::RecoveryCode
        } else {
            Checked::Wrong
        },
    )
}

/// New recovery codes as shown once (`xxxxx-xxxxx`, no look-alike characters: about 49
/// bits each), with the hashes the store keeps.
pub fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    let mut rng = rand::rng();
    let shown: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let mut code: String = (0..10)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect();
            code.insert(5, '-');
            code
        })
        .collect();
    let hashes = shown
        .iter()
        .map(|c| store::hash_token(&normalize(c)))
        .collect();
    (shown, hashes)
}

/// The pending second step's token in the browser's cookie, hashed.
pub fn step_token_hash(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, STEP_COOKIE).map(|t| store::hash_token(&t))
}

/// The `Set-Cookie` value for a pending second step (empty token and age 0 clear it).
pub fn step_cookie(state: &AppState, headers: &HeaderMap, token: &str, max_age: i64) -> String {
    format!(
        "{STEP_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if is_https(state, headers) {
            "; Secure"
        } else {
            ""
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_distinct_and_hashed_as_typed_loosely() {
        let (shown, hashes) = new_recovery_codes();
        assert_eq!(shown.len(), RECOVERY_CODES);
        let distinct: std::collections::BTreeSet<_> = shown.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        for (code, hash) in shown.iter().zip(&hashes) {
            assert_eq!(code.len(), 11);
            assert_eq!(&code[5..6], "-");
            let typed = format!(" {} ", code.to_uppercase().replace('-', " "));
            assert_eq!(&store::hash_token(&normalize(&typed)), hash);
        }
    }
}
