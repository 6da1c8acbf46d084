//! Holds read once per version of the bookings instead of once per query: each hold's
//! resource becomes a small index (the ids are compared once, when the holds are read, not
//! on every query) and its times whole minutes, sorted by start so a query finds its window
//! by binary search. With a busy calendar this was two thirds of a query's work.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use jiff::Timestamp;

use crate::model::{Hold, Resource};

/// How long, in minutes, merged holds of one resource may get.
const MERGED: i64 = 1440;

/// A hold on the minute grid: the minutes it touches, `from..to` since the Unix epoch, on
/// resource `resource` of [`PreparedHolds`]. Widening to the minutes touched changes no
/// answer, since every candidate start, stretch and day boundary is on the whole minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Span {
    pub(super) from: i64,
    pub(super) to: i64,
    pub(super) resource: u32,
}

/// Holds made ready for [`Availability::compute_prepared`](super::Availability): build it
/// once whenever the holds change (the store's holds cache keeps one) and let every query
/// read it.
///
/// It answers exactly as the holds it was built from would; it keeps those holds too, for
/// the queries the minute grid cannot express and for callers that want them back.
#[derive(Clone, Debug, Default)]
pub struct PreparedHolds {
    /// The holds, sorted by start.
    holds: Vec<Hold>,
    /// The distinct resources; a span names one by its index here.
    pub(super) resources: Vec<Resource>,
    /// Non-empty holds on the minute grid, sorted by `from`.
    pub(super) spans: Vec<Span>,
    /// The longest span in minutes, so a window's first overlapping span is found by
    /// searching for the starts from that far before it.
    longest: i64,
}

impl PreparedHolds {
    /// Sorts and indexes `holds`.
    pub fn new(mut holds: Vec<Hold>) -> PreparedHolds {
        holds.sort_unstable_by(|a, b| {
            (a.start, &a.resource, a.end).cmp(&(b.start, &b.resource, b.end))
        });
        let mut prepared = PreparedHolds::default();
        prepared.index(&holds);
        prepared.holds = holds;
        prepared
    }

    /// The holds it was built from, sorted by start.
    pub fn holds(&self) -> &[Hold] {
        &self.holds
    }

    /// The holds overlapping `from..to`, in start order.
    pub fn between(&self, from: Timestamp, to: Timestamp) -> impl Iterator<Item = &Hold> + '_ {
        // Sorted by start, so the ones starting too late are a tail; those ending too
        // early are skipped one by one (few: a window begins near now).
        let end = self.holds.partition_point(|h| h.start < to);
        self.holds[..end].iter().filter(move |h| h.end > from)
    }

    /// How many holds there are.
    pub fn len(&self) -> usize {
        self.holds.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.holds.is_empty()
    }

    /// Rebuilds the spans and resources for `holds` (in any order), keeping the memory;
    /// `self.holds` is left as it is.
    pub(super) fn index(&mut self, holds: &[Hold]) {
        self.resources.clear();
        self.spans.clear();
        let mut known: HashMap<&Resource, u32, BuildHasherDefault<Fx>> = HashMap::default();
        for hold in holds {
            if hold.start >= hold.end {
                continue; // Empty: holds nothing, as in the reference.
            }
            let resource = *known.entry(&hold.resource).or_insert_with(|| {
                self.resources.push(hold.resource.clone());
                self.resources.len() as u32 - 1
            });
            let (from, to) = (floor_minute(hold.start), ceil_minute(hold.end));
            self.spans.push(Span { from, to, resource });
        }
        // Already in order when the holds are (as `new` and the store give them).
        self.spans.sort_unstable_by_key(|s| s.from);
        self.merge();
        self.longest = self.spans.iter().map(|s| s.to - s.from).max().unwrap_or(0);
    }

    /// Back-to-back and overlapping holds of one resource mark the same minutes as one
    /// span: a busy calendar is mostly that (a room's phases, a full day's bookings), so
    /// merging them leaves a query far fewer spans to mark. A merged span stays within a
    /// day (or its longest hold), so the window search stays short. Keeps the order by
    /// `from`, since a span only ever grows at its end.
    fn merge(&mut self) {
        // Per resource, the index of its latest span in the merged list.
        let mut open = vec![usize::MAX; self.resources.len()];
        let mut merged = 0;
        for i in 0..self.spans.len() {
            let span = self.spans[i];
            let latest = open[span.resource as usize];
            if latest != usize::MAX {
                let last = &mut self.spans[latest];
                if span.from <= last.to
                    && span.to.max(last.to) - last.from <= MERGED.max(span.to - span.from)
                {
                    last.to = last.to.max(span.to);
                    continue;
                }
            }
            open[span.resource as usize] = merged;
            self.spans[merged] = span;
            merged += 1;
        }
        self.spans.truncate(merged);
    }

    /// The spans that overlap minutes `from..to`.
    #[inline]
    pub(super) fn overlapping(&self, from: i64, to: i64) -> &[Span] {
        let first = self
            .spans
            .partition_point(|s| s.from < from.saturating_sub(self.longest));
        let end = first + self.spans[first..].partition_point(|s| s.from < to);
        &self.spans[first..end]
    }
}

