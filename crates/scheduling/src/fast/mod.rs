//! The availability engine production uses. It gives exactly the answers of the reference
//! engine ([`crate::reference`]), which the property tests hold it to, but counts in whole
//! minutes: each resource's busy time is a bitset over the query window, a candidate start
//! is a few masked loads, and the answers go into a buffer the caller keeps between
//! queries, so a query allocates nothing per slot.
//!
//! Anything the minute grid cannot express (an opening span or a zone offset off the whole
//! minute) is answered by the reference engine instead, so the answers never differ.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::hours;
use crate::model::{Hold, Practitioner, Query, Schedule, Service, Slot, TimeOff};
use crate::phases::Footprint;

mod answers;
mod bits;
mod ids;
mod starts;
mod zone;

#[cfg(test)]
mod tests;

pub use answers::{Answers, SlotView};
use bits::Bitsets;
use ids::Ids;
use starts::{Candidates, OffGrid, Walk};

/// No opening span lasts a week, so a service that long has no start anywhere; anything
/// longer is answered at once, and the bitsets never grow past a chunk and a week.
const LONGEST: i64 = 7 * 1440;

/// Queries longer than this many days are worked in chunks, bounding the bitsets'
/// memory: 35 days is a month of any length plus a daylight-saving hour, in one piece.
const CHUNK_DAYS: i64 = 35;

/// An option's room when the service needs none.
const NO_ROOM: u32 = u32::MAX;
/// An eligible practitioner's time-off slot when they have none.
const NO_SLOT: u32 = u32::MAX;

