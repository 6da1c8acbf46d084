//! "Is microneedling right for me?": the safety questionnaire, standalone and inside booking.
//!
//! Answers are health data: they travel only in POST bodies, are stored with the screening and
//! are shown to clinical staff only. Nothing about them is ever put in a URL; booking links carry
//! the screening's id alone.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use protocol::{Finding, Outcome, Question, QuestionKind, RuleSet, Screening};
use serde_json::{Map, Value};

use crate::state::AppState;
use crate::ui::forms::query_pairs;
use crate::ui::forms::{FieldErrors, Input, field_id, hidden, query};
use crate::ui::layout::{PageMeta, page as layout_page};
use clinic::ClinicSnapshot;

/// The questionnaire's routes: standalone at `/suitability`, inline in booking at `/book/screening`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/suitability", axum::routing::get(page).post(submit))
        .route(
            "/book/screening",
            axum::routing::get(booking_page).post(booking_submit),
        )
}

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

/// The service and practitioner chosen on the booking page, carried through the questionnaire.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Carry {
    /// A service id the clinic offers, or empty.
    pub service: String,
    /// A practitioner id the clinic has, or empty.
    pub practitioner: String,
}

impl Carry {
    /// Reads `service` and `practitioner` from query or form pairs, keeping only known ids.
    pub fn from_pairs(pairs: &[(String, String)], clinic: &ClinicSnapshot) -> Carry {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.trim())
                .unwrap_or("")
        };
        let service = get("service");
        let practitioner = get("practitioner");
        Carry {
            service: clinic
                .setup
                .service(service)
                .map(|s| s.id.clone())
                .unwrap_or_default(),
            practitioner: clinic
                .setup
                .practitioner(practitioner)
                .map(|p| p.id.clone())
                .unwrap_or_default(),
        }
    }

    /// Hidden inputs that keep the choices through a form.
    fn hidden(&self) -> Markup {
        hidden(&[
            ("service", &self.service),
            ("practitioner", &self.practitioner),
        ])
    }

    /// `/book?service=…&practitioner=…&screening=…`, with `service` in place of the carried one.
    fn book_url(&self, service: &str, screening: &str) -> String {
        format!(
            "/book{}",
            query(&[
                ("service", service),
                ("practitioner", &self.practitioner),
                ("screening", screening)
            ])
        )
    }
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
    Failed(crate::error::ApiError),
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
fn form_message(rules: &RuleSet, field: &str, message: &str) -> String {
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
            (carry.hidden())
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
fn groups(questions: &[Question]) -> Vec<(&str, Vec<&Question>)> {
    let mut out: Vec<(&str, Vec<&Question>)> = Vec::new();
    for q in questions {
        match out.iter_mut().find(|(g, _)| *g == q.group) {
            Some((_, list)) => list.push(q),
            None => out.push((&q.group, vec![q])),
        }
    }
    out
}

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

/// `GET /suitability`.
pub async fn page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let clinic = state.clinic();
    let carry = Carry::from_pairs(&query_pairs(raw.as_deref().unwrap_or("")), &clinic);
    standalone_form(
        &state,
        &clinic,
        &carry,
        &FormAnswers::new(),
        &FieldErrors::default(),
    )
    .into_response()
}

fn standalone_form(
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

/// `POST /suitability`: the result, or the form again with what to fix.
pub async fn submit(State(state): State<AppState>, body: Bytes) -> Response {
    let clinic = state.clinic();
    let pairs = query_pairs(&String::from_utf8_lossy(&body));
    let carry = Carry::from_pairs(&pairs, &clinic);
    match submit_answers(&state, &pairs).await {
        Submitted::Screened { id, screening } => {
            result_page(&state, &clinic, &carry, &id, &screening).into_response()
        }
        Submitted::Invalid { answers, errors } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            standalone_form(&state, &clinic, &carry, &answers, &errors),
        )
            .into_response(),
        Submitted::Failed(e) => failure_page(&state, &clinic, &e),
    }
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

/// `GET /book/screening?service=…&practitioner=…`: the questionnaire as the first booking step.
pub async fn booking_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let clinic = state.clinic();
    let carry = Carry::from_pairs(&query_pairs(raw.as_deref().unwrap_or("")), &clinic);
    booking_form(
        &state,
        &clinic,
        &carry,
        &FormAnswers::new(),
        &FieldErrors::default(),
    )
    .into_response()
}

