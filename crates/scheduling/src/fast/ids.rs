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
    #[inline]
    fn new(room: bool, id: &str) -> Key {
        let bytes = id.as_bytes();
        let n = bytes.len();
        let (first, last) = if n >= 8 {
            (word(&bytes[..8]), word(&bytes[n - 8..]))
        } else {
            let mut padded = [0u8; 8];
            padded[..n].copy_from_slice(bytes);
            (u64::from_le_bytes(padded), 0)
        };
        Key {
            len: n as u64 | (u64::from(room) << 63),
            first,
            last,
        }
    }

    #[inline]
    fn hash(&self, shift: u32) -> usize {
        let mixed = self.last ^ self.first.rotate_left(23) ^ self.len;
        (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
    }
}

#[inline]
fn word(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(bytes);
    u64::from_le_bytes(w)
}

#[derive(Clone, Debug)]
struct Entry<'a> {
    key: Key,
    id: &'a str,
    slot: u32,
}

/// Practitioner and room ids mapped to their slots, open addressing in a table at least
/// twice the size of the ids so a probe rarely goes past its first entry.
#[derive(Debug, Default)]
pub(super) struct Ids<'a> {
    table: Vec<Option<Entry<'a>>>,
    shift: u32,
}

impl<'a> Ids<'a> {
    /// An empty table sized for `count` ids.
    pub(super) fn with_capacity(count: usize) -> Ids<'a> {
        let size = (count * 2).next_power_of_two().max(16);
        Ids {
            table: vec![None; size],
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
            match &self.table[i] {
                Some(e) if e.key == key && e.id == id => return e.slot,
                Some(_) => i = (i + 1) & mask,
                None => {
                    self.table[i] = Some(Entry { key, id, slot });
                    return slot;
                }
            }
        }
    }

    /// The slot of the resource a hold names, or `None` for one the query does not know.
    #[inline]
    pub(super) fn get(&self, resource: &Resource) -> Option<u32> {
        let (room, id) = match resource {
            Resource::Practitioner(id) => (false, id.as_str()),
            Resource::Room(id) => (true, id.as_str()),
        };
        let key = Key::new(room, id);
        let mask = self.table.len() - 1;
        let mut i = key.hash(self.shift);
        loop {
            let e = self.table[i].as_ref()?;
            if e.key == key && (id.len() <= 16 || e.id == id) {
                return Some(e.slot);
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
        assert_eq!(ids.insert(false, "a", 99), 0, "a repeated id keeps its slot");
        for (i, id) in ids_list.iter().enumerate() {
            assert_eq!(ids.get(&Resource::Practitioner(id.to_string())), Some(i as u32));
            assert_eq!(ids.get(&Resource::Room(id.to_string())), Some(100 + i as u32));
        }
        for stranger in ["b", "practitioner-2", "x-very-long-practitioner-id-number-3", "a\0"] {
            assert_eq!(ids.get(&Resource::Room(stranger.into())), None, "{stranger:?}");
        }
        // Same length, first and last eight bytes, different middle.
        let long = "x-very-long-practitioner-ie-number-1";
        assert_eq!(long.len(), ids_list[3].len());
        assert_eq!(ids.get(&Resource::Practitioner(long.into())), None);
    }
}
