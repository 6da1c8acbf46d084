//! Finding the slot of a hold's resource by its id, once per hold: the one step whose cost
//! grows with the bookings, so it reads two words of the id instead of hashing all of it.

use crate::model::Resource;

/// An id reduced to what tells short ids apart: its length and its first and last eight
/// bytes. For ids of up to 16 bytes these say everything; longer ones are compared whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    /// The length, with the top bit set for rooms.
    len: u64,
    first: u64,
    last: u64,
}

impl Key {
    #[inline(always)]
    fn new(room: bool, id: &str) -> Key {
        let bytes = id.as_bytes();
        let n = bytes.len();
        // Overlapping reads cover every byte without a copy of variable length.
        let (first, last) = match n {
            8.. => (word(&bytes[..8]), word(&bytes[n - 8..])),
            4..8 => (
                u64::from(half(&bytes[..4])) | u64::from(half(&bytes[n - 4..])) << 32,
                0,
            ),
            1..4 => (
                u64::from(bytes[0]) | u64::from(bytes[n / 2]) << 8 | u64::from(bytes[n - 1]) << 16,
                0,
            ),
            0 => (0, 0),
        };
        Key {
            len: n as u64 | (u64::from(room) << 63),
            first,
            last,
        }
    }

    /// Ids of one clinic mostly differ in their length or last byte (`room-1`, `room-2`,
    /// `ana`, `bob`), the top byte of `last` (or of `first` for short ids); a collision
    /// only costs a probe, since the whole key is compared.
    #[inline(always)]
    fn hash(&self, shift: u32) -> usize {
        let top = (self.last | self.first) >> 56;
        let mixed = top ^ self.first ^ self.len.rotate_left(8);
        (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
    }
}

#[inline(always)]
fn word(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes[..8].try_into().unwrap_or_default())
}

#[inline(always)]
fn half(bytes: &[u8]) -> u32 {
    u32::from_le_bytes(bytes[..4].try_into().unwrap_or_default())
}

/// What [`Ids::get`] answers for a resource the query does not know.
pub(super) const UNKNOWN: u32 = u32::MAX;

/// Marks an empty entry: no id is that long.
const EMPTY: u64 = u64::MAX;

#[derive(Clone, Copy, Debug)]
struct Entry {
    key: Key,
    slot: u32,
}

/// Practitioner and room ids mapped to their slots, open addressing in a table at least
/// four times the size of the ids so a probe rarely goes past its first entry.
#[derive(Debug, Default)]
pub(super) struct Ids<'a> {
    table: Vec<Entry>,
    /// Per entry, the id itself, for ids too long for the key to tell apart.
    ids: Vec<&'a str>,
    shift: u32,
}

impl<'a> Ids<'a> {
    /// An empty table sized for `count` ids.
    pub(super) fn with_capacity(count: usize) -> Ids<'a> {
        let size = (count * 4).next_power_of_two().max(32);
        let empty = Entry {
            key: Key {
                len: EMPTY,
                first: 0,
                last: 0,
            },
            slot: 0,
        };
        Ids {
            table: vec![empty; size],
            ids: vec![""; size],
            shift: 64 - size.trailing_zeros(),
        }
    }

    /// The slot of `id`, adding it with `slot` when it is new; a repeated id keeps the
    /// slot of its first listing, so both listings share their holds.
    pub(super) fn insert(&mut self, room: bool, id: &'a str, slot: u32) -> u32 {
        let key = Key::new(room, id);
        let mask = self.table.len() - 1;
        let mut i = key.hash(self.shift);
        loop {
            let e = self.table[i];
            if e.key.len == EMPTY {
                self.table[i] = Entry { key, slot };
                self.ids[i] = id;
                return slot;
            }
            if e.key == key && self.ids[i] == id {
                return e.slot;
            }
            i = (i + 1) & mask;
        }
    }

    /// The slot of the resource a hold names, or [`UNKNOWN`] for one the query does not
    /// know.
    #[inline(always)]
    pub(super) fn get(&self, resource: &Resource) -> u32 {
        let (room, id) = match resource {
            Resource::Practitioner(id) => (false, id.as_str()),
            Resource::Room(id) => (true, id.as_str()),
        };
        let key = Key::new(room, id);
        let mask = self.table.len() - 1;
        let mut i = key.hash(self.shift);
        loop {
            let e = &self.table[i];
            if e.key == key && (id.len() <= 16 || self.ids[i] == id) {
                return e.slot;
            }
            if e.key.len == EMPTY {
                return UNKNOWN;
            }
            i = (i + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_id_by_kind_and_ignores_strangers() {
        let ids_list = [
            "a",
            "practitioner-1",
            "practitioner-10",
            "x-very-long-practitioner-id-number-1",
            "x-very-long-practitioner-id-number-2",
            "",
        ];
        let mut ids = Ids::with_capacity(ids_list.len() * 2);
        for (i, id) in ids_list.iter().enumerate() {
            ids.insert(false, id, i as u32);
            ids.insert(true, id, 100 + i as u32);
        }
        assert_eq!(
            ids.insert(false, "a", 99),
            0,
            "a repeated id keeps its slot"
        );
        for (i, id) in ids_list.iter().enumerate() {
            assert_eq!(ids.get(&Resource::Practitioner(id.to_string())), i as u32);
            assert_eq!(ids.get(&Resource::Room(id.to_string())), 100 + i as u32);
        }
        for stranger in [
            "b",
            "practitioner-2",
            "x-very-long-practitioner-id-number-3",
            "a\0",
        ] {
            assert_eq!(
                ids.get(&Resource::Room(stranger.into())),
                UNKNOWN,
                "{stranger:?}"
            );
        }
        // Same length, first and last eight bytes, different middle.
        let long = "x-very-long-practitioner-ie-number-1";
        assert_eq!(long.len(), ids_list[3].len());
        assert_eq!(ids.get(&Resource::Practitioner(long.into())), UNKNOWN);
    }

    #[test]
    fn every_byte_of_every_length_counts() {
        let text = "abcdefghijklmnopqrstu";
        let mut ids = Ids::with_capacity(text.len() + 1);
        for n in 0..=text.len() {
            ids.insert(n % 2 == 0, &text[..n], n as u32);
        }
        for n in 0..=text.len() {
            let id = text[..n].to_string();
            let kind = |id: String| {
                if n % 2 == 0 {
                    Resource::Room(id)
                } else {
                    Resource::Practitioner(id)
                }
            };
            assert_eq!(ids.get(&kind(id.clone())), n as u32, "{id:?}");
            for p in 0..n {
                let mut bytes = id.clone().into_bytes();
                bytes[p] = b'Z';
                let other = String::from_utf8(bytes).unwrap();
                assert_eq!(ids.get(&kind(other.clone())), UNKNOWN, "{other:?}");
            }
        }
    }
}
