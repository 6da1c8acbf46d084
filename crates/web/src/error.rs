//! The one place where failures become HTTP answers.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use clinic::rfc3339;
use serde::Serialize;
use serde_json::json;
use service::Refusal;

use crate::problem::ProblemKind;

/// An API failure, answered as `application/problem+json`.
#[derive(Debug)]
pub struct ApiError {
    pub kind: ProblemKind,
    pub detail: String,
    /// The input field at fault, as a dotted path (`client.email`).
    pub field: Option<String>,
    pub retry_after: Option<u64>,
    /// Extra members, such as the nearest free times after a lost race.
    pub extra: Option<serde_json::Value>,
}

impl ApiError {
    /// A problem of `kind` explained by `detail`.
    pub fn new(kind: ProblemKind, detail: impl Into<String>) -> ApiError {
        ApiError {
            kind,
            detail: detail.into(),
            field: None,
            retry_after: None,
            extra: None,
        }
    }

    /// Invalid input in one field.
    pub fn invalid(field: impl Into<String>, detail: impl Into<String>) -> ApiError {
        ApiError::new(ProblemKind::InvalidInput, detail).with_field(field)
    }

    /// Names the field at fault.
    pub fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
    }

    /// Something we did not expect: logged in full, answered without internals.
    pub fn internal(err: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %err, "internal error");
        ApiError::new(
            ProblemKind::Internal,
            "An unexpected error occurred; nothing was changed. Please try again.",
        )
    }

    /// The not-found answer.
    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(ProblemKind::NotFound, format!("No {what} was found."))
    }
}

/// The one mapping from a workflow's refusal to the API's problem detail.
impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> ApiError {
        let detail = refusal.to_string();
        let field = refusal.field().map(str::to_owned);
        let kind = match &refusal {
            Refusal::Invalid { .. } => ProblemKind::InvalidInput,
            Refusal::SlotTaken { .. } | Refusal::Changed | Refusal::CourseSlotTaken { .. } => {
                ProblemKind::SlotUnavailable
            }
            Refusal::InsideCancelWindow { .. } => ProblemKind::InsideCancelWindow,
            Refusal::Closed { .. } => ProblemKind::BookingClosed,
            Refusal::ScreeningRequired => ProblemKind::ScreeningRequired,
            Refusal::ScreeningRefused { .. } => ProblemKind::ScreeningRefused,
            Refusal::NotFound { .. } => ProblemKind::NotFound,
            Refusal::RateLimited { .. } | Refusal::TooSoon { .. } => ProblemKind::RateLimited,
            Refusal::Forbidden { .. } => ProblemKind::Forbidden,
            Refusal::ConsentChanged { .. } => ProblemKind::ConsentChanged,
            Refusal::RecordSigned => ProblemKind::RecordSigned,
            Refusal::RecordMissing => ProblemKind::RecordMissing,
            Refusal::ConsentMissing => ProblemKind::ConsentMissing,
            Refusal::OfferExpired => ProblemKind::OfferExpired,
            Refusal::Internal(err) => return ApiError::internal(err),
        };
        let mut error = ApiError::new(kind, detail);
        error.field = field;
        match refusal {
            Refusal::RateLimited { retry_after } | Refusal::TooSoon { retry_after, .. } => {
                error.retry_after = Some(retry_after)
            }
            Refusal::SlotTaken { alternatives } => {
                error.extra = Some(json!({ "alternatives": alternatives.iter().map(|s| json!({
                    "start": rfc3339(&s.start),
                    "end": rfc3339(&s.end),
                    "practitioners": s.options.iter().map(|o| o.practitioner.as_str()).collect::<Vec<_>>(),
                })).collect::<Vec<_>>() }));
            }
            Refusal::CourseSlotTaken { index, proposal } => {
                error.field = index.map(|i| format!("sessions[{i}].start"));
                error.extra = Some(json!({
                    "index": index,
                    "proposal": { "sessions": crate::api::courses::sessions_json(&proposal) },
                }));
            }
            _ => {}
        }
        error
    }
}

impl From<store::StoreError> for ApiError {
    fn from(err: store::StoreError) -> ApiError {
        ApiError::internal(err)
    }
}

#[derive(Serialize)]
struct ProblemBody<'a> {
    r#type: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Vec<FieldProblem<'a>>>,
}

#[derive(Serialize)]
struct FieldProblem<'a> {
    field: &'a str,
    detail: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.kind.status();
        let body = ProblemBody {
            r#type: self.kind.type_uri(),
            title: self.kind.title(),
            status: status.as_u16(),
            detail: &self.detail,
            field: self.field.as_deref(),
            errors: self.field.as_deref().map(|f| {
                vec![FieldProblem {
                    field: f,
                    detail: &self.detail,
                }]
            }),
        };
        let mut value = serde_json::to_value(&body).unwrap_or_default();
        if let (Some(serde_json::Value::Object(extra)), serde_json::Value::Object(map)) =
            (self.extra, &mut value)
        {
            map.extend(extra);
        }
        let mut response = (status, axum::Json(value)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
