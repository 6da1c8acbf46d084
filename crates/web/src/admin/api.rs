//! `/api/v1/admin/…`: the back office's JSON for integrations (bookings by date, review).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::today::{day_bounds, visible};
use service::Review;

use crate::auth::{ClinicalSession, StaffSession};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::json::booking_json;
use crate::problem::ProblemKind;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct DateQuery {
    date: Option<String>,
}

/// `GET /api/v1/admin/bookings?date=YYYY-MM-DD`: the day's bookings (a practitioner's own).
pub async fn bookings(
    State(state): State<AppState>,
    session: StaffSession,
    Query(q): Query<DateQuery>,
) -> Result<Json<Value>, ApiError> {
    let clinic = state.clinic();
    let date = match q.date.as_deref() {
        None | Some("") => clinic.today(),
        Some(d) => d.parse().map_err(|_| {
            ApiError::invalid("date", format!("\"{d}\" is not a date; use YYYY-MM-DD."))
        })?,
    };
    let (from, to) = day_bounds(&clinic, date);
    let list = visible(&session, state.store.bookings_between(from, to).await?);
    Ok(Json(json!({
        "date": date.to_string(),
        "timezone": clinic.setup.clinic.timezone,
        "bookings": list.iter().map(|b| booking_json(&clinic, b, None)).collect::<Vec<_>>(),
    })))
}

#[derive(Debug, Deserialize)]
pub struct ReviewBody {
    decision: Option<String>,
    note: Option<String>,
}

/// `POST /api/v1/admin/bookings/{id}/review` `{decision: "confirm"|"decline", note?}`.
pub async fn review(
    State(state): State<AppState>,
    ClinicalSession(session): ClinicalSession,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ReviewBody>,
) -> Result<Json<Value>, ApiError> {
    let b = state
        .store
        .booking(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("booking"))?;
    if !super::bookings::may_see(&session, &b) {
        return Err(ApiError::new(
            ProblemKind::Forbidden,
            "This booking is another practitioner's.",
        ));
    }
    let decision = Review::parse(body.decision.as_deref().unwrap_or_default())?;
    let after = state
        .flows
        .review(
            &b,
            decision,
            body.note.as_deref().unwrap_or(""),
            session.staff.practitioner_id.as_deref(),
        )
        .await?;
    Ok(Json(booking_json(&state.clinic(), &after, None)))
}

/// Unknown admin API paths, answered only to signed-in staff.
pub async fn not_found() -> Response {
    ApiError::not_found("admin endpoint at this path").into_response()
}
