//! The plain data the engine reasons over.

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// A half-open span of wall-clock time within one day, `start..end`, as in `"09:00-12:30"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DaySpan {
    pub start: Time,
    pub end: Time,
}

/// Weekly opening hours: index 0 is Monday, 6 is Sunday. An empty day is a day off.
pub type WeeklyHours = [Vec<DaySpan>; 7];

/// Time away from work: whole days (inclusive) or a local date-time range (half-open).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeOff {
    Days { from: Date, to: Date },
    Between { from: DateTime, to: DateTime },
}

/// One practitioner's working pattern and what they offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Practitioner {
    pub id: String,
    pub services: Vec<String>,
    pub weekly: WeeklyHours,
    /// One-off hours replacing the weekly ones on a date; an empty list closes the day.
    pub dates: BTreeMap<Date, Vec<DaySpan>>,
    pub time_off: Vec<TimeOff>,
}

/// The clinic-wide facts that shape every query.
#[derive(Clone, Debug)]
pub struct Schedule {
    pub timezone: TimeZone,
    /// Candidate starts fall on this step, counted from the start of each opening span.
    pub step_minutes: u32,
    /// Nothing bookable that starts sooner than this after `now`.
    pub min_notice: SignedDuration,
    /// Nothing bookable on a local date later than `today + horizon_days`.
    pub horizon_days: u32,
    /// Dates (inclusive ranges) when the whole clinic is closed.
    pub closures: Vec<(Date, Date)>,
    pub practitioners: Vec<Practitioner>,
    /// Room ids, in the clinic's preferred order of assignment.
    pub rooms: Vec<String>,
}

/// A step of a service, back to back with the others, holding only what it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phase {
    pub minutes: u32,
    pub uses_practitioner: bool,
    pub uses_room: bool,
}

/// A bookable service as the engine needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub id: String,
    pub phases: Vec<Phase>,
}

impl Service {
    /// Total duration of the service (sum of phase minutes): how long a booking lasts in
    /// real elapsed time, whatever the wall clock does meanwhile.
    pub fn duration(&self) -> SignedDuration {
        let minutes: i64 = self.phases.iter().map(|p| i64::from(p.minutes)).sum();
        SignedDuration::from_mins(minutes)
    }

    /// Whether any phase needs a room, so an assignment without one is meaningful.
    pub fn uses_room(&self) -> bool {
        self.phases.iter().any(|p| p.minutes > 0 && p.uses_room)
    }
}

impl DaySpan {
    /// Builds a span from two wall-clock times; `end <= start` means it runs past midnight.
    pub fn new(start: Time, end: Time) -> DaySpan {
        DaySpan { start, end }
    }

    /// Whether the span ends on the next day (`end <= start`, e.g. `22:00-00:00`).
    pub fn crosses_midnight(&self) -> bool {
        self.end <= self.start
    }
}

/// What a hold occupies.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Resource {
    Practitioner(String),
    Room(String),
}

/// A resource taken for the half-open instant range `start..end` by an existing booking.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hold {
    pub resource: Resource,
    pub start: Timestamp,
    pub end: Timestamp,
}

/// What the caller asks for: local dates `from..=to`, optionally one practitioner.
#[derive(Clone, Debug)]
pub struct Query<'a> {
    pub from: Date,
    pub to: Date,
    pub practitioner: Option<&'a str>,
    /// The current instant, for minimum notice and the horizon.
    pub now: Timestamp,
    /// Nothing before this local date (a screening deferral), if set.
    pub not_before: Option<Date>,
}

/// One way to take a slot: this practitioner, in this room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub practitioner: String,
    /// Empty when the service has no phase that uses a room.
    pub room: String,
}

/// A start time that can be booked, with every practitioner who can take it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    // jiff 1.0 renamed `Zoned` to `ZonedDateTime`; same type, new path.
    pub start: jiff::ZonedDateTime,
    /// End of the last phase.
    pub end: jiff::ZonedDateTime,
    /// One assignment per practitioner able to take it (each with the first free room).
    pub options: Vec<Assignment>,
}
