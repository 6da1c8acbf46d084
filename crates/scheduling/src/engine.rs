//! The query engine shared by [`availability`] and [`check`](crate::check), so the two
//! cannot disagree about what is bookable.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ZonedDateTime};

use crate::hours::{self, PlacedSpan};
use crate::intervals::Intervals;
use crate::model::{
    Assignment, DaySpan, Hold, Practitioner, Query, Schedule, Service, Slot, TimeOff,
};
use crate::phases::Footprint;
use crate::resources;

/// All bookable start times for `service` within the query: one [`Slot`] per distinct
/// start instant, sorted by start, each listing every practitioner who can take it (in
/// schedule order) with the first free room.
pub fn availability(
    schedule: &Schedule,
    service: &Service,
    holds: &[Hold],
    query: &Query,
) -> Vec<Slot> {
    let engine = Engine::new(
        schedule,
        service,
        holds,
        query.practitioner,
        query.now,
        query.not_before,
        (query.from, query.to),
    );
    let mut slots = Vec::new();
    let mut free = Vec::new();
    engine.candidates().for_each(|start, who| {
        // Rooms first: one test per start rather than one per practitioner, and on a busy
        // day the rooms run out before the practitioners do.
        let Some(room) = engine.first_free_room(start) else {
            return;
        };
        free.clear();
        free.extend(
            who.iter()
                .copied()
                .filter(|&w| engine.judge(w, start) == Verdict::Free),
        );
        if !free.is_empty() {
            slots.push(engine.slot(start, &free, room));
        }
    });
    slots
}

/// Whether a practitioner can take a candidate start, once hours and step are satisfied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Free,
    /// A hold on the practitioner overlaps a phase that needs them.
    Held,
    /// Time off or a clinic closure overlaps the booking.
    Blocked,
}

/// A practitioner who offers the service, with their busy and away time as instants.
pub(crate) struct Eligible<'a> {
    pub(crate) practitioner: &'a Practitioner,
    busy: Intervals,
    away: Intervals,
}

/// One query's view of the schedule: everything per-query resolved and indexed up front so
/// each candidate costs a few binary searches.
pub(crate) struct Engine<'a> {
    pub(crate) schedule: &'a Schedule,
    pub(crate) footprint: Footprint,
    /// Practitioners offering the service (after the practitioner filter), schedule order.
    pub(crate) eligible: Vec<Eligible<'a>>,
    step: SignedDuration,
    rooms: Vec<Intervals>,
    closed: Intervals,
    pub(crate) today: Date,
    /// The last bookable local date (today + horizon).
    pub(crate) last: Date,
    /// The first bookable instant (now + minimum notice).
    pub(crate) earliest: Timestamp,
    /// The query's local dates after clipping to today, the horizon and `not_before`.
    from: Date,
    to: Date,
    /// Starts must fall in `lo..hi`: the clipped dates as instants, and the minimum notice.
    lo: Timestamp,
    hi: Timestamp,
}

impl<'a> Engine<'a> {
    /// Indexes everything a query over the local dates `dates` (inclusive) needs; holds
    /// that cannot touch a booking starting in those dates are left out.
    pub(crate) fn new(
        schedule: &'a Schedule,
        service: &Service,
        holds: &[Hold],
        only: Option<&str>,
        now: Timestamp,
        not_before: Option<Date>,
        dates: (Date, Date),
    ) -> Engine<'a> {
        let tz = &schedule.timezone;
        let footprint = Footprint::new(service);
        let today = tz.to_datetime(now).date();
        let horizon = SignedDuration::from_hours(24 * i64::from(schedule.horizon_days));
        let last = today.saturating_add(horizon);
        let earliest = now.saturating_add(schedule.min_notice).unwrap_or(now);
        let from = dates.0.max(today).max(not_before.unwrap_or(Date::MIN));
        let to = dates.1.min(last);
        let (lo, hi) = match hours::start_of_day(tz, from) {
            Some(lo) if from <= to => (lo.max(earliest), hours::end_of_day(tz, to)),
            _ => (Timestamp::MAX, Timestamp::MIN),
        };
        let until = hi
            .saturating_add(footprint.duration)
            .unwrap_or(Timestamp::MAX);

        let eligible: Vec<&Practitioner> = schedule
            .practitioners
            .iter()
            .filter(|p| only.is_none_or(|id| p.id == id))
            .filter(|p| p.services.contains(&service.id))
            .collect();
        let busy = resources::busy(
            holds,
            (lo, until),
            eligible.iter().map(|p| p.id.as_str()),
            schedule.rooms.iter().map(String::as_str),
        );
        let eligible = eligible
            .into_iter()
            .zip(busy.practitioners)
            .map(|(p, busy)| Eligible {
                practitioner: p,
                busy,
                away: Intervals::new(p.time_off.iter().filter_map(|t| away(tz, t)).collect()),
            })
            .collect();
        let rooms = busy.rooms;
        let closed = Intervals::new(
            schedule
                .closures
                .iter()
                .filter_map(|&(from, to)| days(tz, from, to))
                .collect(),
        );

