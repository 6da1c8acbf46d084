//! The validated setup, as stored and as the rest of the product reads it.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

/// Everything a clinic file describes, after validation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClinicSetup {
    pub clinic: ClinicInfo,
    pub booking: BookingPolicy,
    /// `[visits]`: how screenings and consent gate a treatment; defaults when left out.
    #[serde(default)]
    pub visits: VisitPolicy,
    /// `[messages]`: when reminders go and how long an alert may wait; defaults when left out.
    #[serde(default)]
    pub messages: MessagePolicy,
    /// `[waitlist]`: how long an offered time is held; defaults when left out.
    #[serde(default)]
    pub waitlist: WaitlistPolicy,
    /// `[security]`: staff two-factor and the session idle limit; defaults when left out.
    #[serde(default)]
    pub security: crate::SecurityPolicy,
    /// `[records]`: how long a clinical record outlives an erasure; defaults when left out.
    #[serde(default)]
    pub records: crate::RecordsPolicy,
    /// `[[devices]]`: what the clinic treats with; records and plans respect their depth.
    #[serde(default)]
    pub devices: Vec<DeviceSetup>,
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
    /// A language tag (`en-US`, `en-GB`, `de-DE`) whose region decides the clock times are
    /// shown in: 12-hour for the regions that use it, else 24-hour.
    #[serde(default = "default_locale")]
    pub locale: String,
    /// `12` or `24`: the clock times are shown in, overriding what `locale` implies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<u8>,
}

fn default_currency() -> String {
    "USD".into()
}

fn default_locale() -> String {
    "en-US".into()
}

impl ClinicInfo {
    /// Regions where people read times on a 12-hour clock.
    const TWELVE_HOUR_REGIONS: [&'static str; 10] =
        ["US", "CA", "AU", "NZ", "IN", "PH", "PK", "BD", "EG", "SA"];

    /// Whether times are shown on a 24-hour clock: `clock` when set, else the locale's
    /// region (French-speaking Canada reads 24-hour).
    pub fn uses_24_hour_clock(&self) -> bool {
        if let Some(clock) = self.clock {
            return clock == 24;
        }
        let mut parts = self.locale.split(['-', '_']);
        let language = parts.next().unwrap_or_default().to_ascii_lowercase();
        let region = parts
            .find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
            .map(str::to_ascii_uppercase);
        match region.as_deref() {
            Some("CA") if language == "fr" => true,
            Some(r) => !Self::TWELVE_HOUR_REGIONS.contains(&r),
            None => language != "en",
        }
    }
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

/// `[visits]`: the checks a visit goes through before a treatment is done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VisitPolicy {
    /// A screening older than this many days is re-confirmed before treatment. Default 30.
    pub screening_valid_days: u32,
    /// A treatment is completed only with a signed consent. Default true.
    pub require_consent: bool,
}

impl VisitPolicy {
    /// Allowed `screening_valid_days`: a sanity bound (a day to a year), not a clinical value.
    pub const SCREENING_VALID_DAYS: RangeInclusive<u32> = 1..=365;
}

impl Default for VisitPolicy {
    fn default() -> Self {
        VisitPolicy {
            screening_valid_days: 30,
            require_consent: true,
        }
    }
}

/// `[messages]`: when clients are written to and how long a red-flag alert may wait.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MessagePolicy {
    /// The reminder with pre-treatment instructions goes this many hours before. Default 48.
    pub reminder_hours: u32,
    /// Clinic-local `"HH:MM-HH:MM"` window in which nothing is sent; it may wrap midnight
    /// (`"21:00-08:00"`, the default when the key is left out) and may end at `24:00`.
    /// An empty string means no quiet hours. A plain string rather than an `Option`, because
    /// TOML has no null: `None` would vanish on writing and come back as the default.
    /// Read it through [`MessagePolicy::quiet_window`].
    pub quiet_hours: String,
    /// A red-flag alert not acknowledged within this many hours is raised again. Default 2.
    pub alert_ack_hours: u32,
}

impl MessagePolicy {
    /// Allowed `reminder_hours`: a sanity bound (an hour to two weeks), not a clinical value.
    pub const REMINDER_HOURS: RangeInclusive<u32> = 1..=336;
    /// Allowed `alert_ack_hours`: a sanity bound (an hour to three days), not a clinical value.
    pub const ALERT_ACK_HOURS: RangeInclusive<u32> = 1..=72;

    /// The quiet window, or `None` when the clinic has none. Validation guarantees it parses.
    pub fn quiet_window(&self) -> Option<crate::QuietHours> {
        crate::QuietHours::parse(&self.quiet_hours).ok().flatten()
    }
}

impl Default for MessagePolicy {
    fn default() -> Self {
        MessagePolicy {
            reminder_hours: 48,
            quiet_hours: "21:00-08:00".into(),
            alert_ack_hours: 2,
        }
    }
}

/// `[waitlist]`: how offers of a freed time to waiting clients behave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WaitlistPolicy {
    /// An offered time is held this many minutes for the person offered it. Default 30.
    pub offer_minutes: u32,
}

impl WaitlistPolicy {
    /// Allowed `offer_minutes`: a sanity bound (five minutes to a day), not a clinical value.
    pub const OFFER_MINUTES: RangeInclusive<u32> = 5..=1440;
}

impl Default for WaitlistPolicy {
    fn default() -> Self {
        WaitlistPolicy { offer_minutes: 30 }
    }
}

