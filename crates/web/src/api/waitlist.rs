//! The waitlist: joining, the entry by its manage token, leaving, and the offer of a freed
//! time (read, accept, decline) by its offer token.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use clinic::{ClinicSnapshot, rfc3339};
use service::WaitlistBody;
use store::{Offer, WaitlistEntry};

use crate::error::ApiError;
use crate::extract::{ClientAddr, JsonBody};
use crate::json::booking_json;
use crate::state::AppState;

/// A waitlist entry as the API shows it; the manage token only when it is made.
pub fn entry_json(entry: &WaitlistEntry, manage_token: Option<&str>) -> Value {
    let mut value = json!({
        "id": entry.id,
        "status": entry.status.as_str(),
        "service": entry.service_id,
        "practitioner": entry.practitioner_id,
        "from": entry.from.to_string(),
        "to": entry.to.to_string(),
        "times": entry.times,
        "client": {
            "name": entry.joined_as.name,
            "email": entry.client.email,
            "phone": entry.joined_as.phone,
        },
    });
    if let Some(token) = manage_token {
        value["manage_token"] = json!(token);
    }
    value
}

/// An offer as the API shows it.
pub fn offer_json(clinic: &ClinicSnapshot, offer: &Offer) -> Value {
    let tz = clinic.timezone.clone();
    json!({
        "id": offer.id,
        "status": offer.status.as_str(),
        "service": offer.service_id,
        "practitioner": offer.practitioner_id,
        "start": rfc3339(&offer.start.to_zoned_datetime(tz.clone())),
        "end": rfc3339(&offer.end.to_zoned_datetime(tz.clone())),
        "expires_at": rfc3339(&offer.expires_at.to_zoned_datetime(tz)),
    })
}

/// `POST /waitlist`.
pub async fn join(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    JsonBody(body): JsonBody<WaitlistBody>,
) -> Result<Response, ApiError> {
    let input = body.validate()?;
    // Joining sends mail, so it counts against the same allowance as booking.
    state.flows.count_booking_attempt(addr)?;
    let joined = state.flows.join_waitlist(input).await?;
    let location = format!("/api/v1/waitlist/{}", joined.manage_token);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(entry_json(&joined.entry, Some(&joined.manage_token))),
    )
        .into_response())
}

/// `GET /waitlist/{token}`.
pub async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let entry = state.flows.waitlist_by_token(&token).await?;
    Ok(Json(entry_json(&entry, None)))
}

/// `POST /waitlist/{token}/leave`.
pub async fn leave(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let entry = state.flows.leave_waitlist(&token).await?;
    Ok(Json(entry_json(&entry, None)))
}

/// `GET /waitlist/offers/{token}`.
pub async fn offer(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (offer, _) = state.flows.offer_by_token(&token).await?;
    Ok(Json(offer_json(&state.clinic(), &offer)))
}

/// `POST /waitlist/offers/{token}/accept`: the booking, as `POST /bookings` answers it.
pub async fn accept(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let booked = state.flows.accept_offer(&token).await?;
    let body = booking_json(&state.clinic(), &booked.booking, Some(&booked.manage_token));
    let location = format!("/api/v1/bookings/{}", booked.manage_token);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response())
}

/// `POST /waitlist/offers/{token}/decline`.
pub async fn decline(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let offer = state.flows.decline_offer(&token).await?;
    Ok(Json(offer_json(&state.clinic(), &offer)))
}
