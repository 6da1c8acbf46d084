//! Safety screening: the questionnaire, its rules, and how answers are judged.

#[cfg(test)]
mod age_tests;
mod answers;
mod evaluate;
#[cfg(test)]
mod month_end_tests;
#[cfg(test)]
mod no_skipping_tests;
mod overrides;
mod questions;
mod rules;
#[cfg(test)]
mod tests;

pub use answers::{Answer, AnswerError, Answers, CURRENT};
pub use evaluate::{Finding, Screening};
pub use overrides::{RuleOverride, ScreeningOverrides};
pub use questions::{Question, QuestionKind};

use rules::Rule;

/// A versioned set of screening questions and rules, built in or adjusted by a clinic.
#[derive(Clone, Debug)]
pub struct RuleSet {
    version: String,
    questions: Vec<Question>,
    /// Question texts before `{wait}` is filled in, parallel to `questions`.
    text_templates: Vec<String>,
    rules: Vec<Rule>,
}

impl RuleSet {
    /// The rule set shipped in `data/screening.toml`.
    pub fn builtin() -> RuleSet {
        RuleSet::from_toml(include_str!("../../data/screening.toml"))
            .unwrap_or_else(|e| panic!("data/screening.toml: {e}"))
    }

    /// The rule-set version, e.g. `"2026-11-1"`, or `"2026-11-1+clinic"` once a clinic override
    /// has changed a rule. Store it with each screening.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The questions in the order a form should show them (grouped by [`Question::group`]).
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    /// A question by id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// Fills `{wait}` in question texts from the waiting period of the rule reading the question.
    fn render_questions(&mut self) {
        for (q, template) in self.questions.iter_mut().zip(&self.text_templates) {
            let wait = self
                .rules
                .iter()
                .find(|r| r.question == q.id && r.wait.is_some())
                .and_then(|r| r.wait.as_ref());
            q.text = match wait {
                Some(w) => template.replace("{wait}", w.text()),
                None => template.clone(),
            };
        }
    }
}

/// Every required question given an answer that triggers nothing: "no", never, an adult's
/// date of birth. Tests add the answers they are about on top.
#[cfg(test)]
pub(crate) fn all_clear_json(set: &RuleSet) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::json;
    let mut map = serde_json::Map::new();
    for q in set.questions().iter().filter(|q| q.required) {
        let answer = match q.kind {
            QuestionKind::YesNo => json!(false),
            QuestionKind::Date if q.accepts_never => json!(null),
            QuestionKind::Date => json!("1980-06-15"),
            QuestionKind::Choice => continue,
        };
        map.insert(q.id.clone(), answer);
    }
    map
}