/// A needling device the clinic treats with; a treatment record names one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceSetup {
    /// Stable id a treatment record names (`"pen-1"`); unique among devices.
    pub id: String,
    /// What staff see when choosing the device.
    pub name: String,
    /// The deepest needle setting this device is used at, in mm; records and plans stay within it.
    pub max_depth_mm: f64,
}

impl DeviceSetup {
    /// The longest needles made for microneedling: pens take cartridges of 0.25–3.0 mm and
    /// rollers carry 0.5–3 mm needles (shared/clinical-reference.md §6, sources [3][41];
    /// §5 lists microneedling as "0.25–3.0 mm devices").
    pub const MAX_DEPTH_MM: f64 = 3.0;
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
    /// May approve screening findings that need a doctor. Default false.
    #[serde(default)]
    pub prescriber: bool,
    /// A few lines about them, shown where clients choose whom to see.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub bio: String,
    /// A photo's file name under the content folder's `practitioners/` (`maya-lee.jpg`);
    /// without one, clients see their initials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
}

impl PractitionerSetup {
    /// The longest `bio` a clinic file may give: a few lines, not a page.
    pub const BIO_MAX_CHARS: usize = 600;
    /// The photo types served, by file extension.
    pub const PHOTO_TYPES: [(&'static str, &'static str); 4] = [
        ("jpg", "image/jpeg"),
        ("jpeg", "image/jpeg"),
        ("png", "image/png"),
        ("webp", "image/webp"),
    ];

    /// The photo's content type, from its file name's extension.
    pub fn photo_type(name: &str) -> Option<&'static str> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Self::PHOTO_TYPES
            .iter()
            .find(|(e, _)| *e == ext)
            .map(|(_, t)| *t)
    }

    /// Initials for a practitioner without a photo: "Dr. Maya Lee" is "ML".
    pub fn initials(&self) -> String {
        let words: Vec<&str> = self
            .name
            .split_whitespace()
            .filter(|w| !w.ends_with('.'))
            .collect();
        let pick = match words.as_slice() {
            [] => Vec::new(),
            [one] => vec![*one],
            [first, .., last] => vec![*first, *last],
        };
        pick.iter()
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect()
    }
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
    /// Body areas the service treats, each one of [`ServiceSetup::AREAS`]; may be empty.
    #[serde(default)]
    pub areas: Vec<String>,
    /// Set when the service is sold as a course of sessions; `None` for single visits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course: Option<CourseSetup>,
    /// What the whole course costs when booked as one, e.g. `"900.00"`; only with `course`.
    /// Shown beside the course; nothing is charged online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course_price: Option<String>,
    pub phases: Vec<PhaseSetup>,
}

impl ServiceSetup {
    /// The areas a service may list in `areas`.
    pub const AREAS: [&'static str; 3] = ["face", "body", "scalp"];

    /// Total minutes from the start of the first phase to the end of the last.
    pub fn duration_minutes(&self) -> u32 {
        self.phases.iter().map(|p| p.minutes).sum()
    }
}

/// A course: `sessions` visits, `interval_weeks` apart, each allowed to move by
/// `tolerance_days` either way. All three are required inside `course = {…}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseSetup {
    /// How many sessions the course books; see [`CourseSetup::SESSIONS`].
    pub sessions: u32,
    /// Weeks from one session to the next; see [`CourseSetup::INTERVAL_WEEKS`].
    pub interval_weeks: u32,
    /// Days a session may move either way from its date; see [`CourseSetup::max_tolerance_days`].
    pub tolerance_days: u32,
}

impl CourseSetup {
    /// Allowed `sessions`. Clinical (shared/clinical-reference.md §1): the shortest course
    /// there is 2 sessions (melasma [24]; "2–6 treatments" in general [2]); the longest is
    /// the scalp protocol, weekly for 12 weeks [4][31]. One session is not a course.
    pub const SESSIONS: RangeInclusive<u32> = 2..=12;
    /// Allowed `interval_weeks`. The lower end is clinical: weekly sessions for the scalp
    /// [4][31] (§1). The upper end is a sanity bound only: about six months, where the
    /// reference's "maintenance every 6–12 months" [2] begins rather than a course.
    pub const INTERVAL_WEEKS: RangeInclusive<u32> = 1..=26;

    /// Days from one session to the next.
    pub fn interval_days(&self) -> u32 {
        self.interval_weeks.saturating_mul(7)
    }

    /// The largest `tolerance_days` allowed: half the interval, rounded down. A sanity bound,
    /// not a clinical value (the reference gives no tolerance): a session moved within it,
    /// counted from the session before, still lands at least half an interval after that
    /// one, so a course never bunches its sessions together.
    pub fn max_tolerance_days(&self) -> u32 {
        self.interval_days() / 2
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

/// A clinic's value for one rule: a waiting period (`"12 months"`) or an outcome, and why.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOverrideSetup {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// Why the clinic weakens the default; required for a milder outcome or a shorter wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The clinic's own limits on treatment plans.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSetup {
    /// Area id to the deepest needle the clinic allows there, in mm.
    #[serde(default)]
    pub max_depth_mm: BTreeMap<String, f64>,
    /// The share of each area's depth range plans give darker skin types (Fitzpatrick IV–VI);
    /// left out, the protocol's default of 0.5 (the lower half) applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub darker_skin_depth_share: Option<f64>,
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
