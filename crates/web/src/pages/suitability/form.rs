//! The questionnaire's pages: standalone, and as the first step of booking. Both show the
//! same form, so a client answers the same questions wherever they start.

use clinic::ClinicSnapshot;
use maud::{Markup, html};
use protocol::{Question, QuestionKind, RuleSet};

use super::Carry;
use super::answers::FormAnswers;
use crate::state::AppState;
use crate::ui::forms::{FieldErrors, Input, field_id, hidden};
use crate::ui::layout::{PageMeta, page as layout_page};

/// The questionnaire form, grouped as the rules group their questions, posting to `action`.
///
/// `answers` refills what was typed; `errors` (keyed `answers.<id>`) are shown in a summary at
/// the top and beside each question; `carry` travels in hidden fields. The booking flow renders
/// this too.
pub fn questionnaire_form(
    rules: &RuleSet,
    action: &str,
    carry: &Carry,
    answers: &FormAnswers,
    errors: &FieldErrors,
    submit_label: &str,
) -> Markup {
    let label_of = |field: &str| {
        let id = field.strip_prefix("answers.").unwrap_or(field);
        rules
            .questions()
            .iter()
            .find(|q| q.id == id)
            .map_or_else(|| "Your answers".to_owned(), |q| q.text.clone())
    };
    html! {
        (errors.summary(label_of))
        form.questionnaire method="post" action=(action) {
            (carried(carry))
            @for (group, questions) in groups(rules.questions()) {
                fieldset.question-group {
                    legend { h2 { (group) } }
                    @for q in questions { (question_field(q, answers.get(&q.id).map(String::as_str), errors)) }
                }
            }
            p.privacy.small { "Only our clinical staff see your answers." }
            button type="submit" { (submit_label) }
        }
    }
}

/// Questions in order, gathered by group (groups in order of first appearance).
pub(super) fn groups(questions: &[Question]) -> Vec<(&str, Vec<&Question>)> {
    let mut out: Vec<(&str, Vec<&Question>)> = Vec::new();
    for q in questions {
        match out.iter_mut().find(|(g, _)| *g == q.group) {
            Some((_, list)) => list.push(q),
            None => out.push((&q.group, vec![q])),
        }
    }
    out
}

/// One question, as the input its kind needs.
fn question_field(q: &Question, value: Option<&str>, errors: &FieldErrors) -> Markup {
    match q.kind {
        QuestionKind::Date => {
            let name = format!("answers.{}", q.id);
            let hint = format!("{} Leave empty if never.", q.why);
            Input {
                name: &name,
                label: &q.text,
                kind: "date",
                value: value.unwrap_or(""),
                hint: Some(&hint),
                required: false,
                autocomplete: None,
            }
            .render(errors)
        }
        QuestionKind::YesNo => {
            let options = [("yes", "Yes"), ("no", "No")];
            radio_question(q, &options, value, errors)
        }
        QuestionKind::Choice => {
            let options: Vec<(&str, &str)> = q
                .options
                .iter()
                .flatten()
                .map(|o| (o.as_str(), o.as_str()))
                .collect();
            radio_question(q, &options, value, errors)
        }
    }
}

/// A question answered with radio buttons: its own fieldset, the question as legend.
fn radio_question(
    q: &Question,
    options: &[(&str, &str)],
    value: Option<&str>,
    errors: &FieldErrors,
) -> Markup {
    let name = format!("answers.{}", q.id);
    let id = field_id(&name);
    let error = errors.get(&name);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = if error.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        hint_id.clone()
    };
    html! {
        fieldset.question aria-describedby=(described) {
            legend { (q.text) @if !q.required { span.muted { " (optional)" } } }
            p.hint id=(hint_id) { (q.why) }
            @if let Some(message) = error { p.error-text id=(error_id) { (message) } }
            div.radio-row {
                @for (i, (option, label)) in options.iter().enumerate() {
                    @let input_id = if i == 0 { id.clone() } else { format!("{id}-{i}") };
                    label.choice for=(input_id) {
                        input type="radio" id=(input_id) name=(name) value=(option) checked[value == Some(*option)]
                            required[q.required] aria-invalid=[error.map(|_| "true")];
                        (label)
                    }
                }
            }
        }
    }
}

/// The words before the form: what it is for, and who sees the answers.
fn privacy_notice(clinic: &ClinicSnapshot) -> Markup {
    html! {
        div.notice.privacy-notice {
            p { strong { "Your answers are private." } " Only our clinical staff see them, and we use them only to keep your treatment safe. They are stored with your record at " (clinic.setup.clinic.name) " and never shared." }
        }
    }
}

/// Hidden inputs that keep the carried choices through a form.
fn carried(carry: &Carry) -> Markup {
    hidden(&[
        ("service", &carry.service),
        ("practitioner", &carry.practitioner),
    ])
}

/// The questionnaire on its own page, for visitors not booking yet.
pub(super) fn standalone_form(
    state: &AppState,
    clinic: &ClinicSnapshot,
    carry: &Carry,
    answers: &FormAnswers,
    errors: &FieldErrors,
) -> Markup {
    let body = html! {
        h1 { "Is microneedling right for me?" }
        p.lead { "Microneedling suits most healthy skin, but some health conditions, medicines and recent treatments mean it is better to wait, or to talk with us first." }
        p { "These questions take about three minutes. Answer as best you can; if you are not sure, choose the closest answer and your practitioner will go through it with you. This is a safety check, not a diagnosis." }
        (privacy_notice(clinic))
        (questionnaire_form(&clinic.rules, "/suitability", carry, answers, errors, "See my result"))
    };
    let meta = PageMeta::new(
        "Is microneedling right for me?",
        "A short, private safety questionnaire that tells you whether microneedling suits you now, and when to book.",
        "/suitability",
    );
    layout_page(state, meta, body)
}

/// The step indicator of the booking flow, on its first step.
fn booking_steps() -> Markup {
    html! {
        ol.steps aria-label="Booking steps" {
            li aria-current="step" { "1 Safety questions" }
            li { "2 Time" }
            li { "3 Your details" }
        }
    }
}

/// The questionnaire as the first step of booking, naming the chosen treatment.
pub(super) fn booking_form(
    state: &AppState,
    clinic: &ClinicSnapshot,
    carry: &Carry,
    answers: &FormAnswers,
    errors: &FieldErrors,
) -> Markup {
    let service = clinic.setup.service(&carry.service);
    let body = html! {
        (booking_steps())
        h1 { "A few safety questions" }
        p.lead {
            "Before we offer you a time"
            @if let Some(s) = service { " for " strong { (s.name) } }
            ", please answer these questions. They take about three minutes and make sure microneedling is safe for you."
        }
        (privacy_notice(clinic))
        (questionnaire_form(&clinic.rules, "/book/screening", carry, answers, errors, "Continue to times"))
    };
    let meta = PageMeta::new(
        "Safety questions",
        "A short safety questionnaire before booking a microneedling treatment.",
        "/book/screening",
    )
    .private();
    layout_page(state, meta, body)
}
