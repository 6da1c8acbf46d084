//! Submitted answers: read from the form's fields, judged by the clinic's rules and stored,
//! or sent back with what to fix in words meant for clients.

use std::collections::BTreeMap;

use protocol::{CURRENT, Question, QuestionKind, RuleSet, Screening};
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::forms::FieldErrors;

/// Raw form answers by question id, as typed (`"yes"`, `"no"`, `"2026-03-31"`, `""`). A date
/// question's boxes come as `<id>.never` and `<id>.current` (`"yes"` when ticked).
pub type FormAnswers = BTreeMap<String, String>;

/// The form field of a date question's "Never" box, and of its "I am still taking it" box.
pub const NEVER: &str = "never";
/// See [`NEVER`].
pub const STILL_TAKING: &str = "current";

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

/// The areas ticked on the form (`areas=face&areas=body`), as submitted.
pub fn form_areas(pairs: &[(String, String)]) -> Vec<String> {
    pairs
        .iter()
        .filter(|(name, _)| name == "areas")
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

/// Whether a date question's box was ticked.
fn ticked(form: &FormAnswers, q: &Question, which: &str) -> bool {
    form.get(&format!("{}.{which}", q.id))
        .is_some_and(|v| !v.is_empty())
}

/// The answers object for [`protocol::RuleSet::validate_answers`], built from form answers.
///
/// Only known questions are read. Yes/no: `"yes"` → `true`, `"no"` → `false`, anything else is
/// passed on as typed so validation names it, missing stays absent. Dates: the date typed, or
/// `null` when "Never" is ticked, or `"current"` when "I am still taking it" is; nothing at all
/// stays absent, so it is asked for (a blank is not "never"). Choices: the text when not empty.
pub fn answers_json(questions: &[Question], form: &FormAnswers) -> Value {
    let mut object = Map::new();
    for q in questions {
        let typed = form.get(&q.id).map(String::as_str).unwrap_or("");
        let json = match q.kind {
            QuestionKind::Date if !typed.is_empty() => Value::String(typed.to_owned()),
            QuestionKind::Date if q.accepts_current && ticked(form, q, STILL_TAKING) => {
                Value::String(CURRENT.to_owned())
            }
            QuestionKind::Date if q.accepts_never && ticked(form, q, NEVER) => Value::Null,
            QuestionKind::Date => continue,
            QuestionKind::YesNo if typed == "yes" => Value::Bool(true),
            QuestionKind::YesNo if typed == "no" => Value::Bool(false),
            _ if typed.is_empty() => continue,
            _ => Value::String(typed.to_owned()),
        };
        object.insert(q.id.clone(), json);
    }
    Value::Object(object)
}

/// Date questions given more than one answer (a date and a box, or both boxes): which to
/// believe is for the client to say.
fn conflicting_dates(questions: &[Question], form: &FormAnswers) -> Vec<String> {
    questions
        .iter()
        .filter(|q| q.kind == QuestionKind::Date)
        .filter(|q| {
            let typed = form.get(&q.id).is_some_and(|v| !v.is_empty());
            let never = q.accepts_never && ticked(form, q, NEVER);
            let current = q.accepts_current && ticked(form, q, STILL_TAKING);
            [typed, never, current].iter().filter(|b| **b).count() > 1
        })
        .map(|q| format!("answers.{}", q.id))
        .collect()
}

/// What became of a submitted questionnaire.
pub enum Submitted {
    /// The answers were judged and stored under `id` for `areas`.
    Screened {
        id: String,
        screening: Screening,
        areas: Vec<String>,
    },
    /// Some answers need attention; show the form again with these.
    Invalid {
        answers: FormAnswers,
        errors: FieldErrors,
    },
    /// The answers could not be stored.
    Failed(ApiError),
}

/// Judges and stores the answers in submitted form pairs for `areas` (the treatment's, or as
/// ticked), or reports what to fix.
pub async fn submit_answers(
    state: &AppState,
    pairs: &[(String, String)],
    areas: &[String],
) -> Submitted {
    let clinic = state.clinic();
    let (answers, json) = match checked_answers(&clinic, pairs, areas) {
        Ok(checked) => checked,
        Err((answers, errors)) => return Submitted::Invalid { answers, errors },
    };
    let mut errors = FieldErrors::default();
    match state.flows.screen_and_store(&json, None, Some(areas)).await {
        Ok((id, screening)) => Submitted::Screened {
            id,
            screening,
            areas: areas.to_vec(),
        },
        Err(e) => match e.field().map(str::to_owned) {
            Some(field) => {
                let message = form_message(&clinic.rules, &field, &e.to_string());
                errors.add(field, message);
                Submitted::Invalid { answers, errors }
            }
            None => Submitted::Failed(e.into()),
        },
    }
}

/// The submitted answers checked by the clinic's rules for `areas`: the form's answers and
/// the answers object to judge, or the form's answers with what to fix. The arrival's
/// re-screening checks with this too, so both ask alike.
pub fn checked_answers(
    clinic: &clinic::ClinicSnapshot,
    pairs: &[(String, String)],
    areas: &[String],
) -> Result<(FormAnswers, Value), (FormAnswers, FieldErrors)> {
    let answers = form_answers(pairs);
    let json = answers_json(clinic.rules.questions(), &answers);
    let mut errors = FieldErrors::default();
    if let Err(problems) = clinic.rules.validate_answers(&json, clinic.today()) {
        for p in problems {
            let message = form_message(&clinic.rules, &p.field, &p.message);
            errors.add(p.field, message);
        }
    }
    for field in conflicting_dates(clinic.rules.questions(), &answers) {
        errors.add(
            field,
            "Please give either a date or one of the boxes, not both.",
        );
    }
    if let Err(message) = service::checked_areas(Some(areas)) {
        errors.add("areas", message);
    }
    if errors.is_empty() {
        Ok((answers, json))
    } else {
        Err((answers, errors))
    }
}

/// An error message in the form's own words (the validator speaks to API clients too).
pub(crate) fn form_message(rules: &RuleSet, field: &str, message: &str) -> String {
    let question = field
        .strip_prefix("answers.")
        .and_then(|id| rules.questions().iter().find(|q| q.id == id));
    match question {
        Some(q) if q.kind == QuestionKind::YesNo => "Please choose Yes or No.".to_owned(),
        Some(q) if q.kind == QuestionKind::Date => date_message(q, message),
        Some(_) => "Please choose one of the answers.".to_owned(),
        None => message.to_owned(),
    }
}

/// What to fix in a date question, in the words of its boxes.
fn date_message(q: &Question, message: &str) -> String {
    if message.contains("future") && q.accepts_current {
        return "A last dose can't be in the future. If you are still taking it, tick \"I am still taking it\".".to_owned();
    }
    if message.contains("future") || message.contains("years ago") {
        return message.to_owned();
    }
    let ways = match (q.accepts_never, q.accepts_current) {
        (true, true) => ", or tick \"Never\" or \"I am still taking it\"",
        (true, false) => ", or tick \"Never\"",
        (false, _) => "",
    };
    if message == "Please answer this question." {
        format!("Please answer: give the date{ways}.")
    } else {
        format!("Please enter a real date as year-month-day, for example 2026-03-31{ways}.")
    }
}
