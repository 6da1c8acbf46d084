//! What can go wrong below the domain.

/// A storage failure. Lost races are not failures: see [`crate::BookingError::SlotTaken`].
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL \"{0}\": use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
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
