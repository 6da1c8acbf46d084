//! Courses: a proposal of sessions at the course's interval, and booking them all at once.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use clinic::rfc3339;
use service::{Actor, CourseBody, ProposedSession, parse_start};

use crate::error::ApiError;
use crate::extract::{ClientAddr, JsonBody};
use crate::json::booking_json;
use crate::problem::ProblemKind;
use crate::state::AppState;

/// The query of `GET /courses/proposal`; strings so that each mistake names its field.
#[derive(Deserialize)]
pub struct ProposalQuery {
    service: Option<String>,
    start: Option<String>,
    sessions: Option<String>,
    practitioner: Option<String>,
}

/// Proposed sessions as the API shows them: `[{start, end, practitioner}]`.
pub(crate) fn sessions_json(sessions: &[ProposedSession]) -> Vec<Value> {
    sessions
        .iter()
        .map(|s| {
            json!({
                "start": rfc3339(&s.start),
                "end": rfc3339(&s.end),
                "practitioner": s.practitioner,
            })
        })
        .collect()
}

/// `GET /courses/proposal`: the sessions a course would take from a first time.
pub async fn proposal(
    State(state): State<AppState>,
    query: Result<Query<ProposalQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) =
        query.map_err(|e| ApiError::new(ProblemKind::MalformedRequest, e.body_text()))?;
    let service = q
        .service
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::invalid("service", "Give the service id."))?;
    let start = q
        .start
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::invalid("start", "Give the first session's start (RFC 3339)."))?;
    let start = parse_start(&start)?;
    let sessions = match q.sessions.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(text.parse::<usize>().map_err(|_| {
            ApiError::invalid(
                "sessions",
                format!("\"{text}\" is not a number of sessions."),
            )
        })?),
    };
    let clinic = state.clinic();
    let count = match sessions {
        Some(n) => n,
        // Left out: the course's own number of sessions.
        None => clinic
            .setup
            .service(&service)
            .and_then(|s| s.course)
            .map_or(1, |c| c.sessions as usize),
    };
    let practitioner = q.practitioner.as_deref().filter(|p| !p.is_empty());
    let proposal = state
        .flows
        .propose_course(&service, start, count, practitioner)
        .await?;
    Ok(Json(json!({ "sessions": sessions_json(&proposal) })))
}

/// `POST /courses`: every session booked, or none.
pub async fn create(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    JsonBody(body): JsonBody<CourseBody>,
) -> Result<Response, ApiError> {
    // Validate first: only a well-formed course uses up the address's allowance.
    let input = body
        .validate()?
        .agreed_from(addr.to_string(), crate::api::consent::user_agent(&headers));
    state.flows.count_booking_attempt(addr)?;
    let booked = state.flows.book_course(input, Actor::Client).await?;
    let clinic = state.clinic();
    let bookings: Vec<Value> = booked
        .course
        .bookings
        .iter()
        .zip(&booked.session_tokens)
        .map(|(b, token)| booking_json(&clinic, b, Some(token)))
        .collect();
    let location = format!("/courses/{}", booked.manage_token);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(json!({
            "id": booked.course.id,
            "manage_token": booked.manage_token,
            "price": booked.course.price,
            "bookings": bookings,
        })),
    )
        .into_response())
}
