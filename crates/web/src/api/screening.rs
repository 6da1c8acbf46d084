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
    /// The areas the answers are for; left out, the face (as before areas were asked).
    areas: Option<Value>,
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
    let areas = match body.areas {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|a| a.as_str().map(str::to_owned))
                .collect::<Option<Vec<String>>>()
                .ok_or_else(|| {
                    ApiError::invalid(
                        "areas",
                        "Areas are strings: \"face\", \"body\" or \"scalp\".",
                    )
                })?,
        ),
        Some(_) => {
            return Err(ApiError::invalid(
                "areas",
                "Give the areas as a list, e.g. [\"face\"].",
            ));
        }
    };
    let (id, result) = state
        .flows
        .screen_and_store(&answers, treatment_date, areas.as_deref())
        .await?;
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
