//! Writing records: each change in one transaction that first reads the booking for the
//! workflow's guard, so a refusal writes nothing and a signed record is never rewritten.

use jiff::Timestamp;

use super::{NewLot, RecordError, lot_key};
use crate::bookings::{BookingRow, SELECT_BOOKING};
use crate::{Booking, BookingError, BookingStatus, Store};

/// Inserts a record's lots in one statement; a lot named twice (two products from one
/// batch) is kept once.
async fn insert_lots<'c, DB, X>(tx: X, booking_id: &str, lots: &[NewLot]) -> Result<(), sqlx::Error>
where
    DB: sqlx::Database,
    X: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut rows: Vec<(String, String, &str)> = Vec::new();
    for lot in lots {
        let key = lot_key(&lot.lot);
        if !rows
            .iter()
            .any(|(k, _, kind)| *k == key && *kind == lot.kind)
        {
            rows.push((key, lot.lot.trim().to_owned(), lot.kind));
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (0..rows.len())
        .map(|i| format!("($1, ${}, ${}, ${})", 3 * i + 2, 3 * i + 3, 3 * i + 4))
        .collect();
    let sql = format!(
        "INSERT INTO record_lots (booking_id, lot_key, lot, kind) VALUES {}
         ON CONFLICT (booking_id, lot_key, kind) DO NOTHING",
        values.join(", ")
    );
    let mut insert = sqlx::query(&sql).bind(booking_id.to_owned());
    for (key, lot, kind) in rows {
        insert = insert.bind(key).bind(lot).bind(kind.to_owned());
    }
    insert.execute(tx).await?;
    Ok(())
}

impl Store {
    /// Writes (or rewrites) a booking's unsigned record with the lots it names, after
    /// `guard` approves the booking as it is now. A signed record is refused.
    pub async fn save_record<E>(
        &self,
        booking_id: &str,
        body: &str,
        lots: &[NewLot],
        staff_id: &str,
        now: Timestamp,
        guard: impl FnOnce(&Booking) -> Result<(), E>,
    ) -> Result<(), RecordError<E>> {
        let sql = format!("{SELECT_BOOKING} WHERE b.id = $1");
        in_write_tx!(self, |tx| {
            let row: Option<BookingRow> = sqlx::query_as(&sql)
                .bind(booking_id)
                .fetch_optional(&mut *tx)
                .await?;
            let booking = Booking::try_from(row.ok_or(RecordError::NotFound)?)?;
            guard(&booking).map_err(RecordError::Refused)?;
            // The upsert rewrites only an unsigned record; no row back means it was signed.
            let written: Option<(String,)> = sqlx::query_as(
                "INSERT INTO treatment_records (booking_id, body, written_by, written_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (booking_id) DO UPDATE SET body = excluded.body,
                     written_by = excluded.written_by, written_at = excluded.written_at
                 WHERE treatment_records.signed_at IS NULL
                 RETURNING booking_id",
            )
            .bind(booking_id)
            .bind(body)
            .bind(staff_id)
            .bind(now.as_second())
            .fetch_optional(&mut *tx)
            .await?;
            if written.is_none() {
                return Err(RecordError::Signed);
            }
            sqlx::query("DELETE FROM record_lots WHERE booking_id = $1")
                .bind(booking_id)
                .execute(&mut *tx)
                .await?;
            insert_lots(&mut *tx, booking_id, lots).await?;
            crate::audit::append(
                &mut tx,
                &crate::AuditEntry::new("write", "record", booking_id)
                    .for_client(&booking.client.id),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Signs a booking's record as `staff_id`, once; answers when it was signed.
    pub async fn sign_record(
        &self,
        booking_id: &str,
        staff_id: &str,
        now: Timestamp,
    ) -> Result<Timestamp, RecordError<()>> {
        in_write_tx!(self, |tx| {
            let done = sqlx::query(
                "UPDATE treatment_records SET signed_by = $1, signed_at = $2
                 WHERE booking_id = $3 AND signed_at IS NULL",
            )
            .bind(staff_id)
            .bind(now.as_second())
            .bind(booking_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 0 {
                let exists: Option<(String,)> = sqlx::query_as(
                    "SELECT booking_id FROM treatment_records WHERE booking_id = $1",
                )
                .bind(booking_id)
                .fetch_optional(&mut *tx)
                .await?;
                return Err(if exists.is_some() {
                    RecordError::Signed
                } else {
                    RecordError::Missing
                });
            }
            let (client_id,): (String,) =
                sqlx::query_as("SELECT client_id FROM bookings WHERE id = $1")
                    .bind(booking_id)
                    .fetch_one(&mut *tx)
                    .await?;
            crate::audit::append(
                &mut tx,
                &crate::AuditEntry::new("sign", "record", booking_id).for_client(&client_id),
            )
            .await?;
            tx.commit().await?;
            Ok(now)
        })
    }

    /// Adds an amendment to a signed record. `decide` sees the record as it stands (after
    /// earlier amendments) and returns what changed, the whole record after the change and
    /// the lots it names; the record's row is locked first, so two amendments at once
    /// cannot both build on the same state.
    pub async fn amend_record<E>(
        &self,
        booking_id: &str,
        reason: &str,
        staff_id: &str,
        now: Timestamp,
        decide: impl FnOnce(&str) -> Result<(String, String, Vec<NewLot>), E>,
    ) -> Result<Timestamp, RecordError<E>> {
        in_write_tx!(self, |tx| {
            // A no-op update takes the row's lock on PostgreSQL (SQLite holds the write lock).
            let locked = sqlx::query(
                "UPDATE treatment_records SET signed_at = signed_at
                 WHERE booking_id = $1 AND signed_at IS NOT NULL",
            )
            .bind(booking_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if locked == 0 {
                return Err(RecordError::Missing);
            }
            let (body,): (String,) = sqlx::query_as(
                "SELECT COALESCE(
                    (SELECT a.body FROM record_amendments a WHERE a.booking_id = $1
                     ORDER BY a.seq DESC LIMIT 1),
                    (SELECT r.body FROM treatment_records r WHERE r.booking_id = $1))",
            )
            .bind(booking_id)
            .fetch_one(&mut *tx)
            .await?;
            let (changes, after, lots) = decide(&body).map_err(RecordError::Refused)?;
            sqlx::query(
                "INSERT INTO record_amendments (booking_id, seq, reason, changes, body, amended_by, amended_at)
                 SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6
                 FROM record_amendments WHERE booking_id = $1",
            )
            .bind(booking_id)
            .bind(reason)
            .bind(&changes)
            .bind(&after)
            .bind(staff_id)
            .bind(now.as_second())
            .execute(&mut *tx)
            .await?;
            insert_lots(&mut *tx, booking_id, &lots).await?;
            let (client_id,): (String,) =
                sqlx::query_as("SELECT client_id FROM bookings WHERE id = $1")
                    .bind(booking_id)
                    .fetch_one(&mut *tx)
                    .await?;
            crate::audit::append(
                &mut tx,
                &crate::AuditEntry::new("amend", "record", booking_id).for_client(&client_id),
            )
            .await?;
            tx.commit().await?;
            Ok(now)
        })
    }

    /// Marks a booking completed without a signed record, keeping who did it and why, in one
    /// transaction after `guard` approves the booking as it is now.
    pub async fn complete_overriding<E>(
        &self,
        booking_id: &str,
        reason: &str,
        staff_id: &str,
        now: Timestamp,
        guard: impl FnOnce(&Booking) -> Result<(), E>,
        compose: impl FnOnce(&Booking) -> Vec<crate::Mail>,
    ) -> Result<Booking, BookingError<E>> {
        let sql = format!("{SELECT_BOOKING} WHERE b.id = $1");
        in_write_tx!(self, |tx| {
            let row: Option<BookingRow> = sqlx::query_as(&sql)
                .bind(booking_id)
                .fetch_optional(&mut *tx)
                .await?;
            let before = Booking::try_from(row.ok_or(BookingError::NotFound)?)
                .map_err(BookingError::Store)?;
            guard(&before).map_err(BookingError::Refused)?;
            sqlx::query("UPDATE bookings SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(BookingStatus::Completed.as_str())
                .bind(now.as_second())
                .bind(booking_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO completion_overrides (booking_id, reason, staff_id, created_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (booking_id) DO UPDATE SET reason = excluded.reason,
                     staff_id = excluded.staff_id, created_at = excluded.created_at",
            )
            .bind(booking_id)
            .bind(reason)
            .bind(staff_id)
            .bind(now.as_second())
            .execute(&mut *tx)
            .await?;
            let after = Booking {
                status: BookingStatus::Completed,
                ..before
            };
            // As any completion: what was planned for the visit gives way to its aftercare.
            crate::outbox::withdraw_planned(&mut *tx, booking_id).await?;
            for mail in compose(&after) {
                crate::outbox::queue_mail(&mut *tx, Some(booking_id), &mail, now.as_second())
                    .await?;
            }
            crate::audit::append(
                &mut tx,
                &crate::AuditEntry::new("complete-overriding", "booking", booking_id)
                    .for_client(&after.client.id),
            )
            .await?;
            tx.commit().await?;
            Ok(after)
        })
    }
}
