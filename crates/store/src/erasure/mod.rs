//! A client's data as a whole: the export of everything the clinic holds on them, the
//! erasure that removes what the clinic may erase and keeps what clinical-record retention
//! requires, and the purge that deletes the rest once the retention has ended.
//!
//! The store decides nothing a clinic would call a rule: the workflow says until when the
//! records are kept and whether an erasure may go ahead (a guard closure); the store makes
//! the change in one transaction, and the database's triggers refuse to remove a signed
//! consent or treatment record unless the erasure's purge has begun (see `0013_erasure.sql`).

#[macro_use]
mod purge;
mod erase;
mod export;

pub use erase::{ErasureError, ErasureFacts, ErasurePreview, Upcoming};
pub use export::*;

use jiff::Timestamp;

use crate::{Client, Store, StoreError};

/// The label the command line acts under, where the back office names a staff member.
pub const COMMAND_LINE: &str = "command line";

/// How many of each kind of row an erasure kept until its retention ends.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Kept {
    pub bookings: i64,
    pub treatment_records: i64,
    pub consents: i64,
    pub screenings: i64,
    pub photos: i64,
    pub checkins: i64,
}

impl Kept {
    /// Nothing is kept: the erasure was complete at once.
    pub fn is_empty(&self) -> bool {
        *self == Kept::default()
    }
}

/// An erasure as recorded: when, by whom, what was kept and until when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Erasure {
    pub id: String,
    /// The client's random id; the client row itself holds no contact details any more.
    pub client_id: String,
    pub requested_at: Timestamp,
    /// A staff member's id, or [`COMMAND_LINE`].
    pub requested_by: String,
    /// The start of the last treatment the retention counts from.
    pub last_treatment_at: Option<Timestamp>,
    pub keep_until: Timestamp,
    pub kept: Kept,
    /// When the purge deleted what was kept.
    pub purged_at: Option<Timestamp>,
}

/// What an erasure did, for the edge to finish its part.
#[derive(Clone, Debug)]
pub struct Erased {
    pub erasure: Erasure,
    /// The outbox rows removed: the mail folder's `.eml` copies of them go too.
    pub outbox_ids: Vec<String>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct ErasureRow {
    id: String,
    client_id: String,
    requested_at: i64,
    requested_by: String,
    last_treatment_at: Option<i64>,
    keep_until: i64,
    kept: String,
    purged_at: Option<i64>,
}

pub(crate) const SELECT_ERASURE: &str = "SELECT id, client_id, requested_at, requested_by,
    last_treatment_at, keep_until, kept, purged_at FROM erasures";

fn at(seconds: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_second(seconds).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl TryFrom<ErasureRow> for Erasure {
    type Error = StoreError;
    fn try_from(r: ErasureRow) -> Result<Erasure, StoreError> {
        Ok(Erasure {
            requested_at: at(r.requested_at)?,
            last_treatment_at: r.last_treatment_at.map(at).transpose()?,
            keep_until: at(r.keep_until)?,
            purged_at: r.purged_at.map(at).transpose()?,
            kept: serde_json::from_str(&r.kept).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            id: r.id,
            client_id: r.client_id,
            requested_by: r.requested_by,
        })
    }
}

impl Store {
    /// The client with this e-mail (trimmed, any case), if there is one.
    pub async fn client_by_email(&self, email: &str) -> Result<Option<Client>, StoreError> {
        let email = email.trim().to_lowercase();
        let row: Option<(String, String, String, Option<String>)> = on_read!(self, |pool| {
            sqlx::query_as("SELECT id, name, email, phone FROM clients WHERE email = $1")
                .bind(&email)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row.map(|(id, name, email, phone)| Client {
            id,
            name,
            email,
            phone,
        }))
    }

    /// The latest erasures, newest first, for the back office.
    pub async fn erasures(&self, limit: i64) -> Result<Vec<Erasure>, StoreError> {
        let sql = format!("{SELECT_ERASURE} ORDER BY requested_at DESC, id LIMIT $1");
        let rows: Vec<ErasureRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(limit)
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(Erasure::try_from).collect()
    }

    /// The erasure of one client, if they were erased.
    pub async fn erasure_of(&self, client_id: &str) -> Result<Option<Erasure>, StoreError> {
        let sql = format!("{SELECT_ERASURE} WHERE client_id = $1");
        let row: Option<ErasureRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(client_id)
            .fetch_optional(pool)
            .await)?;
        row.map(Erasure::try_from).transpose()
    }

    /// Empties SQLite's write-ahead log into the database file and truncates it, so the
    /// pages an erasure overwrote (zeroed by `secure_delete`) leave no older copy on disk.
    /// A no-op on PostgreSQL, whose files the clinic's database administrator looks after.
    pub(crate) async fn scrub_log(&self) -> Result<(), StoreError> {
        if let crate::db::Db::Sqlite { write, .. } = &self.db {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(write)
                .await?;
        }
        Ok(())
    }
}
