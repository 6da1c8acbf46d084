//! Availability, booking, and the client's self-service by manage token.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

use service::{Actor, BookingBody, Window, parse_start};

use super::availability_json::availability_body;
use crate::error::ApiError;
use crate::extract::{ClientAddr, JsonBody};
use crate::json::booking_json;
use crate::problem::ProblemKind;
use crate::state::AppState;

/// The query of `GET /availability`; strings so that each mistake names its field.
#[derive(Deserialize)]
pub struct AvailabilityQuery {
    service: Option<String>,
    from: Option<String>,
    to: Option<String>,
    practitioner: Option<String>,
}

/// The longest range one availability request may ask for.
const MAX_DAYS: i32 = 62;

fn parse_date(value: Option<&str>, field: &str) -> Result<jiff::civil::Date, ApiError> {
    let value = value.filter(|v| !v.is_empty()).ok_or_else(|| {
        ApiError::invalid(field, format!("Give `{field}` as a date, YYYY-MM-DD."))
    })?;
    value.parse().map_err(|_| {
        ApiError::invalid(field, format!("\"{value}\" is not a date; use YYYY-MM-DD."))
    })
}

/// `GET /availability`: every start time, with who can take it.
pub async fn availability(
    State(state): State<AppState>,
    query: Result<Query<AvailabilityQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) =
        query.map_err(|e| ApiError::new(ProblemKind::MalformedRequest, e.body_text()))?;
    let service = q
        .service
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::invalid("service", "Give the service id."))?;
    let from = parse_date(q.from.as_deref(), "from")?;
    let to = parse_date(q.to.as_deref(), "to")?;
    if to < from {
        return Err(ApiError::invalid("to", "`to` must not be before `from`."));
    }
    if to
        .since((jiff::Unit::Day, from))
        .map_or(true, |span| span.get_days() >= MAX_DAYS)
    {
        return Err(ApiError::invalid(
            "to",
            format!("Ask for at most {MAX_DAYS} days at a time."),
        ));
    }
    let practitioner = q.practitioner.as_deref().filter(|p| !p.is_empty());
    let window = Window {
        from,
        to,
        practitioner,
        not_before: None,
    };
    let body = state
        .flows
        .with_availability(&Actor::Client, &service, window, |clinic, answers| {
            availability_body(
                &service,
                &clinic.setup.clinic.timezone,
                &clinic.timezone,
                answers,
            )
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// `POST /bookings`.
pub async fn create(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: axum::http::HeaderMap,
    JsonBody(body): JsonBody<BookingBody>,
) -> Result<Response, ApiError> {
    // Validate first: only a well-formed booking uses up the address's allowance.
    let input = body
        .validate()?
        .agreed_from(addr.to_string(), crate::api::consent::user_agent(&headers));
    state.flows.count_booking_attempt(addr)?;
    let booked = state.flows.book(input, Actor::Client).await?;
    let clinic = state.clinic();
    let body = booking_json(&clinic, &booked.booking, Some(&booked.manage_token));
    let location = format!("/api/v1/bookings/{}", booked.manage_token);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response())
}

/// `GET /bookings/{token}`.
pub async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let booking = state.flows.by_token(&token).await?;
    Ok(Json(booking_json(&state.clinic(), &booking, None)))
}

/// `POST /bookings/{token}/cancel`.
pub async fn cancel(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let booking = state.flows.by_token(&token).await?;
    let cancelled = state.flows.cancel(&booking, Actor::Client).await?;
    Ok(Json(booking_json(&state.clinic(), &cancelled, None)))
}

/// The body of `POST /bookings/{token}/reschedule`.
#[derive(Deserialize)]
pub struct RescheduleBody {
    start: Option<String>,
}

/// `POST /bookings/{token}/reschedule`.
pub async fn reschedule(
    State(state): State<AppState>,
    Path(token): Path<String>,
    JsonBody(body): JsonBody<RescheduleBody>,
) -> Result<Json<Value>, ApiError> {
    let start = body
        .start
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::invalid("start", "Give the new start time."))?;
    let start = parse_start(&start)?;
    let booking = state.flows.by_token(&token).await?;
    let moved = state
        .flows
        .reschedule(&booking, start, None, Actor::Client, Some(&token))
        .await?;
    Ok(Json(booking_json(&state.clinic(), &moved, None)))
}

/// `GET /bookings/{token}/calendar.ics`.
pub async fn calendar(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let booking = state.flows.by_token(&token).await?;
    let ics = state.flows.invite(&booking, &token);
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"appointment.ics\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        ics,
    )
        .into_response())
}
