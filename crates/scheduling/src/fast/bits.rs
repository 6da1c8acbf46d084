//! Busy time as bits, one per minute from a chunk's first candidate start: marking a hold
//! touches a word or two, and "is this stretch free?" is a masked load instead of a search.

/// One bitset per slot (a practitioner, a room, the clinic's closures, a practitioner's
/// time off), each `words` long, laid out back to back.
///
/// Invariant: every word is zero except in the ranges of slots marked dirty, so a new
/// chunk clears only what the last one touched.
#[derive(Debug, Default)]
pub(super) struct Bitsets {
    data: Vec<u64>,
    words: usize,
    dirty: Vec<bool>,
}

impl Bitsets {
    /// Makes room for `slots` empty bitsets of `bits` bits each.
    pub(super) fn reset(&mut self, slots: usize, bits: usize) {
        for (slot, dirty) in self.dirty.iter_mut().enumerate() {
            if std::mem::take(dirty) {
                self.data[slot * self.words..(slot + 1) * self.words].fill(0);
            }
        }
        self.words = bits.div_ceil(64);
        let len = slots * self.words;
        if self.data.len() < len {
            self.data.resize(len, 0);
        }
        self.dirty.clear();
        self.dirty.resize(slots, false);
    }

    /// Marks bits `from..to` of `slot` (clipped to the bitset) as busy.
    pub(super) fn mark(&mut self, slot: usize, from: i64, to: i64) {
        let bits = (self.words * 64) as i64;
        let (from, to) = (from.max(0), to.min(bits));
        if from >= to {
            return;
        }
        self.dirty[slot] = true;
        let words = &mut self.data[slot * self.words..(slot + 1) * self.words];
        let (from, last) = (from as usize, (to - 1) as usize);
        let (a, b) = (from >> 6, last >> 6);
        let head = !0u64 << (from & 63);
        let tail = !0u64 >> (63 - (last & 63));
        if a == b {
            words[a] |= head & tail;
            return;
        }
        words[a] |= head;
        words[a + 1..b].fill(!0);
        words[b] |= tail;
    }

    /// Whether `slot` has nothing marked at all, so tests against it can be skipped.
    #[inline]
    pub(super) fn is_clear(&self, slot: usize) -> bool {
        !self.dirty[slot]
    }

    /// Whether any bit in `from..to` of `slot` is marked; an empty range holds nothing.
    /// The range must lie within the bitset.
    #[inline]
    pub(super) fn any(&self, slot: usize, from: usize, to: usize) -> bool {
        if from >= to || !self.dirty[slot] {
            return false;
        }
        let words = &self.data[slot * self.words..(slot + 1) * self.words];
        let last = to - 1;
        let (a, b) = (from >> 6, last >> 6);
        let head = !0u64 << (from & 63);
        let tail = !0u64 >> (63 - (last & 63));
        if a == b {
            return words[a] & head & tail != 0;
        }
        words[a] & head != 0 || words[a + 1..b].iter().any(|&w| w != 0) || words[b] & tail != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain reading of `any`, bit by bit, over a few hand-marked ranges.
    #[test]
    fn any_matches_a_bit_by_bit_reading() {
        let marks = [(3, 5), (60, 70), (127, 128), (200, 330)];
        let mut sets = Bitsets::default();
        sets.reset(2, 400);
        for &(a, b) in &marks {
            sets.mark(1, a, b);
        }
        sets.mark(1, -10, 1);
        sets.mark(1, 399, 1000);
        let marked = |bit: usize| {
            bit < 1 || bit >= 399 || marks.iter().any(|&(a, b)| a <= bit as i64 && (bit as i64) < b)
        };
        for from in 0..400 {
            for to in from..=400.min(from + 140) {
                let want = (from..to).any(marked);
                assert_eq!(sets.any(1, from, to), want, "{from}..{to}");
                assert!(!sets.any(0, from, to));
            }
        }
        assert!(sets.is_clear(0) && !sets.is_clear(1));
    }

    #[test]
    fn reset_clears_what_was_marked_even_when_the_size_changes() {
        let mut sets = Bitsets::default();
        sets.reset(3, 1000);
        sets.mark(2, 0, 1000);
        sets.reset(3, 100);
        assert!(!sets.any(2, 0, 100));
        sets.reset(4, 5000);
        for slot in 0..4 {
            assert!(!sets.any(slot, 0, 5000));
        }
        assert!(sets.data.iter().all(|&w| w == 0));
    }
}
