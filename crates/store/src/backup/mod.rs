//! Backups of a SQLite database that can be trusted to restore: a consistent snapshot taken
//! while `serve` keeps writing (`VACUUM INTO` reads one transaction's view), checked before
//! it gets its final name, and restored only after the same check. Photos are rows like
//! everything else, so the one file is the whole clinic. PostgreSQL is backed up with its
//! own `pg_dump`.

mod verify;

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::ConnectOptions as _;
use sqlx::sqlite::SqliteConnectOptions;

pub use verify::verify_backup;

/// What a checked backup holds, for the owner to see it is the one they meant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupSummary {
    /// The file's size.
    pub bytes: u64,
    /// How many of Collagen's migrations it carries.
    pub migrations: usize,
    pub bookings: i64,
    pub photos: i64,
}

/// A restore done: what went in, and where the database it replaced was put.
#[derive(Clone, Debug)]
pub struct Restored {
    pub summary: BackupSummary,
    /// The replaced database's new name (with `--force` only).
    pub kept_aside: Option<PathBuf>,
}

/// Why a backup was not made or not restored. In every case nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("there is no database at {}", .0.display())]
    NoDatabase(PathBuf),
    #[error("{} already exists; choose a new name (an earlier backup is never overwritten)", .0.display())]
    BackupExists(PathBuf),
    #[error("{} already holds a database; restore into a fresh --data-dir, or add --force to replace it (it is then kept aside, not deleted)", .0.display())]
    DatabaseExists(PathBuf),
    #[error("{} is open in another process (is `collagen serve` running on it?); stop it first", .0.display())]
    InUse(PathBuf),
    #[error("{} is not a SQLite database, so not a Collagen backup", .0.display())]
    NotSqlite(PathBuf),
    #[error("{} is incomplete (truncated): {why}", path.display())]
    Truncated { path: PathBuf, why: String },
    #[error("{} is damaged: {why}", path.display())]
    Damaged { path: PathBuf, why: String },
    #[error("{} is a SQLite database but not Collagen's: {why}", path.display())]
    NotCollagen { path: PathBuf, why: String },
    #[error("{} was made by a newer Collagen (its migration {version} is unknown here); restore it with that version", path.display())]
    Newer { path: PathBuf, version: i64 },
    #[error("copying the database failed: {0}")]
    Snapshot(sqlx::Error),
}

impl BackupError {
    fn io(path: &Path, source: std::io::Error) -> BackupError {
        BackupError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
    fn truncated(path: &Path, why: impl ToString) -> BackupError {
        BackupError::Truncated {
            path: path.to_path_buf(),
            why: why.to_string(),
        }
    }
    fn damaged(path: &Path, why: impl ToString) -> BackupError {
        BackupError::Damaged {
            path: path.to_path_buf(),
            why: why.to_string(),
        }
    }
    fn not_collagen(path: &Path, why: impl ToString) -> BackupError {
        BackupError::NotCollagen {
            path: path.to_path_buf(),
            why: why.to_string(),
        }
    }
}

/// Writes a consistent copy of the SQLite database at `database` to `dest`, safe while
/// other processes write to it. The copy is made under a temporary name, synced, checked
/// with [`verify_backup`] and only then renamed, so a file at `dest` is always complete.
pub async fn backup_sqlite(database: &Path, dest: &Path) -> Result<BackupSummary, BackupError> {
    if !database.is_file() {
        return Err(BackupError::NoDatabase(database.to_path_buf()));
    }
    if dest.exists() {
        return Err(BackupError::BackupExists(dest.to_path_buf()));
    }
    let partial = with_suffix(dest, ".partial");
    remove_if_present(&partial)?;
    let made = snapshot(database, &partial).await;
    let checked = match made {
        Ok(()) => verify_backup(&partial).await,
        Err(err) => Err(err),
    };
    let summary = match checked {
        Ok(summary) => summary,
        Err(err) => {
            let _ = std::fs::remove_file(&partial);
            return Err(err);
        }
    };
    std::fs::rename(&partial, dest).map_err(|source| BackupError::io(dest, source))?;
    sync_parent(dest)?;
    Ok(summary)
}

/// `VACUUM INTO` from one read transaction: writers go on meanwhile (WAL), and the copy
/// is the database as of that transaction's start. The source is never written.
async fn snapshot(database: &Path, into: &Path) -> Result<(), BackupError> {
    let mut conn = SqliteConnectOptions::new()
        .filename(database)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(10))
        .connect()
        .await
        .map_err(BackupError::Snapshot)?;
    let target = into.to_str().ok_or_else(|| {
        BackupError::io(
            into,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "not UTF-8"),
        )
    })?;
    let done = sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut conn)
        .await;
    let _ = sqlx::Connection::close(conn).await;
    done.map_err(BackupError::Snapshot)?;
    std::fs::File::open(into)
        .and_then(|f| f.sync_all())
        .map_err(|source| BackupError::io(into, source))
}

