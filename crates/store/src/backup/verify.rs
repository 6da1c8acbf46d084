//! Whether a file is a whole, undamaged copy of a Collagen database: SQLite's own header
//! and integrity check, then Collagen's migrations. Read without changing the file.

use std::path::Path;

use sqlx::ConnectOptions as _;
use sqlx::sqlite::SqliteConnectOptions;

use super::{BackupError, BackupSummary};

/// The first bytes of every SQLite database file.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// The migrations this binary knows, to recognise Collagen's schema in a file.
static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Checks `path` is a complete, undamaged Collagen database this binary can run on, and
/// says what it holds. Nothing is written to it.
pub async fn verify_backup(path: &Path) -> Result<BackupSummary, BackupError> {
    let bytes = std::fs::metadata(path)
        .map_err(|source| BackupError::io(path, source))?
        .len();
    check_header(path, bytes)?;
    // Immutable: no lock, no journal, no `-wal` beside it is looked for or made.
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .connect()
        .await
        .map_err(|e| BackupError::damaged(path, e))?;
    let summary = inspect(&mut conn, path, bytes).await;
    let _ = sqlx::Connection::close(conn).await;
    summary
}

/// The header's promises against the file: SQLite's magic, and as many pages as it says.
fn check_header(path: &Path, bytes: u64) -> Result<(), BackupError> {
    use std::io::Read as _;
    let mut header = [0u8; 100];
    let mut file = std::fs::File::open(path).map_err(|source| BackupError::io(path, source))?;
    let read = file
        .read(&mut header)
        .map_err(|source| BackupError::io(path, source))?;
    if read < MAGIC.len() || &header[..MAGIC.len()] != MAGIC {
        return Err(BackupError::NotSqlite(path.to_path_buf()));
    }
    if read < header.len() {
        return Err(BackupError::truncated(path, "the header is cut short"));
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    if !(512..=65_536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(BackupError::damaged(
            path,
            "the page size in its header is impossible",
        ));
    }
    // The page count is trustworthy when written by the same change as the counter.
    let pages = u64::from(u32::from_be_bytes(header[28..32].try_into().unwrap()));
    let counted_by_same_change = header[92..96] == header[24..28];
    if counted_by_same_change && pages > 0 && bytes < pages * page_size {
        return Err(BackupError::truncated(
            path,
            format!(
                "{bytes} bytes of the {} its header promises",
                pages * page_size
            ),
        ));
    }
    if !bytes.is_multiple_of(page_size) {
        return Err(BackupError::truncated(
            path,
            format!("{bytes} bytes is not a whole number of {page_size}-byte pages"),
        ));
    }
    Ok(())
}

/// SQLite's integrity and foreign-key checks, then the migrations table, then the counts.
async fn inspect(
    conn: &mut sqlx::SqliteConnection,
    path: &Path,
    bytes: u64,
) -> Result<BackupSummary, BackupError> {
    let damaged = |e: sqlx::Error| BackupError::damaged(path, e);
    let problems: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(damaged)?;
    if problems.len() != 1 || problems[0].0 != "ok" {
        let first: Vec<&str> = problems.iter().take(3).map(|(p,)| p.as_str()).collect();
        return Err(BackupError::damaged(path, first.join("; ")));
    }
    let dangling: Vec<(String,)> =
        sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check LIMIT 3")
            .fetch_all(&mut *conn)
            .await
            .map_err(damaged)?;
    if let Some((table,)) = dangling.first() {
        return Err(BackupError::damaged(
            path,
            format!("rows in {table} refer to rows that are missing"),
        ));
    }
    let migrations = check_migrations(conn, path).await?;
    let (bookings,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bookings")
        .fetch_one(&mut *conn)
        .await
        .map_err(damaged)?;
    let (photos,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM photos")
        .fetch_one(&mut *conn)
        .await
        .unwrap_or((0,));
    Ok(BackupSummary {
        bytes,
        migrations,
        bookings,
        photos,
    })
}

/// Every applied migration must be one of Collagen's, finished and unchanged; the first
/// must be there. A backup from an older Collagen passes (serve migrates it on start); one
/// from a newer Collagen does not, since this binary cannot know its schema.
async fn check_migrations(
    conn: &mut sqlx::SqliteConnection,
    path: &Path,
) -> Result<usize, BackupError> {
    let (tables,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| BackupError::damaged(path, e))?;
    if tables == 0 {
        return Err(BackupError::not_collagen(
            path,
            "it has no migrations table",
        ));
    }
    let applied: Vec<(i64, Vec<u8>, bool)> =
        sqlx::query_as("SELECT version, checksum, success FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| BackupError::not_collagen(path, e))?;
    if applied.first().is_none_or(|(v, _, _)| *v != 1) {
        return Err(BackupError::not_collagen(
            path,
            "its first migration is missing",
        ));
    }
    for (version, checksum, success) in &applied {
        let Some(known) = MIGRATIONS.iter().find(|m| m.version == *version) else {
            return Err(BackupError::Newer {
                path: path.to_path_buf(),
                version: *version,
            });
        };
        if known.checksum.as_ref() != checksum.as_slice() {
            return Err(BackupError::not_collagen(
                path,
                format!("its migration {version} is not Collagen's"),
            ));
        }
        if !success {
            return Err(BackupError::damaged(
                path,
                format!("migration {version} never finished"),
            ));
        }
    }
    Ok(applied.len())
}
