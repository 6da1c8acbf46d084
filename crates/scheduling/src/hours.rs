//! Opening hours as instants: which wall-clock spans apply on a date, and where their
//! candidate starts fall once the clinic's time zone has had its say.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use crate::model::{DaySpan, Practitioner, Schedule, TimeOff};

/// The practitioner's wall-clock spans on `date`: a date override wins over the weekly
/// pattern, so an empty override closes a normally open day.
pub(crate) fn spans_on(practitioner: &Practitioner, date: Date) -> &[DaySpan] {
    match practitioner.dates.get(&date) {
        Some(spans) => spans,
        None => &practitioner.weekly[weekday_index(date)],
    }
}

impl Schedule {
    /// A practitioner's wall-clock opening spans on `date` as the engine reads them (closures
    /// and whole days off close the day, a date override replaces the weekly pattern), so a
    /// calendar shades exactly the hours the engine would book. Empty for a day off or an
    /// unknown practitioner.
    pub fn open_spans_on(&self, practitioner_id: &str, date: Date) -> Vec<DaySpan> {
        let Some(p) = self.practitioners.iter().find(|p| p.id == practitioner_id) else {
            return Vec::new();
        };
        let closed = self
            .closures
            .iter()
            .any(|&(from, to)| from <= date && date <= to);
        let off = p
            .time_off
            .iter()
            .any(|t| matches!(*t, TimeOff::Days { from, to } if from <= date && date <= to));
        if closed || off {
            Vec::new()
        } else {
            spans_on(p, date).to_vec()
        }
    }
}

/// Index into [`WeeklyHours`](crate::WeeklyHours): Monday is 0.
pub(crate) fn weekday_index(date: Date) -> usize {
    date.weekday().to_monday_zero_offset() as usize
}

/// Resolves a boundary (span edge, time off, midnight) the way people read a clock:
/// a time in a gap means the moment after the gap, a time in a fold its first occurrence.
pub(crate) fn resolve_boundary(tz: &TimeZone, dt: DateTime) -> Option<Timestamp> {
    tz.to_ambiguous_timestamp(dt).compatible().ok()
}

/// Resolves a candidate start: a wall-clock time that never happens is no start at all,
/// and one that happens twice is offered once, at its first occurrence, so the same
/// label never appears twice on a booking page.
pub(crate) fn resolve_start(tz: &TimeZone, dt: DateTime) -> Option<Timestamp> {
    let offset = match tz.to_ambiguous_timestamp(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset,
        AmbiguousOffset::Gap { .. } => return None,
        AmbiguousOffset::Fold { before, .. } => before,
    };
    offset.to_timestamp(dt).ok()
}

/// The first instant of a local date; with the next date's, it bounds "starts on this date".
pub(crate) fn start_of_day(tz: &TimeZone, date: Date) -> Option<Timestamp> {
    resolve_boundary(tz, date.to_datetime(Time::midnight()))
}

/// The first instant after a local date (or the end of time if there is no next date).
pub(crate) fn end_of_day(tz: &TimeZone, date: Date) -> Timestamp {
    date.tomorrow()
        .ok()
        .and_then(|next| start_of_day(tz, next))
        .unwrap_or(Timestamp::MAX)
}

/// A span of `date` pinned to the time line.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PlacedSpan {
    /// Wall-clock start, from which the step is counted.
    pub(crate) first: DateTime,
    pub(crate) start: Timestamp,
    pub(crate) end: Timestamp,
}

impl PlacedSpan {
    /// Pins `span` on `date`; a span whose end is not after its start ends on the next day.
    pub(crate) fn new(tz: &TimeZone, date: Date, span: DaySpan) -> Option<PlacedSpan> {
        let first = date.to_datetime(span.start);
        let end_date = if span.crosses_midnight() {
            date.tomorrow().ok()?
        } else {
            date
        };
        let start = resolve_boundary(tz, first)?;
        let end = resolve_boundary(tz, end_date.to_datetime(span.end))?;
        Some(PlacedSpan { first, start, end })
    }

    /// Whether a booking of `duration` from `start` lies wholly inside the span.
    pub(crate) fn contains(&self, start: Timestamp, duration: SignedDuration) -> bool {
        start >= self.start
            && start < self.end
            && start.checked_add(duration).is_ok_and(|end| end <= self.end)
    }

