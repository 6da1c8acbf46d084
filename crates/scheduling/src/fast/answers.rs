//! Reading the answers out of the buffer: borrowed views for callers that write them
//! straight out, and the owned [`Slot`]s for those that keep them.

use jiff::{Timestamp, ZonedDateTime};

use super::{Availability, NO_ROOM};
use crate::model::{Assignment, Schedule, Slot};

/// The answers of one query, borrowed from the buffer that holds them.
#[derive(Clone, Copy, Debug)]
pub struct Answers<'a> {
    buffer: &'a Availability,
    schedule: &'a Schedule,
}

/// One bookable start, borrowed from [`Answers`].
#[derive(Clone, Copy, Debug)]
pub struct SlotView<'a> {
    /// The start, on the clinic's clock through `schedule.timezone`.
    pub start: Timestamp,
    /// End of the last phase.
    pub end: Timestamp,
    options: &'a [(u32, u32)],
    schedule: &'a Schedule,
}

impl<'a> Answers<'a> {
    pub(super) fn new(buffer: &'a Availability, schedule: &'a Schedule) -> Answers<'a> {
        Answers { buffer, schedule }
    }

    /// How many bookable starts there are.
    pub fn len(&self) -> usize {
        self.buffer.out.starts.len()
    }

    /// Whether nothing can be booked.
    pub fn is_empty(&self) -> bool {
        self.buffer.out.starts.is_empty()
    }

    /// The `i`-th start, in order.
    pub fn get(&self, i: usize) -> Option<SlotView<'a>> {
        let b = self.buffer;
        let out = &b.out;
        let start = *out.starts.get(i)?;
        let from = if i == 0 { 0 } else { out.ends[i - 1] as usize };
        Some(SlotView {
            start,
            end: start.saturating_add(b.duration).unwrap_or(Timestamp::MAX),
            options: &out.options[from..out.ends[i] as usize],
            schedule: self.schedule,
        })
    }

    /// The starts in order.
    pub fn iter(&self) -> impl Iterator<Item = SlotView<'a>> + 'a {
        let answers = *self;
        (0..self.len()).filter_map(move |i| answers.get(i))
    }

    /// The answers as owned [`Slot`]s in the clinic's time zone, as the reference engine
    /// returns them.
    pub fn to_slots(&self) -> Vec<Slot> {
        let tz = &self.schedule.timezone;
        self.iter()
            .map(|slot| Slot {
                start: ZonedDateTime::new(slot.start, tz.clone()),
                end: ZonedDateTime::new(slot.end, tz.clone()),
                options: slot
                    .options()
                    .map(|(practitioner, room)| Assignment {
                        practitioner: practitioner.to_owned(),
                        room: room.to_owned(),
                    })
                    .collect(),
            })
            .collect()
    }
}

impl<'a> SlotView<'a> {
    /// `(practitioner id, room id)` for each practitioner who can take the start, in
    /// schedule order; the room is empty when the service needs none.
    pub fn options(&self) -> impl ExactSizeIterator<Item = (&'a str, &'a str)> + 'a {
        let schedule = self.schedule;
        self.options.iter().map(move |&(p, r)| {
            let room = match r {
                NO_ROOM => "",
                r => schedule.rooms[r as usize].as_str(),
            };
            (schedule.practitioners[p as usize].id.as_str(), room)
        })
    }
}
