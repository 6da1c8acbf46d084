//! The availability engine production uses. It gives exactly the answers of the reference
//! engine ([`crate::reference`]), which the property tests hold it to, but counts in whole
//! minutes: each resource's busy time is a bitset over the query window, a candidate start
//! is a few masked loads, and the answers go into a buffer the caller keeps between
//! queries, so a query allocates nothing per slot.
//!
//! Anything the minute grid cannot express (an opening span or a zone offset off the whole
//! minute) is answered by the reference engine instead, so the answers never differ.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

use crate::hours;
use crate::model::{Hold, Practitioner, Query, Schedule, Service, Slot};
use crate::phases::Footprint;

mod answers;
mod bits;
mod holds;
mod ids;
mod prepared;
mod starts;
mod sweep;
mod zone;

#[cfg(test)]
mod tests;

pub use answers::{Answers, SlotView};
pub use prepared::PreparedHolds;
use starts::{Candidates, OffGrid, Walk};
use sweep::{Eligible, Grid, NO_SLOT};

/// No opening span lasts a week, so a service that long has no start anywhere; anything
/// longer is answered at once, and the bitsets never grow past a chunk and a week.
const LONGEST: i64 = 7 * 1440;

/// Queries longer than this many days are worked in chunks, bounding the bitsets'
/// memory: 35 days is a month of any length plus a daylight-saving hour, in one piece.
const CHUNK_DAYS: i64 = 35;

/// An option's room when the service needs none.
const NO_ROOM: u32 = u32::MAX;

/// The answers: bookable starts in order, and per start its options.
#[derive(Debug, Default)]
struct Out {
    starts: Vec<Timestamp>,
    /// Per start, where its options end in `options`.
    ends: Vec<u32>,
    /// `(index in schedule.practitioners, index in schedule.rooms or NO_ROOM)`.
    options: Vec<(u32, u32)>,
}

/// The answers to the last query, and the scratch space the next one reuses.
///
/// Keep one per thread (or per worker) and call [`Availability::compute`] for each query;
/// after the first few queries it allocates nothing.
#[derive(Debug)]
pub struct Availability {
    out: Out,
    duration: SignedDuration,
    /// The holds of [`Availability::compute`], prepared for the query.
    scratch: PreparedHolds,
    chunk_minutes: i64,
    candidates: Candidates,
    grid: Grid,
}

impl Default for Availability {
    fn default() -> Availability {
        Availability::new()
    }
}

impl Availability {
    /// An empty buffer.
    pub fn new() -> Availability {
        Availability {
            out: Out::default(),
            duration: SignedDuration::ZERO,
            scratch: PreparedHolds::default(),
            chunk_minutes: CHUNK_DAYS * 1440,
            candidates: Candidates::default(),
            grid: Grid::default(),
        }
    }

    /// Works queries longer than `days` in pieces of that many days (at least one); the
    /// answers are the same, only the memory and the work per piece change.
    pub fn with_chunk_days(mut self, days: u32) -> Availability {
        self.chunk_minutes = i64::from(days.max(1)) * 1440;
        self
    }

