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
//! copied, which any pause in the writes allows. A steady stream of bookings leaves no such
//! pause, and a log that only grows costs more the longer it gets: the disk allocates its
//! blocks anew, the cut back to the size limit frees them all at once, and a restart after
//! a long run had to wait for every reader to leave the old log (hundreds of milliseconds
//! at full booking load). So once the log passes LONG_LOG_PAGES the log is emptied from the
//! write connection, where no writer can come in between, and the next write starts it from
//! the top. The reading connection first copies until little is left (the log grows slower
//! than it is copied), and then asks the booking writer to copy that little between two
//! batches ([`EmptyLog`]): bookings then wait a millisecond or so, instead of for a turn of
//! the checkpointer's in the pool's order, behind which the log grew again by whatever came
//! in meanwhile. When the writer has not taken the request by the next tick (no bookings
//! are coming), the checkpointer takes that turn itself (BENCHMARKS.md has the figures).
//!
//! SQLite syncs the database file only at the end of a copy that left nothing behind, and
//! under a steady stream of writes only the write connection's copy does. The checkpointer
//! therefore syncs the file itself after each of its copies, so that this last copy flushes
//! only the few pages it copied and not everything copied since the log last started again.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::SqlitePool;
use tokio::sync::watch;

const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// Log pages (4 KiB each, so 64 MiB, the size the log is cut back to) past which the
/// checkpointer takes a turn on the write connection to empty the log. Lower, and a steady
/// stream of bookings waits for that turn more often.
const LONG_LOG_PAGES: i64 = 16_384;

/// Log pages the reading connection may leave uncopied before it stops copying again: a copy
/// of this many is a millisecond or two on the write connection.
const SMALL_TAIL_PAGES: i64 = 512;

/// How many times one tick copies from the reading connection while bookings outpace it.
const MOST_COPIES: usize = 4;

/// The checkpointer's request to the booking writer to empty the log between two batches.
#[derive(Clone, Debug, Default)]
pub(crate) struct EmptyLog(Arc<AtomicBool>);

impl EmptyLog {
    /// Asks for the log to be emptied: `true` when the last request was not taken.
    fn ask(&self) -> bool {
        self.0.swap(true, Ordering::AcqRel)
    }

    /// Takes the request, if there is one: the taker empties the log.
    pub(crate) fn take(&self) -> bool {
        self.0.swap(false, Ordering::AcqRel)
    }

    /// Empties the log from `db`, the write connection, where no writer can come in between.
    pub(crate) fn empty(db: &rusqlite::Connection) -> rusqlite::Result<()> {
        db.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
    }
}

/// The checkpoint task; it stops when the store closes or the last clone drops.
#[derive(Clone, Debug)]
pub(crate) struct Checkpointer {
    stop: std::sync::Arc<watch::Sender<bool>>,
}

impl Checkpointer {
    /// Starts checkpointing on the current runtime; past LONG_LOG_PAGES it asks `empty` of the
    /// booking writer.
    pub(crate) fn start(read: SqlitePool, write: SqlitePool, empty: EmptyLog) -> Self {
        Self::start_with(read, write, LONG_LOG_PAGES, empty)
    }

