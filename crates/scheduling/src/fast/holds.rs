//! Giving each resource a slot and reading the holds, closures and time off into the
//! bitsets: the step whose cost grows with the bookings, so each hold costs a handful of
//! integer operations and no allocation.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::ids::{Ids, UNKNOWN};
use super::sweep::{Grid, NO_SLOT};
use crate::hours;
use crate::model::{Hold, Practitioner, Schedule, TimeOff};

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

    /// Reads the holds on known resources that overlap seconds `window`: straight into
    /// the bitsets when the query is one chunk (`base` is its first second), or into
    /// `marks` for the chunks to mark in turn.
    pub(super) fn read_holds(
        &mut self,
        ids: &Ids,
        holds: &[Hold],
        window: (i64, i64),
        one_chunk: Option<i64>,
    ) {
        self.marks.clear();
        let Some(base) = one_chunk else {
            for hold in holds {
                if hold.start.as_second() <= window.1 && window.0 <= hold.end.as_second() + 1 {
                    let slot = ids.get(&hold.resource);
                    if slot != UNKNOWN {
                        self.marks.extend(Busy::new(slot, hold.start, hold.end));
                    }
                }
            }
            return;
        };
        // The one loop whose length is the bookings: kept to plain integer steps.
        let limit = (self.bits.bits() * 60) as i64;
        for hold in holds {
            let (from, to) = (hold.start.as_second() - base, hold.end.as_second() - base);
            // Loose by a second either way (whole seconds, before rounding).
            if from > limit || to < -1 || from > to {
                continue;
            }
            let slot = ids.get(&hold.resource);
            if slot == UNKNOWN {
                continue;
            }
            let (from_nanos, to_nanos) =
                (hold.start.subsec_nanosecond(), hold.end.subsec_nanosecond());
            let (from, to) = if from_nanos == 0 && to_nanos == 0 {
                (from, to.min(limit))
            } else {
                // Off the whole second: empty, or widened to the seconds it touches.
                if hold.start >= hold.end {
                    continue;
                }
                (
                    from - i64::from(from_nanos < 0),
                    (to + i64::from(to_nanos > 0)).min(limit),
                )
            };
            if to <= 0 || from >= to {
                continue;
            }
            // Seconds past the base now, so unsigned division rounds as meant; `div_ceil`
            // would add a remainder test to the loop that dominates a busy query.
            let first = from.max(0) as u64 / 60;
            #[allow(clippy::manual_div_ceil)]
            let last = (to as u64 + 59) / 60;
            self.bits.mark(slot as usize, first as usize, last as usize);
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
