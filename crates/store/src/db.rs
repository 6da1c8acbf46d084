//! Connecting to either engine, migrating, and running one piece of SQL on whichever it is.

use std::str::FromStr as _;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::StoreError;

/// Which database engine a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub(crate) enum Db {
    /// One writer connection (SQLite allows one writer at a time anyway) and a few readers.
    Sqlite {
        write: SqlitePool,
        read: SqlitePool,
        cache: std::sync::Arc<crate::holds_cache::HoldsCache>,
        /// Writes new bookings in groups over `write` (see `bookings::group_commit`).
        bookings: crate::bookings::BookingWriter,
        /// Checkpoints the log so that no writer has to; `None` for a database in memory.
        checkpoints: Option<crate::checkpoint::Checkpointer>,
    },
    Postgres(PgPool),
}

/// The clinic's database. Cheap to clone; every clone shares the pools.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) db: Db,
    /// The key sealed secrets are kept under, once [`Store::unlock_secrets`] accepted it.
    pub(crate) secret_key: std::sync::Arc<std::sync::OnceLock<crate::SecretKey>>,
}

/// Runs `$body` with `$pool` bound to a pool for reading, on either engine.
macro_rules! on_read {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.db {
            $crate::db::Db::Sqlite { read: $pool, .. } => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` inside a write transaction bound to `$tx`, on either engine; the body
/// commits. SQLite takes its write lock up front so a check and its insert cannot be
/// separated by another writer.
macro_rules! in_write_tx {
    ($store:expr, |$tx:ident| $body:expr) => {
        match &$store.db {
            $crate::db::Db::Sqlite { write, .. } => {
                #[allow(unused_mut)]
                let mut $tx = write.begin_with("BEGIN IMMEDIATE").await?;
                $body
            }
            $crate::db::Db::Postgres(pool) => {
                #[allow(unused_mut)]
                let mut $tx = pool.begin().await?;
                $body
            }
        }
    };
}

impl Store {
    /// Opens `sqlite://PATH` (created if missing, WAL) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // A write that waits on another transaction's rows (a booking racing an overlapping
            // one, or the same client) gives up after LOCK_WAIT instead of holding its
            // connection: under a burst, long lock chains otherwise left every pooled
            // connection waiting and the next request timed out on the pool (a 500). A booking
            // that gives up counts as a lost race. Waiting for a connection may take up to
            // ACQUIRE_WAIT, inside the 30 s a request may take.
            const LOCK_WAIT: &str = "1s";
            const ACQUIRE_WAIT: Duration = Duration::from_secs(20);
            let options = PgConnectOptions::from_str(url)?.options([("lock_timeout", LOCK_WAIT)]);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(ACQUIRE_WAIT)
                .connect_with(options)
                .await?;
            return Ok(Store {
                db: Db::Postgres(pool),
                secret_key: Default::default(),
            });
        }
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                // Deleted and overwritten content is zeroed, so an erased client's details
                // do not linger in free pages of the database file.
                .pragma("secure_delete", "on")
                .pragma("temp_store", "memory");
            // The writer keeps the pages bookings touch (holds, clients, the outbox's newest
            // rows, the indexes) in its own cache rather than reading them back from the file
            // for every booking: SQLite's default is 2 MiB. Not more than 16 MiB: at every
            // commit after an index page split SQLite walks its whole cache (the split parks
            // a page at a temporary number past the end), so 64 MiB cost the writer about a
            // tenth more time per booking and twice the memory, for no more bookings a
            // second. It leaves checkpoints to the checkpointer, and the log is cut back to
            // 64 MiB once it has been copied.
            let in_memory = options.get_filename().as_os_str().is_empty()
                || options.get_filename() == std::path::Path::new(":memory:");
            let write_options = options
                .clone()
                .pragma("cache_size", "-16384")
                .pragma("journal_size_limit", "67108864");
            let write_options = if in_memory {
                write_options
            } else {
                write_options.pragma("wal_autocheckpoint", "0")
            };
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .connect_with(write_options)
                .await?;
            let read = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await?;
            let empty_log = crate::checkpoint::EmptyLog::default();
            let checkpoints = (!in_memory).then(|| {
                crate::checkpoint::Checkpointer::start(
                    read.clone(),
                    write.clone(),
                    empty_log.clone(),
                )
            });
            let cache = std::sync::Arc::<crate::holds_cache::HoldsCache>::default();
            let bookings =
                crate::bookings::BookingWriter::start(write.clone(), cache.clone(), empty_log)
                    .map_err(|e| {
                        StoreError::Unsettled(format!("the booking writer did not start: {e}"))
                    })?;
            return Ok(Store {
                db: Db::Sqlite {
                    write,
                    read,
                    cache,
                    bookings,
                    checkpoints,
                },
                secret_key: Default::default(),
            });
        }
        Err(StoreError::UnsupportedUrl(url.to_owned()))
    }

    /// Brings the schema up to date; safe to run at every start and from several processes.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.db {
            Db::Sqlite { write, .. } => sqlx::migrate!("./migrations/sqlite").run(write).await?,
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Tells the SQLite holds cache that holds changed; a no-op on PostgreSQL, where other
    /// processes write too and nothing is cached.
    pub(crate) fn holds_changed(&self) {
        if let Db::Sqlite { cache, .. } = &self.db {
            cache.invalidate();
        }
    }

    /// Which engine this store runs on.
    pub fn engine(&self) -> Engine {
        match self.db {
            Db::Sqlite { .. } => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    /// Answers when the database does: for the readiness check.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_read!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Closes every connection, waiting for queries in flight.
    pub async fn close(&self) {
        match &self.db {
            Db::Sqlite {
                write,
                read,
                checkpoints,
                ..
            } => {
                if let Some(checkpoints) = checkpoints {
                    checkpoints.stop();
                }
                read.close().await;
                write.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// The current instant as Unix seconds, as the schema stores time.
pub(crate) fn now_s() -> i64 {
    jiff::Timestamp::now().as_second()
}
