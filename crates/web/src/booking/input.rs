//! A booking request, checked field by field before anything is stored.

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::Value;
use store::NewClient;

use crate::error::ApiError;

/// A valid booking request.
#[derive(Clone, Debug)]
pub struct BookingInput {
    pub service_id: String,
    pub start: Timestamp,
    pub practitioner: Option<String>,
    pub client: NewClient,
    pub screening_id: Option<String>,
    pub notes: String,
}

/// The API body as sent; every field optional so each mistake can be named.
#[derive(Debug, Deserialize)]
pub struct BookingBody {
    pub service: Option<Value>,
    pub start: Option<Value>,
    pub practitioner: Option<Value>,
    pub client: Option<Value>,
    pub screening: Option<Value>,
    pub notes: Option<Value>,
}

fn text(value: Option<&Value>, field: &str) -> Result<Option<String>, ApiError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(_) => Err(ApiError::invalid(field, "Must be a string.")),
    }
}

/// Parses an RFC 3339 instant such as `2027-03-15T09:00:00-04:00`.
pub fn parse_start(value: &str) -> Result<Timestamp, ApiError> {
    value.parse::<Timestamp>().map_err(|_| {
        ApiError::invalid("start", format!("\"{value}\" is not a time; use RFC 3339 with an offset, e.g. 2027-03-15T09:00:00-04:00."))
    })
}

/// Checks a client's name, email and phone, naming the first field at fault.
pub fn validate_client(name: Option<String>, email: Option<String>, phone: Option<String>, prefix: &str) -> Result<NewClient, ApiError> {
    let field = |f: &str| format!("{prefix}{f}");
    let name = name.ok_or_else(|| ApiError::invalid(field("name"), "Please give your name."))?;
    if name.chars().count() > 200 {
        return Err(ApiError::invalid(field("name"), "Please keep the name under 200 characters."));
    }
    let email = email.ok_or_else(|| ApiError::invalid(field("email"), "Please give your email address, so we can send your confirmation."))?;
    if email.len() > 254 || email.parse::<lettre::Address>().is_err() || !email.contains('.') {
        return Err(ApiError::invalid(field("email"), format!("\"{email}\" does not look like an email address.")));
    }
    if let Some(p) = &phone {
        let ok = p.len() <= 32 && p.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c)) && p.chars().filter(char::is_ascii_digit).count() >= 6;
        if !ok {
            return Err(ApiError::invalid(field("phone"), format!("\"{p}\" does not look like a phone number.")));
        }
    }
    Ok(NewClient { name, email, phone })
}

impl BookingBody {
    /// Checks every field, in the order a person would read them.
    pub fn validate(self) -> Result<BookingInput, ApiError> {
        let service_id = text(self.service.as_ref(), "service")?.ok_or_else(|| ApiError::invalid("service", "Please choose a service."))?;
        let start = text(self.start.as_ref(), "start")?.ok_or_else(|| ApiError::invalid("start", "Please choose a start time."))?;
        let start = parse_start(&start)?;
        let practitioner = text(self.practitioner.as_ref(), "practitioner")?;
        let client = match self.client {
            None | Some(Value::Null) => return Err(ApiError::invalid("client", "Please give the client's name and email.")),
            Some(Value::Object(map)) => validate_client(
                text(map.get("name"), "client.name")?,
                text(map.get("email"), "client.email")?,
                text(map.get("phone"), "client.phone")?,
                "client.",
            )?,
            Some(_) => return Err(ApiError::invalid("client", "Must be an object with name, email and phone.")),
        };
        let screening_id = text(self.screening.as_ref(), "screening")?;
        let notes = text(self.notes.as_ref(), "notes")?.unwrap_or_default();
        if notes.chars().count() > 2000 {
            return Err(ApiError::invalid("notes", "Please keep notes under 2,000 characters."));
        }
        Ok(BookingInput { service_id, start, practitioner, client, screening_id, notes })
    }
}
