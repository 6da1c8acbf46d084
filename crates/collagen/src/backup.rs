//! `collagen backup` and `collagen restore`, for the SQLite database. The copying and the
//! checks are the store's (`store::backup_sqlite`, `store::restore_sqlite`); this says
//! which file and what happened. PostgreSQL has `pg_dump` and `pg_restore` for this.

use std::path::{Path, PathBuf};

use store::KeyFit;

use crate::cli::DbArgs;
use crate::secret_key;

/// Backs up the data folder's database to `file` and says what the backup holds.
pub async fn backup(db: &DbArgs, file: &Path) -> anyhow::Result<()> {
    let database = sqlite_file(db, "backup")?;
    let summary = store::backup_sqlite(&database, file).await?;
    println!(
        "backed up {} to {}: {} bytes, {} bookings, {} photos, {} migrations; checked",
        database.display(),
        file.display(),
        summary.bytes,
        summary.bookings,
        summary.photos,
        summary.migrations
    );
    let outbox = db.data_dir.join("outbox");
    if db.database_url.as_deref().is_none_or(str::is_empty) && has_entries(&outbox) {
        eprintln!(
            "note: {} holds copies of mail already delivered as files; they are not part of the database, so copy that folder too if you keep them",
            outbox.display()
        );
    }
    eprintln!(
        "note: the backup's two-factor secrets are sealed with the secret key ({} or {}): keep a copy of the key apart from the backup, because a restore elsewhere needs it",
        secret_key::KEY_ENV,
        db.data_dir.join(secret_key::KEY_FILE).display()
    );
    Ok(())
}

/// Restores `file` into the data folder, refusing an existing database unless `force`.
pub async fn restore(db: &DbArgs, file: &Path, force: bool) -> anyhow::Result<()> {
    let database = sqlite_file(db, "restore")?;
    let restored = store::restore_sqlite(file, &database, force).await?;
    if let Some(aside) = &restored.kept_aside {
        println!("the database that was there is kept as {}", aside.display());
    }
    println!(
        "restored {} into {}: {} bookings, {} photos; start `collagen serve` on this data folder",
        file.display(),
        database.display(),
        restored.summary.bookings,
        restored.summary.photos
    );
    check_key(db).await
}

/// Says whether the key the next start will use opens the restored two-factor secrets.
/// A warning, not a failure: the database is restored either way, and the key can be put
/// in place before `serve` starts.
async fn check_key(db: &DbArgs) -> anyhow::Result<()> {
    let store = crate::commands::open(db).await?;
    let found = secret_key::find(&db.data_dir)?;
    let probe = found
        .as_ref()
        .map_or_else(store::SecretKey::generate, |(key, _)| key.clone());
    let fit = store.key_fit(&probe).await?;
    store.close().await;
    match (fit, found) {
        (KeyFit::NothingSealed, _) => {}
        (KeyFit::Opens, Some((_, source))) => {
            println!("{source} opens the backup's two-factor secrets")
        }
        (_, Some((_, source))) => {
            eprintln!("warning: {}", secret_key::wrong_key_help(&source))
        }
        (_, None) => eprintln!(
            "warning: the backup's two-factor secrets are sealed, and neither {} is set nor {} exists: the first start would make a new key that cannot open them. Put the original key file there or set {} before starting `collagen serve`",
            secret_key::KEY_ENV,
            db.data_dir.join(secret_key::KEY_FILE).display(),
            secret_key::KEY_ENV
        ),
    }
    Ok(())
}

/// The SQLite file the flags name; PostgreSQL is refused with what to use instead.
fn sqlite_file(db: &DbArgs, what: &str) -> anyhow::Result<PathBuf> {
    match db.database_url.as_deref() {
        None | Some("") => Ok(db.data_dir.join("collagen.db")),
        Some(url) => match url.strip_prefix("sqlite://") {
            Some(rest) => Ok(PathBuf::from(rest.split('?').next().unwrap_or(rest))),
            None => anyhow::bail!(
                "`collagen {what}` is for SQLite; for PostgreSQL use pg_dump and pg_restore (see the README's \"Backups\")"
            ),
        },
    }
}

/// Whether a folder exists and holds anything.
fn has_entries(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}