    /// All bookable start times for `service` within the query, as
    /// [`reference::availability`](crate::reference::availability) gives them: one slot
    /// per distinct start, sorted, each with every practitioner who can take it (schedule
    /// order) and the first free room.
    ///
    /// Prepares the holds for this one query; a caller asking again of the same holds
    /// should prepare them once and use [`Availability::compute_prepared`].
    pub fn compute<'a>(
        &'a mut self,
        schedule: &'a Schedule,
        service: &Service,
        holds: &[Hold],
        query: &Query,
    ) -> Answers<'a> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.index(holds);
        self.run(schedule, service, &scratch, holds, query);
        self.scratch = scratch;
        Answers::new(self, schedule)
    }

    /// [`Availability::compute`] over holds prepared once for many queries (the store's
    /// holds cache keeps them): the same answers, without reading every hold's resource
    /// id again on each query.
    pub fn compute_prepared<'a>(
        &'a mut self,
        schedule: &'a Schedule,
        service: &Service,
        holds: &PreparedHolds,
        query: &Query,
    ) -> Answers<'a> {
        self.run(schedule, service, holds, holds.holds(), query);
        Answers::new(self, schedule)
    }

    /// The query over `prepared`, which indexes `holds` (for the reference's answers).
    fn run(
        &mut self,
        schedule: &Schedule,
        service: &Service,
        prepared: &PreparedHolds,
        holds: &[Hold],
        query: &Query,
    ) {
        self.clear();
        self.duration = service.duration();
        if self.fast(schedule, service, prepared, query).is_err() {
            self.clear();
            self.answer_by_reference(schedule, service, holds, query);
        }
    }

    fn clear(&mut self) {
        self.out.starts.clear();
        self.out.ends.clear();
        self.out.options.clear();
    }

    /// The query on the minute grid; `Err` before writing anything it cannot express.
    fn fast(
        &mut self,
        schedule: &Schedule,
        service: &Service,
        holds: &PreparedHolds,
        query: &Query,
    ) -> Result<(), OffGrid> {
        let tz = &schedule.timezone;
        let today = tz.to_datetime(query.now).date();
        let horizon = SignedDuration::from_hours(24 * i64::from(schedule.horizon_days));
        let last = today.saturating_add(horizon);
        let earliest = query
            .now
            .saturating_add(schedule.min_notice)
            .unwrap_or(query.now);
        let from = query
            .from
            .max(today)
            .max(query.not_before.unwrap_or(Date::MIN));
        let to = query.to.min(last);
        if from > to {
            return Ok(());
        }
        // The first and last years of the calendar, where a day's neighbours may not
        // exist, are left to the reference's careful arithmetic.
        if from.year() < -9990 || to.year() > 9990 {
            return Err(OffGrid);
        }
        let Some(lo) = hours::start_of_day(tz, from) else {
            return Ok(());
        };
        let (lo, hi) = (lo.max(earliest), hours::end_of_day(tz, to));
        let footprint = Footprint::new(service);
        let duration = footprint.duration.as_mins();
        self.grid.eligible.clear();
        let mut eligible: Vec<&Practitioner> = Vec::new();
        for (index, p) in schedule.practitioners.iter().enumerate() {
            if query.practitioner.is_none_or(|id| p.id == id) && p.services.contains(&service.id) {
                self.grid.eligible.push(Eligible {
                    index: index as u32,
                    busy: NO_SLOT,
                    away: NO_SLOT,
                });
                eligible.push(p);
            }
        }
        if eligible.is_empty() || lo >= hi || duration > LONGEST {
            return Ok(());
        }
        if !starts::spans_on_minutes(&eligible) {
            return Err(OffGrid);
        }
        let walk = Walk {
            schedule,
            eligible: &eligible,
            first: from.yesterday().map_err(|_| OffGrid)?,
            last: to,
            step: i64::from(schedule.step_minutes.max(1)),
            duration,
            lo: ceil_minute(lo),
            hi: ceil_minute(hi),
        };
        self.candidates.fill(&walk)?;
        self.candidates.starts.sort_unstable();
        if self.candidates.starts.is_empty() {
            return Ok(());
        }

        let minutes = |&(a, b): &(SignedDuration, SignedDuration)| {
            (a.as_mins() as usize, b.as_mins() as usize)
        };
        let grid = &mut self.grid;
        grid.by_practitioner.clear();
        grid.by_practitioner
            .extend(footprint.practitioner.iter().map(minutes));
        grid.by_room.clear();
        grid.by_room.extend(footprint.room.iter().map(minutes));
        let ids = grid.assign(schedule, &eligible);
        grid.resolve(&ids, holds);
        grid.calendar(schedule, &eligible);

        // A chunk's bits cover its starts and the longest booking from its last one.
        let starts = &self.candidates.starts;
        let duration = duration as usize;
        let mut i = 0;
        while i < starts.len() {
            let base = starts[i].0;
            let end = i + starts[i..].partition_point(|c| c.0 < base + self.chunk_minutes);
            let bits = (starts[end - 1].0 - base) as usize + 1 + duration;
            grid.open_chunk(holds, base, bits);
            grid.sweep(&self.candidates, i..end, base, duration, &mut self.out)?;
            i = end;
        }
        Ok(())
    }

    /// The reference engine's answers, for the queries the minute grid cannot express.
    fn answer_by_reference(
        &mut self,
        schedule: &Schedule,
        service: &Service,
        holds: &[Hold],
        query: &Query,
    ) {
        let only = query.practitioner;
        let eligible =
            |p: &Practitioner| only.is_none_or(|id| p.id == id) && p.services.contains(&service.id);
        for slot in crate::engine::availability(schedule, service, holds, query) {
            for option in &slot.options {
                let practitioner = schedule
                    .practitioners
                    .iter()
                    .position(|p| eligible(p) && p.id == option.practitioner);
                let room = match schedule.rooms.iter().position(|r| *r == option.room) {
                    Some(r) if !option.room.is_empty() => r as u32,
                    _ => NO_ROOM,
                };
                if let Some(p) = practitioner {
                    self.out.options.push((p as u32, room));
                }
            }
            self.out.starts.push(slot.start.timestamp());
            self.out.ends.push(self.out.options.len() as u32);
        }
    }
}

/// All bookable start times, as [`Availability::compute`] gives them, in the [`Slot`]s the
/// pages and the API render; a buffer per thread is reused between calls.
pub fn availability(
    schedule: &Schedule,
    service: &Service,
    holds: &[Hold],
    query: &Query,
) -> Vec<Slot> {
    thread_local! {
        static BUFFER: std::cell::RefCell<Availability> = std::cell::RefCell::new(Availability::new());
    }
    BUFFER.with_borrow_mut(|buffer| buffer.compute(schedule, service, holds, query).to_slots())
}

/// The first minute boundary at or after an instant.
fn ceil_minute(t: Timestamp) -> i64 {
    let second = t.as_second() + i64::from(t.subsec_nanosecond() > 0);
    (second + 59).div_euclid(60)
}
