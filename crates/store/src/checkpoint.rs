//! Checkpoints for SQLite, off the writers' path.
//!
//! In WAL mode every commit appends pages to the `-wal` file, and a checkpoint copies them
//! back into the database file and syncs it. Left to SQLite, the checkpoint runs inside
//! whichever commit crosses a thousand pages, so that writer (and every booking queued
//! behind it) waits for the copy and two file syncs. Here the write connection never
//! checkpoints: every CHECKPOINT_EVERY a reading connection copies what it can without
//! waiting for anyone.
//!
//! The log starts again from the top by itself when a writer begins after everything was
//! copied, which any pause in the writes allows. Writes without a pause never leave that
//! moment, so once the log passes LONGEST_LOG_PAGES the checkpointer takes a turn on the
//! write connection, in the pool's order like every other write, and restarts the log
//! there: writers wait for that once (at full booking load, a few hundred milliseconds
//! after ten seconds or so; BENCHMARKS.md has the figures).

use std::time::Duration;

use sqlx::SqlitePool;
use tokio::sync::watch;

const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// Log pages (4 KiB each, so 1 GiB) past which the checkpointer takes a turn to restart
/// the log. Lower, and a steady stream of bookings waits for restarts more often.
const LONGEST_LOG_PAGES: i64 = 262_144;

/// The checkpoint task; it stops when the store closes or the last clone drops.
#[derive(Clone, Debug)]
pub(crate) struct Checkpointer {
    stop: std::sync::Arc<watch::Sender<bool>>,
}

impl Checkpointer {
    /// Starts checkpointing on the current runtime.
    pub(crate) fn start(read: SqlitePool, write: SqlitePool) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
            let mut restarted_at = None;
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = stopped.changed() => return,
                    _ = tick.tick() => {}
                }
                match checkpoint(&read, &write, &mut restarted_at).await {
                    Ok(()) => {}
                    Err(sqlx::Error::PoolClosed) => return,
                    // A failed checkpoint costs only a longer log; the next tick tries again.
                    Err(error) => tracing::warn!(%error, "SQLite checkpoint failed"),
                }
            }
        });
        Checkpointer {
            stop: std::sync::Arc::new(stop),
        }
    }

    /// Stops the task before its pools close.
    pub(crate) fn stop(&self) {
        let _ = self.stop.send(true);
    }
}

/// Copies what it can without waiting; when the log has grown long regardless, restarts it
/// from the write connection. `restarted_at` holds the log's length at the last restart
/// until a copy sees it short again: the log starts afresh only at the next write, and
/// until then it still reads as long (should it have grown past that, the restart did not
/// take and is tried again).
async fn checkpoint(
    read: &SqlitePool,
    write: &SqlitePool,
    restarted_at: &mut Option<i64>,
) -> Result<(), sqlx::Error> {
    let (_busy, log_pages, _copied): (i64, i64, i64) =
        sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_one(read)
            .await?;
    if log_pages <= LONGEST_LOG_PAGES {
        *restarted_at = None;
    } else if restarted_at.is_none_or(|at| log_pages > at) {
        *restarted_at = Some(log_pages);
        sqlx::query("PRAGMA wal_checkpoint(RESTART)")
            .execute(write)
            .await?;
    }
    Ok(())
}
