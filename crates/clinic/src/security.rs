//! `[security]`: how staff prove who they are and how long a quiet session stays open.
//! Both keys are optional, so a clinic file written before them still loads.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

/// `[security]` in the clinic file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityPolicy {
    /// Admins and practitioners, who can read clinical detail, must sign in with a second
    /// step (an authenticator code). Default false: any staff member may still turn it on.
    pub require_two_factor: bool,
    /// A back-office session that sees no request for this many minutes is signed out,
    /// whatever is left of its absolute lifetime. Default 60.
    pub session_idle_minutes: u32,
}

impl SecurityPolicy {
    /// Allowed `session_idle_minutes`: five minutes to a working day.
    pub const SESSION_IDLE_MINUTES: RangeInclusive<u32> = 5..=720;

    /// The idle limit in seconds, as sessions are stored.
    pub fn session_idle_seconds(&self) -> i64 {
        i64::from(self.session_idle_minutes) * 60
    }
}

impl Default for SecurityPolicy {
    fn default() -> Self {
        SecurityPolicy {
            require_two_factor: false,
            session_idle_minutes: 60,
        }
    }
}

/// Checks `[security]`; the offending field and what is wrong.
pub(crate) fn check(policy: &SecurityPolicy) -> Result<(), (String, String)> {
    let range = SecurityPolicy::SESSION_IDLE_MINUTES;
    let value = policy.session_idle_minutes;
    if range.contains(&value) {
        return Ok(());
    }
    Err((
        "security.session_idle_minutes".into(),
        format!(
            "must be between {} and {} minutes, not {value}",
            range.start(),
            range.end()
        ),
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn security_is_optional_and_checked() {
        let setup = crate::demo();
        assert_eq!(setup.security, super::SecurityPolicy::default());
        let text = include_str!("../data/demo.toml");
        let on =
            format!("{text}\n[security]\nrequire_two_factor = true\nsession_idle_minutes = 30\n");
        let parsed = crate::parse(&on, None).expect("valid");
        assert!(parsed.security.require_two_factor);
        assert_eq!(parsed.security.session_idle_seconds(), 1800);
        let bad = format!("{text}\n[security]\nsession_idle_minutes = 1\n");
        let err = crate::parse(&bad, None).unwrap_err();
        assert_eq!(err.field, "security.session_idle_minutes");
    }
}
