//! Clinic changes to the default rules (`[screening.rules.<rule id>]` in a clinic file).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::RuleSet;
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
}
