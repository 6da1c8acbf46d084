//! `/api/v1/admin/…` for visits: the treatment record (write, sign, amend, read), recall by
//! lot, and the desk's status changes. Records and recall are clinical: practitioners and
//! admins only.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use clinic::{ClinicSnapshot, rfc3339};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};
use service::{RecallQuery, Recalled, RecordBody, RecordView, StaffStatus};
use store::Booking;

use crate::auth::{ClinicalSession, StaffSession};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::json::booking_json;
use crate::problem::ProblemKind;
use crate::state::AppState;

/// The booking `id`, if this staff member may see it (a practitioner sees their own).
pub(crate) async fn booking_for(
    state: &AppState,
    session: &StaffSession,
    id: &str,
) -> Result<Booking, ApiError> {
    let booking = state
        .store
        .booking(id)
        .await?
        .ok_or_else(|| ApiError::not_found("booking"))?;
    if !crate::admin::may_see(session, &booking) {
        return Err(ApiError::new(
            ProblemKind::Forbidden,
            "This booking is another practitioner's.",
        ));
    }
    Ok(booking)
}

/// Staff ids to the emails they sign in with, for "who signed".
pub(crate) async fn staff_names(state: &AppState) -> HashMap<String, String> {
    state
        .store
        .staff_list()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|s| (s.id, s.email))
        .collect()
}

fn at(clinic: &ClinicSnapshot, t: Timestamp) -> String {
    rfc3339(&t.to_zoned_datetime(clinic.timezone.clone()))
}

fn who(names: &HashMap<String, String>, id: &str) -> Value {
    json!({ "id": id, "email": names.get(id) })
}

/// A record as the API shows it: as it stands, as first signed, and every amendment.
fn record_json(
    clinic: &ClinicSnapshot,
    booking: &Booking,
    view: &RecordView,
    names: &HashMap<String, String>,
) -> Value {
    json!({
        "booking": booking.id,
        "signed": view.is_signed(),
        "record": view.current,
        "original": view.original,
        "written_by": who(names, &view.written_by),
        "written_at": at(clinic, view.written_at),
        "signed_by": view.signed_by.as_deref().map(|id| who(names, id)),
        "signed_at": view.signed_at.map(|t| at(clinic, t)),
        "amendments": view.amendments.iter().map(|a| json!({
            "reason": a.reason,
            "changes": a.changes,
            "amended_by": who(names, &a.amended_by),
            "amended_at": at(clinic, a.amended_at),
            "record": a.record,
        })).collect::<Vec<_>>(),
    })
}

async fn answer(
    state: &AppState,
    booking: &Booking,
    view: &RecordView,
    status: StatusCode,
) -> Response {
    let names = staff_names(state).await;
    (
        status,
        Json(record_json(&state.clinic(), booking, view, &names)),
    )
        .into_response()
}

/// `GET /api/v1/admin/bookings/{id}/record`.
pub async fn show(
    State(state): State<AppState>,
    ClinicalSession(session): ClinicalSession,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let booking = booking_for(&state, &session, &id).await?;
    let view = state
        .flows
        .record(&booking)
        .await?
        .ok_or_else(|| ApiError::not_found("treatment record for this booking"))?;
    crate::audit::record_reads(
        &state,
        &[crate::audit::read(
            "record",
            &booking.id,
            &booking.client.id,
        )],
    )
    .await?;
    Ok(answer(&state, &booking, &view, StatusCode::OK).await)
}

/// `PUT /api/v1/admin/bookings/{id}/record`: writes or corrects the unsigned record.
pub async fn save(
    State(state): State<AppState>,
    ClinicalSession(session): ClinicalSession,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<RecordBody>,
) -> Result<Response, ApiError> {
    let booking = booking_for(&state, &session, &id).await?;
    let view = state
        .flows
        .save_record(&booking, &body, &session.staff.id, Timestamp::now())
        .await?;
    Ok(answer(&state, &booking, &view, StatusCode::OK).await)
}

/// `POST /api/v1/admin/bookings/{id}/record/sign`.
pub async fn sign(
    State(state): State<AppState>,
    ClinicalSession(session): ClinicalSession,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let booking = booking_for(&state, &session, &id).await?;
    let view = state
        .flows
        .sign_record(&booking, &session.staff.id, Timestamp::now())
        .await?;
    Ok(answer(&state, &booking, &view, StatusCode::OK).await)
}

/// An amendment as sent: why, and the fields that change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmendmentBody {
    #[serde(default)]
    reason: Option<String>,
    changes: RecordBody,
}

/// `POST /api/v1/admin/bookings/{id}/record/amendments` → 201.
pub async fn amend(
    State(state): State<AppState>,
    ClinicalSession(session): ClinicalSession,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AmendmentBody>,
) -> Result<Response, ApiError> {
    let booking = booking_for(&state, &session, &id).await?;
    let view = state
        .flows
        .amend_record(
            &booking,
            body.reason.as_deref().unwrap_or_default(),
            &body.changes,
            &session.staff.id,
            Timestamp::now(),
        )
        .await?;
    Ok(answer(&state, &booking, &view, StatusCode::CREATED).await)
}

/// The recall search as a query string.
#[derive(Debug, Default, Deserialize)]
pub struct RecallParams {
    #[serde(default)]
    pub lot: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// One visit a lot touched, as the API lists it.
pub(crate) fn recalled_json(clinic: &ClinicSnapshot, r: &Recalled) -> Value {
    let c = &r.booking.client;
    json!({
        "client": { "id": c.id, "name": c.name, "email": c.email, "phone": c.phone },
        "booking": { "id": r.booking.id, "reference": r.booking.reference, "service": r.booking.service_id },
        "treated_at": at(clinic, r.booking.start),
        "lot": r.lot,
        "kind": r.kind,
    })
}

/// `GET /api/v1/admin/recall?lot=LOT[&from=DATE&to=DATE]`.
pub async fn recall(
    State(state): State<AppState>,
    ClinicalSession(_): ClinicalSession,
    Query(q): Query<RecallParams>,
) -> Result<Json<Value>, ApiError> {
    let query = RecallQuery::parse(&q.lot, &q.from, &q.to)?;
    let found = state.flows.recall(&query).await?;
    crate::audit::record_reads(&state, &crate::audit::recall_reads(&q.lot, &found)).await?;
    let clinic = state.clinic();
    Ok(Json(Value::Array(
        found.iter().map(|r| recalled_json(&clinic, r)).collect(),
    )))
}

/// A status change as sent.
#[derive(Debug, Deserialize)]
pub struct StatusBody {
    #[serde(default)]
    status: Option<String>,
    /// Completes a treatment without a signed record; kept with who gave it.
    #[serde(default)]
    override_reason: Option<String>,
}

/// `POST /api/v1/admin/bookings/{id}/status {status: "arrived"|"completed"|"no_show"}`.
pub async fn set_status(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<StatusBody>,
) -> Result<Json<Value>, ApiError> {
    let booking = booking_for(&state, &session, &id).await?;
    let status = match body.status.as_deref() {
        Some(s @ ("arrived" | "completed" | "no_show")) => StaffStatus::parse(s)?,
        _ => {
            return Err(ApiError::invalid(
                "status",
                "Choose arrived, completed or no_show.",
            ));
        }
    };
    let after = state
        .flows
        .set_status_overriding(
            &booking,
            status,
            &session.staff.id,
            body.override_reason.as_deref(),
        )
        .await?;
    Ok(Json(booking_json(&state.clinic(), &after, None)))
}
