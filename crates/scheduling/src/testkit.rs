//! Fixtures for the unit tests: a clinic built from short strings so tests read like the
//! cases they describe.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::hours::resolve_boundary;
use crate::model::*;

/// `"09:00-12:30"`.
pub(crate) fn span(s: &str) -> DaySpan {
    let (a, b) = s.split_once('-').unwrap();
    DaySpan::new(a.parse::<Time>().unwrap(), b.parse::<Time>().unwrap())
}

/// The same spans every day of the week.
pub(crate) fn every_day(spans: &[&str]) -> WeeklyHours {
    let spans: Vec<DaySpan> = spans.iter().map(|s| span(s)).collect();
    std::array::from_fn(|_| spans.clone())
}

/// A practitioner offering the full-face service.
pub(crate) fn practitioner(id: &str, weekly: WeeklyHours) -> Practitioner {
    Practitioner {
        id: id.into(),
        services: vec!["full-face".into()],
        weekly,
        dates: Default::default(),
        time_off: vec![],
    }
}

/// The example clinic: step 15, minimum notice 12 h, horizon 90 days.
pub(crate) fn clinic(zone: &str, practitioners: Vec<Practitioner>, rooms: &[&str]) -> Schedule {
    Schedule {
        timezone: TimeZone::get(zone).unwrap(),
        step_minutes: 15,
        min_notice: SignedDuration::from_mins(720),
        horizon_days: 90,
        closures: vec![],
        practitioners,
        rooms: rooms.iter().map(|r| r.to_string()).collect(),
    }
}

fn phase(minutes: u32, uses_practitioner: bool, uses_room: bool) -> Phase {
    Phase {
        minutes,
        uses_practitioner,
        uses_room,
    }
}

/// Numbing 30 (room), treatment 45 (practitioner + room), cleanup 15 (room).
pub(crate) fn full_face() -> Service {
    Service {
        id: "full-face".into(),
        phases: vec![
            phase(30, false, true),
            phase(45, true, true),
            phase(15, false, true),
        ],
    }
}

/// A plain service using practitioner and room throughout.
pub(crate) fn plain(minutes: u32) -> Service {
    Service {
        id: "full-face".into(),
        phases: vec![phase(minutes, true, true)],
    }
}

pub(crate) fn date(s: &str) -> Date {
    s.parse().unwrap()
}

/// A local wall-clock time in the clinic's zone, `"2027-06-01T09:00"`.
pub(crate) fn at(schedule: &Schedule, s: &str) -> Timestamp {
    resolve_boundary(&schedule.timezone, s.parse::<DateTime>().unwrap()).unwrap()
}

/// A query for one local date, asked well in advance.
pub(crate) fn on<'a>(schedule: &Schedule, day: &str) -> Query<'a> {
    let d = date(day);
    Query {
        from: d,
        to: d,
        practitioner: None,
        now: at(
            schedule,
            &format!(
                "{}T00:00",
                d.checked_sub(jiff::Span::new().days(7)).unwrap()
            ),
        ),
        not_before: None,
    }
}

/// Slot starts as local `HH:MM`.
pub(crate) fn times(slots: &[Slot]) -> Vec<String> {
    slots
        .iter()
        .map(|s| s.start.strftime("%H:%M").to_string())
        .collect()
}

/// Slot starts as local `YYYY-MM-DDTHH:MM±ZZ:ZZ`, offset included for daylight-saving days.
pub(crate) fn stamps(slots: &[Slot]) -> Vec<String> {
    slots
        .iter()
        .map(|s| s.start.strftime("%Y-%m-%dT%H:%M%:z").to_string())
        .collect()
}

/// `from..=to` local `HH:MM` every `step` minutes, the expected shape of most days.
pub(crate) fn grid(from: &str, to: &str, step: i64) -> Vec<String> {
    let mut t: Time = from.parse().unwrap();
    let to: Time = to.parse().unwrap();
    let mut out = Vec::new();
    while t <= to {
        out.push(t.strftime("%H:%M").to_string());
        match t.checked_add(SignedDuration::from_mins(step)) {
            Ok(next) if next > t => t = next,
            _ => break,
        }
    }
    out
}

/// A hold on a resource between two local times.
pub(crate) fn hold(schedule: &Schedule, resource: Resource, from: &str, to: &str) -> Hold {
    Hold {
        resource,
        start: at(schedule, from),
        end: at(schedule, to),
    }
}

/// Both engines' answers, which must agree; the hand-written cases call this, so each
/// one holds the reference and the fast engine alike to what it expects.
pub(crate) fn availability(
    schedule: &Schedule,
    service: &Service,
    holds: &[Hold],
    query: &Query,
) -> Vec<Slot> {
    let reference = crate::reference::availability(schedule, service, holds, query);
    let fast = crate::Availability::new()
        .compute(schedule, service, holds, query)
        .to_slots();
    assert_eq!(
        fast, reference,
        "the fast engine disagrees with the reference"
    );
    reference
}
