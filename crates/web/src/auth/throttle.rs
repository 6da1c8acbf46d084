//! How sign-in is throttled. This is the one home of the rule; `/login` only asks it.
//!
//! - Every attempt is **counted before its password is checked**, by one atomic statement
//!   per key in the database (`Store::count_login_attempt`), so a burst of parallel
//!   requests, or requests spread over several `serve` processes sharing one database,
//!   cannot all pass the check: at most the allowance is ever verified.
//! - The keys, each with its allowance per [`WINDOW_S`]:
//!   an account at one address ([`PER_ACCOUNT_AND_ADDRESS`]), an address over every
//!   account ([`PER_ADDRESS`]), and an account from every address together
//!   ([`PER_ACCOUNT`]). A browser that has signed in to the account before (a known
//!   device) is counted on its own key instead ([`PER_KNOWN_DEVICE`]).
//! - The keys are counted in that order and counting stops at the first key that is over
//!   its allowance (the earlier keys get their count back), so a throttled address cannot
//!   use up its account's allowance.
//! - Past an allowance the answer is to **wait, never a lock-out**: the refusal says until
//!   when (the rest of the window, also as `Retry-After`), guessing at one address never
//!   holds back the owner at another, and even an account guessed at from many addresses
//!   still opens from a device that has signed in to it before.
//! - The right password forgets the failures of its own key (the account at that address,
//!   or the device) and gives back its count on the shared keys (address, account),
//!   since it was no guess.
//! - The second step (an authenticator or recovery code, after the right password) is
//!   counted the same way on keys of its own ([`code_keys`]): per account at an address
//!   ([`CODES_PER_ACCOUNT_AND_ADDRESS`]) and per account ([`CODES_PER_ACCOUNT`]), or a
//!   known device's own key.

use std::net::IpAddr;

use store::{AttemptCount, Store, StoreError};

/// The length of one counting window, in seconds.
pub const WINDOW_S: i64 = 15 * 60;
/// Attempts one address may make at one account per window.
pub const PER_ACCOUNT_AND_ADDRESS: i64 = 8;
/// Attempts one address may make over all accounts per window: enough for the staff of a
/// clinic behind one shared address to mistype now and then.
pub const PER_ADDRESS: i64 = 30;
/// Attempts an account may receive from all addresses together per window; past it, only
/// known devices may try until the window ends.
pub const PER_ACCOUNT: i64 = 30;
/// Attempts a known device may make at its account per window.
pub const PER_KNOWN_DEVICE: i64 = 8;

/// Codes one address may try at one account's second step per window.
pub const CODES_PER_ACCOUNT_AND_ADDRESS: i64 = 8;
/// Codes an account's second step may be tried with from all addresses per window: with
/// three steps open at a time, a few dozen tries of a million codes.
pub const CODES_PER_ACCOUNT: i64 = 20;

/// Which allowance a key stands for; it decides what the refusal says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    AccountAtAddress,
    Address,
    Account,
    KnownDevice,
    /// Codes at the second step from one address, or from a known device.
    Code,
    /// Codes at the second step from everywhere together.
    CodeAccount,
}

/// One sign-in attempt as the throttle sees it.
pub struct Attempt<'a> {
    /// The account's email, trimmed and in lower case (whether or not such an account exists).
    pub account: &'a str,
    /// The client's address, from the same source as the booking limit (`ClientAddr`).
    pub address: IpAddr,
    /// The hash of the known-device token, when the browser sent one for this account.
    pub known_device: Option<&'a str>,
}

/// The keys an attempt is counted on, in order, with their allowances.
fn keys(attempt: &Attempt<'_>) -> Vec<(String, i64, Scope)> {
    let (account, address) = (attempt.account, attempt.address);
    match attempt.known_device {
        Some(device) => vec![(
            format!("device:{device}"),
            PER_KNOWN_DEVICE,
            Scope::KnownDevice,
        )],
        None => vec![
            (
                format!("account-address:{account}|{address}"),
                PER_ACCOUNT_AND_ADDRESS,
                Scope::AccountAtAddress,
            ),
            (format!("address:{address}"), PER_ADDRESS, Scope::Address),
            (format!("account:{account}"), PER_ACCOUNT, Scope::Account),
        ],
    }
}

/// The keys a second-step code is counted on, for the account `staff_id`.
pub fn code_keys(attempt: &Attempt<'_>) -> Vec<(String, i64, Scope)> {
    let (account, address) = (attempt.account, attempt.address);
    match attempt.known_device {
        Some(device) => vec![(
            format!("code-device:{device}"),
            CODES_PER_ACCOUNT_AND_ADDRESS,
            Scope::Code,
        )],
        None => vec![
            (
                format!("code-account-address:{account}|{address}"),
                CODES_PER_ACCOUNT_AND_ADDRESS,
                Scope::Code,
            ),
            (
                format!("code-account:{account}"),
                CODES_PER_ACCOUNT,
                Scope::CodeAccount,
            ),
        ],
    }
}

