//! A booking request, checked field by field before anything is stored.

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::Value;
use store::NewClient;

use crate::{PolicyConsent, Refusal};

/// A valid booking request.
#[derive(Clone, Debug)]
pub struct BookingInput {
    pub service_id: String,
    pub start: Timestamp,
    pub practitioner: Option<String>,
    pub client: NewClient,
    pub screening_id: Option<String>,
    pub notes: String,
    /// The cancellation policy the client agreed to; the booking form requires it, the API
    /// takes it when sent (its contract predates it).
    pub policy: Option<PolicyConsent>,
}

impl BookingInput {
    /// Notes where an agreement to the policy came from, as the edge saw it.
    pub fn agreed_from(mut self, address: String, user_agent: String) -> BookingInput {
        if let Some(policy) = &mut self.policy {
            policy.address = address;
            policy.user_agent = user_agent;
        }
        self
    }
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
    /// `{version, sha256}` of the cancellation policy shown (`GET /clinic`), when agreed.
    pub cancellation_policy: Option<Value>,
}

pub(crate) fn text(value: Option<&Value>, field: &str) -> Result<Option<String>, Refusal> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.contains('\0') => Err(nul_refusal(field)),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(_) => Err(Refusal::invalid(field, "Must be a string.")),
    }
}

/// What is said about a field that holds a NUL character, which no database text takes.
fn nul_message() -> String {
    "Must not contain a NUL character (\\0).".to_owned()
}

fn nul_refusal(field: &str) -> Refusal {
    Refusal::invalid(field, nul_message())
}

/// Whether `value` holds a NUL character; such text is refused before it reaches a store.
pub fn has_nul(value: &str) -> bool {
    value.contains('\0')
}

/// Parses an RFC 3339 instant such as `2027-03-15T09:00:00-04:00`. RFC 3339 offsets stay
/// within ±23:59, so `+24:00` and beyond are refused even though jiff would read them.
pub fn parse_start(value: &str) -> Result<Timestamp, Refusal> {
    let not_a_time = || {
        Refusal::invalid(
            "start",
            format!(
                "\"{value}\" is not a time; use RFC 3339 with an offset, e.g. 2027-03-15T09:00:00-04:00."
            ),
        )
    };
    let timestamp = value.parse::<Timestamp>().map_err(|_| not_a_time())?;
    let offset = jiff::fmt::temporal::Pieces::parse(value)
        .map_err(|_| not_a_time())?
        .offset();
    if let Some(jiff::fmt::temporal::PiecesOffset::Numeric(n)) = offset
        && n.offset().seconds().abs() >= 24 * 3600
    {
        return Err(Refusal::invalid(
            "start",
            format!(
                "\"{value}\" has an offset of 24 hours or more; RFC 3339 offsets run from -23:59 to +23:59."
            ),
        ));
    }
    Ok(timestamp)
}

/// Checks a client's name, email and phone; every field at fault, with what is wrong.
pub fn check_client(
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    prefix: &str,
) -> Result<NewClient, Vec<(String, String)>> {
    let field = |f: &str| format!("{prefix}{f}");
    let mut errors = Vec::new();
    for (f, value) in [("name", &name), ("email", &email), ("phone", &phone)] {
        if value.as_deref().is_some_and(has_nul) {
            errors.push((field(f), nul_message()));
        }
    }
    match &name {
        None => errors.push((field("name"), "Please give your name.".to_owned())),
        Some(n) if n.chars().count() > 200 => errors.push((
            field("name"),
            "Please keep the name under 200 characters.".to_owned(),
        )),
        Some(_) => {}
    }
    match &email {
        None => errors.push((
            field("email"),
            "Please give your email address, so we can send your confirmation.".to_owned(),
        )),
        Some(e)
            if !has_nul(e)
                && (e.len() > 254
                    || e.parse::<lettre::Address>().is_err()
                    || !e.contains('.')
                    || store::is_undeliverable(e)) =>
        {
            errors.push((
                field("email"),
                format!("\"{e}\" does not look like an email address."),
            ));
        }
        Some(_) => {}
    }
    if let Some(p) = phone.as_ref().filter(|p| !has_nul(p)) {
        let ok = p.len() <= 32
            && p.chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c))
            && p.chars().filter(char::is_ascii_digit).count() >= 6;
        if !ok {
            errors.push((
                field("phone"),
                format!("\"{p}\" does not look like a phone number."),
            ));
        }
    }
    match (name, email) {
        (Some(name), Some(email)) if errors.is_empty() => Ok(NewClient { name, email, phone }),
        _ => Err(errors),
    }
}

