//! The questionnaire's pages: standalone, and as the first step of booking. Both show the
//! same form, so a client answers the same questions wherever they start.

use clinic::ClinicSnapshot;
use maud::{Markup, html};
use protocol::{Question, QuestionKind, RuleSet};

use super::Carry;
use super::answers::{FormAnswers, NEVER, STILL_TAKING};
use crate::state::AppState;
use crate::ui::forms::{FieldAria, FieldErrors, field_id, hidden};
use crate::ui::layout::{PageMeta, page as layout_page};

/// Which areas the answers are for: fixed by the treatment being booked, or asked, with what
/// was ticked so far.
pub enum AreasField {
    /// The treatment's areas, said in words and not asked.
    Fixed(Vec<String>),
    /// Checkboxes for every area, these ticked.
    Ask(Vec<String>),
}

impl AreasField {
    /// The areas the answers will be stored for.
    pub fn chosen(&self) -> &[String] {
        match self {
            AreasField::Fixed(a) | AreasField::Ask(a) => a,
        }
    }
}

/// The questionnaire form, grouped as the rules group their questions, posting to `action`.
///
/// `answers` refills what was typed; `errors` (keyed `answers.<id>`) are shown in a summary at
/// the top and beside each question; `carry` travels in hidden fields. The booking flow renders
/// this too.
pub fn questionnaire_form(
    rules: &RuleSet,
    action: &str,
    carry: &Carry,
    form: (&FormAnswers, &AreasField),
    errors: &FieldErrors,
    submit_label: &str,
) -> Markup {
    let (answers, areas) = form;
    let label_of = |field: &str| {
        if field == "areas" {
            return "Where you want treatment".to_owned();
        }
        let id = field.strip_prefix("answers.").unwrap_or(field);
        rules
            .questions()
            .iter()
            .find(|q| q.id == id)
            .map_or_else(|| "Your answers".to_owned(), |q| q.text.clone())
    };
    let on_forms: Vec<Question> = rules
        .questions()
        .iter()
        .filter(|q| q.on_forms())
        .cloned()
        .collect();
    html! {
        (errors.summary(label_of))
        form.questionnaire method="post" action=(action) {
            (carried(carry))
            (areas_field(areas, errors))
            @for (group, questions) in groups(&on_forms) {
                fieldset.question-group {
                    legend { h2 { (group) } }
                    @for q in questions { (question_field(q, answers, errors)) }
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
fn question_field(q: &Question, answers: &FormAnswers, errors: &FieldErrors) -> Markup {
    let value = answers.get(&q.id).map(String::as_str);
    match q.kind {
        QuestionKind::Date => date_question(q, answers, errors),
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

/// A date question: the date, and beside it the boxes that answer it without a date
/// ("Never", "I am still taking it"). Leaving all empty is not "never": the form asks again.
fn date_question(q: &Question, answers: &FormAnswers, errors: &FieldErrors) -> Markup {
    let name = format!("answers.{}", q.id);
    let FieldAria {
        id,
        hint_id,
        error_id,
        described,
        error,
    } = FieldAria::new(&name, Some(&q.why), errors);
    let ticked = |which: &str| {
        answers
            .get(&format!("{}.{which}", q.id))
            .is_some_and(|v| !v.is_empty())
    };
    let boxes: Vec<(&str, &str)> = [
        (q.accepts_never, NEVER, "Never"),
        (q.accepts_current, STILL_TAKING, "I am still taking it"),
    ]
    .into_iter()
    .filter(|(shown, _, _)| *shown)
    .map(|(_, which, label)| (which, label))
    .collect();
    html! {
        fieldset.question.date-question aria-describedby=[described.as_deref()] {
            legend { (q.text) }
            p.hint id=(hint_id) { (q.why) }
            @if let Some(message) = error { p.error-text id=(error_id) { (message) } }
            div.field {
                label for=(id) { @if !q.accepts_never { "Date of birth" } @else { "Date" } }
                input id=(id) type="date" name=(name) value=(answers.get(&q.id).map(String::as_str).unwrap_or(""))
                    required[!q.accepts_never] aria-invalid=[error.map(|_| "true")];
            }
            @for (which, label) in boxes {
                @let box_id = format!("{id}-{which}");
                label.choice for=(box_id) {
                    input type="checkbox" id=(box_id) name=(format!("{name}.{which}")) value="yes" checked[ticked(which)];
                    (label)
                }
            }
        }
    }
}

const AREAS_HINT: &str =
    "Questions about \"the area\" mean these places. Your answers count for the areas you tick.";

/// Where the client wants treatment: said when the treatment fixes it, asked otherwise.
fn areas_field(areas: &AreasField, errors: &FieldErrors) -> Markup {
    fn words(area: &str) -> &str {
        match area {
            "face" => "Face",
            "body" => "Body",
            "scalp" => "Scalp",
            other => other,
        }
    }
    match areas {
        AreasField::Fixed(list) => html! {
            p.areas { "These questions are about the area of your treatment: "
                strong { (list.iter().map(|a| words(a).to_lowercase()).collect::<Vec<_>>().join(" and ")) } "." }
        },
        AreasField::Ask(ticked) => {
            let FieldAria {
                id,
                hint_id,
                error_id,
                described,
                error,
            } = FieldAria::new("areas", Some(AREAS_HINT), errors);
            html! {
                fieldset.question aria-describedby=[described.as_deref()] {
                    legend { "Where do you want treatment?" }
                    p.hint id=(hint_id) { (AREAS_HINT) }
                    @if let Some(message) = error { p.error-text id=(error_id) { (message) } }
                    div.radio-row {
                        @for (i, area) in clinic::ServiceSetup::AREAS.iter().enumerate() {
                            @let box_id = if i == 0 { id.clone() } else { format!("{id}-{i}") };
                            label.choice for=(box_id) {
                                input type="checkbox" id=(box_id) name="areas" value=(area) checked[ticked.iter().any(|t| t == area)];
                                (words(area))
                            }
                        }
                    }
                }
            }
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
    html! {
        (hidden(&[
            ("service", &carry.service),
            ("practitioner", &carry.practitioner),
        ]))
        @if !carry.csrf.is_empty() { input type="hidden" name="csrf" value=(carry.csrf); }
    }
}

/// The questionnaire on its own page, for visitors not booking yet.
pub(super) fn standalone_form(
    state: &AppState,
    clinic: &ClinicSnapshot,
    carry: &Carry,
    form: (&FormAnswers, &AreasField),
    errors: &FieldErrors,
) -> Markup {
    let body = html! {
        h1 { "Is microneedling right for me?" }
        p.lead { "Microneedling suits most healthy skin, but some health conditions, medicines and recent treatments mean it is better to wait, or to talk with us first." }
        p { "These questions take about three minutes. Answer as best you can; if you are not sure, choose the closest answer and your practitioner will go through it with you. This is a safety check, not a diagnosis." }
        (privacy_notice(clinic))
        (questionnaire_form(&clinic.rules, "/suitability", carry, form, errors, "See my result"))
    };
    let meta = PageMeta::new(
        "Is microneedling right for me?",
        "A short, private safety questionnaire that tells you whether microneedling suits you now, and when to book.",
        "/suitability",
    );
    layout_page(state, meta, body)
}

/// The questionnaire as the first step of booking, naming the chosen treatment.
pub(super) fn booking_form(
    state: &AppState,
    clinic: &ClinicSnapshot,
    carry: &Carry,
    form: (&FormAnswers, &AreasField),
    errors: &FieldErrors,
) -> Markup {
    let service = clinic.setup.service(&carry.service);
    let body = html! {
        (crate::ui::steps::booking_steps(crate::ui::steps::BookingStep::Screening, true))
        h1 { "A few safety questions" }
        p.lead {
            "Before we offer you a time"
            @if let Some(s) = service { " for " strong { (s.name) } }
            ", please answer these questions. They take about three minutes and make sure microneedling is safe for you."
        }
        (privacy_notice(clinic))
        (questionnaire_form(&clinic.rules, "/book/screening", carry, form, errors, "Continue to times"))
    };
    let meta = PageMeta::new(
        "Safety questions",
        "A short safety questionnaire before booking a microneedling treatment.",
        "/book/screening",
    )
    .private();
    layout_page(state, meta, body)
}
