//! Treatment records: what a practitioner wrote for a visit, who signed it, the amendments
//! made after sign-off, and the lots it names so a recall can find every visit a lot
//! touched. The store keeps the record as the workflow validated it (JSON) and decides
//! nothing about its content; it only guarantees that a signed record is never rewritten.

mod recall;
mod write;

pub use recall::RecallRow;

use jiff::Timestamp;

use crate::{Store, StoreError};

/// A lot a record names, as typed, with what it is a lot of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewLot {
    pub lot: String,
    /// `cartridge` or `product`.
    pub kind: &'static str,
}

/// The key a lot is stored and searched by: trimmed and upper case, so `ab12 ` finds `AB12`.
pub fn lot_key(lot: &str) -> String {
    lot.trim().to_uppercase()
}

/// A record as stored, with its amendments, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRecord {
    pub booking_id: String,
    /// The record as first written (and signed): never changed after sign-off.
    pub body: String,
    pub written_by: String,
    pub written_at: Timestamp,
    pub signed_by: Option<String>,
    pub signed_at: Option<Timestamp>,
    pub amendments: Vec<StoredAmendment>,
}

impl StoredRecord {
    /// The record as it stands after every amendment.
    pub fn current_body(&self) -> &str {
        self.amendments.last().map_or(&self.body, |a| &a.body)
    }
}

/// One amendment to a signed record: who, when, why, what changed, and the result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAmendment {
    /// 1 for the first amendment, then 2, …
    pub seq: i64,
    pub reason: String,
    /// The fields that changed (JSON).
    pub changes: String,
    /// The whole record after this amendment (JSON).
    pub body: String,
    pub amended_by: String,
    pub amended_at: Timestamp,
}

/// Why a record change did not happen.
#[derive(Debug, thiserror::Error)]
pub enum RecordError<E> {
    /// The workflow's guard said no; nothing was written.
    #[error("refused")]
    Refused(E),
    /// The record is signed: it may only be amended.
    #[error("the record is signed")]
    Signed,
    /// There is no record yet, or (for an amendment) no signed one.
    #[error("no record")]
    Missing,
    #[error("no such booking")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<E> From<sqlx::Error> for RecordError<E> {
    fn from(err: sqlx::Error) -> Self {
        RecordError::Store(StoreError::Database(err))
    }
}

/// Why staff completed a treatment without a signed record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionOverride {
    pub reason: String,
    pub staff_id: String,
    pub at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct RecordRow {
    booking_id: String,
    body: String,
    written_by: String,
    written_at: i64,
    signed_by: Option<String>,
    signed_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct AmendmentRow {
    seq: i64,
    reason: String,
    changes: String,
    body: String,
    amended_by: String,
    amended_at: i64,
}

pub(crate) fn at(s: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_second(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    /// The record of a booking with its amendments, if one was written.
    pub async fn record(&self, booking_id: &str) -> Result<Option<StoredRecord>, StoreError> {
        let row: Option<RecordRow> = on_read!(self, |pool| {
            sqlx::query_as(
                "SELECT booking_id, body, written_by, written_at, signed_by, signed_at
                 FROM treatment_records WHERE booking_id = $1",
            )
            .bind(booking_id)
            .fetch_optional(pool)
            .await
        })?;
        let Some(r) = row else { return Ok(None) };
        let amendments: Vec<AmendmentRow> = on_read!(self, |pool| {
            sqlx::query_as(
                "SELECT seq, reason, changes, body, amended_by, amended_at FROM record_amendments
                 WHERE booking_id = $1 ORDER BY seq",
            )
            .bind(booking_id)
            .fetch_all(pool)
            .await
        })?;
        Ok(Some(StoredRecord {
            written_at: at(r.written_at)?,
            signed_at: r.signed_at.map(at).transpose()?,
            booking_id: r.booking_id,
            body: r.body,
            written_by: r.written_by,
            signed_by: r.signed_by,
            amendments: amendments
                .into_iter()
                .map(|a| {
                    Ok(StoredAmendment {
                        amended_at: at(a.amended_at)?,
                        seq: a.seq,
                        reason: a.reason,
                        changes: a.changes,
                        body: a.body,
                        amended_by: a.amended_by,
                    })
                })
                .collect::<Result<_, StoreError>>()?,
        }))
    }

    /// Whether the booking has a signed record: what completing a treatment needs.
    pub async fn has_signed_record(&self, booking_id: &str) -> Result<bool, StoreError> {
        let row: Option<(String,)> = on_read!(self, |pool| {
            sqlx::query_as(
                "SELECT booking_id FROM treatment_records
                 WHERE booking_id = $1 AND signed_at IS NOT NULL",
            )
            .bind(booking_id)
            .fetch_optional(pool)
            .await
        })?;
        Ok(row.is_some())
    }

    /// Why staff completed the booking without a signed record, if they did.
    pub async fn completion_override(
        &self,
        booking_id: &str,
    ) -> Result<Option<CompletionOverride>, StoreError> {
        let row: Option<(String, String, i64)> = on_read!(self, |pool| {
            sqlx::query_as(
                "SELECT reason, staff_id, created_at FROM completion_overrides WHERE booking_id = $1",
            )
            .bind(booking_id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(|(reason, staff_id, created)| {
            Ok(CompletionOverride {
                reason,
                staff_id,
                at: at(created)?,
            })
        })
        .transpose()
    }
}