fn booking_form(
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

/// `POST /book/screening`: on to choosing a time when treatment can be booked, otherwise the result.
pub async fn booking_submit(State(state): State<AppState>, body: Bytes) -> Response {
    let clinic = state.clinic();
    let pairs = query_pairs(&String::from_utf8_lossy(&body));
    let carry = Carry::from_pairs(&pairs, &clinic);
    match submit_answers(&state, &pairs).await {
        Submitted::Screened { id, screening } if can_book(&screening) => {
            Redirect::to(&carry.book_url(&carry.service, &id)).into_response()
        }
        Submitted::Screened { id, screening } => {
            result_page(&state, &clinic, &carry, &id, &screening).into_response()
        }
        Submitted::Invalid { answers, errors } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            booking_form(&state, &clinic, &carry, &answers, &errors),
        )
            .into_response(),
        Submitted::Failed(e) => failure_page(&state, &clinic, &e),
    }
}

/// Whether a treatment can be booked now: eligible, for review, or deferred to a known date.
fn can_book(screening: &Screening) -> bool {
    service::Gate::of(screening).is_open()
}

/// A date as clients read it: "Tuesday 4 May 2027".
fn long_date(date: jiff::civil::Date) -> String {
    date.strftime("%A %-d %B %Y").to_string()
}

/// The page shown after answering: the outcome in kind words, the next step, and the findings.
fn result_page(
    state: &AppState,
    clinic: &ClinicSnapshot,
    carry: &Carry,
    id: &str,
    screening: &Screening,
) -> Markup {
    let body = html! {
        (outcome_message(clinic, carry, id, screening))
        @if !screening.findings.is_empty() { (findings_list(&screening.findings)) }
        p.small.muted { "Your answers are saved for our clinical staff only. Want to change an answer? " a href="/suitability" { "Start the questions again" } "." }
    };
    let meta = PageMeta::new(
        "Your result",
        "Your microneedling safety questionnaire result.",
        "/suitability",
    )
    .private();
    layout_page(state, meta, body)
}

fn outcome_message(
    clinic: &ClinicSnapshot,
    carry: &Carry,
    id: &str,
    screening: &Screening,
) -> Markup {
    match (screening.outcome, screening.earliest_date) {
        (Outcome::Eligible, _) => html! {
            div.notice.ok.outcome {
                h1 { "Good news: microneedling looks right for you" }
                p { "Nothing in your answers stands in the way of treatment. Your practitioner will have a quick chat with you before starting, as always." }
            }
            (booking_links(clinic, carry, id))
        },
        (Outcome::Consult, _) => html! {
            div.notice.warn.outcome {
                h1 { "A practitioner will look at your answers first" }
                p { "Some of your answers need a practitioner's review before we confirm treatment. You can still book now: your booking is held as " strong { "pending review" } ", and we will be in touch before your visit." }
            }
            (booking_links(clinic, carry, id))
        },
        (Outcome::Defer, Some(date)) => html! {
            div.notice.warn.outcome {
                h1 { "Let's give your skin a little more time" }
                p { "The earliest date we can treat you is " strong { (long_date(date)) } ". You can book now; we will only offer you dates from then on." }
            }
            (booking_links(clinic, carry, id))
        },
        (Outcome::Defer, None) => html! {
            div.notice.warn.outcome {
                h1 { "Let's wait until your skin is ready" }
                p { "For now it is safer to wait. Once the reasons below have cleared up, answer the questions again and book your treatment. If you would like advice in the meantime, we are happy to see you." }
            }
            (consultation_link(clinic))
        },
        (Outcome::NotSuitable, _) => html! {
            div.notice.danger.outcome {
                h1 { "Microneedling isn't the right treatment for you" }
                p { "We're sorry: from your answers, microneedling would not be safe for you. This is about keeping you well, and there may be other ways we can help with your skin." }
            }
            (consultation_link(clinic))
        },
    }
}