/// The answers to the last query, and the scratch space the next one reuses.
///
/// Keep one per thread (or per worker) and call [`Availability::compute`] for each query;
/// after the first few queries it allocates nothing.
#[derive(Debug)]
pub struct Availability {
    starts: Vec<Timestamp>,
    /// Per slot, where its options end in `options`.
    ends: Vec<u32>,
    /// `(index in schedule.practitioners, index in schedule.rooms or NO_ROOM)`.
    options: Vec<(u32, u32)>,
    duration: SignedDuration,
    chunk_minutes: i64,
    candidates: Candidates,
    bits: Bitsets,
    /// `(slot, from, to)` in minutes: every hold, closure and time off that can matter.
    marks: Vec<(u32, i64, i64)>,
    /// Per eligible practitioner: its index in the schedule, busy slot and time-off slot.
    eligible: Vec<(u32, u32, u32)>,
    /// Per room of the schedule, its busy slot.
    rooms: Vec<u32>,
    /// The slot of the clinic's closures.
    closed: usize,
    /// The practitioner's and the room's stretches of the service, in minutes.
    held_by_practitioner: Vec<(usize, usize)>,
    held_by_room: Vec<(usize, usize)>,
    mask: Vec<u64>,
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
            starts: Vec::new(),
            ends: Vec::new(),
            options: Vec::new(),
            duration: SignedDuration::ZERO,
            chunk_minutes: CHUNK_DAYS * 1440,
            candidates: Candidates::default(),
            bits: Bitsets::default(),
            marks: Vec::new(),
            eligible: Vec::new(),
            rooms: Vec::new(),
            closed: 0,
            held_by_practitioner: Vec::new(),
            held_by_room: Vec::new(),
            mask: Vec::new(),
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
    pub fn compute<'a>(
        &'a mut self,
        schedule: &'a Schedule,
        service: &Service,
        holds: &[Hold],
        query: &Query,
    ) -> Answers<'a> {
        self.clear();
        self.duration = service.duration();
        if self.fast(schedule, service, holds, query).is_err() {
            self.clear();
            self.from_reference(schedule, service, holds, query);
        }
        Answers::new(self, schedule)
    }

    fn clear(&mut self) {
        self.starts.clear();
        self.ends.clear();
        self.options.clear();
    }

    /// The query on the minute grid; `Err` before writing anything it cannot express.
    fn fast(
        &mut self,
        schedule: &Schedule,
        service: &Service,
        holds: &[Hold],
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
        let from = query.from.max(today).max(query.not_before.unwrap_or(Date::MIN));
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
        self.eligible.clear();
        let mut eligible: Vec<&Practitioner> = Vec::new();
        for (index, p) in schedule.practitioners.iter().enumerate() {
            if query.practitioner.is_none_or(|id| p.id == id) && p.services.contains(&service.id) {
                self.eligible.push((index as u32, 0, NO_SLOT));
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
        let (Some(&(first, _)), Some(&(last, _))) = (
            self.candidates.starts.first(),
            self.candidates.starts.last(),
        ) else {
            return Ok(());
        };

        let minutes = |&(a, b): &(SignedDuration, SignedDuration)| {
            (a.as_mins() as usize, b.as_mins() as usize)
        };
        self.held_by_practitioner.clear();
        self.held_by_practitioner
            .extend(footprint.practitioner.iter().map(minutes));
        self.held_by_room.clear();
        self.held_by_room.extend(footprint.room.iter().map(minutes));
        let slots = self.resources(schedule, &eligible, holds, (first, last + duration));
        self.sweep(duration as usize, slots)
    }

    /// Gives every eligible practitioner and room a slot (a repeated id shares one), the
    /// closures one more and each practitioner with time off their own, and lists the
    /// marks of everything overlapping `window`. Returns the number of slots.
    fn resources(
        &mut self,
        schedule: &Schedule,
        eligible: &[&Practitioner],
        holds: &[Hold],
        window: (i64, i64),
    ) -> usize {
        let tz = &schedule.timezone;
        let mut ids = Ids::with_capacity(eligible.len() + schedule.rooms.len());
        let mut slots = 0u32;
        let mut slot_of = |room: bool, id| {
            let slot = ids.insert(room, id, slots);
            if slot == slots {
                slots += 1;
            }
            slot
        };
        for (p, e) in eligible.iter().zip(&mut self.eligible) {
            e.1 = slot_of(false, &p.id);
        }
        self.rooms.clear();
        for room in &schedule.rooms {
            let slot = slot_of(true, room);
            self.rooms.push(slot);
        }

        self.marks.clear();
        let mark = |marks: &mut Vec<_>, slot: u32, (from, to): (Timestamp, Timestamp)| {
            if from < to {
                let (from, to) = (floor_minute(from), ceil_minute(to));
                if from < window.1 && window.0 < to {
                    marks.push((slot, from, to));
                }
            }
        };
        for hold in holds {
            if let Some(slot) = ids.get(&hold.resource) {
                mark(&mut self.marks, slot, (hold.start, hold.end));
            }
        }
        let closed = slots;
        self.closed = closed as usize;
        slots += 1;
        for &(from, to) in &schedule.closures {
            if let Some(range) = days(tz, from, to) {
                mark(&mut self.marks, closed, range);
            }
        }
        for (p, e) in eligible.iter().zip(&mut self.eligible) {
            if p.time_off.is_empty() {
                continue;
            }
            e.2 = slots;
            slots += 1;
            for time_off in &p.time_off {
                if let Some(range) = away(tz, time_off) {
                    mark(&mut self.marks, e.2, range);
                }
            }
        }
        slots as usize
    }

    /// Judges the sorted candidates chunk by chunk and writes the answers.
    fn sweep(&mut self, duration: usize, slots: usize) -> Result<(), OffGrid> {
        let closed = self.closed;
        let starts = &self.candidates.starts;
        let words = self.candidates.words;
        let mut i = 0;
        while i < starts.len() {
            let base = starts[i].0;
            let end = i + starts[i..].partition_point(|c| c.0 < base + self.chunk_minutes);
            let top = starts[end - 1].0;
            self.bits.reset(slots, (top - base) as usize + 1 + duration);
            for &(slot, from, to) in &self.marks {
                self.bits.mark(slot as usize, from - base, to - base);
            }
            while i < end {
                let t = starts[i].0;
                self.mask.clear();
                self.mask.resize(words, 0);
                while i < end && starts[i].0 == t {
                    let g = starts[i].1 as usize * words;
                    for (m, w) in self.mask.iter_mut().zip(&self.candidates.groups[g..g + words]) {
                        *m |= w;
                    }
                    i += 1;
                }
                let x = (t - base) as usize;
                let free = |slot: u32, stretches: &[(usize, usize)]| {
                    self.bits.is_clear(slot as usize)
                        || stretches
                            .iter()
                            .all(|&(a, b)| !self.bits.any(slot as usize, x + a, x + b))
                };
                let room = if self.held_by_room.is_empty() {
                    NO_ROOM
                } else {
                    match self.rooms.iter().position(|&r| free(r, &self.held_by_room)) {
                        Some(r) => r as u32,
                        None => continue,
                    }
                };
                if self.bits.any(closed, x, x + duration) {
                    continue;
                }
                let before = self.options.len();
                for (n, &word) in self.mask.iter().enumerate() {
                    let mut word = word;
                    while word != 0 {
                        let (index, busy, away) = self.eligible[n * 64 + word.trailing_zeros() as usize];
                        word &= word - 1;
                        if away != NO_SLOT && self.bits.any(away as usize, x, x + duration) {
                            continue;
                        }
                        if free(busy, &self.held_by_practitioner) {
                            self.options.push((index, room));
                        }
                    }
                }
                if self.options.len() > before {
                    let start = Timestamp::from_second(t * 60).map_err(|_| OffGrid)?;
                    self.starts.push(start);
                    self.ends.push(self.options.len() as u32);
                }
            }
        }
        Ok(())
    }

    /// The reference engine's answers, for the queries the minute grid cannot express.
    fn from_reference(
        &mut self,
        schedule: &Schedule,
        service: &Service,
        holds: &[Hold],
        query: &Query,
    ) {
        let only = query.practitioner;
        let eligible = |p: &Practitioner| {
            only.is_none_or(|id| p.id == id) && p.services.contains(&service.id)
        };
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
                    self.options.push((p as u32, room));
                }
            }
            self.starts.push(slot.start.timestamp());
            self.ends.push(self.options.len() as u32);
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

/// The minute an instant falls in.
fn floor_minute(t: Timestamp) -> i64 {
    let second = t.as_second() - i64::from(t.subsec_nanosecond() < 0);
    second.div_euclid(60)
}

/// The first minute boundary at or after an instant.
fn ceil_minute(t: Timestamp) -> i64 {
    let second = t.as_second() + i64::from(t.subsec_nanosecond() > 0);
    (second + 59).div_euclid(60)
}

/// The instants of the local dates `from..=to` (a closure or whole days off).
fn days(tz: &TimeZone, from: Date, to: Date) -> Option<(Timestamp, Timestamp)> {
    Some((hours::start_of_day(tz, from)?, hours::end_of_day(tz, to)))
}

/// The instants a time-off entry covers.
fn away(tz: &TimeZone, time_off: &TimeOff) -> Option<(Timestamp, Timestamp)> {
    match *time_off {
        TimeOff::Days { from, to } => days(tz, from, to),
        TimeOff::Between { from, to } => Some((
            hours::resolve_boundary(tz, from)?,
            hours::resolve_boundary(tz, to)?,
        )),
    }
}
