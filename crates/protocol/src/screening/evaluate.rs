//! Judging answers against the rules.

use jiff::civil::Date;
use serde::Serialize;

use super::{Answer, Answers, QuestionKind, Rule, RuleSet};
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
    /// Only a practitioner's review ends this finding ("defer; consult"). Shown when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub review: bool,
}

/// The verdict on a set of answers for one treatment date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Screening {
    /// The worst finding's outcome; eligible when there are none.
    pub outcome: Outcome,
    /// When deferred and every deferral has an end date: the first date treatment is possible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earliest_date: Option<Date>,
    /// A practitioner must review the answers before treatment, whatever the outcome: a
    /// `consult` finding, or a deferral only they end. Shown when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub review: bool,
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
    /// never ends early). A medicine still being taken ("current") defers with no date. An age
    /// rule applies while the client is under its age on `treatment_date` (a 29 February
    /// birthday falls on 1 March in a common year). A review rule defers treatment on `today`
    /// and holds any later one for a practitioner. A required question without a usable answer
    /// (e.g. answers stored under an older rule set) gives a `consult` finding.
    pub fn screen(&self, answers: &Answers, treatment_date: Date, today: Date) -> Screening {
        let mut findings = Vec::new();
        for q in &self.questions {
            let usable = match answers.get(&q.id) {
                Some(a) => a.fits(q),
                None => !q.required || self.answered_by_replaced(q, |id| answers.get(id).is_some()),
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
                    review: false,
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
            let answer = answers.get(&q.id);
            let finding = |outcome, until, message| Finding {
                rule: rule.id.clone(),
                outcome,
                message,
                until,
                source: rule.source.clone(),
                clinic_override: rule.clinic_override,
                review: rule.review,
            };
            if let (Some(Answer::Current), true) = (answer, q.accepts_current) {
                findings.push(finding(rule.outcome, None, still_taking(rule)));
                continue;
            }
            let anchor = match (q.kind, answer) {
                (QuestionKind::YesNo, Some(Answer::YesNo(true))) => Some(today),
                (QuestionKind::Choice, Some(Answer::Choice(c))) if rule.when.contains(c) => {
                    Some(today)
                }
                (QuestionKind::Date, Some(Answer::Date(Some(d)))) => Some(*d),
                _ => None,
            };
            let Some(anchor) = anchor else { continue };
            if self.younger_age_rule_applies(rule, anchor, treatment_date) {
                continue; // the under-18 rule says it all; no under-22 finding beside it
            }
            let until = match rule.under_age {
                Some(years) => Some(birthday(anchor, years)),
                None => rule.wait.as_ref().map(|w| w.after(anchor)),
            };
            if until.is_some_and(|u| treatment_date >= u) {
                continue;
            }
            // "Defer; consult": not on the day of answering, and later only after a review.
            let outcome = if rule.review && rule.outcome == Outcome::Defer && treatment_date > today
            {
                Outcome::Consult
            } else {
                rule.outcome
            };
            findings.push(finding(outcome, until, rule.message()));
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
                .map(|f| match (f.until, f.review) {
                    (Some(until), _) => Some(until),
                    (None, true) => today.tomorrow().ok(),
                    (None, false) => None,
                })
                .collect::<Option<Vec<Date>>>()
                .and_then(|dates| dates.into_iter().max())
        } else {
            None
        };
        let review = findings
            .iter()
            .any(|f| f.review || f.outcome == Outcome::Consult);
        Screening {
            outcome,
            earliest_date,
            review,
            findings,
        }
    }
}

impl RuleSet {
    /// Whether another age rule on the same date of birth, for a younger age, applies on
    /// `treatment_date`: its finding replaces this one's.
    fn younger_age_rule_applies(&self, rule: &Rule, born: Date, treatment_date: Date) -> bool {
        let Some(years) = rule.under_age else {
            return false;
        };
        self.rules.iter().any(|r| {
            r.question == rule.question
                && r.outcome != Outcome::Eligible
                && r.under_age
                    .is_some_and(|y| y < years && treatment_date < birthday(born, y))
        })
    }
}

/// The rule's message for a medicine still being taken: the wait runs from the last dose, so
/// there is no date yet.
fn still_taking(rule: &Rule) -> String {
    let mut message = rule.message();
    let wait = rule
        .wait
        .as_ref()
        .map_or("the waiting period", |w| w.text());
    message.push_str(&format!(
        " As you are still taking it, treatment waits until {wait} after your last dose; please answer these questions again once you have stopped."
    ));
    message
}

/// The day a person born on `born` turns `years` old. A 29 February birthday falls on 1 March
/// in a common year, so an age is never reached a day early.
pub(crate) fn birthday(born: Date, years: i16) -> Date {
    let shifted = born.checked_add(jiff::Span::new().years(years));
    match shifted {
        Ok(d) if d.day() == born.day() => d,
        Ok(d) => d.last_of_month().tomorrow().unwrap_or(Date::MAX),
        Err(_) => Date::MAX,
    }
}
