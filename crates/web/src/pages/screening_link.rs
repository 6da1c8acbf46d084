//! `/screening-link/{token}`: the safety questions for one booking the desk made by phone,
//! opened from the link in the client's mail. The answers are judged and tied to the booking
//! by `Workflows::answer_screening_link`; the page says what that means for the appointment,
//! never the findings themselves (those are for the practitioner).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use clinic::ClinicSnapshot;
use maud::{Markup, html};
use service::{LinkAnswer, Refusal};
use store::{Booking, BookingStatus};

use super::suitability::Carry;
use super::suitability::answers::{FormAnswers, checked_answers, form_message};
use super::suitability::form::{AreasField, questionnaire_form};
use crate::state::AppState;
use crate::ui::forms::{FieldErrors, query_pairs};
use crate::ui::layout::{PageMeta, page};
use crate::ui::refusal::FormRefusal;

/// `GET /screening-link/{token}`: the questions, naming the appointment they are for.
pub async fn form(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.flows.screening_link_booking(&token).await {
        Ok(b) => questions(
            &state,
            &token,
            &b,
            &FormAnswers::new(),
            &FieldErrors::default(),
        )
        .into_response(),
        Err(err) => refused(&state, err),
    }
}

/// `POST /screening-link/{token}`: the answers, or the form again with what to fix.
pub async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let b = match state.flows.screening_link_booking(&token).await {
        Ok(b) => b,
        Err(err) => return refused(&state, err),
    };
    let clinic = state.clinic();
    let pairs = query_pairs(&String::from_utf8_lossy(&body));
    let areas = areas_of(&clinic, &b);
    let (answers, json) = match checked_answers(&clinic, &pairs, &areas) {
        Ok(checked) => checked,
        Err((answers, errors)) => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                questions(&state, &token, &b, &answers, &errors),
            )
                .into_response();
        }
    };
    match state.flows.answer_screening_link(&token, &json).await {
        Ok(answer) => done(&state, &answer).into_response(),
        Err(err) => match err.field().map(str::to_owned) {
            Some(field) => {
                let mut errors = FieldErrors::default();
                errors.add(
                    field.clone(),
                    form_message(&clinic.rules, &field, &err.to_string()),
                );
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    questions(&state, &token, &b, &answers, &errors),
                )
                    .into_response()
            }
            None => refused(&state, err),
        },
    }
}

fn areas_of(clinic: &ClinicSnapshot, b: &Booking) -> Vec<String> {
    clinic
        .setup
        .service(&b.service_id)
        .map(service::service_areas)
        .unwrap_or_default()
}

fn meta(title: &str) -> PageMeta<'_> {
    PageMeta::new(
        title,
        "The safety questions for your appointment.",
        "/suitability",
    )
    .private()
}

fn questions(
    state: &AppState,
    token: &str,
    b: &Booking,
    answers: &FormAnswers,
    errors: &FieldErrors,
) -> Markup {
    let clinic = state.clinic();
    let service = clinic
        .setup
        .service(&b.service_id)
        .map_or(b.service_id.as_str(), |s| s.name.as_str());
    let when = clinic.when(&b.start.to_zoned_datetime(clinic.timezone.clone()));
    let areas = AreasField::Fixed(areas_of(&clinic, b));
    let body = html! {
        h1 { "Safety questions for your appointment" }
        p.lead { "For your " strong { (service) } " on " strong { (when) } " (reference " (b.reference) "). They take about three minutes; your answers are kept with this appointment, and only our clinical staff see them." }
        (questionnaire_form(&clinic.rules, &service::screening_link_path(token), &Carry::default(), (answers, &areas), errors, "Send my answers"))
    };
    page(state, meta("Safety questions"), body)
}

/// What the answers mean for the appointment, in the client's words.
fn done(state: &AppState, answer: &LinkAnswer) -> Markup {
    let clinic = state.clinic();
    let phone = &clinic.setup.clinic.phone;
    let (b, lead) = match answer {
        LinkAnswer::Decided(b) if b.status == BookingStatus::Confirmed => {
            (b, "Your appointment is confirmed. We look forward to seeing you.".to_owned())
        }
        LinkAnswer::Decided(b) => (
            b,
            "A practitioner looks at your answers before your appointment and confirms it; we will be in touch if anything needs talking through.".to_owned(),
        ),
        LinkAnswer::Held { booking, .. } => (
            booking,
            format!(
                "Your answers mean we should not go ahead with this appointment as it stands. We will call you to talk it through, or call us on {phone}."
            ),
        ),
    };
    let when = clinic.when(&b.start.to_zoned_datetime(clinic.timezone.clone()));
    let body = html! {
        h1 { "Thank you for your answers" }
        div.notice.ok role="status" { p { (lead) } }
        p { "Your appointment: " strong { (when) } " (reference " (b.reference) ")." }
    };
    page(state, meta("Thank you"), body)
}

fn refused(state: &AppState, err: Refusal) -> Response {
    let err = FormRefusal::from(err);
    let phone = state.clinic().setup.clinic.phone.clone();
    let (title, text) = if err.status == StatusCode::NOT_FOUND {
        (
            "This link no longer works",
            format!(
                "It has been used already, or your appointment has begun. If you need to tell us something about your health before your treatment, call us on {phone}."
            ),
        )
    } else {
        ("We could not take your answers", err.message.clone())
    };
    let body = html! {
        h1 { (title) }
        p { (text) }
    };
    (err.status, page(state, meta(title), body)).into_response()
}
