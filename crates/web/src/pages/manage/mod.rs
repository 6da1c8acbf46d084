//! `/manage/{token}`: the client's own view of a booking, with reschedule and cancel.
//! The link in the confirmation mail is the only key; it is never shown to anyone else.

pub mod checkin;
pub mod consent;
mod views;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use serde::Deserialize;
use service::{Actor, Refusal, manage_path, parse_start};
use store::{Booking, BookingStatus};

use crate::state::AppState;
use crate::ui::forms::query;
use crate::ui::layout::{PageMeta, page};
use crate::ui::picker::{Pick, Picker, by_date, month_start};
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
            let body = views::not_found(&state.clinic().setup.clinic.phone);
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
    // A treatment still to come asks for consent; a consultation needs none.
    let consent = match state.flows.consent_state(&b).await {
        Ok(c)
            if c.required_by_clinic
                && b.status.is_live()
                && b.status != BookingStatus::Completed =>
        {
            Some(consent::manage_link(&token, !c.missing.is_empty()))
        }
        _ => None,
    };
    let body = views::booking(
        &clinic,
        &b,
        &token,
        title,
        (q.booked.is_some(), q.moved.is_some()),
        consent,
    );
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
    let body = views::confirm_cancel(&clinic, &b, &token);
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
            let body = views::cancel_failed(&token, &err.message);
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
        timezone: &clinic.zone_name(),
        clock_24: clinic.setup.clinic.uses_24_hour_clock(),
        phone: &clinic.setup.clinic.phone,
        day_link: &link,
        month_link: &month_link,
        pick: Pick::Post(&base),
        next_available: None,
    };
    let body = views::reschedule(&clinic, b, token, &picker, problem);
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

/// The reschedule form: the chosen time, and `confirm=yes` once the client has seen it.
#[derive(Debug, Deserialize)]
pub struct RescheduleForm {
    #[serde(default)]
    start: String,
    #[serde(default)]
    confirm: String,
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
    // A tap on a time only asks; the move waits for the client to say yes to it.
    if form.confirm != "yes" {
        let clinic = state.clinic();
        let body = views::confirm_move(&clinic, &b, &token, start);
        return page(
            &state,
            PageMeta::new("Move your appointment?", "Confirm the new time.", "/manage").private(),
            body,
        )
        .into_response();
    }
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
