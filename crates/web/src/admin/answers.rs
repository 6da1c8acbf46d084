//! A screening's answers as a practitioner reads them: each question in its own words, in
//! the questionnaire's order, answered Yes, No, a date, or never; not the stored ids and
//! `true`/`false`/`null`.

use clinic::ClinicSnapshot;
use maud::{Markup, html};
use protocol::{CURRENT, QuestionKind};
use serde_json::Value;

/// An answer in words, given how its question is answered.
pub fn answer_text(kind: Option<&QuestionKind>, value: &Value) -> String {
    match (kind, value) {
        (_, Value::Bool(true)) => "Yes".into(),
        (_, Value::Bool(false)) => "No".into(),
        (Some(QuestionKind::YesNo), Value::String(s)) if s.eq_ignore_ascii_case("yes") => {
            "Yes".into()
        }
        (Some(QuestionKind::YesNo), Value::String(s)) if s.eq_ignore_ascii_case("no") => {
            "No".into()
        }
        (Some(QuestionKind::Date), Value::Null) => "Never".into(),
        (Some(QuestionKind::Date), Value::String(s)) if s == CURRENT => "Currently".into(),
        (Some(QuestionKind::Date), Value::String(s)) => s
            .parse::<jiff::civil::Date>()
            .map_or_else(|_| s.clone(), |d| d.strftime("%-d %B %Y").to_string()),
        (_, Value::Null) => "Not answered".into(),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// The answers of one screening (its stored JSON) as a list of question and answer.
pub fn answers_list(clinic: &ClinicSnapshot, answers_json: &str) -> Markup {
    let answers: serde_json::Map<String, Value> =
        serde_json::from_str(answers_json).unwrap_or_default();
    let questions = clinic.rules.questions();
    // Questions the rule set no longer asks still show, by their id, after the rest.
    let unknown: Vec<(&String, &Value)> = answers
        .iter()
        .filter(|(id, _)| clinic.rules.question(id).is_none())
        .collect();
    html! {
        dl.summary.answers {
            @for q in questions {
                @if let Some(value) = answers.get(&q.id) {
                    dt { (q.text) }
                    dd { (answer_text(Some(&q.kind), value)) }
                }
            }
            @for (id, value) in unknown {
                dt { (id.replace('_', " ")) }
                dd { (answer_text(None, value)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_read_as_yes_no_and_dates() {
        let clinic = ClinicSnapshot::new(clinic::demo(), 1);
        let list = answers_list(
            &clinic,
            &json!({
                "keloid_history": true,
                "pregnant_or_breastfeeding": false,
                "isotretinoin_last_dose": "2026-03-02",
                "last_neurotoxin_or_filler": null,
                "retired_question": "x"
            })
            .to_string(),
        )
        .into_string();
        let keloid = clinic.rules.question("keloid_history").unwrap();
        assert!(
            list.contains(&maud::html! { (keloid.text) }.into_string()),
            "{list}"
        );
        assert!(
            list.contains("<dd>Yes</dd>") && list.contains("<dd>No</dd>"),
            "{list}"
        );
        assert!(list.contains("<dd>2 March 2026</dd>"), "{list}");
        assert!(list.contains("<dd>Never</dd>"), "{list}");
        assert!(!list.contains("true") && !list.contains("null"), "{list}");
        assert!(list.contains("retired question"), "{list}");
    }
}
