//! Submitted answers: read from the form's fields, judged by the clinic's rules and stored,
//! or sent back with what to fix in words meant for clients.

use std::collections::BTreeMap;

use protocol::{Question, QuestionKind, RuleSet, Screening};
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::forms::FieldErrors;

/// Raw form answers by question id, as typed (`"yes"`, `"no"`, `"2026-03-31"`, `""`).
pub type FormAnswers = BTreeMap<String, String>;

/// Picks the `answers.<id>` fields out of submitted form pairs.
pub fn form_answers(pairs: &[(String, String)]) -> FormAnswers {
    pairs
        .iter()
        .filter_map(|(name, value)| {
            name.strip_prefix("answers.")
                .map(|id| (id.to_owned(), value.trim().to_owned()))
        })
        .collect()
}

/// The answers object for [`protocol::RuleSet::validate_answers`], built from form answers.
///
/// Only known questions are read. Yes/no: `"yes"` → `true`, `"no"` → `false`, anything else is
/// passed on as typed so validation names it, missing stays absent. Dates: empty → `null`
/// (never), otherwise the text. Choices: the text when not empty.
pub fn answers_json(questions: &[Question], form: &FormAnswers) -> Value {
    let mut object = Map::new();
    for q in questions {
        let Some(value) = form.get(&q.id) else {
            continue;
        };
        let json = match (q.kind, value.as_str()) {
            (QuestionKind::YesNo, "yes") => Value::Bool(true),
            (QuestionKind::YesNo, "no") => Value::Bool(false),
            (QuestionKind::Date, "") => Value::Null,
            (_, "") => continue,
            (_, text) => Value::String(text.to_owned()),
        };
        object.insert(q.id.clone(), json);
    }
    Value::Object(object)
}

/// What became of a submitted questionnaire.
pub enum Submitted {
    /// The answers were judged and stored under `id`.
    Screened { id: String, screening: Screening },
    /// Some answers need attention; show the form again with these.
    Invalid {
        answers: FormAnswers,
        errors: FieldErrors,
    },
    /// The answers could not be stored.
    Failed(ApiError),
}

/// Judges and stores the answers in submitted form pairs, or reports what to fix.
pub async fn submit_answers(state: &AppState, pairs: &[(String, String)]) -> Submitted {
    let clinic = state.clinic();
    let answers = form_answers(pairs);
    let json = answers_json(clinic.rules.questions(), &answers);
    if let Err(problems) = clinic.rules.validate_answers(&json) {
        let mut errors = FieldErrors::default();
        for p in problems {
            let message = form_message(&clinic.rules, &p.field, &p.message);
            errors.add(p.field, message);
        }
        return Submitted::Invalid { answers, errors };
    }
    match state.flows.screen_and_store(&json, None).await {
        Ok((id, screening)) => Submitted::Screened { id, screening },
        Err(e) => match e.field().map(str::to_owned) {
            Some(field) => {
                let mut errors = FieldErrors::default();
                let message = form_message(&clinic.rules, &field, &e.to_string());
                errors.add(field, message);
                Submitted::Invalid { answers, errors }
            }
            None => Submitted::Failed(e.into()),
        },
    }
}

/// An error message in the form's own words (the validator speaks to API clients too).
pub(super) fn form_message(rules: &RuleSet, field: &str, message: &str) -> String {
    let question = field
        .strip_prefix("answers.")
        .and_then(|id| rules.questions().iter().find(|q| q.id == id));
    match question.map(|q| q.kind) {
        Some(QuestionKind::YesNo) => "Please choose Yes or No.".to_owned(),
        Some(QuestionKind::Date) => {
            "Please enter a real date as year-month-day, for example 2026-03-31, or leave it empty if never.".to_owned()
        }
        Some(QuestionKind::Choice) => "Please choose one of the answers.".to_owned(),
        None => message.to_owned(),
    }
}