/// Links that continue to booking with the screening: the carried service, or each treatment.
fn booking_links(clinic: &ClinicSnapshot, carry: &Carry, id: &str) -> Markup {
    let practitioner = clinic.setup.practitioner(&carry.practitioner);
    let offered =
        |service: &str| practitioner.is_none_or(|p| p.services.iter().any(|s| s == service));
    let chosen = clinic
        .setup
        .service(&carry.service)
        .filter(|s| s.requires_screening);
    html! {
        section.next-step aria-labelledby="next-title" {
            h2 #next-title { "Book your treatment" }
            @if let Some(s) = chosen {
                p.cta-inline { a.button href=(carry.book_url(&s.id, id)) { "Continue booking " (s.name.to_lowercase()) } }
            } @else {
                ul.book-links {
                    @for s in clinic.setup.services.iter().filter(|s| s.requires_screening && offered(&s.id)) {
                        li { a.button.secondary href=(carry.book_url(&s.id, id)) { "Book " (s.name.to_lowercase()) } }
                    }
                }
                p { a href=(carry.book_url("", id)) { "Choose a treatment" } }
            }
        }
    }
}

/// The suggestion to book a consultation (free when it costs nothing).
fn consultation_link(clinic: &ClinicSnapshot) -> Markup {
    let consultation = clinic.setup.service("consultation");
    let free = consultation.is_some_and(|s| {
        s.price
            .trim_start_matches('0')
            .trim_start_matches('.')
            .trim_matches('0')
            .is_empty()
    });
    let href = if consultation.is_some() {
        "/book?service=consultation"
    } else {
        "/book"
    };
    html! {
        section.next-step aria-labelledby="next-title" {
            h2 #next-title { "Talk it through with us" }
            p { "A practitioner can look at your skin, explain what is possible and suggest what might suit you instead or later." }
            p.cta-inline {
                a.button href=(href) { @if free { "Book a free consultation" } @else { "Book a consultation" } }
                " "
                a.button.secondary href=(format!("tel:{}", clinic.setup.clinic.phone.replace(' ', ""))) { "Call us on " (clinic.setup.clinic.phone) }
            }
        }
    }
}

/// Each finding: what and why, until when, and its source in small print.
fn findings_list(findings: &[Finding]) -> Markup {
    html! {
        section aria-labelledby="findings-title" {
            h2 #findings-title { "What we found in your answers" }
            ul.findings {
                @for f in findings {
                    li {
                        p { (f.message) }
                        @if let Some(until) = f.until { p { "This applies until " strong { (long_date(until)) } "." } }
                        p.small.muted {
                            "Source: " (f.source)
                            @if f.clinic_override { " (our clinic's rule)" }
                        }
                    }
                }
            }
        }
    }
}

