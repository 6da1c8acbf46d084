//! `/api/v1/admin/clients/{id}/export` and `/api/v1/admin/clients/{id}/erase`: the back
//! office's download and erasure for the clinic's own scripts, with the pages' rules: admins
//! only, the export audited before it is packed, the erasure confirmed by the client's
//! e-mail address and refused while a booking lies ahead.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use clinic::{ClinicSnapshot, rfc3339};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};
use store::{Client, Erasure};

use crate::admin::client_data::{archive_response, check_confirmation, forget_written_mail};
use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

/// `POST …/erase`'s body.
#[derive(Debug, Deserialize)]
pub struct EraseBody {
    /// The client's e-mail address, typed again.
    #[serde(default)]
    confirm: String,
}

async fn client(state: &AppState, id: &str) -> Result<Client, ApiError> {
    state
        .store
        .client(id)
        .await?
        .ok_or_else(|| ApiError::not_found("client"))
}

fn at(clinic: &ClinicSnapshot, t: Timestamp) -> String {
    rfc3339(&t.to_zoned_datetime(clinic.timezone.clone()))
}

/// An erasure as the API shows it.
fn erasure_json(clinic: &ClinicSnapshot, e: &Erasure) -> Value {
    json!({
        "id": e.id,
        "client": e.client_id,
        "requested_at": at(clinic, e.requested_at),
        "requested_by": e.requested_by,
        "last_treatment_at": e.last_treatment_at.map(|t| at(clinic, t)),
        "keep_until": at(clinic, e.keep_until),
        "kept": e.kept,
        "purged_at": e.purged_at.map(|t| at(clinic, t)),
    })
}

/// `GET /api/v1/admin/clients/{id}/export`: the zip archive the page gives.
pub async fn export(
    State(state): State<AppState>,
    AdminSession(_): AdminSession,
    Path(id): Path<String>,
) -> Response {
    let client = match client(&state, &id).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let now = Timestamp::now();
    match crate::export::client_archive(&state.flows, &client.email, now).await {
        Ok(archive) => archive_response(archive, now),
        Err(err) => ApiError::from(err).into_response(),
    }
}

/// `POST /api/v1/admin/clients/{id}/erase {confirm}` → 200 with the erasure: what was kept
/// and until when.
pub async fn erase(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<EraseBody>,
) -> Result<Response, ApiError> {
    let client = client(&state, &id).await?;
    check_confirmation(&client, &body.confirm)?;
    let erased = state
        .flows
        .erase_client(&client.email, &session.staff.id, Timestamp::now())
        .await?;
    forget_written_mail(&state, &erased.outbox_ids);
    let clinic = state.clinic();
    Ok((StatusCode::OK, Json(erasure_json(&clinic, &erased.erasure))).into_response())
}