    /// Starts checkpointing, emptying the log from the write connection past `long` pages.
    fn start_with(read: SqlitePool, write: SqlitePool, long: i64, empty: EmptyLog) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            // How far the log was copied at the last tick: the file needs a sync only after
            // a copy.
            let mut copied = 0;
            loop {
                tokio::select! {
                    _ = stopped.changed() => return,
                    _ = tick.tick() => {}
                }
                match checkpoint(&read, &write, long, &empty, &mut copied).await {
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

/// Copies what it can without waiting; when the log is longer than `long` pages regardless,
/// has the rest copied from the write connection, so that the next write starts the log
/// afresh: by the booking writer, or here when it left the last request untaken.
async fn checkpoint(
    read: &SqlitePool,
    write: &SqlitePool,
    long: i64,
    empty: &EmptyLog,
    copied_before: &mut i64,
) -> Result<(), sqlx::Error> {
    let mut log_pages = 0;
    let mut copied_to = *copied_before;
    for _ in 0..MOST_COPIES {
        let (_busy, log, copied): (i64, i64, i64) =
            sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
                .fetch_one(read)
                .await?;
        log_pages = log;
        copied_to = copied;
        if log <= long || log - copied <= SMALL_TAIL_PAGES {
            break;
        }
    }
    if copied_to != *copied_before {
        // Without this the write connection's copy, between two batches of bookings,
        // flushed every page copied since the log last started again: 25 ms at full
        // booking load, where it now flushes its own few.
        let file = read.connect_options().get_filename().to_owned();
        let synced = tokio::task::spawn_blocking(move || sync_database_file(&file))
            .await
            .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))?;
        synced.map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))?;
        *copied_before = copied_to;
    }
    if log_pages > long && empty.ask() {
        empty.take();
        sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(write)
            .await?;
    }
    Ok(())
}

