//! Group commit for bookings on SQLite: one writer thread takes booking requests from a
//! queue and writes as many as are waiting in one transaction, each in its own savepoint,
//! then replies to each caller once that transaction has committed.
//!
//! Why: SQLite has one writer at a time, so bookings are serial whatever happens. Through the
//! async driver every statement is a round trip between the runtime and the connection's
//! thread (about fifteen per booking), and under load the connection mostly waited for the
//! next statement. The writer runs a booking's statements back to back on the connection
//! itself, and a commit is shared by all the bookings that queued behind the one before.
//!
//! The writer borrows the store's one write connection for a turn of batches (while bookings
//! keep coming, up to LONGEST_TURN), so every other write still takes its turn in the pool's
//! order and the two never meet in SQLite's lock.

mod create;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sqlx::SqlitePool;

use crate::StoreError;
use crate::holds_cache::HoldsCache;

pub(crate) use create::CreateJob;

/// The most bookings one transaction takes: a bound on how long the other writes wait.
const MOST_PER_BATCH: usize = 64;

/// What a kept job does once its batch has committed (or failed to).
pub(crate) type Reply = Box<dyn FnOnce(Result<(), &str>) + Send>;

/// A request the writer runs inside a batch's transaction.
pub(crate) trait Job: Send {
    /// Runs in its own savepoint. `Some` keeps its writes and waits for the commit to reply;
    /// `None` has replied already (a refusal or an error) and its writes are rolled back.
    fn run(self: Box<Self>, db: &rusqlite::Connection) -> Option<Reply>;
    /// Replies that the job was not run because the batch could not start.
    fn abandon(self: Box<Self>, why: &str);
}

/// The queue in front of the writer thread. Cheap to clone; the thread stops once every
/// clone is gone.
#[derive(Clone)]
pub(crate) struct BookingWriter {
    jobs: mpsc::Sender<Box<dyn Job>>,
}

impl std::fmt::Debug for BookingWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BookingWriter")
    }
}

impl BookingWriter {
    /// Starts the writer over `write`, the store's write pool, from inside the runtime that
    /// drives that pool.
    pub(crate) fn start(write: SqlitePool, cache: Arc<HoldsCache>) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel();
        let writer = Writer {
            runtime: tokio::runtime::Handle::current(),
            write,
            cache,
            queue,
        };
        std::thread::Builder::new()
            .name("booking-writer".into())
            .spawn(move || {
                let mut waiting = Vec::new();
                loop {
                    if waiting.is_empty() {
                        match writer.queue.recv() {
                            Ok(job) => waiting.push(job),
                            Err(_) => return,
                        }
                    }
                    waiting = writer.take_turn(writer.more(waiting));
                }
            })?;
        Ok(BookingWriter { jobs })
    }

    /// Queues `job`; fails only when the writer has stopped.
    pub(crate) fn submit(&self, job: Box<dyn Job>) -> Result<(), StoreError> {
        self.jobs
            .send(job)
            .map_err(|_| StoreError::Unsettled("the booking writer has stopped".into()))
    }
}

/// How long the writer keeps the write connection while bookings keep arriving, before it
/// lets the other writes (the mail worker, the desk) have their turn.
const LONGEST_TURN: Duration = Duration::from_millis(50);

struct Writer {
    runtime: tokio::runtime::Handle,
    write: SqlitePool,
    cache: Arc<HoldsCache>,
    queue: mpsc::Receiver<Box<dyn Job>>,
}

