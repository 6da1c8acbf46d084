//! What a service occupies, relative to its start, and the holds a booking takes.

use jiff::{SignedDuration, Timestamp};

use crate::model::{Assignment, Hold, Resource, Service};

/// A stretch of a booking relative to its start: `start..end` after the booking begins.
pub(crate) type Offsets = (SignedDuration, SignedDuration);

/// A service reduced to the stretches each kind of resource is held.
///
/// Computed once per query so checking a candidate is a handful of range tests, and
/// shared with [`holds_for`] so what is checked is exactly what gets held.
#[derive(Clone, Debug)]
pub(crate) struct Footprint {
    pub(crate) duration: SignedDuration,
    pub(crate) practitioner: Vec<Offsets>,
    pub(crate) room: Vec<Offsets>,
}

impl Footprint {
    pub(crate) fn new(service: &Service) -> Footprint {
        let mut practitioner = Vec::new();
        let mut room = Vec::new();
        let mut at = SignedDuration::ZERO;
        for phase in &service.phases {
            let end = at + SignedDuration::from_mins(i64::from(phase.minutes));
            // A zero-minute phase holds nothing, and would otherwise split a merged hold.
            if end > at {
                if phase.uses_practitioner {
                    extend(&mut practitioner, at, end);
                }
                if phase.uses_room {
                    extend(&mut room, at, end);
                }
            }
            at = end;
        }
        Footprint {
            duration: at,
            practitioner,
            room,
        }
    }
}

/// Adds `start..end`, merging with the previous stretch when they are back to back.
fn extend(stretches: &mut Vec<Offsets>, start: SignedDuration, end: SignedDuration) {
    match stretches.last_mut() {
        Some(last) if last.1 == start => last.1 = end,
        _ => stretches.push((start, end)),
    }
}

/// The holds a booking with this assignment takes: the practitioner for the phases naming
/// the practitioner, the room for the phases naming a room, adjacent phases of the same
/// resource merged into one hold. Sorted (by resource, then start) so the result is
/// deterministic.
pub fn holds_for(service: &Service, start: Timestamp, assignment: &Assignment) -> Vec<Hold> {
    let footprint = Footprint::new(service);
    // Saturating so a start at the edge of time cannot panic; no real booking is there.
    let at = |offset| start.saturating_add(offset).unwrap_or(Timestamp::MAX);
    let hold = |resource: &Resource, &(from, to): &Offsets| Hold {
        resource: resource.clone(),
        start: at(from),
        end: at(to),
    };
    let practitioner = Resource::Practitioner(assignment.practitioner.clone());
    let room = Resource::Room(assignment.room.clone());
    let mut holds: Vec<Hold> = footprint
        .practitioner
        .iter()
        .map(|o| hold(&practitioner, o))
        .chain(footprint.room.iter().map(|o| hold(&room, o)))
        .collect();
    holds.sort();
    holds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Phase;

    fn full_face() -> Service {
        let phase = |minutes, uses_practitioner, uses_room| Phase {
            minutes,
            uses_practitioner,
            uses_room,
        };
        Service {
            id: "full-face".into(),
            phases: vec![
                phase(30, false, true),
                phase(45, true, true),
                phase(15, false, true),
            ],
        }
    }

    #[test]
    fn duration_sums_phases() {
        assert_eq!(full_face().duration(), SignedDuration::from_mins(90));
    }

    #[test]
    fn adjacent_phases_merge() {
        let start: Timestamp = "2027-06-01T13:00:00Z".parse().unwrap();
        let holds = holds_for(
            &full_face(),
            start,
            &Assignment {
                practitioner: "ana".into(),
                room: "room-1".into(),
            },
        );
        let at = |m| start + SignedDuration::from_mins(m);
        assert_eq!(
            holds,
            vec![
                Hold {
                    resource: Resource::Practitioner("ana".into()),
                    start: at(30),
                    end: at(75),
                },
                Hold {
                    resource: Resource::Room("room-1".into()),
                    start: at(0),
                    end: at(90),
                },
            ]
        );
    }

    #[test]
    fn separated_phases_hold_separately_and_empty_phases_nothing() {
        let service = Service {
            id: "s".into(),
            phases: vec![
                Phase {
                    minutes: 10,
                    uses_practitioner: true,
                    uses_room: false,
                },
                Phase {
                    minutes: 0,
                    uses_practitioner: false,
                    uses_room: true,
                },
                Phase {
                    minutes: 20,
                    uses_practitioner: false,
                    uses_room: false,
                },
                Phase {
                    minutes: 5,
                    uses_practitioner: true,
                    uses_room: false,
                },
            ],
        };
        let fp = Footprint::new(&service);
        let m = SignedDuration::from_mins;
        assert_eq!(fp.practitioner, vec![(m(0), m(10)), (m(30), m(35))]);
        assert!(fp.room.is_empty());
        assert_eq!(fp.duration, m(35));
    }
}