/// A kind page for the rare case the answers could not be saved.
fn failure_page(state: &AppState, clinic: &ClinicSnapshot, e: &crate::error::ApiError) -> Response {
    let body = html! {
        h1 { "Sorry, we could not save your answers" }
        p { "Something went wrong on our side and nothing was saved. Please go back and try again, or call us on " (clinic.setup.clinic.phone) "." }
        p { a href="/suitability" { "Back to the questions" } }
    };
    let meta = PageMeta::new(
        "Something went wrong",
        "Your answers could not be saved.",
        "/suitability",
    )
    .private();
    (e.kind.status(), layout_page(state, meta, body)).into_response()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn form_pairs_become_answers_json() {
        let rules = RuleSet::builtin();
        let form = form_answers(&pairs(&[
            ("service", "microneedling-face"),
            ("answers.pregnant_or_breastfeeding", "no"),
            ("answers.keloid_history", "yes"),
            ("answers.isotretinoin_last_dose", ""),
            ("answers.last_laser_or_peel", " 2026-01-31 "),
            ("answers.cold_sore_history", "maybe"),
            ("answers.not_a_question", "yes"),
        ]));
        let json = answers_json(rules.questions(), &form);
        assert_eq!(
            json,
            json!({
                "pregnant_or_breastfeeding": false,
                "keloid_history": true,
                "isotretinoin_last_dose": null,
                "last_laser_or_peel": "2026-01-31",
                "cold_sore_history": "maybe",
            })
        );
    }

    #[test]
    fn missing_answers_are_reported_per_question() {
        let rules = RuleSet::builtin();
        let json = answers_json(
            rules.questions(),
            &form_answers(&pairs(&[("answers.keloid_history", "no")])),
        );
        let errors = rules
            .validate_answers(&json)
            .expect_err("most questions are unanswered");
        assert!(
            errors
                .iter()
                .any(|e| e.field == "answers.pregnant_or_breastfeeding")
        );
        assert!(!errors.iter().any(|e| e.field == "answers.keloid_history"));
        assert!(
            !errors
                .iter()
                .any(|e| e.field == "answers.isotretinoin_last_dose")
        );
    }

    #[test]
    fn all_no_is_valid() {
        let rules = RuleSet::builtin();
        let list: Vec<(String, String)> = rules
            .questions()
            .iter()
            .map(|q| {
                (
                    format!("answers.{}", q.id),
                    if q.kind == QuestionKind::Date {
                        ""
                    } else {
                        "no"
                    }
                    .to_owned(),
                )
            })
            .collect();
        let json = answers_json(rules.questions(), &form_answers(&list));
        assert!(rules.validate_answers(&json).is_ok());
    }

    #[test]
    fn form_messages_speak_to_people() {
        let rules = RuleSet::builtin();
        assert_eq!(
            form_message(&rules, "answers.keloid_history", "x"),
            "Please choose Yes or No."
        );
        assert!(
            form_message(&rules, "answers.isotretinoin_last_dose", "null")
                .contains("leave it empty")
        );
        assert_eq!(form_message(&rules, "answers", "whole"), "whole");
    }

    #[test]
    fn groups_keep_question_order() {
        let rules = RuleSet::builtin();
        let grouped = groups(rules.questions());
        let names: Vec<&str> = grouped.iter().map(|(g, _)| *g).collect();
        assert_eq!(
            names,
            ["Your skin today", "Your health", "Recent treatments"]
        );
        assert_eq!(
            grouped.iter().map(|(_, q)| q.len()).sum::<usize>(),
            rules.questions().len()
        );
    }

    #[test]
    fn booking_follows_the_outcome() {
        let date = jiff::civil::date(2027, 5, 4);
        let s = |outcome, earliest_date| Screening {
            outcome,
            earliest_date,
            findings: vec![],
        };
        assert!(can_book(&s(Outcome::Eligible, None)));
        assert!(can_book(&s(Outcome::Consult, None)));
        assert!(can_book(&s(Outcome::Defer, Some(date))));
        assert!(!can_book(&s(Outcome::Defer, None)));
        assert!(!can_book(&s(Outcome::NotSuitable, None)));
        assert_eq!(long_date(date), "Tuesday 4 May 2027");
    }

    #[test]
    fn booking_urls_carry_only_ids() {
        let carry = Carry {
            service: "microneedling-face".into(),
            practitioner: "maya-lee".into(),
        };
        assert_eq!(
            carry.book_url(&carry.service, "abc"),
            "/book?service=microneedling-face&practitioner=maya-lee&screening=abc"
        );
        assert_eq!(Carry::default().book_url("", "abc"), "/book?screening=abc");
    }
}
