//! `/admin/bookings/{id}/reconfirm`: on the clinic's tablet, the client says whether anything
//! has changed since they answered the safety questions. "Nothing" records the confirmation
//! on the screening, so it is current again; "something" (or answers for another area)
//! means answering the same questionnaire again, judged by the same rules and tied to the
//! booking. The page thanks the client without showing what the answers mean: that is for
//! the practitioner, on the arrival check.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use service::ScreeningCheck;
use store::Booking;

use super::{refused, tablet};
use crate::admin::bookings::load;
use crate::admin::layout::{admin_page, csrf_field};
use crate::auth::StaffSession;
use crate::error::ApiError;
use crate::pages::suitability::Carry;
use crate::pages::suitability::answers::{FormAnswers, checked_answers, form_message};
use crate::pages::suitability::form::{AreasField, questionnaire_form};
use crate::state::AppState;
use crate::ui::forms::{FieldErrors, query_pairs};

/// `GET /admin/bookings/{id}/reconfirm`: "has anything changed?", or the questions straight
/// away when the answers on file cannot be confirmed for this treatment.
pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Response {
    let b = match load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    if let Err(e) = crate::audit::record_reads(
        &state,
        &[crate::audit::read("screening", &b.id, &b.client.id)],
    )
    .await
    {
        return e.into_response();
    }
    let check = match state.flows.arrival(&b, jiff::Timestamp::now()).await {
        Ok(a) => a.screening,
        Err(err) => return ApiError::from(err).into_response(),
    };
    let clinic = state.clinic();
    let body = match check {
        ScreeningCheck::Stale { since }
        | ScreeningCheck::Current {
            answered_at: since, ..
        } => {
            let day = since
                .to_zoned_datetime(clinic.timezone.clone())
                .strftime("%A %-d %B %Y")
                .to_string();
            ask_changed(&session, &b, &day)
        }
        ScreeningCheck::NotNeeded => html! {
            h1 { "No safety questions needed" }
            p { "This treatment needs no screening." }
        },
        ScreeningCheck::Missing | ScreeningCheck::OtherArea { .. } => questions(
            &state,
            &session,
            &b,
            &FormAnswers::new(),
            &FieldErrors::default(),
        ),
    };
    frame(&state, &session, tablet(body))
}

/// The reconfirm form's choice.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ChangedForm {
    #[serde(default)]
    changed: String,
}

/// `POST /admin/bookings/{id}/reconfirm`: `changed=no` records the confirmation; `changed=yes`
/// shows the questions.
pub async fn submit(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ChangedForm>,
) -> Response {
    let b = match load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    match form.changed.as_str() {
        "no" => match state
            .flows
            .reconfirm_screening(&b, jiff::Timestamp::now())
            .await
        {
            Ok(()) => frame(&state, &session, tablet(thanks(&b))),
            Err(refusal) => refused(&state, &session, &id, refusal),
        },
        "yes" => {
            let body = questions(
                &state,
                &session,
                &b,
                &FormAnswers::new(),
                &FieldErrors::default(),
            );
            frame(&state, &session, tablet(body))
        }
        _ => {
            let body = html! {
                div.notice.danger role="alert" { p { "Please choose: nothing has changed, or something has." } }
                (ask_changed(&session, &b, "you last answered"))
            };
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                frame(&state, &session, tablet(body)),
            )
                .into_response()
        }
    }
}

/// `POST /admin/bookings/{id}/reconfirm/answers`: the questionnaire answered again.
pub async fn answers(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let b = match load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let clinic = state.clinic();
    let pairs = query_pairs(&String::from_utf8_lossy(&body));
    let areas = treatment_areas(&state, &b);
    let (answers, json) = match checked_answers(&clinic, &pairs, &areas) {
        Ok(checked) => checked,
        Err((answers, errors)) => {
            let body = questions(&state, &session, &b, &answers, &errors);
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                frame(&state, &session, tablet(body)),
            )
                .into_response();
        }
    };
    match state.flows.rescreen_for_visit(&b, &json).await {
        Ok(_) => frame(&state, &session, tablet(thanks(&b))),
        Err(refusal) => match refusal.field().map(str::to_owned) {
            Some(field) => {
                let mut errors = FieldErrors::default();
                errors.add(
                    field.clone(),
                    form_message(&clinic.rules, &field, &refusal.to_string()),
                );
                let body = questions(&state, &session, &b, &answers, &errors);
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    frame(&state, &session, tablet(body)),
                )
                    .into_response()
            }
            None => refused(&state, &session, &id, refusal),
        },
    }
}

fn treatment_areas(state: &AppState, b: &Booking) -> Vec<String> {
    state
        .clinic()
        .setup
        .service(&b.service_id)
        .map(service::service_areas)
        .unwrap_or_default()
}

fn frame(state: &AppState, session: &StaffSession, body: Markup) -> Response {
    admin_page(state, session, "Safety questions", "", body).into_response()
}

fn ask_changed(session: &StaffSession, b: &Booking, since: &str) -> Markup {
    html! {
        h1 { "Has anything changed since " (since) "?" }
        p.lead { "Think of your health, any medicines (including creams and anything for acne), pregnancy or breastfeeding, recent treatments such as injections, lasers or peels, sunburn, and the skin where you are being treated today." }
        form.tablet-choices method="post" action=(format!("/admin/bookings/{}/reconfirm", b.id)) {
            (csrf_field(session))
            button type="submit" name="changed" value="no" { "Nothing has changed" }
            button.secondary type="submit" name="changed" value="yes" { "Something has changed" }
        }
    }
}

fn questions(
    state: &AppState,
    session: &StaffSession,
    b: &Booking,
    answers: &FormAnswers,
    errors: &FieldErrors,
) -> Markup {
    let clinic = state.clinic();
    let areas = AreasField::Fixed(treatment_areas(state, b));
    let action = format!("/admin/bookings/{}/reconfirm/answers", b.id);
    let carry = Carry {
        csrf: session.csrf.clone(),
        ..Carry::default()
    };
    html! {
        h1 { "A few safety questions" }
        p.lead { "Please answer these for how you are today. Only our clinical staff see your answers." }
        (questionnaire_form(&clinic.rules, &action, &carry, (answers, &areas), errors, "Send my answers"))
    }
}

fn thanks(b: &Booking) -> Markup {
    html! {
        h1 { "Thank you" }
        p.lead { "Please hand the tablet back to us. Your practitioner will go through anything that needs talking about before your treatment." }
        p { a href=(format!("/admin/bookings/{}/arrival", b.id)) { "Staff: back to the arrival check" } }
    }
}
