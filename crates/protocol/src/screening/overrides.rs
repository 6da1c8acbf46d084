//! Clinic changes to the default rules (`[screening.rules.<rule id>]` in a clinic file).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{RuleSet, rules::Rule};
use crate::{Outcome, OverrideError, wait::Wait};

/// A clinic's changes to screening rules, by rule id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ScreeningOverrides {
    /// Changes by rule id, e.g. `isotretinoin = { wait = "12 months" }`.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleOverride>,
}

/// A clinic's change to one rule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOverride {
    /// A new waiting period such as `"12 months"` (only for rules that have one).
    #[serde(default)]
    pub wait: Option<String>,
    /// A new outcome; `eligible` switches the rule off.
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// Why the clinic weakens the rule; required for a milder outcome or a shorter wait, and
    /// shown to practitioners beside each finding of the rule.
    #[serde(default)]
    pub reason: Option<String>,
}

impl RuleSet {
    /// Applies a clinic's overrides. Changed rules report `clinic_override = true` and the source
    /// `"Clinic protocol (default: <original source>)"`; the version gains a `+clinic` suffix.
    pub fn with_overrides(
        mut self,
        overrides: &ScreeningOverrides,
    ) -> Result<RuleSet, OverrideError> {
        let known: Vec<&str> = self.rules.iter().map(|r| r.id.as_str()).collect();
        let known = known.join(", ");
        let mut changed = false;
        for (id, change) in &overrides.rules {
            let field = format!("screening.rules.{id}");
            let rule = self.rules.iter_mut().find(|r| r.id == *id).ok_or_else(|| {
                OverrideError::new(
                    &field,
                    format!("There is no screening rule \"{id}\"; the rules are: {known}."),
                )
            })?;
            let reason = change
                .reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty());
            if change.wait.is_none() && change.outcome.is_none() {
                continue;
            }
            if let Some(wait) = &change.wait {
                let field = format!("{field}.wait");
                if rule.wait.is_none() {
                    return Err(OverrideError::new(
                        field,
                        "This rule has no waiting period to change.",
                    ));
                }
                rule.wait = Some(Wait::parse(wait).map_err(|m| OverrideError::new(field, m))?);
            }
            if let Some(outcome) = change.outcome {
                rule.outcome = outcome;
            }
            check_floor(rule, &field, reason)?;
            rule.reason = reason.map(str::to_owned);
            if !rule.clinic_override {
                rule.clinic_override = true;
                rule.source = format!("Clinic protocol (default: {})", rule.source);
            }
            changed = true;
        }
        if changed {
            self.render_questions();
            if !self.version.ends_with("+clinic") {
                self.version.push_str("+clinic");
            }
        }
        Ok(self)
    }

    /// The clinic's written reason for changing rule `id`, if it gave one.
    pub fn clinic_reason(&self, id: &str) -> Option<&str> {
        self.rules
            .iter()
            .find(|r| r.id == id)
            .and_then(|r| r.reason.as_deref())
    }

    /// The waiting period of rule `id` in words ("6 months"), with the clinic's override.
    pub fn wait_text(&self, id: &str) -> Option<&str> {
        self.rules
            .iter()
            .find(|r| r.id == id)
            .and_then(|r| r.wait.as_ref())
            .map(Wait::text)
    }

    /// Whether only a prescriber may confirm a booking with a finding of rule `id`
    /// (`needs_prescriber` in `data/screening.toml`).
    pub fn needs_prescriber(&self, id: &str) -> bool {
        self.rules.iter().any(|r| r.id == id && r.needs_prescriber)
    }
}

