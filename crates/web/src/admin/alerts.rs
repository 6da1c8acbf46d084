//! Aftercare alerts: check-ins whose red flags need the clinic today. Clinical roles read
//! and acknowledge them (a note is required); Today shows every role that some are open.

use axum::Form;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};
use store::Alert;

use super::layout::{admin_page, csrf_field};
use crate::auth::ClinicalSession;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;
use crate::ui::refusal::FormRefusal;

fn alert_json(state: &AppState, a: &Alert) -> Value {
    let clinic = state.clinic();
    let at = |t: jiff::Timestamp| clinic::rfc3339(&t.to_zoned_datetime(clinic.timezone.clone()));
    json!({
        "id": a.id,
        "booking": { "id": a.booking_id, "reference": a.booking_reference },
        "client": { "name": a.client_name, "phone": a.client_phone },
        "triage": a.triage,
        "symptoms": a.symptoms,
        "pain": a.pain,
        "note": a.note,
        "created_at": at(a.created_at),
        "acknowledged_at": a.acknowledged_at.map(at),
        "ack_note": a.ack_note,
        "photo": a.photo_id.as_deref().map(super::checkin_photos::checkin_photo_url),
    })
}

/// `GET /api/v1/admin/alerts`: every alert, open ones first.
pub async fn list_json(
    State(state): State<AppState>,
    ClinicalSession(_): ClinicalSession,
) -> Result<Json<Value>, ApiError> {
    let alerts = state.flows.alerts().await?;
    crate::audit::record_reads(&state, &crate::audit::alert_reads(&alerts)).await?;
    Ok(Json(Value::Array(
        alerts.iter().map(|a| alert_json(&state, a)).collect(),
    )))
}

/// The body of an acknowledgement, as JSON or a form.
#[derive(Debug, Default, Deserialize)]
pub struct AckBody {
    #[serde(default)]
    note: Option<String>,
}

/// `POST /api/v1/admin/alerts/{id}/ack {note}`.
pub async fn ack_json(
    State(state): State<AppState>,
    ClinicalSession(session): ClinicalSession,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AckBody>,
) -> Result<Json<Value>, ApiError> {
    state
        .flows
        .acknowledge_alert(&id, &session.staff.id, body.note.as_deref().unwrap_or(""))
        .await?;
    Ok(Json(json!({ "id": id, "acknowledged": true })))
}

/// `GET /admin/alerts`: the list with an acknowledge form per open alert.
pub async fn page(
    State(state): State<AppState>,
    ClinicalSession(session): ClinicalSession,
) -> Response {
    render(&state, &session, None, StatusCode::OK).await
}

/// `POST /admin/alerts/{id}/ack`: acknowledges from the page; a missing note is shown
/// beside the alert's form.
pub async fn ack(
    State(state): State<AppState>,
    ClinicalSession(session): ClinicalSession,
    Path(id): Path<String>,
    Form(body): Form<AckBody>,
) -> Response {
    let note = body.note.unwrap_or_default();
    match state
        .flows
        .acknowledge_alert(&id, &session.staff.id, &note)
        .await
    {
        Ok(()) => Redirect::to("/admin/alerts").into_response(),
        Err(err) => {
            let err = FormRefusal::from(err);
            let status = err.status;
            render(&state, &session, Some((id, note, err.message)), status).await
        }
    }
}

async fn render(
    state: &AppState,
    session: &crate::auth::StaffSession,
    failed: Option<(String, String, String)>,
    status: StatusCode,
) -> Response {
    let alerts = match state.flows.alerts().await {
        Ok(a) => a,
        Err(err) => return ApiError::from(err).into_response(),
    };
    if let Err(e) = crate::audit::record_reads(state, &crate::audit::alert_reads(&alerts)).await {
        return e.into_response();
    }
    let symptoms = service::symptoms();
    let clinic = state.clinic();
    let when = |t: jiff::Timestamp| clinic.when(&t.to_zoned_datetime(clinic.timezone.clone()));
    let body: Markup = html! {
        h1 { "Aftercare alerts" }
        p { "Check-ins where a client reported a warning sign. Call the client, then acknowledge the alert with what was done." }
        @if alerts.is_empty() { p { "No alerts." } }
        @for a in &alerts {
            section.alert {
                h2 {
                    @if a.triage == "emergency" { "Emergency: " } @else { "Call today: " }
                    (a.client_name) " (" a href={"/admin/bookings/" (a.booking_id)} { (a.booking_reference) } ")"
                }
                p { "Reported " (when(a.created_at))
                    @if let Some(phone) = &a.client_phone { ". Phone: " a href={"tel:" (phone)} { (phone) } } }
                ul { @for id in &a.symptoms {
                    li { (symptoms.get(id).map_or(id.as_str(), |s| s.text.as_str())) }
                } }
                p { "Pain: " (a.pain) " out of 10" }
                @if let Some(note) = &a.note { p { "Client's note: " (note) } }
                @if let Some(photo) = &a.photo_id {
                    @let url = super::checkin_photos::checkin_photo_url(photo);
                    p { a href=(url) {
                        img src=(url) alt={"The photo " (a.client_name) " sent with this check-in"} width="240";
                    } }
                }
                @if let Some(at) = a.acknowledged_at {
                    p { "Acknowledged " (when(at)) ": " (a.ack_note.as_deref().unwrap_or("")) }
                } @else {
                    @let failed_here = failed.as_ref().filter(|(id, _, _)| *id == a.id);
                    form method="post" action={"/admin/alerts/" (a.id) "/ack"} {
                        (csrf_field(session))
                        label for={"note-" (a.id)} { "What was done (required)" }
                        @if let Some((_, _, message)) = failed_here {
                            p.error id={"note-" (a.id) "-error"} role="alert" { (message) }
                        }
                        textarea id={"note-" (a.id)} name="note" required maxlength="2000" {
                            @if let Some((_, typed, _)) = failed_here { (typed) }
                        }
                        button type="submit" { "Acknowledge" }
                    }
                }
            }
        }
    };
    (
        status,
        admin_page(state, session, "Aftercare alerts", "/admin/alerts", body),
    )
        .into_response()
}