/// An attempt that may go on to the password check, with what it counted.
pub struct Reservation {
    counted: Vec<(String, AttemptCount, Scope)>,
}

/// An attempt refused before its password was looked at.
#[derive(Debug, PartialEq, Eq)]
pub struct Throttled {
    pub scope: Scope,
    /// Seconds until the key's window ends (at least 1).
    pub retry_after_s: i64,
}

impl Throttled {
    /// What the sign-in page says: why, and how long to wait.
    pub fn message(&self) -> String {
        let wait = wait_words(self.retry_after_s);
        match self.scope {
            Scope::AccountAtAddress => format!(
                "Too many failed sign-ins to this account from your network. Please wait {wait} and try again. Signing in from a device you have signed in on before still works."
            ),
            Scope::Address => format!(
                "Too many failed sign-ins from your network. Please wait {wait} and try again."
            ),
            Scope::Account => format!(
                "Too many failed sign-ins to this account from several places. For now it can only be signed in to from a device that has signed in to it before; anywhere else, please wait {wait}."
            ),
            Scope::KnownDevice => format!(
                "Too many failed sign-ins from this device. Please wait {wait} and try again."
            ),
            Scope::Code | Scope::CodeAccount => {
                format!("Too many wrong codes for this account. Please wait {wait} and try again.")
            }
        }
    }
}

/// "N minutes", rounded up, so the page never promises less than `Retry-After`.
fn wait_words(seconds: i64) -> String {
    let minutes = (seconds.max(1) + 59) / 60;
    if minutes == 1 {
        "1 minute".into()
    } else {
        format!("{minutes} minutes")
    }
}

/// Counts an attempt on each of its keys in turn; `Ok(Err(_))` when one is over its
/// allowance (then the keys counted before it get their count back).
pub async fn reserve(
    store: &Store,
    attempt: &Attempt<'_>,
) -> Result<Result<Reservation, Throttled>, StoreError> {
    reserve_keys(store, keys(attempt)).await
}

/// Counts a second-step code like [`reserve`] counts a password, on [`code_keys`]; the
/// attempt's `account` is the member's id.
pub async fn reserve_code(
    store: &Store,
    attempt: &Attempt<'_>,
) -> Result<Result<Reservation, Throttled>, StoreError> {
    reserve_keys(store, code_keys(attempt)).await
}

async fn reserve_keys(
    store: &Store,
    keys: Vec<(String, i64, Scope)>,
) -> Result<Result<Reservation, Throttled>, StoreError> {
    let mut counted: Vec<(String, AttemptCount, Scope)> = Vec::new();
    for (key, allowance, scope) in keys {
        let count = store.count_login_attempt(&key, WINDOW_S).await?;
        if count.attempts > allowance {
            for (key, count, _) in &counted {
                store.refund_login_attempt(key, *count).await?;
            }
            let ends = count.window_started_at + WINDOW_S;
            let now = jiff::Timestamp::now().as_second();
            return Ok(Err(Throttled {
                scope,
                retry_after_s: (ends - now).max(1),
            }));
        }
        counted.push((key, count, scope));
    }
    Ok(Ok(Reservation { counted }))
}

/// The password was right: forget the failures on the attempt's own key and give back its
/// count on the shared ones.
pub async fn succeeded(store: &Store, reservation: Reservation) -> Result<(), StoreError> {
    for (key, count, scope) in reservation.counted {
        match scope {
            Scope::AccountAtAddress | Scope::KnownDevice | Scope::Code => {
                store.clear_login_attempts(&key).await?
            }
            Scope::Address | Scope::Account | Scope::CodeAccount => {
                store.refund_login_attempt(&key, count).await?
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_device_is_counted_on_its_own_key_only() {
        let address: IpAddr = "10.0.0.1".parse().unwrap();
        let stranger = keys(&Attempt {
            account: "owner@clinic.example",
            address,
            known_device: None,
        });
        let scopes: Vec<Scope> = stranger.iter().map(|k| k.2).collect();
        assert_eq!(
            scopes,
            [Scope::AccountAtAddress, Scope::Address, Scope::Account]
        );
        assert!(
            stranger[0].0.contains("owner@clinic.example") && stranger[0].0.contains("10.0.0.1")
        );
        let device = keys(&Attempt {
            account: "owner@clinic.example",
            address,
            known_device: Some("abc"),
        });
        assert_eq!(device.len(), 1);
        assert_eq!(device[0].2, Scope::KnownDevice);
    }

    #[test]
    fn the_wait_is_rounded_up_to_whole_minutes() {
        assert_eq!(wait_words(1), "1 minute");
        assert_eq!(wait_words(60), "1 minute");
        assert_eq!(wait_words(61), "2 minutes");
        assert_eq!(wait_words(WINDOW_S), "15 minutes");
        let t = Throttled {
            scope: Scope::AccountAtAddress,
            retry_after_s: 890,
        };
        assert!(t.message().contains("wait 15 minutes"), "{}", t.message());
    }
}
