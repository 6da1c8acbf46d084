//! The validated setup, as stored and as the rest of the product reads it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Everything a clinic file describes, after validation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClinicSetup {
    pub clinic: ClinicInfo,
    pub booking: BookingPolicy,
    #[serde(default)]
    pub closures: Vec<Closure>,
    #[serde(default)]
    pub rooms: Vec<Room>,
    #[serde(default)]
    pub practitioners: Vec<PractitionerSetup>,
    #[serde(default)]
    pub services: Vec<ServiceSetup>,
    #[serde(default)]
    pub screening: ScreeningSetup,
    #[serde(default)]
    pub plans: PlanSetup,
}

/// Who the clinic is and how to reach it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClinicInfo {
    pub name: String,
    /// IANA time zone name; every wall-clock time in the setup is local to it.
    pub timezone: String,
    pub email: String,
    pub phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default = "default_currency")]
    pub currency: String,
}

fn default_currency() -> String {
    "USD".into()
}

/// The rules that bound online booking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookingPolicy {
    #[serde(default = "default_step")]
    pub slot_step_minutes: u32,
    #[serde(default)]
    pub min_notice_minutes: u32,
    #[serde(default = "default_horizon")]
    pub horizon_days: u32,
    #[serde(default)]
    pub cancel_notice_hours: u32,
}

fn default_step() -> u32 {
    15
}
fn default_horizon() -> u32 {
    90
}

/// Dates (inclusive) when the whole clinic is closed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    pub from: jiff::civil::Date,
    pub to: jiff::civil::Date,
}

/// A treatment room; a booking holds one through the phases that name it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Room {
    pub id: String,
    pub name: String,
}

/// A practitioner, the services they offer and when they work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PractitionerSetup {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub services: Vec<String>,
    /// Weekday (`mon`..`sun`) to spans like `"09:00-12:30"`; a day left out is a day off.
    #[serde(default)]
    pub hours: BTreeMap<String, Vec<String>>,
    /// One-off hours for a date, replacing the weekly ones; empty means closed.
    #[serde(default)]
    pub dates: BTreeMap<jiff::civil::Date, Vec<String>>,
    #[serde(default)]
    pub time_off: Vec<TimeOffSetup>,
}

/// Time off: inclusive dates (`"2027-01-04"`) or local date-times (`"2027-01-04T13:00"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeOffSetup {
    pub from: String,
    pub to: String,
}

/// A bookable service: a price and a sequence of phases.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSetup {
    pub id: String,
    pub name: String,
    /// Decimal string in the clinic's currency, e.g. `"250.00"`.
    pub price: String,
    #[serde(default)]
    pub requires_screening: bool,
    #[serde(default)]
    pub description: String,
    pub phases: Vec<PhaseSetup>,
}

impl ServiceSetup {
    /// Total minutes from the start of the first phase to the end of the last.
    pub fn duration_minutes(&self) -> u32 {
        self.phases.iter().map(|p| p.minutes).sum()
    }
}

/// One step of a service, holding only the resources it names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseSetup {
    pub name: String,
    pub minutes: u32,
    /// `"practitioner"` and/or `"room"`.
    #[serde(default)]
    pub uses: Vec<String>,
}

/// The clinic's own changes to the screening rules' defaults.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreeningSetup {
    #[serde(default)]
    pub rules: BTreeMap<String, RuleOverrideSetup>,
}

/// A clinic's value for one rule: a waiting period (`"12 months"`) or an outcome.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOverrideSetup {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

/// The clinic's own limits on treatment plans.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSetup {
    /// Area id to the deepest needle the clinic allows there, in mm.
    #[serde(default)]
    pub max_depth_mm: BTreeMap<String, f64>,
}

impl ClinicSetup {
    /// The service with this id.
    pub fn service(&self, id: &str) -> Option<&ServiceSetup> {
        self.services.iter().find(|s| s.id == id)
    }

    /// The practitioner with this id.
    pub fn practitioner(&self, id: &str) -> Option<&PractitionerSetup> {
        self.practitioners.iter().find(|p| p.id == id)
    }

    /// The room with this id.
    pub fn room(&self, id: &str) -> Option<&Room> {
        self.rooms.iter().find(|r| r.id == id)
    }
}