/// Syncs the database file at `path` to disk through a handle SQLite opened and closes.
///
/// Not through a file opened here: the locks SQLite takes on the file belong to the whole
/// process, and closing any handle on it releases all of them, so another process (a
/// `collagen restore`, the last connection of a command closing) would find the database
/// unused while this one still writes it. SQLite's own close keeps the handle open while
/// other connections of the process hold locks.
fn sync_database_file(path: &std::path::Path) -> rusqlite::Result<()> {
    use rusqlite::ffi;
    let db = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let mut file: *mut ffi::sqlite3_file = std::ptr::null_mut();
    // SAFETY: FILE_POINTER writes a pointer to the main database's file object, owned by
    // `db`, into `file`; `db` is used by no one else and outlives every use below.
    let found = unsafe {
        ffi::sqlite3_file_control(
            db.handle(),
            c"main".as_ptr(),
            ffi::SQLITE_FCNTL_FILE_POINTER,
            (&raw mut file).cast(),
        )
    };
    if found != ffi::SQLITE_OK {
        return Err(rusqlite::Error::SqliteFailure(ffi::Error::new(found), None));
    }
    // SAFETY: `file` is null or the open file object of `db`, whose methods SQLite set.
    let sync = unsafe { file.as_ref().and_then(|f| f.pMethods.as_ref()) }.and_then(|m| m.xSync);
    let Some(sync) = sync else {
        return Ok(());
    };
    // SAFETY: the method is called on its own file object, which `db` keeps open.
    match unsafe { sync(file, ffi::SQLITE_SYNC_NORMAL) } {
        ffi::SQLITE_OK => Ok(()),
        failed => Err(rusqlite::Error::SqliteFailure(
            ffi::Error::new(failed),
            None,
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr as _;
    use std::time::{Duration, Instant};

    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

    use super::*;

    /// The log's length in frames, read from the header of its index (the `-shm` file), so
    /// that watching it neither copies nor holds anything.
    fn log_frames(shm: &std::path::Path) -> u32 {
        let header = std::fs::read(shm).unwrap_or_default();
        header
            .get(16..20)
            .map_or(0, |b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
    }

    #[test]
    fn a_request_the_writer_left_untaken_is_seen_at_the_next_tick() {
        let empty = EmptyLog::default();
        assert!(!empty.ask(), "the first request is new");
        assert!(empty.ask(), "no writer took it by the next tick");
        assert!(empty.take(), "the checkpointer takes it itself");
        assert!(!empty.take(), "a request is taken once");
        assert!(!empty.ask(), "and the next one is new again");
    }

    /// A database in `dir` with a `rows` table, its reading pool and its write connection,
    /// which never copies the log itself (as the store's).
    async fn pools(dir: &std::path::Path) -> (SqlitePool, SqlitePool) {
        let path = dir.join("log.db");
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .unwrap()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone().pragma("wal_autocheckpoint", "0"))
            .await
            .unwrap();
        let read = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE rows (body BLOB NOT NULL)")
            .execute(&write)
            .await
            .unwrap();
        (read, write)
    }

    #[tokio::test]
    async fn the_database_file_is_synced_through_sqlite_and_a_missing_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (_read, write) = pools(dir.path()).await;
        sqlx::query("INSERT INTO rows (body) VALUES (zeroblob(16000))")
            .execute(&write)
            .await
            .unwrap();
        sync_database_file(&dir.path().join("log.db")).expect("synced");
        assert!(
            sync_database_file(&dir.path().join("missing.db")).is_err(),
            "a file that is not there is not created"
        );
        assert!(!dir.path().join("missing.db").exists());
        // Whether the process kept its locks on the file is seen only from another process:
        // `crates/collagen/tests/backup.rs` restores while a server has the file open.
    }

    #[tokio::test]
    async fn each_copy_that_moved_is_counted_for_the_file_sync() {
        let dir = tempfile::tempdir().unwrap();
        let (read, write) = pools(dir.path()).await;
        let insert = "INSERT INTO rows (body) VALUES (zeroblob(16000))";
        let empty = EmptyLog::default();
        let mut copied = 0;
        sqlx::query(insert).execute(&write).await.unwrap();

        checkpoint(&read, &write, i64::MAX, &empty, &mut copied)
            .await
            .unwrap();
        let first = copied;
        assert!(first > 0, "the copy of a written log is counted: {first}");

        checkpoint(&read, &write, i64::MAX, &empty, &mut copied)
            .await
            .unwrap();
        assert_eq!(copied, first, "nothing new was written, so nothing to sync");

        for _ in 0..3 {
            sqlx::query(insert).execute(&write).await.unwrap();
        }
        checkpoint(&read, &write, i64::MAX, &empty, &mut copied)
            .await
            .unwrap();
        // The log started again from the top, so the count is new rather than larger.
        assert_ne!(copied, first, "the next copy is counted");
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM rows")
            .fetch_one(&read)
            .await
            .unwrap();
        assert_eq!(rows, 4);
    }

    #[tokio::test]
    async fn a_log_written_without_a_pause_still_starts_again_from_the_top() {
        let dir = tempfile::tempdir().unwrap();
        let (read, write) = pools(dir.path()).await;
        let long = 64;
        let checkpoints =
            Checkpointer::start_with(read.clone(), write.clone(), long, EmptyLog::default());

        // Back-to-back writes of several pages each: a copy from the reading connection
        // never finds the log still, so only the write connection's turn can empty it.
        let writing = tokio::spawn({
            let write = write.clone();
            async move {
                let until = Instant::now() + Duration::from_millis(1_500);
                while Instant::now() < until {
                    sqlx::query("INSERT INTO rows (body) VALUES (zeroblob(16000))")
                        .execute(&write)
                        .await
                        .unwrap();
                }
            }
        });
        let shm = dir.path().join("log.db-shm");
        let (mut restarts, mut longest, mut last) = (0, 0, 0);
        while !writing.is_finished() {
            let frames = log_frames(&shm);
            if frames < last {
                restarts += 1;
            }
            (last, longest) = (frames, longest.max(frames));
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        writing.await.unwrap();
        checkpoints.stop();
        let written: i64 = sqlx::query_scalar("SELECT count(*) FROM rows")
            .fetch_one(&read)
            .await
            .unwrap();

        assert!(written > 100, "the writes went on: {written} rows");
        assert!(restarts >= 3, "the log started again {restarts} times");
        // Every 100 ms the log is copied and, past `long`, emptied: it never holds more
        // than a few ticks' writes (a debug build writes a few thousand pages a second).
        assert!(
            i64::from(longest) < written * 5,
            "the longest log, {longest} frames, is a bounded part of the {written} rows"
        );
    }
}
