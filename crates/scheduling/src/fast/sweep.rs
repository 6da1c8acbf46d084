//! Judging the candidate starts in time order, a chunk of days at a time: for each start,
//! the first free room, then every practitioner of its groups who is free, each test a
//! few masked loads from the bitsets.

use jiff::Timestamp;

use super::bits::{Bitsets, Window};
use super::holds::Busy;
use super::prepared::PreparedHolds;
use super::starts::{Candidates, OffGrid};
use super::{NO_ROOM, Out};

/// An eligible practitioner's time-off slot when they have none.
pub(super) const NO_SLOT: u32 = u32::MAX;

/// One eligible practitioner, as the sweep sees them.
#[derive(Clone, Copy, Debug)]
pub(super) struct Eligible {
    /// Index in `schedule.practitioners`.
    pub(super) index: u32,
    pub(super) busy: u32,
    pub(super) away: u32,
}

/// The resources of one query and their bitsets, kept between queries for the memory.
#[derive(Debug, Default)]
pub(super) struct Grid {
    pub(super) bits: Bitsets,
    pub(super) slots: usize,
    pub(super) eligible: Vec<Eligible>,
    /// Per room of the schedule, its slot.
    pub(super) rooms: Vec<u32>,
    /// The slot busy wherever every room is.
    pub(super) every_room: usize,
    /// The slot of the clinic's closures.
    pub(super) closed: usize,
    /// Per resource of the prepared holds, its slot (or `UNKNOWN`).
    pub(super) resource_slots: Vec<u32>,
    /// Closures and time off, marked in every chunk.
    pub(super) calendar: Vec<Busy>,
    /// The service's stretches, in minutes from its start.
    pub(super) by_practitioner: Vec<(usize, usize)>,
    pub(super) by_room: Vec<(usize, usize)>,
    room_windows: Vec<Window>,
    practitioner_windows: Vec<Window>,
    mask: Vec<u64>,
}

impl Grid {
    /// Readies the bitsets for a chunk of `bits` minutes starting at minute `base`: the
    /// holds, the closures and time off, and where every room is busy.
    pub(super) fn open_chunk(&mut self, holds: &PreparedHolds, base: i64, bits: usize) {
        self.bits.reset(self.slots, bits);
        self.mark_holds(holds, base);
        let base = base * 60;
        for i in 0..self.calendar.len() {
            self.mark(self.calendar[i], base);
        }
        self.bits.intersect(&self.rooms, self.every_room);
    }

    /// Judges the candidates `starts` (sorted, all in the open chunk from minute `base`)
    /// and appends the bookable ones to `out`.
    pub(super) fn sweep(
        &mut self,
        candidates: &Candidates,
        range: std::ops::Range<usize>,
        base: i64,
        duration: usize,
        out: &mut Out,
    ) -> Result<(), OffGrid> {
        let starts = &candidates.starts[range];
        let words = candidates.words;
        self.room_windows.clear();
        self.room_windows
            .resize(self.by_room.len(), Window::default());
        self.practitioner_windows.clear();
        self.practitioner_windows
            .resize(self.by_practitioner.len(), Window::default());
        let mut i = 0;
        while i < starts.len() {
            let (t, g) = starts[i];
            i += 1;
            let mut groups = &candidates.groups[g as usize * words..][..words];
            if i < starts.len() && starts[i].0 == t {
                self.mask.clear();
                self.mask.extend_from_slice(groups);
                while i < starts.len() && starts[i].0 == t {
                    let g = starts[i].1 as usize * words;
                    for (m, w) in self.mask.iter_mut().zip(&candidates.groups[g..g + words]) {
                        *m |= w;
                    }
                    i += 1;
                }
                groups = &self.mask;
            }
            let x = (t - base) as usize;
            let bits = &self.bits;

            let room = if self.by_room.is_empty() {
                NO_ROOM
            } else {
                for (w, &(a, b)) in self.room_windows.iter_mut().zip(&self.by_room) {
                    *w = bits.window(x + a, x + b);
                }
                let windows = &self.room_windows;
                let held = |slot: usize| windows.iter().any(|w| bits.hits(slot, w));
                if !bits.is_clear(self.every_room) && held(self.every_room) {
                    continue;
                }
                match self
                    .rooms
                    .iter()
                    .position(|&r| bits.is_clear(r as usize) || !held(r as usize))
                {
                    Some(r) => r as u32,
                    None => continue,
                }
            };
            if bits.any(self.closed, x, x + duration) {
                continue;
            }

            for (w, &(a, b)) in self
                .practitioner_windows
                .iter_mut()
                .zip(&self.by_practitioner)
            {
                *w = bits.window(x + a, x + b);
            }
            let windows = &self.practitioner_windows;
            let before = out.options.len();
            for (n, &word) in groups.iter().enumerate() {
                let mut word = word;
                while word != 0 {
                    let e = self.eligible[n * 64 + word.trailing_zeros() as usize];
                    word &= word - 1;
                    if e.away != NO_SLOT && bits.any(e.away as usize, x, x + duration) {
                        continue;
                    }
                    let busy = e.busy as usize;
                    if bits.is_clear(busy) || !windows.iter().any(|w| bits.hits(busy, w)) {
                        out.options.push((e.index, room));
                    }
                }
            }
            if out.options.len() > before {
                out.starts
                    .push(Timestamp::from_second(t * 60).map_err(|_| OffGrid)?);
                out.ends.push(out.options.len() as u32);
            }
        }
        Ok(())
    }
}
