//! What a stored screening covers: the areas it was answered for, the client it belongs to,
//! and how long it stays valid. Booking asks here, and so does the arrival check
//! (`visits/arrival.rs`) with the treatment's time; a client's "nothing has changed" at arrival
//! restarts the validity from that moment.

use clinic::{ClinicSnapshot, ServiceSetup};
use jiff::{SignedDuration, Timestamp};

/// The areas a service treats. A service that lists none counts as a face treatment: that is
/// what every service was before `areas` existed, and what a screening without areas covers.
pub fn service_areas(service: &ServiceSetup) -> Vec<String> {
    if service.areas.is_empty() {
        vec![FACE.to_owned()]
    } else {
        service.areas.clone()
    }
}

/// The area older screenings and API clients that name none were answered for.
pub const FACE: &str = "face";

/// Checks the areas a client says the answers are for: known ids, at least one, each once.
/// `None` (an API client from before areas) means the face.
pub fn checked_areas(areas: Option<&[String]>) -> Result<Vec<String>, String> {
    let Some(areas) = areas else {
        return Ok(vec![FACE.to_owned()]);
    };
    if areas.is_empty() {
        return Err("Please choose at least one area: face, body or scalp.".into());
    }
    let mut out: Vec<String> = Vec::new();
    for a in areas {
        let a = a.trim();
        if !ServiceSetup::AREAS.contains(&a) {
            return Err(format!(
                "\"{a}\" is not an area we treat; choose from face, body and scalp."
            ));
        }
        if !out.iter().any(|o| o == a) {
            out.push(a.to_owned());
        }
    }
    Ok(out)
}

/// The e-mail a screening is bound to: compared without case or surrounding spaces.
pub fn owner_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A stored screening's reach.
pub struct Scope<'a> {
    pub scope: &'a store::ScreeningScope,
}

impl Scope<'_> {
    /// When the screening stops being valid: `[visits] screening_valid_days` after answering,
    /// or after the client last confirmed at arrival that nothing had changed.
    pub fn valid_until(&self, clinic: &ClinicSnapshot) -> Timestamp {
        let days = i64::from(clinic.setup.visits.screening_valid_days);
        let from = self
            .scope
            .created_at
            .max(self.scope.confirmed_at.unwrap_or(i64::MIN));
        Timestamp::from_second(from).unwrap_or(Timestamp::MIN)
            + SignedDuration::from_hours(24 * days)
    }

    /// Whether the answers are recent enough at `at`.
    pub fn is_current(&self, clinic: &ClinicSnapshot, at: Timestamp) -> bool {
        at < self.valid_until(clinic)
    }

    /// Whether the answers were given for every one of `areas`.
    pub fn covers(&self, areas: &[String]) -> bool {
        areas.iter().all(|a| self.scope.areas.contains(a))
    }

    /// Why this screening cannot be used at `now` for a service treating `areas` by the client
    /// with `email` (`None` skips the owner check), in the client's words; `None` when it can.
    pub fn problem(
        &self,
        clinic: &ClinicSnapshot,
        areas: &[String],
        email: Option<&str>,
        now: Timestamp,
    ) -> Option<String> {
        if !self.is_current(clinic, now) {
            return Some(format!(
                "Your safety answers are more than {} days old. Please answer the questions again so we know how you are now.",
                clinic.setup.visits.screening_valid_days
            ));
        }
        let missing: Vec<&str> = areas
            .iter()
            .filter(|a| !self.scope.areas.contains(a))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Some(format!(
                "Your safety answers were for the {}, but this treatment is for the {}. Please answer the questions again for this area.",
                self.scope.areas.join(" and "),
                missing.join(" and ")
            ));
        }
        match (email, &self.scope.email) {
            (Some(email), Some(owner)) if owner_key(email) != *owner => Some(NOT_YOURS.to_owned()),
            _ => None,
        }
    }
}

/// Said when a screening was booked with under another e-mail address.
pub const NOT_YOURS: &str = "These safety answers were given for someone else's booking. Please answer the questions yourself.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_are_checked_and_default_to_the_face() {
        assert_eq!(checked_areas(None).unwrap(), ["face"]);
        let both = ["body".to_owned(), "face".to_owned(), "body".to_owned()];
        assert_eq!(checked_areas(Some(&both)).unwrap(), ["body", "face"]);
        assert!(checked_areas(Some(&[])).is_err());
        assert!(checked_areas(Some(&["elbow".to_owned()])).is_err());
    }

    #[test]
    fn a_scope_refuses_other_areas_other_owners_and_old_answers() {
        let clinic = ClinicSnapshot::new(clinic::demo(), 1);
        let answered = Timestamp::from_second(1_800_000_000).unwrap();
        let scope = store::ScreeningScope {
            areas: vec!["face".into()],
            email: Some("ann@example.com".into()),
            created_at: answered.as_second(),
            confirmed_at: None,
        };
        let s = Scope { scope: &scope };
        let face = ["face".to_owned()];
        let soon = answered + SignedDuration::from_hours(1);
        assert_eq!(
            s.problem(&clinic, &face, Some(" Ann@Example.com"), soon),
            None
        );
        assert!(
            s.problem(&clinic, &["body".to_owned()], None, soon)
                .unwrap()
                .contains("for the body")
        );
        assert_eq!(
            s.problem(&clinic, &face, Some("bob@example.com"), soon)
                .as_deref(),
            Some(NOT_YOURS)
        );
        let days = i64::from(clinic.setup.visits.screening_valid_days);
        let last = answered + SignedDuration::from_hours(24 * days) - SignedDuration::from_secs(1);
        assert_eq!(s.problem(&clinic, &face, None, last), None);
        let expired = last + SignedDuration::from_secs(1);
        assert!(
            s.problem(&clinic, &face, None, expired)
                .unwrap()
                .contains("days old")
        );
        // Confirming at arrival that nothing changed restarts the days from then.
        let confirmed = store::ScreeningScope {
            confirmed_at: Some(expired.as_second()),
            ..scope.clone()
        };
        let c = Scope { scope: &confirmed };
        assert_eq!(c.problem(&clinic, &face, None, expired), None);
        assert!(c.covers(&face) && !c.covers(&["body".to_owned()]));
    }
}
