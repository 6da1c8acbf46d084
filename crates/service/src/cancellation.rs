//! The cancellation policy a client reads and agrees to before booking online. Its words
//! follow the clinic's own cancel window and phone, and its SHA-256 covers exactly the text
//! shown, so the evidence kept with a booking says what the client saw.

use clinic::ClinicSnapshot;

use crate::Refusal;
use crate::visits::sha256_hex;

/// Raised when the policy's meaning changes, so evidence names which wording was agreed.
pub const CANCELLATION_POLICY_VERSION: i64 = 1;

/// The policy as shown to a client now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancellationPolicy {
    pub version: i64,
    pub title: String,
    /// Plain sentences, one paragraph each, separated by a blank line.
    pub text: String,
    /// SHA-256 of `text`, lower-case hex.
    pub sha256: String,
}

impl CancellationPolicy {
    /// The policy in this clinic's terms.
    pub fn of(clinic: &ClinicSnapshot) -> CancellationPolicy {
        let info = &clinic.setup.clinic;
        let hours = clinic.cancel_notice_hours();
        let window = match hours {
            0 => "until it starts".to_owned(),
            1 => "until 1 hour before it starts".to_owned(),
            n => format!("until {n} hours before it starts"),
        };
        let text = format!(
            "You can cancel or move your appointment yourself from the link in your confirmation email, {window}.\n\n\
             After that it can no longer be changed online: please call {} on {}.\n\n\
             If you cannot come, please tell us as early as you can, so we can offer the time to someone waiting for it.",
            info.name, info.phone
        );
        CancellationPolicy {
            version: CANCELLATION_POLICY_VERSION,
            title: "Cancellation policy".into(),
            sha256: sha256_hex(&text),
            text,
        }
    }

    /// The paragraphs of the text, for pages.
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.text.split("\n\n")
    }

    /// Checks that what the client says they agreed to is this policy, and turns it into
    /// the evidence kept with the booking.
    pub(crate) fn agreement(
        &self,
        agreed: &PolicyConsent,
        now: jiff::Timestamp,
    ) -> Result<store::PolicyAgreement, Refusal> {
        if agreed.version != self.version || !agreed.sha256.eq_ignore_ascii_case(&self.sha256) {
            return Err(Refusal::invalid(
                "cancellation_policy",
                "Our cancellation policy has changed since it was shown to you; please read it again and agree to it.",
            ));
        }
        Ok(store::PolicyAgreement {
            policy: "cancellation".into(),
            version: self.version,
            text: self.text.clone(),
            sha256: self.sha256.clone(),
            agreed_at: now,
            address: agreed.address.clone(),
            user_agent: agreed.user_agent.clone(),
        })
    }
}

/// What a client says they agreed to (the version and hash they were shown), and from
/// where: the address and browser the edge saw.
#[derive(Clone, Debug, Default)]
pub struct PolicyConsent {
    pub version: i64,
    pub sha256: String,
    pub address: String,
    pub user_agent: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_follows_the_clinic_and_its_hash_the_text() {
        let demo = ClinicSnapshot::new(clinic::demo(), 1);
        let policy = CancellationPolicy::of(&demo);
        let hours = demo.cancel_notice_hours();
        assert!(
            policy.text.contains(&format!("{hours} hours")),
            "{}",
            policy.text
        );
        assert!(policy.text.contains(&demo.setup.clinic.phone));
        assert_eq!(policy.sha256, sha256_hex(&policy.text));
        let mut setup = clinic::demo();
        setup.booking.cancel_notice_hours = 1;
        let changed = CancellationPolicy::of(&ClinicSnapshot::new(setup, 2));
        assert!(changed.text.contains("until 1 hour before"));
        assert_ne!(changed.sha256, policy.sha256);
    }

    #[test]
    fn a_stale_hash_is_refused_on_its_field() {
        let policy = CancellationPolicy::of(&ClinicSnapshot::new(clinic::demo(), 1));
        let now = jiff::Timestamp::now();
        let mut agreed = PolicyConsent {
            version: policy.version,
            sha256: policy.sha256.to_uppercase(),
            address: "192.0.2.1".into(),
            user_agent: "Phone".into(),
        };
        let kept = policy.agreement(&agreed, now).unwrap();
        assert_eq!(
            (kept.sha256.as_str(), kept.address.as_str()),
            (policy.sha256.as_str(), "192.0.2.1")
        );
        agreed.sha256 = "0".repeat(64);
        let refusal = policy.agreement(&agreed, now).unwrap_err();
        assert_eq!(refusal.field(), Some("cancellation_policy"));
        agreed.sha256 = policy.sha256.clone();
        agreed.version = 0;
        assert!(policy.agreement(&agreed, now).is_err());
    }
}