        Engine {
            schedule,
            footprint,
            eligible,
            step: SignedDuration::from_mins(i64::from(schedule.step_minutes.max(1))),
            rooms,
            closed,
            today,
            last,
            earliest,
            from,
            to,
            lo,
            hi,
        }
    }

    fn tz(&self) -> &TimeZone {
        &self.schedule.timezone
    }

    /// The practitioner's spans that apply on `date`, or none when the clinic is closed or
    /// the practitioner has the day off.
    pub(crate) fn open_spans(&self, who: usize, date: Date) -> &'a [DaySpan] {
        let p = self.eligible[who].practitioner;
        let closed = self
            .schedule
            .closures
            .iter()
            .any(|&(from, to)| from <= date && date <= to);
        let off = p
            .time_off
            .iter()
            .any(|t| matches!(*t, TimeOff::Days { from, to } if from <= date && date <= to));
        if closed || off {
            &[]
        } else {
            hours::spans_on(p, date)
        }
    }

    /// Every start on the step inside an opening span, falling on one of the query's
    /// (clipped) local dates and at or after the minimum notice, with the practitioners it
    /// is a candidate for. Holds and time off are not yet applied.
    pub(crate) fn candidates(&self) -> Candidates {
        let tz = self.tz();
        let duration = self.footprint.duration;
        let mut out = Candidates::default();
        if self.lo >= self.hi || self.eligible.is_empty() {
            return out;
        }
        // Practitioners mostly share hours, so a day's starts are worked out once per
        // distinct span and shared; the time-zone lookups are the costly part.
        let mut today_groups: Vec<(DaySpan, usize)> = Vec::new();
        let mut pool: Vec<Timestamp> = Vec::new();
        // Spans of the day before can run past midnight into `from`.
        let mut date = self.from.yesterday().unwrap_or(self.from);
        loop {
            today_groups.clear();
            for who in 0..self.eligible.len() {
                for &span in self.open_spans(who, date) {
                    if let Some(&(_, g)) = today_groups.iter().find(|m| m.0 == span) {
                        let group = &mut out.groups[g];
                        if group.last() != Some(&who) {
                            group.push(who);
                        }
                        continue;
                    }
                    let g = out.groups.len();
                    out.groups.push(vec![who]);
                    today_groups.push((span, g));
                    pool.clear();
                    if let Some(placed) = PlacedSpan::new(tz, date, span) {
                        placed.push_starts(tz, self.step, duration, &mut pool);
                    }
                    out.starts.extend(
                        pool.iter()
                            .filter(|&&t| self.lo <= t && t < self.hi)
                            .map(|&t| (t, g)),
                    );
                }
            }
            match date.tomorrow() {
                Ok(next) if next <= self.to => date = next,
                _ => break,
            }
        }
        // Already in runs per span; only overlapping spans and nights interleave.
        out.starts.sort();
        out
    }

    /// Whether practitioner `who` can take a booking starting at `start`, which must be a
    /// candidate (so the arithmetic stays in range).
    pub(crate) fn judge(&self, who: usize, start: Timestamp) -> Verdict {
        let e = &self.eligible[who];
        let end = start + self.footprint.duration;
        if !self.closed.is_free(start, end) || !e.away.is_free(start, end) {
            return Verdict::Blocked;
        }
        let free = self
            .footprint
            .practitioner
            .iter()
            .all(|&(a, b)| e.busy.is_free(start + a, start + b));
        if free { Verdict::Free } else { Verdict::Held }
    }

    /// The first room, in the clinic's order, free for every room phase of a booking
    /// starting at `start`; `Some("")` when the service needs no room.
    pub(crate) fn first_free_room(&self, start: Timestamp) -> Option<&'a str> {
        if self.footprint.room.is_empty() {
            return Some("");
        }
        self.rooms
            .iter()
            .zip(&self.schedule.rooms)
            .find(|(busy, _)| {
                self.footprint
                    .room
                    .iter()
                    .all(|&(a, b)| busy.is_free(start + a, start + b))
            })
            .map(|(_, id)| id.as_str())
    }

    /// The slot for a start that the practitioners `free` (ascending) can take in `room`.
    fn slot(&self, start: Timestamp, free: &[usize], room: &str) -> Slot {
        let tz = self.tz();
        Slot {
            start: ZonedDateTime::new(start, tz.clone()),
            end: ZonedDateTime::new(start + self.footprint.duration, tz.clone()),
            options: free
                .iter()
                .map(|&who| Assignment {
                    practitioner: self.eligible[who].practitioner.id.clone(),
                    room: room.to_owned(),
                })
                .collect(),
        }
    }
}

/// Candidate starts of a query, grouped by the (date, span) they come from so
/// practitioners with the same hours share one list.
#[derive(Debug, Default)]
pub(crate) struct Candidates {
    /// Per group, the practitioners (eligible indexes, ascending) working that span.
    groups: Vec<Vec<usize>>,
    /// `(start, group)`, sorted.
    starts: Vec<(Timestamp, usize)>,
}

impl Candidates {
    /// Visits each distinct start once, in order, with the practitioners (ascending, no
    /// duplicates) it is a candidate for.
    pub(crate) fn for_each(&self, mut visit: impl FnMut(Timestamp, &[usize])) {
        let mut merged = Vec::new();
        for run in self.starts.chunk_by(|a, b| a.0 == b.0) {
            let start = run[0].0;
            if let [(_, g)] = run {
                visit(start, &self.groups[*g]);
                continue;
            }
            merged.clear();
            for &(_, g) in run {
                merged.extend_from_slice(&self.groups[g]);
            }
            merged.sort_unstable();
            merged.dedup();
            visit(start, &merged);
        }
    }
}

/// The instants a time-off entry covers: whole local days, or a local date-time range.
fn away(tz: &TimeZone, time_off: &TimeOff) -> Option<(Timestamp, Timestamp)> {
    match *time_off {
        TimeOff::Days { from, to } => days(tz, from, to),
        TimeOff::Between { from, to } => Some((
            hours::resolve_boundary(tz, from)?,
            hours::resolve_boundary(tz, to)?,
        )),
    }
}

/// The instants of the local dates `from..=to`, so nothing may even touch those days.
fn days(tz: &TimeZone, from: Date, to: Date) -> Option<(Timestamp, Timestamp)> {
    Some((hours::start_of_day(tz, from)?, hours::end_of_day(tz, to)))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod dst_tests;
