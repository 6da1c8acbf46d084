//! `/manage/{token}`: the client's own view of a booking, with reschedule and cancel.
//! The link in the confirmation mail is the only key; it is never shown to anyone else.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use maud::{Markup, html};
use serde::Deserialize;
use store::{Booking, BookingStatus};

use crate::ui::forms::query;
use crate::ui::layout::{PageMeta, page};
use crate::ui::picker::{by_date, month_start};
use clinic::{ClinicSnapshot, format_local, rfc3339};
use service::{Actor, Refusal, calendar_path, can_change, manage_path, parse_start};

use crate::state::AppState;
use crate::ui::picker::{Pick, Picker};
use crate::ui::refusal::FormRefusal;

/// Flags the confirmation and change pages pass back.
#[derive(Debug, Default, Deserialize)]
pub struct ManageQuery {
    #[serde(default)]
    booked: Option<String>,
    #[serde(default)]
    moved: Option<String>,
    #[serde(default)]
    month: String,
    #[serde(default)]
    date: String,
}

/// The booking a manage link opens, with its token; a wrong link gets the kind 404 page.
pub struct Managed {
    token: String,
    booking: Booking,
}

impl axum::extract::FromRequestParts<AppState> for Managed {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Response> {
        let Path(token) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let booking = find(state, &token).await?;
        Ok(Managed { token, booking })
    }
}

async fn find(state: &AppState, token: &str) -> Result<Booking, Response> {
    match state.flows.by_token(token).await {
        Ok(b) => Ok(b),
        Err(Refusal::NotFound { .. }) => {
            let body = html! {
                h1 { "We couldn't find that booking" }
                p { "The link may be incomplete. Please use the link in your confirmation email, or call us on " (state.clinic().setup.clinic.phone) "." }
            };
            Err((
                StatusCode::NOT_FOUND,
                page(
                    state,
                    PageMeta::new("Booking not found", "Booking not found.", "/manage").private(),
                    body,
                ),
            )
                .into_response())
        }
        Err(err) => Err(crate::error::ApiError::from(err).into_response()),
    }
}

fn summary(clinic: &ClinicSnapshot, b: &Booking) -> Markup {
    let setup = &clinic.setup;
    let start = b.start.to_zoned_datetime(clinic.timezone.clone());
    html! {
        dl.summary {
            dt { "Reference" } dd { strong { (b.reference) } }
            dt { "Treatment" } dd { (setup.service(&b.service_id).map_or(b.service_id.as_str(), |s| s.name.as_str())) }
            dt { "When" } dd { time datetime=(rfc3339(&start)) data-instant=(rfc3339(&start)) { (format_local(&start)) } " (" (setup.clinic.timezone) ")" }
            dt { "With" } dd { (setup.practitioner(&b.practitioner_id).map_or(b.practitioner_id.as_str(), |p| p.name.as_str())) }
            dt { "Where" } dd { (setup.clinic.name) ", " (setup.clinic.address) }
            dt { "Status" } dd { span class=(format!("status {}", b.status.as_str())) { (status_text(b.status)) } }
        }
    }
}

fn status_text(status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::Confirmed => "Confirmed",
        BookingStatus::PendingReview => "Held for a practitioner's review",
        BookingStatus::Cancelled => "Cancelled",
        BookingStatus::Declined => "Not going ahead",
        BookingStatus::Arrived => "Arrived",
        BookingStatus::Completed => "Completed",
        BookingStatus::NoShow => "Missed",
    }
}

/// `GET /manage/{token}`: the booking, with what the client may do.
pub async fn show(
    State(state): State<AppState>,
    Managed { token, booking: b }: Managed,
    Query(q): Query<ManageQuery>,
) -> Response {
    let clinic = state.clinic();
    let title = match (q.booked.is_some(), b.status) {
        (true, BookingStatus::PendingReview) => "Request received",
        (true, _) => "You're booked",
        (false, BookingStatus::Cancelled) => "Booking cancelled",
        _ => "Your appointment",
    };
    let body = html! {
        @if q.booked.is_some() { ol.steps aria-label="Booking steps" { li { "Treatment" } li { "Day and time" } li { "Your details" } li aria-current="step" { "Confirmed" } } }
        h1 { (title) }
        @if q.booked.is_some() {
            div.notice.ok role="status" {
                @if b.status == BookingStatus::PendingReview {
                    p { "Your time is held. A practitioner will review your safety answers and we will email " (b.client.email) " once it is confirmed." }
                } @else {
                    p { "We've emailed a confirmation to " (b.client.email) ". Keep this page's link: it lets you change or cancel your appointment." }
                }
            }
        }
        @if q.moved.is_some() { div.notice.ok role="status" { p { "Your appointment has moved. We've emailed the new details." } } }
        (summary(&clinic, &b))
        @if b.status.is_live() {
            p.cta-inline { a.button.secondary href=(calendar_path(&token)) { "Add to calendar (.ics)" } }
            h2 { "Before you come" }
            ul {
                li { "Arrive without make-up; we apply numbing cream, which takes 15 to 60 minutes to work." }
                li { "Avoid sun for 24 hours before, and ask us before stopping any medicine." }
                li { a href="/aftercare" { "Read what to expect before and after" } }
            }
            h2 { "Change or cancel" }
            @match can_change(&clinic, &b, &Actor::Client) {
                Ok(()) => p.cta-inline {
                    a.button.secondary href=(format!("{}/reschedule", manage_path(&token))) { "Reschedule" }
                    a.button.secondary href=(format!("{}/cancel", manage_path(&token))) { "Cancel appointment" }
                },
                Err(refusal) => p.notice.warn { (refusal) },
            }
        }
        @if !b.status.is_live() { p { a.button href="/book" { "Book again" } } }
    };
    page(
        &state,
        PageMeta::new(title, "Your appointment.", "/manage").private(),
        body,
    )
    .into_response()
}

