//! Giving each resource a slot and reading the holds, closures and time off into the
//! bitsets: the step whose cost grows with the bookings, so each hold (prepared once, see
//! `prepared.rs`) costs a handful of integer operations and no allocation.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::ids::{Ids, UNKNOWN};
use super::prepared::PreparedHolds;
use super::sweep::{Grid, NO_SLOT};
use crate::hours;
use crate::model::{Practitioner, Schedule, TimeOff};

/// A busy range in whole seconds, widened to the seconds it touches: with every candidate
/// start, stretch and day boundary on the whole minute, widening changes no answer.
#[derive(Clone, Copy, Debug)]
pub(super) struct Busy {
    pub(super) slot: u32,
    pub(super) from: i64,
    pub(super) to: i64,
}

impl Busy {
    /// `None` for an empty range, which holds nothing (the reference drops them too).
    #[inline(always)]
    fn new(slot: u32, from: Timestamp, to: Timestamp) -> Option<Busy> {
        if from >= to {
            return None;
        }
        Some(Busy {
            slot,
            from: from.as_second() - i64::from(from.subsec_nanosecond() < 0),
            to: to.as_second() + i64::from(to.subsec_nanosecond() > 0),
        })
    }
}

impl Grid {
    /// Gives every eligible practitioner and room a slot (a repeated id shares one), then
    /// one slot for "every room busy", one for the closures and one per practitioner with
    /// time off; returns the id table for reading the holds.
    pub(super) fn assign<'s>(
        &mut self,
        schedule: &'s Schedule,
        eligible: &[&'s Practitioner],
    ) -> Ids<'s> {
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
            e.busy = slot_of(false, &p.id);
        }
        self.rooms.clear();
        for room in &schedule.rooms {
            let slot = slot_of(true, room);
            self.rooms.push(slot);
        }
        self.every_room = slots as usize;
        self.closed = slots as usize + 1;
        slots += 2;
        for (p, e) in eligible.iter().zip(&mut self.eligible) {
            e.away = if p.time_off.is_empty() {
                NO_SLOT
            } else {
                slots += 1;
                slots - 1
            };
        }
        self.slots = slots as usize;
        ids
    }

    /// Lists the closures and time off (few, and resolved through the time zone).
    pub(super) fn calendar(&mut self, schedule: &Schedule, eligible: &[&Practitioner]) {
        let tz = &schedule.timezone;
        self.calendar.clear();
        for &(from, to) in &schedule.closures {
            if let Some((a, b)) = days(tz, from, to) {
                self.calendar.extend(Busy::new(self.closed as u32, a, b));
            }
        }
        for (p, e) in eligible.iter().zip(&self.eligible) {
            for time_off in &p.time_off {
                if let Some((a, b)) = away(tz, time_off) {
                    self.calendar.extend(Busy::new(e.away, a, b));
                }
            }
        }
    }

    /// Finds the slot of each of the prepared holds' resources, once per query: a handful
    /// of lookups, however many holds there are.
    pub(super) fn resolve(&mut self, ids: &Ids, holds: &PreparedHolds) {
        self.resource_slots.clear();
        self.resource_slots
            .extend(holds.resources.iter().map(|r| ids.get(r)));
    }

    /// Marks the holds on known resources in the chunk's bitsets (from minute `base`).
    pub(super) fn mark_holds(&mut self, holds: &PreparedHolds, base: i64) {
        let bits = self.bits.bits() as i64;
        // The one loop whose length is the bookings: a few integer steps and a word fill.
        for span in holds.overlapping(base, base + bits) {
            let slot = self.resource_slots[span.resource as usize];
            let (from, to) = (span.from - base, span.to - base);
            if slot == UNKNOWN || to <= 0 {
                continue;
            }
            self.bits
                .mark(slot as usize, from.max(0) as usize, to.min(bits) as usize);
        }
    }

    /// Marks the minutes a busy range touches, relative to the chunk's first second.
    pub(super) fn mark(&mut self, busy: Busy, base: i64) {
        let limit = (self.bits.bits() * 60) as i64;
        let (from, to) = (busy.from - base, (busy.to - base).min(limit));
        if to <= 0 || from >= limit {
            return;
        }
        let first = from.max(0) as u64 / 60;
        let last = (to as u64).div_ceil(60);
        self.bits
            .mark(busy.slot as usize, first as usize, last as usize);
    }
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