    /// Appends every start on the wall-clock step from the span's start at which a booking
    /// of `duration` fits wholly inside the span, in increasing order.
    ///
    /// Starts are resolved with [`resolve_start`], which keeps instants strictly
    /// increasing with wall-clock time, so the first start that no longer fits ends the walk.
    pub(crate) fn push_starts(
        &self,
        tz: &TimeZone,
        step: SignedDuration,
        duration: SignedDuration,
        out: &mut Vec<Timestamp>,
    ) {
        let mut wall = self.first;
        loop {
            if let Some(start) = resolve_start(tz, wall) {
                if !(start < self.end && start.checked_add(duration).is_ok_and(|e| e <= self.end)) {
                    return;
                }
                if start >= self.start {
                    out.push(start);
                }
            }
            wall = match wall.checked_add(step) {
                Ok(next) => next,
                Err(_) => return,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn tz(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap()
    }

    fn starts(zone: &str, day: Date, span: DaySpan, minutes: i64) -> Vec<DateTime> {
        let zone = tz(zone);
        let placed = PlacedSpan::new(&zone, day, span).unwrap();
        let mut out = Vec::new();
        placed.push_starts(
            &zone,
            SignedDuration::from_mins(15),
            SignedDuration::from_mins(minutes),
            &mut out,
        );
        out.iter().map(|t| zone.to_datetime(*t)).collect()
    }

    #[test]
    fn step_counts_from_span_start() {
        let got = starts(
            "UTC",
            date(2027, 6, 1),
            DaySpan::new(time(9, 10, 0, 0), time(10, 0, 0, 0)),
            15,
        );
        let want: Vec<_> = [(9, 10), (9, 25), (9, 40)]
            .iter()
            .map(|&(h, m)| date(2027, 6, 1).at(h, m, 0, 0))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn span_to_midnight_ends_next_day() {
        let got = starts(
            "America/New_York",
            date(2027, 6, 1),
            DaySpan::new(time(22, 0, 0, 0), time(0, 0, 0, 0)),
            60,
        );
        assert_eq!(got.first(), Some(&date(2027, 6, 1).at(22, 0, 0, 0)));
        assert_eq!(got.last(), Some(&date(2027, 6, 1).at(23, 0, 0, 0)));
        assert_eq!(got.len(), 5);
    }

    #[test]
    fn override_replaces_weekly() {
        let nine_to_five = vec![DaySpan::new(time(9, 0, 0, 0), time(17, 0, 0, 0))];
        let mut p = Practitioner {
            id: "a".into(),
            services: vec![],
            weekly: std::array::from_fn(|_| nine_to_five.clone()),
            dates: Default::default(),
            time_off: vec![],
        };
        p.dates.insert(date(2027, 6, 2), vec![]);
        assert_eq!(spans_on(&p, date(2027, 6, 1)), nine_to_five.as_slice());
        assert!(spans_on(&p, date(2027, 6, 2)).is_empty());
        assert_eq!(weekday_index(date(2027, 6, 7)), 0, "2027-06-07 is a Monday");
    }

    /// The calendar shades what the engine books: a date's own hours replace the weekly
    /// ones, and closures and whole days off leave nothing open.
    #[test]
    fn open_spans_on_follows_overrides_closures_and_days_off() {
        use crate::testkit;
        let mut p = testkit::practitioner("p", testkit::every_day(&["09:00-17:00"]));
        p.dates.insert(
            testkit::date("2027-06-02"),
            vec![testkit::span("12:00-20:00")],
        );
        p.time_off.push(TimeOff::Days {
            from: testkit::date("2027-06-03"),
            to: testkit::date("2027-06-03"),
        });
        let mut s = testkit::clinic("UTC", vec![p], &["r"]);
        s.closures
            .push((testkit::date("2027-06-04"), testkit::date("2027-06-04")));
        let on = |d: &str| s.open_spans_on("p", testkit::date(d));
        assert_eq!(on("2027-06-01"), vec![testkit::span("09:00-17:00")]);
        assert_eq!(on("2027-06-02"), vec![testkit::span("12:00-20:00")]);
        assert!(on("2027-06-03").is_empty(), "a day off");
        assert!(on("2027-06-04").is_empty(), "a closure");
        assert!(
            s.open_spans_on("nobody", testkit::date("2027-06-01"))
                .is_empty()
        );
    }
}
