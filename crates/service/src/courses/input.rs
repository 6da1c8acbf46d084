//! A course booking request, checked field by field before anything is stored.

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::Value;
use store::NewClient;

use crate::input::{policy_consent, text};
use crate::{PolicyConsent, Refusal, parse_start, validate_client};

/// The most sessions a request may carry, whatever the course: bounds the work one request
/// can ask for before the course's own count is known.
const MOST_SESSIONS: usize = 52;

/// A valid course booking request.
#[derive(Clone, Debug)]
pub struct CourseInput {
    pub service_id: String,
    /// Each session's start, in the order sent.
    pub starts: Vec<Timestamp>,
    pub practitioner: Option<String>,
    pub client: NewClient,
    pub screening_id: Option<String>,
    /// The cancellation policy the client agreed to, kept with every session; the course
    /// form requires it, the API takes it when sent, as for one booking.
    pub policy: Option<PolicyConsent>,
}

impl CourseInput {
    /// Notes where an agreement to the policy came from, as the edge saw it.
    pub fn agreed_from(mut self, address: String, user_agent: String) -> CourseInput {
        if let Some(policy) = &mut self.policy {
            policy.address = address;
            policy.user_agent = user_agent;
        }
        self
    }
}

/// `POST /api/v1/courses` as sent; every field optional so each mistake can be named.
#[derive(Debug, Deserialize)]
pub struct CourseBody {
    pub service: Option<Value>,
    pub sessions: Option<Value>,
    pub practitioner: Option<Value>,
    pub client: Option<Value>,
    pub screening: Option<Value>,
    /// `{version, sha256}` of the cancellation policy shown (`GET /clinic`), when agreed.
    pub cancellation_policy: Option<Value>,
}

impl CourseBody {
    /// Checks every field, naming the first at fault (`sessions[2].start`, `client.email`).
    pub fn validate(self) -> Result<CourseInput, Refusal> {
        let service_id = text(self.service.as_ref(), "service")?
            .ok_or_else(|| Refusal::invalid("service", "Please choose a service."))?;
        let sessions = match self.sessions {
            Some(Value::Array(items)) if !items.is_empty() => items,
            Some(Value::Array(_)) | None | Some(Value::Null) => {
                return Err(Refusal::invalid(
                    "sessions",
                    "Please give the sessions to book, each with its start.",
                ));
            }
            Some(_) => {
                return Err(Refusal::invalid(
                    "sessions",
                    "Must be a list of sessions, each {\"start\": \"…\"}.",
                ));
            }
        };
        if sessions.len() > MOST_SESSIONS {
            return Err(Refusal::invalid(
                "sessions",
                format!("A course books at most {MOST_SESSIONS} sessions in one request."),
            ));
        }
        let mut starts = Vec::with_capacity(sessions.len());
        for (i, item) in sessions.iter().enumerate() {
            let field = format!("sessions[{i}].start");
            let Value::Object(map) = item else {
                return Err(Refusal::invalid(
                    format!("sessions[{i}]"),
                    "Must be an object with a start.",
                ));
            };
            let start = text(map.get("start"), &field)?
                .ok_or_else(|| Refusal::invalid(&field, "Please give the session's start."))?;
            starts.push(parse_start(&start).map_err(|r| rename(r, &field))?);
        }
        let practitioner = text(self.practitioner.as_ref(), "practitioner")?;
        let client = match self.client {
            Some(Value::Object(map)) => validate_client(
                text(map.get("name"), "client.name")?,
                text(map.get("email"), "client.email")?,
                text(map.get("phone"), "client.phone")?,
                "client.",
            )?,
            None | Some(Value::Null) => {
                return Err(Refusal::invalid(
                    "client",
                    "Please give the client's name and email.",
                ));
            }
            Some(_) => {
                return Err(Refusal::invalid(
                    "client",
                    "Must be an object with name, email and phone.",
                ));
            }
        };
        let screening_id = text(self.screening.as_ref(), "screening")?;
        let policy = policy_consent(self.cancellation_policy.as_ref())?;
        Ok(CourseInput {
            service_id,
            starts,
            practitioner,
            client,
            screening_id,
            policy,
        })
    }
}

/// A refusal about `start` as one about a session's start.
pub(crate) fn rename(refusal: Refusal, field: &str) -> Refusal {
    match refusal {
        Refusal::Invalid { field: f, message } if f == "start" => Refusal::Invalid {
            field: field.to_owned(),
            message,
        },
        other => other,
    }
}