/// Checks the client details the desk takes by phone: the email address is optional, but
/// then a phone number is needed, and the client is matched and kept by that number (see
/// `store::stand_in_email`); nothing is ever mailed to them.
pub fn check_desk_client(
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
) -> Result<NewClient, Vec<(String, String)>> {
    if email.is_some() {
        return check_client(name, email, phone, "");
    }
    let no_phone = (
        "phone".to_owned(),
        "Give a phone number or an email address, so the clinic can reach the client.".to_owned(),
    );
    let phone_given = phone.is_some();
    // Everything but the email is checked as usual; the stand-in replaces it afterwards.
    let checked = check_client(name, Some("phone.only@example.com".to_owned()), phone, "");
    match checked {
        Ok(client) => match client.phone.as_deref() {
            Some(phone) => Ok(NewClient {
                email: store::stand_in_email(phone),
                ..client
            }),
            None => Err(vec![no_phone]),
        },
        Err(mut errors) => {
            if !phone_given {
                errors.push(no_phone);
            }
            Err(errors)
        }
    }
}

/// Checks a client's details for the API, naming the first field at fault.
pub fn validate_client(
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    prefix: &str,
) -> Result<NewClient, Refusal> {
    check_client(name, email, phone, prefix).map_err(|errors| {
        let (field, message) = errors.into_iter().next().expect("an error");
        Refusal::invalid(field, message)
    })
}

impl BookingBody {
    /// Checks every field, in the order a person would read them.
    pub fn validate(self) -> Result<BookingInput, Refusal> {
        let service_id = text(self.service.as_ref(), "service")?
            .ok_or_else(|| Refusal::invalid("service", "Please choose a service."))?;
        let start = text(self.start.as_ref(), "start")?
            .ok_or_else(|| Refusal::invalid("start", "Please choose a start time."))?;
        let start = parse_start(&start)?;
        let practitioner = text(self.practitioner.as_ref(), "practitioner")?;
        let client = match self.client {
            None | Some(Value::Null) => {
                return Err(Refusal::invalid(
                    "client",
                    "Please give the client's name and email.",
                ));
            }
            Some(Value::Object(map)) => validate_client(
                text(map.get("name"), "client.name")?,
                text(map.get("email"), "client.email")?,
                text(map.get("phone"), "client.phone")?,
                "client.",
            )?,
            Some(_) => {
                return Err(Refusal::invalid(
                    "client",
                    "Must be an object with name, email and phone.",
                ));
            }
        };
        let screening_id = text(self.screening.as_ref(), "screening")?;
        let notes = text(self.notes.as_ref(), "notes")?.unwrap_or_default();
        if notes.chars().count() > 2000 {
            return Err(Refusal::invalid(
                "notes",
                "Please keep notes under 2,000 characters.",
            ));
        }
        let policy = policy_consent(self.cancellation_policy.as_ref())?;
        Ok(BookingInput {
            service_id,
            start,
            practitioner,
            client,
            screening_id,
            notes,
            policy,
        })
    }
}

/// Reads `cancellation_policy: {version, sha256}`; absent or null means not agreed.
pub(crate) fn policy_consent(value: Option<&Value>) -> Result<Option<PolicyConsent>, Refusal> {
    let map = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(map)) => map,
        Some(_) => {
            return Err(Refusal::invalid(
                "cancellation_policy",
                "Must be an object with the version and sha256 of the policy you agreed to.",
            ));
        }
    };
    let version = map.get("version").and_then(Value::as_i64).ok_or_else(|| {
        Refusal::invalid(
            "cancellation_policy.version",
            "Give the version of the cancellation policy shown, a whole number.",
        )
    })?;
    let sha256 = text(map.get("sha256"), "cancellation_policy.sha256")?
        .filter(|s| s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit()))
        .ok_or_else(|| {
            Refusal::invalid(
                "cancellation_policy.sha256",
                "Give the sha256 of the cancellation policy shown, 64 hexadecimal digits.",
            )
        })?;
    Ok(Some(PolicyConsent {
        version,
        sha256,
        ..PolicyConsent::default()
    }))
}
