//! What can go wrong below the domain.

/// A storage failure. Lost races are not failures: see [`crate::BookingError::SlotTaken`].
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A statement the SQLite booking writer ran on the connection itself.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A booking's transaction ended without committing, so nothing of it was kept.
    #[error("the booking was not saved: {0}")]
    Unsettled(String),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL \"{0}\": use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    /// This process was given a different secret key than the one the database's sealed
    /// secrets were sealed with (every process on one database needs the same key).
    #[error(
        "the secret key does not open this database's sealed secrets: it is not the key they were sealed with"
    )]
    WrongSecretKey,
    /// A sealed secret was asked for before any secret key was given to the store.
    #[error("no secret key was given, so the sealed two-factor secrets cannot be read or written")]
    NoSecretKey,
}

impl StoreError {
    /// Whether this is about the secret key (missing or not the database's), which staff
    /// are told plainly instead of a general failure.
    pub fn is_secret_key(&self) -> bool {
        matches!(self, StoreError::WrongSecretKey | StoreError::NoSecretKey)
    }
}

/// Did the database refuse a write because two holds would overlap?
pub(crate) fn is_overlap(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.code().as_deref() == Some("23P01") || db.message().contains("slot_unavailable")
        }
        _ => false,
    }
}