impl From<Vec<Hold>> for PreparedHolds {
    fn from(holds: Vec<Hold>) -> PreparedHolds {
        PreparedHolds::new(holds)
    }
}

/// A multiply-and-rotate hash for the few short resource ids, which the standard hasher
/// would spend most of the preparing on; the ids come from the clinic, not from clients.
#[derive(Default)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn write_isize(&mut self, n: isize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Fx {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// The minute an instant falls in.
fn floor_minute(t: Timestamp) -> i64 {
    // `as_second` rounds towards zero, and the nanoseconds carry the sign.
    let second = t.as_second() - i64::from(t.subsec_nanosecond() < 0);
    second.div_euclid(60)
}

/// The first minute boundary at or after an instant.
fn ceil_minute(t: Timestamp) -> i64 {
    let second = t.as_second() + i64::from(t.subsec_nanosecond() > 0);
    (second + 59).div_euclid(60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;

    fn hold(room: &str, from: i64, to: i64) -> Hold {
        Hold {
            resource: Resource::Room(room.into()),
            start: Timestamp::from_second(from).unwrap(),
            end: Timestamp::from_second(to).unwrap(),
        }
    }

    #[test]
    fn minutes_cover_what_a_hold_touches_and_empty_holds_are_dropped() {
        let t = |s: i64, n: i32| {
            Timestamp::from_second(s).unwrap() + SignedDuration::from_nanos(i64::from(n))
        };
        assert_eq!(floor_minute(t(120, 0)), 2);
        assert_eq!(floor_minute(t(119, 999)), 1);
        assert_eq!(floor_minute(t(-1, 0)), -1);
        assert_eq!(floor_minute(t(-60, 0)), -1);
        assert_eq!(floor_minute(t(-60, -1)), -2);
        assert_eq!(ceil_minute(t(120, 0)), 2);
        assert_eq!(ceil_minute(t(120, 1)), 3);
        assert_eq!(ceil_minute(t(-61, 0)), -1);
        assert_eq!(ceil_minute(t(-60, -1)), -1);
        let prepared = PreparedHolds::new(vec![
            hold("b", 600, 660),
            hold("a", 30, 30),
            hold("a", 0, 3600),
            hold("b", 7200, 7230),
        ]);
        assert_eq!(prepared.len(), 4, "the holds are kept as given");
        assert_eq!(
            prepared.resources,
            vec![Resource::Room("a".into()), Resource::Room("b".into())]
        );
        let spans: Vec<_> = prepared
            .spans
            .iter()
            .map(|s| (s.from, s.to, s.resource))
            .collect();
        assert_eq!(spans, vec![(0, 60, 0), (10, 11, 1), (120, 121, 1)]);
    }

    #[test]
    fn back_to_back_holds_of_one_resource_merge_up_to_a_day() {
        let prepared = PreparedHolds::new(vec![
            hold("a", 0, 600),
            hold("a", 600, 1200),
            hold("a", 900, 1000),
            hold("b", 1200, 1800),
            hold("a", 1260, 1320),
            // A day of back-to-back hours: merged up to a day, then a new span.
            hold("c", 0, 86_400),
            hold("c", 86_400, 90_000),
        ]);
        let spans: Vec<_> = prepared
            .spans
            .iter()
            .map(|s| (s.from, s.to, s.resource))
            .collect();
        assert_eq!(
            spans,
            vec![
                (0, 20, 0),
                (0, 1440, 1),
                (20, 30, 2),
                (21, 22, 0),
                (1440, 1500, 1)
            ]
        );
        assert_eq!(prepared.longest, 1440);
    }

    #[test]
    fn a_window_finds_exactly_the_spans_that_overlap_it() {
        let holds: Vec<Hold> = (0..50)
            .map(|i| hold("a", i * 600, i * 600 + 60 * (1 + i % 7) * 10))
            .collect();
        let prepared = PreparedHolds::new(holds);
        for from in (-20..600).step_by(7) {
            for to in [from, from + 1, from + 13, from + 200] {
                let want: Vec<Span> = prepared
                    .spans
                    .iter()
                    .copied()
                    .filter(|s| s.from < to && from < s.to)
                    .collect();
                let got: Vec<Span> = prepared
                    .overlapping(from, to)
                    .iter()
                    .copied()
                    .filter(|s| s.to > from)
                    .collect();
                assert_eq!(got, want, "{from}..{to}");
            }
        }
        let (a, b) = (
            Timestamp::from_second(1200).unwrap(),
            Timestamp::from_second(1800).unwrap(),
        );
        let between: Vec<i64> = prepared
            .between(a, b)
            .map(|h| h.start.as_second())
            .collect();
        assert_eq!(between, vec![600, 1200]);
    }
}
