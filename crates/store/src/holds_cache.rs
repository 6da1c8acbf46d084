//! An in-process copy of upcoming holds for SQLite, where this process is the only writer.
//! Availability reads it instead of the database; every write that touches holds bumps a
//! generation, and a copy loaded under an older generation is never used. The database's
//! own refusal of overlaps is unaffected: a stale read can only offer a time that then
//! answers "taken".

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use scheduling::{Hold, PreparedHolds};

struct Entry {
    generation: u64,
    /// Every hold overlapping `from..to` (Unix seconds) is in `holds`.
    from: i64,
    to: i64,
    /// Prepared for the engine once per load, so queries share the work of reading them.
    holds: Arc<PreparedHolds>,
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
    /// The cached holds, if the copy is current and has every hold overlapping `from..to`
    /// (Unix seconds); it has others too, which the engine passes over by binary search.
    pub fn get(&self, from: i64, to: i64) -> Option<Arc<PreparedHolds>> {
        let entry = self.entry.read().expect("holds cache lock");
        let entry = entry.as_ref()?;
        if entry.generation != self.generation.load(Ordering::Acquire)
            || entry.from > from
            || entry.to < to
        {
            return None;
        }
        Some(entry.holds.clone())
    }

    /// The generation to tag a load with; read it before querying the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Prepares the holds overlapping `from..to`, loaded under `generation`, and keeps them
    /// unless a write has happened since.
    pub fn store(
        &self,
        generation: u64,
        from: i64,
        to: i64,
        holds: Vec<Hold>,
    ) -> Arc<PreparedHolds> {
        let holds = Arc::new(PreparedHolds::new(holds));
        if generation == self.generation() {
            *self.entry.write().expect("holds cache lock") = Some(Entry {
                generation,
                from,
                to,
                holds: holds.clone(),
            });
        }
        holds
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
        assert!(cache.get(1000, 2000).is_none());
        let g = cache.generation();
        let loaded = cache.store(
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
        let found = cache.get(1000, 2000).unwrap();
        assert!(Arc::ptr_eq(&found, &loaded), "prepared once, then shared");
        let (from, to) = (hold(1000, 2000).start, hold(1000, 2000).end);
        let within: Vec<Hold> = found.between(from, to).cloned().collect();
        assert_eq!(within, vec![hold(900, 1001), hold(1500, 1600)]);
        assert!(cache.get(0, 10_000).is_some(), "the whole loaded range");
        assert!(cache.get(-1, 2000).is_none(), "before the loaded range");
        assert!(
            cache.get(1000, 20_000).is_none(),
            "outside the cached range"
        );
        cache.invalidate();
        assert!(
            cache.get(1000, 2000).is_none(),
            "a write makes the copy stale"
        );
    }

    #[test]
    fn a_load_that_raced_a_write_is_not_kept() {
        let cache = HoldsCache::default();
        let g = cache.generation();
        cache.invalidate();
        let loaded = cache.store(g, 0, 10_000, vec![hold(1500, 1600)]);
        assert_eq!(loaded.len(), 1, "the caller still gets what it loaded");
        assert!(cache.get(1000, 2000).is_none());
    }
}
