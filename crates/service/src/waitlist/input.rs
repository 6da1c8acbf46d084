//! A request to join the waitlist, checked field by field, and the parts of the day a
//! client may ask for.

use jiff::civil::Date;
use serde::Deserialize;
use serde_json::Value;
use store::NewClient;

use crate::{Refusal, has_nul, validate_client};

/// A part of the clinic's day, in its own time zone. The bounds are the clinic's
/// convention for the waitlist, not a clinical value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayPart {
    /// Starts before 12:00.
    Morning,
    /// Starts from 12:00 until 16:59.
    Afternoon,
    /// Starts from 17:00.
    Evening,
}

impl DayPart {
    /// Every part, in the day's order.
    pub const ALL: [DayPart; 3] = [DayPart::Morning, DayPart::Afternoon, DayPart::Evening];

    /// The name the API and the forms use.
    pub fn as_str(self) -> &'static str {
        match self {
            DayPart::Morning => "morning",
            DayPart::Afternoon => "afternoon",
            DayPart::Evening => "evening",
        }
    }

    /// Reads a name.
    pub fn parse(text: &str) -> Option<DayPart> {
        DayPart::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// The part of the day a local start time falls in.
    pub fn of(time: &jiff::ZonedDateTime) -> DayPart {
        match time.hour() {
            ..12 => DayPart::Morning,
            12..17 => DayPart::Afternoon,
            _ => DayPart::Evening,
        }
    }
}

/// A valid request to join the waitlist (not yet checked against the clinic).
#[derive(Clone, Debug)]
pub struct WaitlistInput {
    pub service_id: String,
    pub from: Date,
    pub to: Date,
    /// Empty: any time of day.
    pub times: Vec<DayPart>,
    pub practitioner: Option<String>,
    pub client: NewClient,
    pub screening_id: Option<String>,
}

/// The API body as sent; every field optional so each mistake can be named.
#[derive(Debug, Deserialize)]
pub struct WaitlistBody {
    pub service: Option<Value>,
    pub from: Option<Value>,
    pub to: Option<Value>,
    pub times: Option<Value>,
    pub practitioner: Option<Value>,
    pub client: Option<Value>,
    pub screening: Option<Value>,
}

fn text(value: Option<&Value>, field: &str) -> Result<Option<String>, Refusal> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if has_nul(s) => Err(Refusal::invalid(
            field,
            "Must not contain a NUL character (\\0).",
        )),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(_) => Err(Refusal::invalid(field, "Must be a string.")),
    }
}

/// Reads a `YYYY-MM-DD` date named `field`.
pub fn parse_date(value: Option<&str>, field: &str) -> Result<Date, Refusal> {
    let value = value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Refusal::invalid(field, format!("Give `{field}` as a date, YYYY-MM-DD.")))?;
    value
        .parse()
        .map_err(|_| Refusal::invalid(field, format!("\"{value}\" is not a date; use YYYY-MM-DD.")))
}

/// Reads the parts of the day asked for; an unknown one is named.
pub fn parse_times<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Vec<DayPart>, Refusal> {
    let mut parts = Vec::new();
    for name in names {
        let part = DayPart::parse(name).ok_or_else(|| {
            Refusal::invalid(
                "times",
                format!("\"{name}\" is not a part of the day; use morning, afternoon or evening."),
            )
        })?;
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    Ok(parts)
}

impl WaitlistBody {
    /// Checks every field, in the order a person would read them.
    pub fn validate(self) -> Result<WaitlistInput, Refusal> {
        let service_id = text(self.service.as_ref(), "service")?
            .ok_or_else(|| Refusal::invalid("service", "Please choose a service."))?;
        let from = parse_date(text(self.from.as_ref(), "from")?.as_deref(), "from")?;
        let to = parse_date(text(self.to.as_ref(), "to")?.as_deref(), "to")?;
        let times = match &self.times {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) if items.len() <= 3 => {
                let names = items
                    .iter()
                    .map(|v| {
                        v.as_str().ok_or_else(|| {
                            Refusal::invalid("times", "Each part of the day must be a string.")
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                parse_times(names)?
            }
            Some(_) => {
                return Err(Refusal::invalid(
                    "times",
                    "Must be a list of at most three of morning, afternoon and evening.",
                ));
            }
        };
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
        Ok(WaitlistInput {
            service_id,
            from,
            to,
            times,
            practitioner,
            client,
            screening_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_the_day_split_at_noon_and_five() {
        let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
        let at = |h: i8, m: i8| {
            jiff::civil::date(2027, 3, 15)
                .at(h, m, 0, 0)
                .to_zoned_datetime(tz.clone())
                .unwrap()
        };
        assert_eq!(DayPart::of(&at(11, 59)), DayPart::Morning);
        assert_eq!(DayPart::of(&at(12, 0)), DayPart::Afternoon);
        assert_eq!(DayPart::of(&at(16, 59)), DayPart::Afternoon);
        assert_eq!(DayPart::of(&at(17, 0)), DayPart::Evening);
    }

    #[test]
    fn unknown_parts_are_named() {
        let err = parse_times(["morning", "night"]).unwrap_err();
        assert_eq!(err.field(), Some("times"));
        assert_eq!(
            parse_times(["evening", "evening"]).unwrap(),
            vec![DayPart::Evening]
        );
    }
}