/// Refuses a change that takes a device-label contraindication below its floor, and a
/// weakening (milder outcome, shorter wait) that comes without a written reason.
fn check_floor(rule: &Rule, field: &str, reason: Option<&str>) -> Result<(), OverrideError> {
    let switched_off = rule.wait.as_ref().is_some_and(is_zero);
    if let Some(floor) = rule.floor {
        if rule.outcome < floor {
            return Err(OverrideError::new(
                format!("{field}.outcome"),
                format!(
                    "The device instructions list this as a contraindication (SkinPen Precision \
                     instructions for use [17]); a clinic may set it no milder than \"{floor}\", \
                     not \"{}\".",
                    rule.outcome
                ),
            ));
        }
        if switched_off {
            return Err(OverrideError::new(
                format!("{field}.wait"),
                "The device instructions list this as a contraindication (SkinPen Precision \
                 instructions for use [17]); a wait of nothing would switch it off.",
            ));
        }
    }
    let milder = rule.outcome < rule.default_outcome;
    let shorter = match (&rule.wait, &rule.default_wait) {
        (Some(new), Some(default)) => may_end_before(new, default),
        _ => false,
    };
    if (milder || shorter) && reason.is_none() {
        let what = if milder {
            format!(
                "a milder outcome than the default \"{}\"",
                rule.default_outcome
            )
        } else {
            format!(
                "a shorter wait than the default {}",
                rule.default_wait.as_ref().map_or("", |w| w.text())
            )
        };
        return Err(OverrideError::new(
            format!("{field}.reason"),
            format!(
                "This sets {what}; write why in `reason`, so practitioners see it beside each finding."
            ),
        ));
    }
    Ok(())
}

/// A wait that ends the day it starts.
fn is_zero(wait: &Wait) -> bool {
    let day = jiff::civil::date(2001, 1, 1);
    wait.after(day) == day
}

/// Whether `new` ends before `default` from some start date: months and years vary in
/// length, so every start over four years (a leap cycle) is tried.
fn may_end_before(new: &Wait, default: &Wait) -> bool {
    let mut day = jiff::civil::date(2001, 1, 1);
    for _ in 0..(4 * 366) {
        if new.after(day) < default.after(day) {
            return true;
        }
        day = day.tomorrow().unwrap_or(day);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str) -> Result<RuleSet, OverrideError> {
        RuleSet::builtin().with_overrides(&toml::from_str(text).unwrap())
    }

    #[test]
    fn floors_are_in_the_data() {
        let set = RuleSet::builtin();
        let floored: Vec<&str> = set
            .rules
            .iter()
            .filter(|r| r.floor == Some(Outcome::Consult))
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(
            floored,
            [
                "isotretinoin",
                "active_infection",
                "skin_cancer",
                "pregnancy",
                "bleeding",
                "metal_or_anaesthetic_allergy"
            ]
        );
    }

    #[test]
    fn below_the_floor_is_refused_even_with_a_reason() {
        let err = apply("[rules.pregnancy]\noutcome = \"eligible\"\nreason = \"r\"\n").unwrap_err();
        assert_eq!(err.field, "screening.rules.pregnancy.outcome");
        let err = apply("[rules.isotretinoin]\nwait = \"0 days\"\nreason = \"r\"\n").unwrap_err();
        assert_eq!(err.field, "screening.rules.isotretinoin.wait");
        assert!(apply("[rules.pregnancy]\noutcome = \"consult\"\nreason = \"r\"\n").is_ok());
    }

    #[test]
    fn weakening_without_a_reason_is_refused() {
        for text in [
            "[rules.keloid]\noutcome = \"eligible\"\n",
            "[rules.skin_cancer]\noutcome = \"defer\"\n",
            "[rules.sunburn]\nwait = \"13 days\"\n",
            "[rules.isotretinoin]\nwait = \"26 weeks\"\n",
        ] {
            let err = apply(text).unwrap_err();
            assert!(err.field.ends_with(".reason"), "{text}: {err}");
            let with_reason = format!("{text}reason = \"Why.\"\n");
            let set = apply(&with_reason).unwrap();
            let id = text.split(['.', ']']).nth(1).unwrap();
            assert_eq!(set.clinic_reason(id), Some("Why."), "{text}");
        }
        // the same or a longer wait is no weakening
        assert!(apply("[rules.sunburn]\nwait = \"14 days\"\n").is_ok());
        assert!(apply("[rules.isotretinoin]\nwait = \"1 year\"\n").is_ok());
        assert_eq!(RuleSet::builtin().clinic_reason("sunburn"), None);
    }

    #[test]
    fn doctor_approval_is_marked_in_the_data() {
        let set = RuleSet::builtin();
        for id in [
            "keloid",
            "herpes_history",
            "inflammatory_acne",
            "skin_cancer",
            "bleeding",
            "active_infection",
            "immunosuppression",
        ] {
            assert!(set.needs_prescriber(id), "{id}");
        }
        for id in ["age_under_22", "sunburn", "nope"] {
            assert!(!set.needs_prescriber(id), "{id}");
        }
    }
}
