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
//!
//! What a booking needs no database for, composing its mail, happens on composing threads
//! while the writer goes on with the next booking: a job runs in two steps, its statements
//! first, its mail at the end of the batch. A job that fails in the second step has its
//! writes inside everyone's, so the batch is rolled back and written again without it, each
//! other job replaying what it wrote with the same ids and mail.

mod composers;
mod create;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use sqlx::SqlitePool;

use crate::StoreError;
use crate::checkpoint::EmptyLog;
use crate::holds_cache::HoldsCache;
use composers::Composers;

pub(crate) use create::CreateJob;

/// The most bookings one transaction takes: a bound on how long the other writes wait.
const MOST_PER_BATCH: usize = 64;

/// How many threads compose bookings' mail: enough to keep up with the writer, which does
/// more per booking than composing its mail takes.
const COMPOSERS: usize = 2;

/// How many prepared statements the writer keeps for a turn.
const STATEMENTS_KEPT: usize = 32;

/// Why a job that panicked was not written.
const PANICKED: &str = "the booking could not be placed";

/// A request the writer runs inside a batch's transaction, in two steps.
pub(crate) trait Job: Send {
    /// Runs the job's statements in its own savepoint. `true` keeps them and has started
    /// whatever `finish` waits for; `false` has replied already (a refusal or an error), and
    /// its writes are rolled back.
    fn run(&mut self, db: &rusqlite::Connection, composers: &Composers) -> bool;
    /// Writes the rest once every job of the batch has run (the mail, composed meanwhile);
    /// an error when it could not be made or written.
    fn finish(&mut self, db: &rusqlite::Connection) -> Result<(), String>;
    /// Writes again what `run` and `finish` wrote, with the same ids and mail, in a batch
    /// started again without a neighbour that failed in `finish`.
    fn replay(&mut self, db: &rusqlite::Connection) -> Result<(), String>;
    /// Answers the caller: `Ok` once its writes have committed.
    fn reply(self: Box<Self>, outcome: Result<(), &str>);
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
    /// drives that pool. Between batches it empties the log when the checkpointer asks
    /// (`empty_log`): there no other write waits for it.
    pub(crate) fn start(
        write: SqlitePool,
        cache: Arc<HoldsCache>,
        empty_log: EmptyLog,
    ) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel();
        let runtime = tokio::runtime::Handle::current();
        let writer = Writer {
            composers: Composers::start(COMPOSERS, runtime.clone())?,
            runtime,
            write,
            cache,
            empty_log,
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
    composers: Composers,
    write: SqlitePool,
    cache: Arc<HoldsCache>,
    empty_log: EmptyLog,
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
        // Room for every statement a turn runs (the booking's, the audit's, the savepoints).
        db.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
        let turn = Instant::now();
        loop {
            let (kept, outcome) = run_batch(&db, &self.composers, batch);
            if outcome.is_ok() && !kept.is_empty() {
                self.cache.invalidate();
            }
            for job in kept {
                job.reply(outcome.as_ref().map(|_| ()).map_err(String::as_str));
            }
            if self.empty_log.take() {
                // A failed copy costs only a longer log; the checkpointer asks again.
                let _ = EmptyLog::empty(&db);
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

/// Runs each job in its savepoint, then finishes each and commits: the jobs kept, and how
/// the commit went.
fn run_batch(db: &Connection, composers: &Composers, batch: Vec<Box<dyn Job>>) -> Written {
    if let Err(e) = run_cached(db, "BEGIN IMMEDIATE") {
        abandon(batch, &e.to_string());
        return (Vec::new(), Ok(()));
    }
    // A panic in a caller's closure loses that booking, not the writer.
    let ran = in_savepoints(db, batch, |job| {
        match catch_unwind(AssertUnwindSafe(|| job.run(db, composers))) {
            Ok(true) => Ok(()),
            Ok(false) => Err(None),
            Err(_) => Err(Some(PANICKED.into())),
        }
    });
    let mut kept = match ran {
        Ok(kept) => kept,
        Err(given_up) => return given_up,
    };
    let mut failed = Vec::new();
    for (i, job) in kept.iter_mut().enumerate() {
        match catch_unwind(AssertUnwindSafe(|| job.finish(db))) {
            Ok(Ok(())) => {}
            Ok(Err(why)) => failed.push((i, why)),
            Err(_) => failed.push((i, PANICKED.into())),
        }
        if db.is_autocommit() {
            return give_up(db, kept, Vec::new());
        }
    }
    if failed.is_empty() {
        return commit(db, kept);
    }
    // The failed jobs' writes are among everyone's: start again without them.
    let _ = db.execute_batch("ROLLBACK");
    for (i, why) in failed.into_iter().rev() {
        kept.remove(i).reply(Err(&why));
    }
    if let Err(e) = run_cached(db, "BEGIN IMMEDIATE") {
        return (kept, Err(e.to_string()));
    }
    let replayed = in_savepoints(db, kept, |job| {
        match catch_unwind(AssertUnwindSafe(|| job.replay(db))) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(why)) => Err(Some(why)),
            Err(_) => Err(Some(PANICKED.into())),
        }
    });
    match replayed {
        Ok(again) => commit(db, again),
        Err(given_up) => given_up,
    }
}

/// Runs `step` for each job in its own savepoint, answering those it undoes: the jobs kept,
/// or what the batch answers once the transaction itself failed.
fn in_savepoints(
    db: &Connection,
    jobs: Vec<Box<dyn Job>>,
    mut step: impl FnMut(&mut Box<dyn Job>) -> Result<(), Option<String>>,
) -> Result<Vec<Box<dyn Job>>, Written> {
    let mut kept = Vec::with_capacity(jobs.len());
    let mut jobs = jobs.into_iter();
    while let Some(mut job) = jobs.next() {
        match in_savepoint(db, &mut job, &mut step) {
            Step::Kept => kept.push(job),
            Step::Undone(Some(why)) => job.reply(Err(&why)),
            Step::Undone(None) => {}
            Step::Broken => {
                let rest = std::iter::once(job).chain(jobs).collect();
                return Err(give_up(db, kept, rest));
            }
        }
    }
    Ok(kept)
}

/// The jobs a batch kept, and how its commit went.
type Written = (Vec<Box<dyn Job>>, Result<(), String>);

/// How one job's step in its savepoint ended.
enum Step {
    Kept,
    /// Its writes were rolled back; the reason is `None` when the job has answered itself.
    Undone(Option<String>),
    /// The transaction itself failed: nothing more can run in it.
    Broken,
}

/// Runs `step` for `job` in a savepoint: kept when it succeeds, rolled back when it does not.
fn in_savepoint(
    db: &Connection,
    job: &mut Box<dyn Job>,
    step: impl FnOnce(&mut Box<dyn Job>) -> Result<(), Option<String>>,
) -> Step {
    if run_cached(db, "SAVEPOINT booking").is_err() {
        return Step::Broken;
    }
    let why = match step(job) {
        Ok(()) => match run_cached(db, "RELEASE booking") {
            Ok(()) => return Step::Kept,
            Err(e) => Some(e.to_string()),
        },
        Err(why) => why,
    };
    let undone = db
        .execute_batch("ROLLBACK TO booking; RELEASE booking")
        .is_ok();
    // Some failures (a full disk, an I/O error) end the whole transaction, and a savepoint
    // that cannot be undone would be committed with the rest.
    if !undone || db.is_autocommit() {
        return Step::Broken;
    }
    Step::Undone(why)
}

/// Gives up the batch after a database error: what it kept is answered with the failure by
/// the caller, and the jobs not yet run are told so now.
fn give_up(db: &Connection, kept: Vec<Box<dyn Job>>, rest: Vec<Box<dyn Job>>) -> Written {
    let why = "the transaction was rolled back after a database error";
    let _ = db.execute_batch("ROLLBACK");
    abandon(rest, why);
    (kept, Err(why.into()))
}

/// Commits the batch: the jobs kept and how the commit went.
fn commit(db: &Connection, kept: Vec<Box<dyn Job>>) -> Written {
    match run_cached(db, "COMMIT") {
        Ok(()) => (kept, Ok(())),
        Err(e) => {
            let _ = db.execute_batch("ROLLBACK");
            (kept, Err(e.to_string()))
        }
    }
}

/// Runs one statement prepared once per turn: the writer runs the same few around every
/// booking, and preparing them each time was a measurable part of its work.
fn run_cached(db: &Connection, sql: &str) -> rusqlite::Result<()> {
    db.prepare_cached(sql)?.execute([]).map(|_| ())
}

/// Tells every job in `batch` that it was not run; returns the empty batch left.
fn abandon(batch: Vec<Box<dyn Job>>, why: &str) -> Vec<Box<dyn Job>> {
    for job in batch {
        job.reply(Err(why));
    }
    Vec::new()
}
