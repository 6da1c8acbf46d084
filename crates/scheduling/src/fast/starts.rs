//! Candidate starts, as minutes since the Unix epoch: each opening span of each day walked
//! on the step, by arithmetic on days far from a daylight-saving change and through the
//! time zone (exactly as the reference engine places them) on days near one.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::zone::Zone;
use crate::hours::PlacedSpan;
use crate::model::{DaySpan, Practitioner, Schedule, TimeOff};

/// What the walk needs to know about the query, all in minutes.
pub(super) struct Walk<'s> {
    pub(super) schedule: &'s Schedule,
    /// Eligible practitioners, schedule order.
    pub(super) eligible: &'s [&'s Practitioner],
    /// The first and last local dates whose spans may hold a start (the day before the
    /// query's first date, for spans running past midnight).
    pub(super) first: Date,
    pub(super) last: Date,
    pub(super) step: i64,
    pub(super) duration: i64,
    /// Starts must fall in `lo..hi`.
    pub(super) lo: i64,
    pub(super) hi: i64,
}

/// The walk's output: starts with the group of practitioners whose span gave them.
#[derive(Debug, Default)]
pub(super) struct Candidates {
    /// `(start minute, group)`.
    pub(super) starts: Vec<(i64, u32)>,
    /// Per group, `words` words of bits over the eligible practitioners.
    pub(super) groups: Vec<u64>,
    pub(super) words: usize,
    zone: Zone,
    today: Vec<(DaySpan, u32)>,
    placed: Vec<Timestamp>,
}

/// A start the minute grid cannot hold; the caller answers through the reference engine.
#[derive(Debug)]
pub(super) struct OffGrid;

impl Candidates {
    /// Fills `starts` (unsorted) and `groups` for the walk.
    pub(super) fn fill(&mut self, walk: &Walk) -> Result<(), OffGrid> {
        self.starts.clear();
        self.groups.clear();
        self.words = walk.eligible.len().div_ceil(64);
        let tz = &walk.schedule.timezone;
        let midnight = |d: Date| {
            jiff::tz::Offset::UTC
                .to_timestamp(d.to_datetime(Time::midnight()))
                .map(|t| t.as_second())
                .map_err(|_| OffGrid)
        };
        let mut utc_midnight = midnight(walk.first)?;
        if !self.zone.load(tz, utc_midnight, midnight(walk.last)?) {
            return Err(OffGrid);
        }
        let mut date = walk.first;
        let mut weekday = date.weekday().to_monday_zero_offset() as usize;
        loop {
            let offset = self.zone.steady(utc_midnight);
            self.today.clear();
            for (who, p) in walk.eligible.iter().enumerate() {
                for &span in open_spans(walk.schedule, p, date, weekday) {
                    if let Some(&(_, g)) = self.today.iter().find(|m| m.0 == span) {
                        self.groups[g as usize * self.words + who / 64] |= 1 << (who % 64);
                        continue;
                    }
                    let g = (self.groups.len() / self.words) as u32;
                    self.groups.extend(std::iter::repeat_n(0, self.words));
                    self.groups[g as usize * self.words + who / 64] |= 1 << (who % 64);
                    self.today.push((span, g));
                    match offset {
                        Some(offset) => self.steady_span(walk, utc_midnight / 60 - offset, span, g),
                        None => self.placed_span(walk, tz, date, span, g)?,
                    }
                }
            }
            if date >= walk.last {
                return Ok(());
            }
            date = date.tomorrow().map_err(|_| OffGrid)?;
            weekday = (weekday + 1) % 7;
            utc_midnight += 86_400;
        }
    }

    /// A span on a day with one offset throughout: `local_midnight` is the instant of the
    /// day's midnight, in minutes; every step lands `step` real minutes after the last.
    fn steady_span(&mut self, walk: &Walk, local_midnight: i64, span: DaySpan, g: u32) {
        let start = local_midnight + minute_of_day(span.start);
        let next_day = if span.crosses_midnight() { 1440 } else { 0 };
        let end = local_midnight + next_day + minute_of_day(span.end);
        // Inclusive: the booking fits (start + duration <= end), starts before the span
        // ends, and falls before `hi`.
        let latest = (end - walk.duration).min(end - 1).min(walk.hi - 1);
        let mut t = start;
        if t < walk.lo {
            // Both positive: the steps needed to reach `lo`, rounded up.
            t += (walk.lo - t + walk.step - 1) / walk.step * walk.step;
        }
        while t <= latest {
            self.starts.push((t, g));
            t += walk.step;
        }
    }

    /// A span on a day near an offset change, placed exactly as the reference places it.
    fn placed_span(
        &mut self,
        walk: &Walk,
        tz: &TimeZone,
        date: Date,
        span: DaySpan,
        g: u32,
    ) -> Result<(), OffGrid> {
        self.placed.clear();
        if let Some(placed) = PlacedSpan::new(tz, date, span) {
            placed.push_starts(
                tz,
                SignedDuration::from_mins(walk.step),
                SignedDuration::from_mins(walk.duration),
                &mut self.placed,
            );
        }
        for t in &self.placed {
            if t.subsec_nanosecond() != 0 || t.as_second() % 60 != 0 {
                return Err(OffGrid);
            }
            let t = t.as_second() / 60;
            if walk.lo <= t && t < walk.hi {
                self.starts.push((t, g));
            }
        }
        Ok(())
    }
}

/// The practitioner's spans on `date`, or none on a closure or a day off; the same rule
/// as the reference engine's `open_spans`.
fn open_spans<'p>(
    schedule: &Schedule,
    p: &'p Practitioner,
    date: Date,
    weekday: usize,
) -> &'p [DaySpan] {
    let closed = schedule
        .closures
        .iter()
        .any(|&(from, to)| from <= date && date <= to);
    let off = p
        .time_off
        .iter()
        .any(|t| matches!(*t, TimeOff::Days { from, to } if from <= date && date <= to));
    if closed || off {
        return &[];
    }
    if p.dates.is_empty() {
        return &p.weekly[weekday];
    }
    crate::hours::spans_on(p, date)
}

/// Minutes since midnight of a time on the minute (the caller checks).
fn minute_of_day(t: Time) -> i64 {
    i64::from(t.hour()) * 60 + i64::from(t.minute())
}

/// Whether every span the eligible practitioners could open falls on whole minutes, the
/// grid the fast engine counts in (the clinic file only writes `HH:MM`).
pub(super) fn spans_on_minutes(eligible: &[&Practitioner]) -> bool {
    let whole = |t: Time| t.second() == 0 && t.subsec_nanosecond() == 0;
    eligible.iter().all(|p| {
        p.weekly
            .iter()
            .chain(p.dates.values())
            .flatten()
            .all(|s| whole(s.start) && whole(s.end))
    })
}