impl Writer {
    /// Takes the pool's write connection and commits `batch` on it, then further batches for
    /// as long as bookings are waiting (up to LONGEST_TURN). Returns the bookings taken from
    /// the queue as the turn ended: they go first in the next one.
    fn take_turn(&self, mut batch: Vec<Box<dyn Job>>) -> Vec<Box<dyn Job>> {
        // Handing the connection back to the pool, on any path, spawns a task on its runtime.
        let _runtime = self.runtime.enter();
        let mut conn = match self.runtime.block_on(self.write.acquire()) {
            Ok(conn) => conn,
            Err(e) => return abandon(batch, &e.to_string()),
        };
        let mut locked = match self.runtime.block_on(conn.lock_handle()) {
            Ok(locked) => locked,
            Err(e) => return abandon(batch, &e.to_string()),
        };
        // SAFETY: the handle is locked out of the driver's thread until `locked` drops, which
        // is after `db`; `from_handle` neither closes it nor leaves a statement behind (the
        // statement cache is finalised when `db` drops).
        let db = match unsafe { rusqlite::Connection::from_handle(locked.as_raw_handle().as_ptr()) }
        {
            Ok(db) => db,
            Err(e) => return abandon(batch, &e.to_string()),
        };
        let turn = Instant::now();
        loop {
            let (replies, outcome) = run_batch(&db, batch);
            if outcome.is_ok() && !replies.is_empty() {
                self.cache.invalidate();
            }
            for reply in replies {
                reply(outcome.as_ref().map(|_| ()).map_err(String::as_str));
            }
            batch = self.more(Vec::new());
            if batch.is_empty() || turn.elapsed() > LONGEST_TURN {
                return batch;
            }
        }
    }

    /// `batch` with the bookings queued behind it, up to MOST_PER_BATCH.
    fn more(&self, mut batch: Vec<Box<dyn Job>>) -> Vec<Box<dyn Job>> {
        while batch.len() < MOST_PER_BATCH {
            match self.queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        batch
    }
}

/// Runs each job in its savepoint and commits: the kept jobs' replies and how the commit went.
fn run_batch(
    db: &rusqlite::Connection,
    batch: Vec<Box<dyn Job>>,
) -> (Vec<Reply>, Result<(), String>) {
    if let Err(e) = db.execute_batch("BEGIN IMMEDIATE") {
        abandon(batch, &e.to_string());
        return (Vec::new(), Ok(()));
    }
    let mut kept = Vec::with_capacity(batch.len());
    let mut jobs = batch.into_iter();
    while let Some(job) = jobs.next() {
        if let Err(e) = db.execute_batch("SAVEPOINT booking") {
            job.abandon(&e.to_string());
            continue;
        }
        // A panic in a caller's closure loses that booking, not the writer.
        let undone = match catch_unwind(AssertUnwindSafe(|| job.run(db))) {
            Ok(Some(reply)) => match db.execute_batch("RELEASE booking") {
                Ok(()) => {
                    kept.push(reply);
                    true
                }
                Err(e) => {
                    reply(Err(&e.to_string()));
                    undo_savepoint(db)
                }
            },
            _ => undo_savepoint(db),
        };
        // Some failures (a full disk, an I/O error) end the whole transaction, and a
        // savepoint that cannot be undone would be committed with the rest: either way what
        // the batch kept is given up, and nothing more runs.
        if !undone || db.is_autocommit() {
            let why = "the transaction was rolled back after a database error";
            let _ = db.execute_batch("ROLLBACK");
            abandon(jobs.collect(), why);
            return (kept, Err(why.into()));
        }
    }
    match db.execute_batch("COMMIT") {
        Ok(()) => (kept, Ok(())),
        Err(e) => {
            let _ = db.execute_batch("ROLLBACK");
            (kept, Err(e.to_string()))
        }
    }
}

/// Rolls back the open job's writes; `false` when the savepoint could not be undone.
fn undo_savepoint(db: &rusqlite::Connection) -> bool {
    db.execute_batch("ROLLBACK TO booking; RELEASE booking")
        .is_ok()
}

/// Tells every job in `batch` that it was not run; returns the empty batch left.
fn abandon(batch: Vec<Box<dyn Job>>, why: &str) -> Vec<Box<dyn Job>> {
    for job in batch {
        job.abandon(why);
    }
    Vec::new()
}
