//! Sorted, merged instant ranges with a logarithmic "is this range free?" test.

use jiff::Timestamp;

/// The busy time of one resource.
///
/// Merging on construction makes the set independent of the order the ranges came in, and
/// keeps both starts and ends sorted so one binary search answers an overlap query.
#[derive(Clone, Debug, Default)]
pub(crate) struct Intervals {
    ranges: Vec<(Timestamp, Timestamp)>,
}

impl Intervals {
    /// Builds the set from half-open ranges in any order; empty ranges are dropped since
    /// they cannot block anything.
    pub(crate) fn new(mut ranges: Vec<(Timestamp, Timestamp)>) -> Intervals {
        ranges.retain(|(s, e)| s < e);
        // Merging needs only the starts in order.
        ranges.sort_unstable_by_key(|r| r.0);
        let mut merged: Vec<(Timestamp, Timestamp)> = Vec::with_capacity(ranges.len());
        for (s, e) in ranges {
            match merged.last_mut() {
                // Touching ranges merge too: the gap between them is empty either way.
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        Intervals { ranges: merged }
    }

    /// Whether `start..end` overlaps none of the ranges (half-open; back to back is free).
    #[inline]
    pub(crate) fn is_free(&self, start: Timestamp, end: Timestamp) -> bool {
        if start >= end {
            return true;
        }
        let i = self.ranges.partition_point(|&(_, e)| e <= start);
        self.ranges.get(i).is_none_or(|&(s, _)| s >= end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    #[test]
    fn half_open_overlap() {
        let set = Intervals::new(vec![(ts(20), ts(30)), (ts(0), ts(10)), (ts(5), ts(12))]);
        assert!(set.is_free(ts(12), ts(20)), "back to back on both sides");
        assert!(!set.is_free(ts(11), ts(13)));
        assert!(!set.is_free(ts(29), ts(40)));
        assert!(set.is_free(ts(30), ts(40)));
        assert!(!set.is_free(ts(-5), ts(1)));
        assert!(set.is_free(ts(-5), ts(0)));
        assert!(!set.is_free(ts(21), ts(22)), "inside a range");
        assert!(!set.is_free(ts(-100), ts(100)), "covering everything");
    }

    #[test]
    fn empty_ranges_block_nothing() {
        let set = Intervals::new(vec![(ts(5), ts(5)), (ts(9), ts(3))]);
        assert!(set.is_free(ts(0), ts(10)));
        let set = Intervals::new(vec![(ts(0), ts(10))]);
        assert!(set.is_free(ts(5), ts(5)));
    }
}
