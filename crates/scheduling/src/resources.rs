//! Sorting existing holds into per-resource busy sets.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use jiff::Timestamp;

use crate::intervals::Intervals;
use crate::model::{Hold, Resource};

/// The busy time of every practitioner and room a query cares about, in the order asked.
pub(crate) struct Busy {
    pub(crate) practitioners: Vec<Intervals>,
    pub(crate) rooms: Vec<Intervals>,
}

/// Groups the holds overlapping `window` by resource, for the given practitioner and room
/// ids (holds on anything else cannot matter and are dropped). Ids listed twice share
/// their holds.
pub(crate) fn busy<'a>(
    holds: &[Hold],
    window: (Timestamp, Timestamp),
    practitioners: impl IntoIterator<Item = &'a str>,
    rooms: impl IntoIterator<Item = &'a str>,
) -> Busy {
    let (ids, first) = index(practitioners, rooms);
    let mut ranges: Vec<Vec<(Timestamp, Timestamp)>> = vec![Vec::new(); ids.len()];
    for hold in holds {
        if !(hold.start < window.1 && window.0 < hold.end) {
            continue;
        }
        let key = match &hold.resource {
            Resource::Practitioner(id) => (false, id.as_str()),
            Resource::Room(id) => (true, id.as_str()),
        };
        if let Some(&slot) = first.get(&key) {
            ranges[slot].push((hold.start, hold.end));
        }
    }
    let mut sets: Vec<Intervals> = Vec::with_capacity(ids.len());
    for (i, key) in ids.iter().enumerate() {
        let slot = first[key];
        sets.push(if slot == i {
            Intervals::new(std::mem::take(&mut ranges[i]))
        } else {
            sets[slot].clone()
        });
    }
    let rooms = sets.split_off(ids.iter().take_while(|(room, _)| !room).count());
    Busy {
        practitioners: sets,
        rooms,
    }
}

type Key<'a> = (bool, &'a str);

/// Lists the resources (practitioners first, `false`; then rooms, `true`) and maps each to
/// the position of its first listing.
fn index<'a>(
    practitioners: impl IntoIterator<Item = &'a str>,
    rooms: impl IntoIterator<Item = &'a str>,
) -> (Vec<Key<'a>>, HashMap<Key<'a>, usize, Fnv>) {
    let ids: Vec<Key<'a>> = practitioners
        .into_iter()
        .map(|id| (false, id))
        .chain(rooms.into_iter().map(|id| (true, id)))
        .collect();
    let mut first: HashMap<Key<'a>, usize, Fnv> = HashMap::default();
    for (i, key) in ids.iter().enumerate() {
        first.entry(*key).or_insert(i);
    }
    (ids, first)
}

/// FNV-1a: ids are short, trusted strings looked up once per hold, where SipHash's
/// flood resistance buys nothing and costs most of the grouping time.
type Fnv = BuildHasherDefault<FnvHasher>;

struct FnvHasher(u64);

impl Default for FnvHasher {
    fn default() -> FnvHasher {
        FnvHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    fn hold(resource: Resource, a: i64, b: i64) -> Hold {
        Hold {
            resource,
            start: ts(a),
            end: ts(b),
        }
    }

    #[test]
    fn groups_by_resource_kind_and_id_within_the_window() {
        let holds = vec![
            hold(Resource::Practitioner("x".into()), 0, 10),
            hold(Resource::Room("x".into()), 20, 30),
            hold(Resource::Room("y".into()), 100, 110),
            hold(Resource::Room("unknown".into()), 0, 10),
        ];
        let busy = busy(&holds, (ts(0), ts(50)), ["x"], ["x", "y", "x"]);
        assert!(!busy.practitioners[0].is_free(ts(5), ts(6)));
        assert!(busy.practitioners[0].is_free(ts(20), ts(30)));
        assert!(!busy.rooms[0].is_free(ts(25), ts(26)));
        assert!(busy.rooms[0].is_free(ts(5), ts(6)));
        assert!(
            busy.rooms[1].is_free(ts(100), ts(110)),
            "outside the window"
        );
        assert!(
            !busy.rooms[2].is_free(ts(25), ts(26)),
            "a repeated id shares holds"
        );
    }
}
