//! `/book`: choose a treatment, a practitioner, a day and a time, then give your details.
//! Each step is a plain link or form, so the whole flow works without JavaScript.

pub(crate) mod details;
mod views;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use serde::Deserialize;
use service::{Actor, BookingInput, Gate, PolicyConsent, Stored, check_client, parse_start};

use crate::extract::ClientAddr;
use crate::state::AppState;
use crate::ui::forms::{FieldErrors, query};
use crate::ui::layout::{PageMeta, page};
use crate::ui::picker::month_start;
use crate::ui::refusal::FormRefusal;

/// The choices so far, carried in the query string.
#[derive(Debug, Default, Deserialize)]
pub struct BookQuery {
    #[serde(default)]
    service: String,
    #[serde(default)]
    practitioner: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    screening: String,
    #[serde(default)]
    start: String,
}

/// `GET /book`: the step the query has reached.
pub async fn start(State(state): State<AppState>, Query(q): Query<BookQuery>) -> Response {
    let clinic = state.clinic();
    let Some(service) = clinic.setup.service(&q.service) else {
        return views::choose_service(&state, &clinic, &q).into_response();
    };
    let (mut not_before, mut review) = (None, false);
    if service.requires_screening {
        if q.screening.is_empty() {
            let target = format!(
                "/book/screening{}",
                query(&[("service", &q.service), ("practitioner", &q.practitioner)])
            );
            return Redirect::to(&target).into_response();
        }
        match state.flows.stored_gate(&q.screening, &service.id).await {
            Ok(Stored::Found(Gate::Open {
                not_before: nb,
                review: r,
            })) => (not_before, review) = (nb, r),
            Ok(found) => {
                let again = format!(
                    "/book/screening{}",
                    query(&[("service", &q.service), ("practitioner", &q.practitioner)])
                );
                return views::screening_closed(&state, &closed_words(&found), &again)
                    .into_response();
            }
            Err(err) => return crate::error::ApiError::from(err).into_response(),
        }
    }
    let practitioner = clinic
        .setup
        .practitioner(&q.practitioner)
        .filter(|p| p.services.contains(&service.id))
        .map(|p| p.id.as_str());
    let today = clinic.today();
    let horizon = clinic.last_bookable_date();
    let mut selected: Option<Date> = q.date.parse().ok();
    let month = if q.month.is_empty() && selected.is_none() {
        // Open on the first day with a free time, selected, so its times show at once.
        let first = first_free(
            &state,
            &service.id,
            practitioner,
            not_before.unwrap_or(today).max(today),
            not_before,
        )
        .await;
        selected = first;
        first.unwrap_or(today).first_of_month()
    } else {
        month_start(
            Some(q.month.as_str()).filter(|m| !m.is_empty()),
            selected.unwrap_or(today),
        )
    };
    let (from, to) = (month.max(today), month.last_of_month().min(horizon));
    let slots = if from <= to {
        state
            .flows
            .availability(&service.id, from, to, practitioner, not_before)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    // An empty chosen day, or an empty month, offers a jump to the next day with times.
    let empty_after = match selected {
        Some(day) if !slots.iter().any(|s| s.start.date() == day) => Some(day),
        None if slots.is_empty() => Some(month.last_of_month()),
        _ => None,
    };
    let next_available = match empty_after.and_then(|d| d.tomorrow().ok()) {
        Some(from) => {
            first_free(
                &state,
                &service.id,
                practitioner,
                from.max(today),
                not_before,
            )
            .await
        }
        None => None,
    };
    let view = views::DayTime {
        service,
        practitioner,
        screening: &q.screening,
        month,
        selected,
        slots: &slots,
        not_before,
        review,
        next_available,
    };
    views::day_time(&state, &clinic, &view).into_response()
}

/// The first clinic-local day from `from` up to the horizon with a free time.
async fn first_free(
    state: &AppState,
    service: &str,
    practitioner: Option<&str>,
    from: Date,
    not_before: Option<Date>,
) -> Option<Date> {
    let horizon = state.clinic().last_bookable_date();
    if from > horizon {
        return None;
    }
    let slots = state
        .flows
        .availability(service, from, horizon, practitioner, not_before)
        .await
        .unwrap_or_default();
    slots.first().map(|s| s.start.date())
}

/// Why a screening keeps the client from booking, in the booking page's words.
fn closed_words(found: &Stored) -> String {
    match found {
        Stored::Missing => "We could not find your safety questions; please answer them again.".into(),
        Stored::Unreadable => "Please answer the safety questions again.".into(),
        Stored::OutOfScope(why) => why.clone(),
        Stored::Found(Gate::WaitUntilCleared) => {
            "Your answers mean we should wait until the condition has cleared before treating you. You are welcome to book a free consultation meanwhile.".into()
        }
        Stored::Found(_) => {
            "Your answers mean microneedling is not right for you at the moment. Please book a consultation so a practitioner can advise you.".into()
        }
    }
}

/// The details form's fields as typed.
#[derive(Debug, Default, Deserialize)]
pub struct DetailsForm {
    #[serde(default)]
    service: String,
    #[serde(default)]
    practitioner: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    screening: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    notes: String,
    /// `yes` when the cancellation policy's box is ticked.
    #[serde(default)]
    agree_policy: String,
    /// The version and SHA-256 of the policy the form showed.
    #[serde(default)]
    policy_version: String,
    #[serde(default)]
    policy_sha256: String,
}

/// `GET /book/details`: who the appointment is for.
pub async fn details(State(state): State<AppState>, Query(q): Query<BookQuery>) -> Response {
    let form = DetailsForm {
        service: q.service,
        practitioner: q.practitioner,
        start: q.start,
        screening: q.screening,
        ..Default::default()
    };
    details_page(&state, &form, &FieldErrors::default(), None, &[])
}

fn details_page(
    state: &AppState,
    form: &DetailsForm,
    errors: &FieldErrors,
    problem: Option<&str>,
    alternatives: &[scheduling::Slot],
) -> Response {
    details_page_with(state, form, errors, problem, alternatives, false)
}

/// The details page; `ask_again` when the problem is the screening itself.
fn details_page_with(
    state: &AppState,
    form: &DetailsForm,
    errors: &FieldErrors,
    problem: Option<&str>,
    alternatives: &[scheduling::Slot],
    ask_again: bool,
) -> Response {
    let clinic = state.clinic();
    let Some(service) = clinic.setup.service(&form.service) else {
        return Redirect::to("/book").into_response();
    };
    let Ok(start) = parse_start(&form.start) else {
        return Redirect::to(&format!(
            "/book{}",
            query(&[("service", &form.service), ("screening", &form.screening)])
        ))
        .into_response();
    };
    let view = details::Details {
        service,
        start,
        form,
        errors,
        problem,
        alternatives,
        ask_again,
    };
    let body = details::details(&clinic, &view);
    let status = if problem.is_some() || !errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (
        status,
        page(
            state,
            PageMeta::new("Your details", "Confirm your appointment.", "/book/details").private(),
            body,
        ),
    )
        .into_response()
}

/// `POST /book`: makes the booking, or shows the form again with what is wrong.
pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(mut form): Form<DetailsForm>,
) -> Response {
    // The hidden choices came from our own links; one with a NUL was not.
    if [&form.service, &form.practitioner, &form.screening]
        .iter()
        .any(|v| service::has_nul(v))
    {
        return Redirect::to("/book").into_response();
    }
    let mut errors = FieldErrors::default();
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let client = match check_client(opt(&form.name), opt(&form.email), opt(&form.phone), "") {
        Ok(client) => Some(client),
        Err(found) => {
            errors.add_all(found);
            None
        }
    };
    if service::has_nul(&form.notes) {
        errors.add("notes", "Must not contain a NUL character (\\0).");
    } else if form.notes.chars().count() > 2000 {
        errors.add("notes", "Please keep notes under 2,000 characters.");
    }
    if form.agree_policy != "yes" {
        errors.add(
            "agree_policy",
            "Please read our cancellation policy and tick the box to agree to it.",
        );
    }
    let (Some(client), true) = (client, errors.is_empty()) else {
        // Shown again without the NULs (they were refused above), never written raw.
        for typed in [
            &mut form.name,
            &mut form.email,
            &mut form.phone,
            &mut form.notes,
        ] {
            typed.retain(|c| c != '\0');
        }
        return details_page(&state, &form, &errors, None, &[]);
    };
    let Ok(start) = parse_start(&form.start) else {
        return Redirect::to("/book").into_response();
    };
    if let Err(service::Refusal::RateLimited { retry_after }) =
        state.flows.count_booking_attempt(addr)
    {
        let message = format!(
            "We have received many bookings from your connection; please try again in {} minutes or call us.",
            retry_after.div_ceil(60)
        );
        return details_page(&state, &form, &errors, Some(&message), &[]);
    }
    let input = BookingInput {
        service_id: form.service.clone(),
        start,
        practitioner: opt(&form.practitioner),
        client,
        screening_id: opt(&form.screening),
        notes: form.notes.trim().to_owned(),
        // A version that is not a number is never the current one.
        policy: Some(PolicyConsent {
            version: form.policy_version.trim().parse().unwrap_or(-1),
            sha256: form.policy_sha256.trim().to_owned(),
            ..PolicyConsent::default()
        }),
    }
    .agreed_from(addr.to_string(), crate::api::consent::user_agent(&headers));
    match state.flows.book(input, Actor::Client).await {
        Ok(booked) => {
            Redirect::to(&format!("/manage/{}?booked=1", booked.manage_token)).into_response()
        }
        Err(err) => {
            let refusal = FormRefusal::from(err);
            let mut errors = FieldErrors::default();
            match (&refusal.lost_race, refusal.field.as_deref()) {
                (Some(nearest), _) => {
                    let message = "Sorry, someone booked that time a moment before you. Your details are kept below: pick one of the nearest free times, or choose another day.";
                    details_page(&state, &form, &errors, Some(message), nearest)
                }
                (None, Some("cancellation_policy")) => {
                    // The policy changed under the form: show the new one, unticked.
                    form.agree_policy.clear();
                    errors.add("agree_policy", refusal.message);
                    details_page(&state, &form, &errors, None, &[])
                }
                (None, Some(field @ ("name" | "email" | "phone" | "notes")))
                    if !refusal.internal =>
                {
                    errors.add(field, refusal.message);
                    details_page(&state, &form, &errors, None, &[])
                }
                (None, Some("screening")) => {
                    details_page_with(&state, &form, &errors, Some(&refusal.message), &[], true)
                }
                _ => details_page(&state, &form, &errors, Some(&refusal.message), &[]),
            }
        }
    }
}