/// `GET /manage/{token}/cancel`: are you sure?
pub async fn confirm_cancel(
    State(state): State<AppState>,
    Managed { token, booking: b }: Managed,
) -> Response {
    let clinic = state.clinic();
    let body = html! {
        h1 { "Cancel your appointment?" }
        (summary(&clinic, &b))
        @match can_change(&clinic, &b, &Actor::Client) {
            Ok(()) => form method="post" action=(format!("{}/cancel", manage_path(&token))) {
                p { "The time will be offered to other clients. You can book again at any time." }
                p.cta-inline {
                    button.danger type="submit" { "Yes, cancel it" }
                    a.button.secondary href=(manage_path(&token)) { "Keep my appointment" }
                }
            },
            Err(refusal) => p.notice.warn { (refusal) },
        }
    };
    page(
        &state,
        PageMeta::new(
            "Cancel your appointment?",
            "Cancel your appointment.",
            "/manage",
        )
        .private(),
        body,
    )
    .into_response()
}

/// `POST /manage/{token}/cancel`.
pub async fn cancel(
    State(state): State<AppState>,
    Managed { token, booking: b }: Managed,
) -> Response {
    match state.flows.cancel(&b, Actor::Client).await {
        Ok(_) => Redirect::to(&manage_path(&token)).into_response(),
        Err(err) => {
            let err = FormRefusal::from(err);
            let body = html! {
                h1 { "We couldn't cancel online" }
                p.notice.warn { (err.message) }
                p { a href=(manage_path(&token)) { "Back to your appointment" } }
            };
            (
                err.status,
                page(
                    &state,
                    PageMeta::new("We couldn't cancel online", "Cancel failed.", "/manage")
                        .private(),
                    body,
                ),
            )
                .into_response()
        }
    }
}

/// `GET /manage/{token}/reschedule`: pick a new day and time.
pub async fn reschedule_form(
    State(state): State<AppState>,
    Managed { token, booking: b }: Managed,
    Query(q): Query<ManageQuery>,
) -> Response {
    reschedule_page(&state, &token, &b, &q, None).await
}

async fn reschedule_page(
    state: &AppState,
    token: &str,
    b: &Booking,
    q: &ManageQuery,
    problem: Option<&str>,
) -> Response {
    let clinic = state.clinic();
    let today = clinic.today();
    let horizon = clinic.last_bookable_date();
    let selected: Option<Date> = q.date.parse().ok();
    let current = b.start.to_zoned_datetime(clinic.timezone.clone()).date();
    let month = month_start(
        Some(q.month.as_str()).filter(|m| !m.is_empty()),
        selected.unwrap_or(current.max(today)),
    );
    let (from, to) = (month.max(today), month.last_of_month().min(horizon));
    let slots = if from <= to {
        state
            .flows
            .availability(&b.service_id, from, to, None, None)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let days = by_date(&slots);
    let base = format!("{}/reschedule", manage_path(token));
    let link = |d: Date| format!("{base}{}#times", query(&[("date", &d.to_string())]));
    let month_link = |m: Date| {
        format!(
            "{base}{}",
            query(&[("month", &m.strftime("%Y-%m").to_string())])
        )
    };
    let picker = Picker {
        month,
        today,
        last_bookable: horizon,
        selected,
        days: &days,
        timezone: &clinic.setup.clinic.timezone,
        phone: &clinic.setup.clinic.phone,
        day_link: &link,
        month_link: &month_link,
        pick: Pick::Post(&base),
    };
    let body = html! {
        h1 { "Choose a new time" }
        (summary(&clinic, b))
        @if let Some(message) = problem { div.notice.danger role="alert" { p { (message) } } }
        @match can_change(&clinic, b, &Actor::Client) {
            Err(refusal) => p.notice.warn { (refusal) },
            Ok(()) => (picker.render()),
        }
        p { a href=(manage_path(token)) { "Keep my current time" } }
    };
    let status = if problem.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    (
        status,
        page(
            state,
            PageMeta::new(
                "Choose a new time",
                "Reschedule your appointment.",
                "/manage",
            )
            .private(),
            body,
        ),
    )
        .into_response()
}

/// The reschedule form's one field.
#[derive(Debug, Deserialize)]
pub struct RescheduleForm {
    #[serde(default)]
    start: String,
}

/// `POST /manage/{token}/reschedule`: moves the booking atomically.
pub async fn reschedule(
    State(state): State<AppState>,
    Managed { token, booking: b }: Managed,
    Form(form): Form<RescheduleForm>,
) -> Response {
    let start = match parse_start(&form.start) {
        Ok(s) => s,
        Err(err) => {
            return reschedule_page(
                &state,
                &token,
                &b,
                &ManageQuery::default(),
                Some(&err.to_string()),
            )
            .await;
        }
    };
    match state
        .flows
        .reschedule(&b, start, None, Actor::Client, Some(&token))
        .await
    {
        Ok(_) => Redirect::to(&format!("{}?moved=1", manage_path(&token))).into_response(),
        Err(err) => {
            let clinic = state.clinic();
            let date = start.to_zoned_datetime(clinic.timezone.clone()).date();
            let q = ManageQuery {
                date: date.to_string(),
                ..Default::default()
            };
            let err = FormRefusal::from(err);
            let message = if err.lost_race.is_some() {
                "Sorry, that time was taken a moment ago. Your appointment has not changed; please pick another time.".to_owned()
            } else {
                format!("{} Your appointment has not changed.", err.message)
            };
            reschedule_page(&state, &token, &b, &q, Some(&message)).await
        }
    }
}