/// Puts a checked backup at `database` (a data folder's `collagen.db`). An existing
/// database is refused unless `force`; then it is renamed aside (with its `-wal`, which
/// may hold its latest changes) rather than deleted. The backup is checked before anything
/// is touched, and its copy again before it takes the database's name.
pub async fn restore_sqlite(
    backup: &Path,
    database: &Path,
    force: bool,
) -> Result<Restored, BackupError> {
    verify_backup(backup).await?;
    let wal = with_suffix(database, "-wal");
    let existing = database.exists() || wal.exists();
    if existing && !force {
        return Err(BackupError::DatabaseExists(database.to_path_buf()));
    }
    if database.exists() {
        ensure_unused(database).await?;
    }
    if let Some(dir) = database.parent() {
        std::fs::create_dir_all(dir).map_err(|source| BackupError::io(dir, source))?;
    }
    let incoming = with_suffix(database, ".restoring");
    remove_if_present(&incoming)?;
    let copied = std::fs::copy(backup, &incoming)
        .and_then(|_| std::fs::File::open(&incoming)?.sync_all())
        .map_err(|source| BackupError::io(&incoming, source));
    let summary = match copied {
        Ok(()) => verify_backup(&incoming).await,
        Err(err) => Err(err),
    };
    let summary = match summary {
        Ok(summary) => summary,
        Err(err) => {
            let _ = std::fs::remove_file(&incoming);
            return Err(err);
        }
    };
    let kept_aside = if existing {
        let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ");
        let aside = with_suffix(database, &format!(".before-restore-{stamp}"));
        for (from, to) in [
            (wal.clone(), with_suffix(&aside, "-wal")),
            (with_suffix(database, "-shm"), with_suffix(&aside, "-shm")),
            (database.to_path_buf(), aside.clone()),
        ] {
            if from.exists() {
                std::fs::rename(&from, &to).map_err(|source| BackupError::io(&from, source))?;
            }
        }
        Some(aside)
    } else {
        None
    };
    std::fs::rename(&incoming, database).map_err(|source| BackupError::io(database, source))?;
    sync_parent(database)?;
    Ok(Restored {
        summary,
        kept_aside,
    })
}

/// Refuses while another process has the database open. In exclusive locking mode a
/// connection gets its lock only when no other connection (a running `serve`) holds the
/// file open; a database too damaged to lock is no one's, and may be put aside.
async fn ensure_unused(database: &Path) -> Result<(), BackupError> {
    let opened = SqliteConnectOptions::new()
        .filename(database)
        .create_if_missing(false)
        .busy_timeout(Duration::from_millis(500))
        .pragma("locking_mode", "EXCLUSIVE")
        .connect()
        .await;
    let Ok(mut conn) = opened else {
        return Ok(());
    };
    let locked = sqlx::query("BEGIN EXCLUSIVE").execute(&mut conn).await;
    if locked.is_ok() {
        let _ = sqlx::query("COMMIT").execute(&mut conn).await;
    }
    let _ = sqlx::Connection::close(conn).await;
    match locked {
        Err(sqlx::Error::Database(err))
            if matches!(err.code().as_deref(), Some("5" | "6"))
                || err.message().contains("locked") =>
        {
            Err(BackupError::InUse(database.to_path_buf()))
        }
        _ => Ok(()),
    }
}

/// `path` with `suffix` added to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Removes a leftover temporary file from an earlier run that stopped halfway.
fn remove_if_present(path: &Path) -> Result<(), BackupError> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(BackupError::io(path, err)),
        _ => Ok(()),
    }
}

/// Makes a rename durable: the folder's entry, not only the file, reaches the disk.
fn sync_parent(path: &Path) -> Result<(), BackupError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|source| BackupError::io(dir, source))?;
    Ok(())
}
