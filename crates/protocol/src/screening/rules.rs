//! Screening rules and loading them from `data/screening.toml`.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::{Question, QuestionKind, RuleSet};
use crate::{Outcome, sources::Sources, wait::Wait};

/// One rule: when its question's answer triggers it, it yields a finding.
#[derive(Clone, Debug)]
pub(crate) struct Rule {
    pub(crate) id: String,
    pub(crate) question: String,
    pub(crate) outcome: Outcome,
    /// How long the rule applies: from the answered date (date questions) or from today.
    pub(crate) wait: Option<Wait>,
    /// Choice answers that trigger the rule.
    pub(crate) when: Vec<String>,
    /// A deferral that only a practitioner ends ("defer; consult"): treatment is not booked
    /// for the day of answering, and a later booking is held for their review.
    pub(crate) review: bool,
    /// For a date-of-birth question: the rule applies while the client is younger than this
    /// many years on the treatment date.
    pub(crate) under_age: Option<i16>,
    message_template: String,
    pub(crate) source: String,
    pub(crate) clinic_override: bool,
    /// The mildest outcome a clinic may set (device-label contraindications: consult).
    pub(crate) floor: Option<Outcome>,
    /// Only a prescriber may confirm a booking with this finding.
    pub(crate) needs_prescriber: bool,
    /// The shipped outcome and wait, so a clinic's weakening can be told from a strengthening.
    pub(crate) default_outcome: Outcome,
    pub(crate) default_wait: Option<Wait>,
    /// The clinic's written reason for its change, shown to practitioners beside the finding.
    pub(crate) reason: Option<String>,
}

impl Rule {
    /// The client message, with `{wait}` filled in.
    pub(crate) fn message(&self) -> String {
        match &self.wait {
            Some(w) => self.message_template.replace("{wait}", w.text()),
            None => self.message_template.clone(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScreeningFile {
    version: String,
    questions: Vec<QuestionData>,
    rules: Vec<RuleData>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionData {
    id: String,
    group: String,
    kind: QuestionKind,
    text: String,
    why: String,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    options: Option<Vec<String>>,
    #[serde(default)]
    accepts_current: bool,
    #[serde(default = "yes")]
    accepts_never: bool,
    #[serde(default)]
    birth_date: bool,
    #[serde(default)]
    replaced_by: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleData {
    id: String,
    question: String,
    outcome: Outcome,
    #[serde(default)]
    wait: Option<String>,
    #[serde(default)]
    when: Vec<String>,
    #[serde(default)]
    review: bool,
    #[serde(default)]
    under_age: Option<i16>,
    message: String,
    sources: Vec<String>,
    #[serde(default)]
    source_note: Option<String>,
    #[serde(default)]
    floor: Option<Outcome>,
    #[serde(default)]
    needs_prescriber: bool,
}

impl RuleSet {
    /// Loads and checks a rule-set file (the format of `data/screening.toml`).
    pub(crate) fn from_toml(text: &str) -> Result<RuleSet, String> {
        let file: ScreeningFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let sources = Sources::builtin();

        let mut seen = BTreeSet::new();
        let mut questions = Vec::new();
        let mut text_templates = Vec::new();
        for q in file.questions {
            if !seen.insert(q.id.clone()) {
                return Err(format!("question {} is listed twice", q.id));
            }
            let has_options = q.options.as_ref().is_some_and(|o| !o.is_empty());
            if has_options != (q.kind == QuestionKind::Choice) {
                return Err(format!(
                    "question {}: a choice question needs options, and only a choice question has them",
                    q.id
                ));
            }
            let date_only = q.accepts_current || !q.accepts_never || q.birth_date;
            if date_only && q.kind != QuestionKind::Date {
                return Err(format!(
                    "question {}: accepts_current, accepts_never and birth_date are for date questions",
                    q.id
                ));
            }
            if q.replaced_by.is_some() && !q.optional {
                return Err(format!(
                    "question {}: a replaced question must be optional",
                    q.id
                ));
            }
            text_templates.push(q.text.clone());
            questions.push(Question {
                required: !q.optional,
                accepts_current: q.accepts_current,
                accepts_never: q.accepts_never,
                replaced_by: q.replaced_by,
                birth_date: q.birth_date,
                id: q.id,
                text: q.text,
                kind: q.kind,
                options: q.options,
                group: q.group,
                why: q.why,
            });
        }

        let mut rule_ids = BTreeSet::new();
        let mut rules = Vec::new();
        for r in file.rules {
            let ctx = |m: String| format!("rule {}: {m}", r.id);
            if !rule_ids.insert(r.id.clone()) {
                return Err(ctx("listed twice".into()));
            }
            let q = questions
                .iter()
                .find(|q| q.id == r.question)
                .ok_or_else(|| ctx(format!("unknown question {}", r.question)))?;
            let wait = r
                .wait
                .as_deref()
                .map(Wait::parse)
                .transpose()
                .map_err(ctx)?;
            if r.under_age.is_some() && (!q.birth_date || wait.is_some()) {
                return Err(ctx(
                    "under_age is for a birth_date question, and takes no wait".into(),
                ));
            }
            if r.review && (q.kind != QuestionKind::YesNo || wait.is_some()) {
                return Err(ctx("review is for a yes/no rule without a wait".into()));
            }
            match q.kind {
                QuestionKind::Date if wait.is_none() && r.under_age.is_none() => {
                    return Err(ctx("a date rule needs a wait".into()));
                }
                QuestionKind::Choice
                    if r.when.is_empty()
                        || !r
                            .when
                            .iter()
                            .all(|w| q.options.iter().flatten().any(|o| o == w)) =>
                {
                    return Err(ctx("`when` must list options of its question".into()));
                }
                QuestionKind::YesNo | QuestionKind::Date if !r.when.is_empty() => {
                    return Err(ctx("`when` is only for choice questions".into()));
                }
                _ => {}
            }
            if r.message.contains("{wait}") && wait.is_none() {
                return Err(ctx("the message uses {wait} but the rule has none".into()));
            }
            if r.sources.is_empty() {
                return Err(ctx("cites no source".into()));
            }
            let mut source = sources.cite_all(&r.sources).map_err(ctx)?.join("; ");
            if let Some(note) = r.source_note {
                source = format!("{source}; {note}");
            }
            if r.floor.is_some_and(|f| f > r.outcome) {
                return Err(ctx("its floor is stricter than its outcome".into()));
            }
            rules.push(Rule {
                id: r.id,
                question: r.question,
                outcome: r.outcome,
                default_outcome: r.outcome,
                default_wait: wait.clone(),
                wait,
                when: r.when,
                review: r.review,
                under_age: r.under_age,
                message_template: r.message,
                source,
                clinic_override: false,
                floor: r.floor,
                needs_prescriber: r.needs_prescriber,
                reason: None,
            });
        }

        for q in &questions {
            if let Some(new) = &q.replaced_by
                && !questions.iter().any(|n| n.id == *new)
            {
                return Err(format!("question {}: replaced_by names no question", q.id));
            }
        }
        for (q, template) in questions.iter().zip(&text_templates) {
            if !rules.iter().any(|r| r.question == q.id) {
                return Err(format!("question {} has no rule", q.id));
            }
            let waited = rules.iter().any(|r| r.question == q.id && r.wait.is_some());
            if template.contains("{wait}") && !waited {
                return Err(format!(
                    "question {}: the text uses {{wait}} but no rule on it has a wait",
                    q.id
                ));
            }
        }

        let mut set = RuleSet {
            version: file.version,
            questions,
            text_templates,
            rules,
        };
        set.render_questions();
        Ok(set)
    }
}
