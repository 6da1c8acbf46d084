//! `/bookings/{token}/consent`: the consent documents a client signs before treatment, and
//! signing one.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use clinic::rfc3339;
use serde::Deserialize;
use serde_json::{Value, json};
use service::{ConsentView, SignInput};

use crate::error::ApiError;
use crate::extract::{ClientAddr, JsonBody};
use crate::state::AppState;

/// A document as the API shows it.
fn document_json(state: &AppState, doc: &ConsentView) -> Value {
    let clinic = state.clinic();
    let mut value = json!({
        "id": doc.id,
        "version": doc.version,
        "title": doc.title,
        "text": doc.text,
        "sha256": doc.sha256,
        "required": doc.required,
    });
    if doc.photos {
        value["choices"] = json!(["record_only", "marketing"]);
    }
    if let Some(signed) = &doc.signed {
        let at = signed.signed_at.to_zoned_datetime(clinic.timezone.clone());
        value["signed_at"] = json!(rfc3339(&at));
        if let Some(choice) = &signed.choice {
            value["choice"] = json!(choice);
        }
    }
    value
}

/// `GET /bookings/{token}/consent`: every document with its text, hash and signature time.
pub async fn documents(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let booking = state.flows.by_token(&token).await?;
    let docs = state.flows.consent_documents(&booking).await?;
    Ok(Json(json!({
        "documents": docs.iter().map(|d| document_json(&state, d)).collect::<Vec<_>>(),
    })))
}

/// The body of `POST /bookings/{token}/consent`.
#[derive(Deserialize)]
pub struct SignBody {
    document: Option<String>,
    version: Option<i64>,
    sha256: Option<String>,
    name: Option<String>,
    agree: Option<bool>,
    choice: Option<String>,
}

/// `POST /bookings/{token}/consent`: signs one document as shown.
pub async fn sign(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    JsonBody(body): JsonBody<SignBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let booking = state.flows.by_token(&token).await?;
    let document = body
        .document
        .ok_or_else(|| ApiError::invalid("document", "Name the document you sign (its id)."))?;
    let version = body.version.ok_or_else(|| {
        ApiError::invalid(
            "version",
            "Give the version of the document you were shown.",
        )
    })?;
    let sha256 = body.sha256.ok_or_else(|| {
        ApiError::invalid("sha256", "Give the sha256 of the text you were shown.")
    })?;
    let input = SignInput {
        document,
        version,
        sha256,
        name: body.name.unwrap_or_default(),
        agree: body.agree == Some(true),
        choice: body.choice,
        address: addr.to_string(),
        user_agent: user_agent(&headers),
        witnessed_by: None,
    };
    let signed = state
        .flows
        .sign_consent(&booking, input, jiff::Timestamp::now())
        .await?;
    let at = signed
        .signed_at
        .to_zoned_datetime(state.clinic().timezone.clone());
    Ok((
        StatusCode::CREATED,
        Json(json!({ "signed_at": rfc3339(&at) })),
    ))
}

/// The browser's `User-Agent`, as the signature keeps it.
pub fn user_agent(headers: &HeaderMap) -> String {
    headers
        .get(header::USER_AGENT)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
}
