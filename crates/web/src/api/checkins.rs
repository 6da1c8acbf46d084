//! `/checkin/symptoms` and `/bookings/{token}/checkins`: a client's healing check-in.

use axum::Json;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use service::{CheckinInput, triage_name};

use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

/// `GET /checkin/symptoms`: every symptom a check-in may report, with its triage and source.
pub async fn symptoms() -> Json<Value> {
    Json(Value::Array(
        service::symptoms()
            .all()
            .iter()
            .map(|s| {
                json!({
                    "id": s.id,
                    "text": s.text,
                    "triage": triage_name(s.triage),
                    "source": s.source,
                })
            })
            .collect(),
    ))
}

/// The body of `POST /bookings/{token}/checkins`.
#[derive(Deserialize)]
pub struct CheckinBody {
    symptoms: Option<Vec<String>>,
    pain: Option<i64>,
    note: Option<String>,
}

/// `POST /bookings/{token}/checkins`: records a check-in and says what to do. The body is
/// JSON, or `multipart/form-data` with the same fields and an optional `photo` file.
pub async fn create(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let input = if crate::checkin_upload::is_multipart(request.headers()) {
        let multipart = Multipart::from_request(request, &state)
            .await
            .map_err(|e| ApiError::invalid("body", e.body_text()))?;
        let (fields, broken) = crate::checkin_upload::read(multipart).await;
        if let Some(refusal) = broken {
            return Err(refusal.into());
        }
        let pain = fields.pain.trim().parse().map_err(|_| {
            ApiError::invalid("pain", "Give a pain score: a whole number from 0 to 10.")
        })?;
        CheckinInput {
            symptoms: fields.symptoms,
            pain,
            note: Some(fields.note),
            photo: fields.photo,
        }
    } else {
        let JsonBody(body) = JsonBody::<CheckinBody>::from_request(request, &state).await?;
        let pain = body
            .pain
            .ok_or_else(|| ApiError::invalid("pain", "Give a pain score from 0 to 10."))?;
        CheckinInput {
            symptoms: body.symptoms.unwrap_or_default(),
            pain,
            note: body.note,
            photo: None,
        }
    };
    let answer = state
        .flows
        .check_in(&token, input, jiff::Timestamp::now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "triage": triage_name(answer.triage),
            "message": answer.message,
            "clinic_phone": answer.clinic_phone,
        })),
    ))
}
