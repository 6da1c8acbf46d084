//! An in-process copy of upcoming holds for SQLite, where this process is the only writer.
//! Availability reads it instead of the database; every write that touches holds bumps a
//! generation, and a copy loaded under an older generation is never used. The database's
//! own refusal of overlaps is unaffected: a stale read can only offer a time that then
//! answers "taken".

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use scheduling::Hold;

struct Entry {
    generation: u64,
    from: i64,
    to: i64,
    /// Sorted by start.
    holds: Arc<Vec<Hold>>,
}

/// The cache and its generation counter.
#[derive(Default)]
pub(crate) struct HoldsCache {
    generation: AtomicU64,
    entry: RwLock<Option<Entry>>,
}

impl std::fmt::Debug for HoldsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HoldsCache")
            .field("generation", &self.generation.load(Ordering::Relaxed))
            .finish()
    }
}

impl HoldsCache {
    /// The holds overlapping `from..to` (Unix seconds), if the cached copy is current and
    /// covers the window (holds start at most `longest` seconds before they end).
    pub fn get(&self, from: i64, to: i64, longest: i64) -> Option<Vec<Hold>> {
        let entry = self.entry.read().expect("holds cache lock");
        let entry = entry.as_ref()?;
        if entry.generation != self.generation.load(Ordering::Acquire)
            || entry.from > from - longest
            || entry.to < to
        {
            return None;
        }
        let first = entry
            .holds
            .partition_point(|h| h.start.as_second() <= from - longest);
        Some(
            entry.holds[first..]
                .iter()
                .take_while(|h| h.start.as_second() < to)
                .filter(|h| h.end.as_second() > from)
                .cloned()
                .collect(),
        )
    }

    /// The generation to tag a load with; read it before querying the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps a load made under `generation`, unless a write has happened since.
    pub fn store(&self, generation: u64, from: i64, to: i64, mut holds: Vec<Hold>) {
        if generation != self.generation() {
            return;
        }
        holds.sort_by_key(|h| h.start);
        *self.entry.write().expect("holds cache lock") = Some(Entry {
            generation,
            from,
            to,
            holds: Arc::new(holds),
        });
    }

    /// Called after every committed write that changes holds.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scheduling::Resource;

    fn hold(start: i64, end: i64) -> Hold {
        Hold {
            resource: Resource::Room("room-1".into()),
            start: jiff::Timestamp::from_second(start).unwrap(),
            end: jiff::Timestamp::from_second(end).unwrap(),
        }
    }

    #[test]
    fn serves_the_window_until_a_write_invalidates_it() {
        let cache = HoldsCache::default();
        assert!(cache.get(1000, 2000, 100).is_none());
        let g = cache.generation();
        cache.store(
            g,
            0,
            10_000,
            vec![
                hold(1500, 1600),
                hold(900, 1001),
                hold(5000, 5100),
                hold(100, 200),
            ],
        );
        let found = cache.get(1000, 2000, 1000).unwrap();
        assert_eq!(found, vec![hold(900, 1001), hold(1500, 1600)]);
        assert!(
            cache.get(1000, 20_000, 1000).is_none(),
            "outside the cached range"
        );
        cache.invalidate();
        assert!(
            cache.get(1000, 2000, 1000).is_none(),
            "a write makes the copy stale"
        );
    }

    #[test]
    fn a_load_that_raced_a_write_is_not_kept() {
        let cache = HoldsCache::default();
        let g = cache.generation();
        cache.invalidate();
        cache.store(g, 0, 10_000, vec![hold(1500, 1600)]);
        assert!(cache.get(1000, 2000, 1000).is_none());
    }
}
