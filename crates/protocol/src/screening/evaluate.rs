//! Judging answers against the rules.

use jiff::civil::Date;
use serde::Serialize;

use super::{Answer, Answers, QuestionKind, RuleSet};
use crate::Outcome;

/// One rule that applies to the client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule id (a key of `[screening.rules]`), or `unanswered.<question id>`.
    pub rule: String,
    /// What the rule means for treatment.
    pub outcome: Outcome,
    /// Plain words for the client: what and why.
    pub message: String,
    /// The first date the rule no longer applies (treatment on this date is allowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// Where the rule comes from, e.g. `"SkinPen Precision instructions for use [17]"`.
    pub source: String,
    /// Whether the clinic changed this rule's default.
    pub clinic_override: bool,
}

/// The verdict on a set of answers for one treatment date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Screening {
    /// The worst finding's outcome; eligible when there are none.
    pub outcome: Outcome,
    /// When deferred and every deferral has an end date: the first date treatment is possible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earliest_date: Option<Date>,
    /// Findings, worst first (rule order within an outcome).
    pub findings: Vec<Finding>,
}

impl RuleSet {
    /// Judges `answers` for a treatment on `treatment_date`; `today` anchors rules such as
    /// sunburn whose wait runs from the day of answering.
    ///
    /// A yes/no rule applies on "yes"; a date rule while `treatment_date` is before the answered
    /// date plus its wait (that sum is the finding's `until`; a day of month the end month lacks
    /// rolls forward to the 1st of the next, so 31 August + 6 months ends on 1 March and a wait
    /// never ends early). A required question without a usable answer (e.g. answers stored
    /// under an older rule set) gives a `consult` finding.
    pub fn screen(&self, answers: &Answers, treatment_date: Date, today: Date) -> Screening {
        let mut findings = Vec::new();
        for q in &self.questions {
            let usable = match answers.get(&q.id) {
                Some(a) => a.fits(q),
                None => !q.required,
            };
            if !usable {
                findings.push(Finding {
                    rule: format!("unanswered.{}", q.id),
                    outcome: Outcome::Consult,
                    message: format!(
                        "We need your answer to \"{}\" before treatment; your practitioner will go through it with you.",
                        q.text
                    ),
                    until: None,
                    source: format!("Screening questionnaire {}", self.version),
                    clinic_override: false,
                });
            }
        }
        for rule in &self.rules {
            if rule.outcome == Outcome::Eligible {
                continue; // switched off by the clinic
            }
            let Some(q) = self.question(&rule.question) else {
                continue;
            };
            let anchor = match (q.kind, answers.get(&q.id)) {
                (QuestionKind::YesNo, Some(Answer::YesNo(true))) => Some(today),
                (QuestionKind::Choice, Some(Answer::Choice(c))) if rule.when.contains(c) => {
                    Some(today)
                }
                (QuestionKind::Date, Some(Answer::Date(Some(d)))) => Some(*d),
                _ => None,
            };
            let Some(anchor) = anchor else { continue };
            let until = rule.wait.as_ref().map(|w| w.after(anchor));
            if until.is_some_and(|u| treatment_date >= u) {
                continue;
            }
            findings.push(Finding {
                rule: rule.id.clone(),
                outcome: rule.outcome,
                message: rule.message(),
                until,
                source: rule.source.clone(),
                clinic_override: rule.clinic_override,
            });
        }
        findings.sort_by_key(|f| std::cmp::Reverse(f.outcome));

        let outcome = findings
            .iter()
            .map(|f| f.outcome)
            .max()
            .unwrap_or(Outcome::Eligible);
        let earliest_date = if outcome == Outcome::Defer {
            findings
                .iter()
                .filter(|f| f.outcome == Outcome::Defer)
                .map(|f| f.until)
                .collect::<Option<Vec<Date>>>()
                .and_then(|dates| dates.into_iter().max())
        } else {
            None
        };
        Screening {
            outcome,
            earliest_date,
            findings,
        }
    }
}
