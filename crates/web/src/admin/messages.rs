//! A booking's messages, planned and sent: on the booking page and as JSON, so staff see
//! what a client was (or will be) told, and which messages failed or were withdrawn.

use axum::Json;
use axum::extract::{Path, State};
use clinic::{ClinicSnapshot, rfc3339};
use maud::{Markup, html};
use serde_json::{Value, json};
use store::BookingMessage;

use super::bookings::may_see;
use crate::auth::StaffSession;
use crate::error::ApiError;
use crate::state::AppState;

/// `GET /api/v1/admin/bookings/{id}/messages`: `[{kind, due_at, status, channel, note}]`.
pub async fn list_json(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let booking = state
        .store
        .booking(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("booking"))?;
    if !may_see(&session, &booking) {
        return Err(ApiError::not_found("booking"));
    }
    let clinic = state.clinic();
    let list = state.flows.booking_messages(&id).await?;
    Ok(Json(Value::Array(
        list.iter()
            .map(|m| {
                json!({
                    "kind": m.kind,
                    "due_at": rfc3339(&m.due_at.to_zoned_datetime(clinic.timezone.clone())),
                    "status": m.status,
                    "channel": m.channel,
                    "note": m.note,
                })
            })
            .collect(),
    )))
}

/// The booking page's list of messages.
pub fn panel(clinic: &ClinicSnapshot, list: &[BookingMessage]) -> Markup {
    html! {
        h2 { "Messages" }
        @if list.is_empty() {
            p.muted { "No messages for this booking." }
        } @else {
            table {
                thead { tr { th { "Message" } th { "When" } th { "Status" } } }
                tbody {
                    @for m in list {
                        tr {
                            td { (m.kind.replace('_', " ")) }
                            td { (clinic.when(&m.due_at.to_zoned_datetime(clinic.timezone.clone()))) }
                            td {
                                span class=(format!("status {}", m.status)) { (m.status) }
                                @if let Some(note) = &m.note { " " span.small.muted { "(" (note) ")" } }
                            }
                        }
                    }
                }
            }
        }
    }
}
