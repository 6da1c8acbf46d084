//! Screening links: the desk mails a client booked without a screening a link to the safety
//! questions for that one booking. Only the token's hash is kept. The link works until its
//! expiry and once: using it marks it used, ties the answers to the booking and sets the
//! status the workflow decided, all in one transaction.

use jiff::Timestamp;

use super::rows::{BookingRow, SELECT_BOOKING};
use super::{Booking, BookingError, BookingStatus};
use crate::outbox::queue_mail;
use crate::{Mail, Store, StoreError};

/// A link's booking, read only while the link is unused and unexpired at `$2`.
const LIVE_LINK: &str = "WHERE b.id = (SELECT booking_id FROM screening_links
    WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2)";

impl Store {
    /// Keeps a new screening link for `booking_id` (its token's SHA-256), working until
    /// `expires_at`, and queues `mail` (which carries the token) in the same transaction, so
    /// no mail names a link the database does not know. False when there is no such booking.
    pub async fn create_screening_link(
        &self,
        booking_id: &str,
        token_hash: &str,
        expires_at: Timestamp,
        mail: &Mail,
    ) -> Result<bool, StoreError> {
        let now = crate::db::now_s();
        Ok(in_write_tx!(self, |tx| {
            let client: Option<(String,)> =
                sqlx::query_as("SELECT client_id FROM bookings WHERE id = $1")
                    .bind(booking_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((client_id,)) = client else {
                return Ok(false);
            };
            sqlx::query(
                "INSERT INTO screening_links (token_hash, booking_id, created_at, expires_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(token_hash)
            .bind(booking_id)
            .bind(now)
            .bind(expires_at.as_second())
            .execute(&mut *tx)
            .await?;
            queue_mail(&mut *tx, Some(booking_id), mail, now).await?;
            crate::audit::append(
                &mut tx,
                &crate::AuditEntry::new("screening_link", "booking", booking_id)
                    .for_client(&client_id),
            )
            .await?;
            tx.commit().await?;
            true
        }))
    }

    /// The booking a screening link opens, while it is unused and before its expiry at `now`.
    pub async fn screening_link_booking(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<Booking>, StoreError> {
        let sql = format!("{SELECT_BOOKING} {LIVE_LINK}");
        let row: Option<BookingRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(token_hash)
            .bind(now.as_second())
            .fetch_optional(pool)
            .await)?;
        row.map(Booking::try_from).transpose()
    }

    /// Uses a screening link at `now`: marks it used (only if it still works), ties
    /// `screening_id` to its booking and sets the status `decide` gives for the current row,
    /// in one transaction; a link already used or expired is `NotFound`, and `decide`'s
    /// refusal writes nothing.
    pub async fn answer_screening_link<E>(
        &self,
        token_hash: &str,
        screening_id: &str,
        now: Timestamp,
        decide: impl FnOnce(&Booking) -> Result<BookingStatus, E>,
    ) -> Result<Booking, BookingError<E>> {
        let sql = format!("{SELECT_BOOKING} {LIVE_LINK}");
        in_write_tx!(self, |tx| {
            let row: Option<BookingRow> = sqlx::query_as(&sql)
                .bind(token_hash)
                .bind(now.as_second())
                .fetch_optional(&mut *tx)
                .await?;
            let before = Booking::try_from(row.ok_or(BookingError::NotFound)?)
                .map_err(BookingError::Store)?;
            let status = decide(&before).map_err(BookingError::Refused)?;
            // Conditional, so two submissions of one link cannot both pass.
            let used = sqlx::query(
                "UPDATE screening_links SET used_at = $1
                 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
            )
            .bind(now.as_second())
            .bind(token_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if used != 1 {
                return Err(BookingError::NotFound);
            }
            sqlx::query(
                "UPDATE bookings SET screening_id = $1, status = $2, updated_at = $3 WHERE id = $4",
            )
            .bind(screening_id)
            .bind(status.as_str())
            .bind(now.as_second())
            .bind(&before.id)
            .execute(&mut *tx)
            .await?;
            crate::audit::append(
                &mut tx,
                &crate::AuditEntry::new("screening_answered", "booking", &before.id)
                    .for_client(&before.client.id),
            )
            .await?;
            tx.commit().await?;
            Ok(Booking {
                status,
                screening_id: Some(screening_id.to_owned()),
                ..before
            })
        })
    }
}
