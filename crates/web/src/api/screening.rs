//! Safety screening and treatment plans.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

/// `GET /screening/questions`.
pub async fn questions(State(state): State<AppState>) -> Json<Value> {
    Json(json!(state.clinic().rules.questions()))
}

/// The body of `POST /screenings`.
#[derive(Deserialize)]
pub struct ScreeningBody {
    answers: Option<Value>,
    treatment_date: Option<Value>,
}

/// Judges answers, stores them with the rule-set version, and returns the outcome.
pub async fn screen_and_store(
    state: &AppState,
    answers_json: &Value,
    treatment_date: Option<jiff::civil::Date>,
) -> Result<(String, protocol::Screening), ApiError> {
    let clinic = state.clinic();
    let answers = clinic
        .rules
        .parse_answers(answers_json)
        .map_err(|e| ApiError::invalid(e.field, e.message))?;
    let today = clinic.today();
    let date = treatment_date.unwrap_or(today);
    let result = clinic.rules.screen(&answers, date, today);
    let record = store::NewScreening {
        ruleset_version: clinic.rules.version().to_owned(),
        answers: serde_json::to_string(&answers).map_err(ApiError::internal)?,
        outcome: result.outcome.as_str().to_owned(),
        earliest_date: result.earliest_date.map(|d| d.to_string()),
        findings: serde_json::to_string(&result.findings).map_err(ApiError::internal)?,
        treatment_date: date.to_string(),
    };
    let id = state.store.insert_screening(&record).await?;
    Ok((id, result))
}

/// `POST /screenings`.
pub async fn create(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<ScreeningBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let answers = body.answers.ok_or_else(|| {
        ApiError::invalid(
            "answers",
            "Give the answers as an object of question id to answer.",
        )
    })?;
    let treatment_date = match body.treatment_date {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.parse::<jiff::civil::Date>().map_err(|_| {
            ApiError::invalid(
                "treatment_date",
                format!("\"{s}\" is not a date; use YYYY-MM-DD."),
            )
        })?),
        Some(_) => {
            return Err(ApiError::invalid(
                "treatment_date",
                "Must be a date string, YYYY-MM-DD.",
            ));
        }
    };
    let (id, result) = screen_and_store(&state, &answers, treatment_date).await?;
    let mut body = json!(result);
    body["id"] = json!(id);
    Ok((StatusCode::CREATED, Json(body)))
}

/// `POST /plans`.
pub async fn plan(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    let request: protocol::PlanRequest = crate::extract::parse_json(body.to_string().as_bytes())?;
    let plan = state
        .clinic()
        .plans
        .plan(&request)
        .map_err(|e| ApiError::invalid(e.field, e.message))?;
    Ok(Json(json!(plan)))
}
