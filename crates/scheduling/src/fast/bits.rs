//! Busy time as bits, one per minute from a chunk's first candidate start: marking a hold
//! sets a word or two, and "is this stretch free?" is a masked load instead of a search.
//!
//! The bitsets are interleaved (word `w` of every slot side by side), so the tests of one
//! start against every practitioner and room read a few neighbouring cache lines, with
//! the word indexes and masks worked out once per start.

/// One bitset per slot (a practitioner, a room, every room at once, the clinic's
/// closures, a practitioner's time off), `words` long.
#[derive(Debug, Default)]
pub(super) struct Bitsets {
    data: Vec<u64>,
    slots: usize,
    words: usize,
    /// Whether a slot has any bit set, so tests against an empty one are skipped.
    dirty: Vec<bool>,
}

/// A range of bits: where the rows of its first and last word start, and their masks.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Window {
    first: usize,
    last: usize,
    head: u64,
    tail: u64,
}

impl Bitsets {
    /// Makes `slots` empty bitsets of at least `bits` bits each.
    pub(super) fn reset(&mut self, slots: usize, bits: usize) {
        self.slots = slots;
        self.words = bits.div_ceil(64);
        let len = slots * self.words;
        if self.data.len() < len {
            self.data.resize(len, 0);
        }
        self.data[..len].fill(0);
        self.dirty.clear();
        self.dirty.resize(slots, false);
    }

    /// How many bits each bitset has.
    pub(super) fn bits(&self) -> usize {
        self.words * 64
    }

    /// Marks bits `from..to` of `slot` as busy; bits past the end are left out.
    #[inline(always)]
    pub(super) fn mark(&mut self, slot: usize, from: usize, to: usize) {
        if from >= to {
            return;
        }
        let n = self.slots;
        let w = self.window(from, to);
        let last = w.last + slot;
        if slot >= n || last >= self.data.len() {
            return;
        }
        self.dirty[slot] = true;
        let data = &mut self.data[..=last];
        if w.first == w.last {
            data[last] |= w.head & w.tail;
            return;
        }
        data[w.first + slot] |= w.head;
        let mut i = w.first + n + slot;
        while i < last {
            data[i] = !0;
            i += n;
        }
        data[last] |= w.tail;
    }

    /// Marks `into` busy wherever every one of `slots` is busy.
    pub(super) fn intersect(&mut self, slots: &[u32], into: usize) {
        if slots.is_empty() || slots.iter().any(|&s| !self.dirty[s as usize]) {
            return;
        }
        let n = self.slots;
        let mut any = false;
        for row in self.data[..n * self.words].chunks_exact_mut(n) {
            let all = slots.iter().fold(!0u64, |acc, &s| acc & row[s as usize]);
            row[into] = all;
            any |= all != 0;
        }
        self.dirty[into] = any;
    }

    /// Bits `from..to`, which must not be empty, worked out once for testing many slots.
    #[inline(always)]
    pub(super) fn window(&self, from: usize, to: usize) -> Window {
        let last = to - 1;
        Window {
            first: (from >> 6) * self.slots,
            last: (last >> 6) * self.slots,
            head: !0u64 << (from & 63),
            tail: !0u64 >> (63 - (last & 63)),
        }
    }

    /// Whether `slot` has nothing marked.
    #[inline]
    pub(super) fn is_clear(&self, slot: usize) -> bool {
        !self.dirty[slot]
    }

    /// Whether any bit of `slot` in the window is marked.
    #[inline(always)]
    pub(super) fn hits(&self, slot: usize, w: &Window) -> bool {
        let d = &self.data;
        if w.first == w.last {
            return d[w.first + slot] & w.head & w.tail != 0;
        }
        if d[w.first + slot] & w.head != 0 || d[w.last + slot] & w.tail != 0 {
            return true;
        }
        let mut i = w.first + self.slots + slot;
        while i < w.last {
            if d[i] != 0 {
                return true;
            }
            i += self.slots;
        }
        false
    }

    /// Whether any bit of `slot` in `from..to` is marked; an empty range holds nothing.
    #[inline]
    pub(super) fn any(&self, slot: usize, from: usize, to: usize) -> bool {
        from < to && !self.is_clear(slot) && self.hits(slot, &self.window(from, to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain reading of `any`, bit by bit, over a few hand-marked ranges.
    #[test]
    fn any_matches_a_bit_by_bit_reading() {
        let marks = [(3, 5), (60, 70), (127, 128), (200, 330), (0, 1), (399, 448)];
        let mut sets = Bitsets::default();
        sets.reset(3, 400);
        assert_eq!(sets.bits(), 448);
        for &(a, b) in &marks {
            sets.mark(1, a, b);
        }
        let marked = |bit: usize| marks.iter().any(|&(a, b)| a <= bit && bit < b);
        for from in 0..448 {
            for to in from..=448.min(from + 140) {
                let want = (from..to).any(marked);
                assert_eq!(sets.any(1, from, to), want, "{from}..{to}");
                assert!(!sets.any(0, from, to) && !sets.any(2, from, to));
            }
        }
        assert!(sets.is_clear(0) && !sets.is_clear(1));
    }

    #[test]
    fn intersect_keeps_what_all_share_and_reset_clears_everything() {
        let mut sets = Bitsets::default();
        sets.reset(4, 1000);
        sets.mark(0, 10, 500);
        sets.mark(1, 400, 900);
        sets.intersect(&[0, 1], 3);
        assert!(sets.any(3, 400, 500) && !sets.any(3, 0, 400) && !sets.any(3, 500, 1000));
        sets.intersect(&[0, 1, 2], 2);
        assert!(sets.is_clear(2), "one of them is free throughout");
        sets.reset(4, 100);
        sets.reset(5, 5000);
        for slot in 0..5 {
            assert!(!sets.any(slot, 0, 5000));
        }
        assert!(sets.data.iter().all(|&w| w == 0));
    }
}
