//! Undoing a booking's last status change: back to the status it replaced, in one
//! transaction. A cancelled booking takes its time again through the same holds table, so the
//! database refuses the undo if someone took the time since; the cancellation message is
//! withdrawn if it has not gone yet.

use jiff::Timestamp;
use scheduling::Hold;

use super::rows::{BookingRow, SELECT_BOOKING, write_holds};
use super::{Booking, BookingError, BookingStatus};
use crate::db::now_s;
use crate::outbox::{queue_mail, withdraw_planned};
use crate::{Mail, Store, StoreError};

/// A booking's last status change: what it replaced and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusChange {
    pub before: BookingStatus,
    pub at: Timestamp,
}

/// What the undo found about the message the change sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeState {
    /// No message about the change was waiting or sent.
    None,
    /// It had not gone yet and is withdrawn: the client never hears of the change.
    Withdrawn,
    /// It has gone (or is being sent right now): the client was told.
    Told,
}

impl Store {
    /// The last status change of booking `id`, if its status ever changed.
    pub async fn last_status_change(&self, id: &str) -> Result<Option<StatusChange>, StoreError> {
        let row: Option<(Option<String>, Option<i64>)> = on_read!(self, |pool| sqlx::query_as(
            "SELECT status_before, status_changed_at FROM bookings WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        Ok(change_of(row))
    }

    /// Puts booking `id` back to the status its last change replaced, after `guard` approves
    /// the current row and that change. When it had released its time (cancelled), `holds`
    /// gives the holds to take again, and the database refuses an overlap (`SlotTaken`). A
    /// message of kind `notice_kind` about the change is withdrawn if still waiting;
    /// `compose` gets the booking as restored and whether the client was told, and its mail
    /// (with the planned messages the restored status needs) is queued in the same
    /// transaction.
    pub async fn undo_status_change<E>(
        &self,
        id: &str,
        notice_kind: &str,
        guard: impl FnOnce(&Booking, Option<StatusChange>) -> Result<(), E>,
        holds: impl FnOnce(&Booking) -> Result<Vec<Hold>, E>,
        compose: impl FnOnce(&Booking, NoticeState) -> Vec<Mail>,
    ) -> Result<Booking, BookingError<E>> {
        let now = now_s();
        let sql = format!("{SELECT_BOOKING} WHERE b.id = $1");
        let result = in_write_tx!(self, |tx| {
            let row: Option<BookingRow> = sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let current = Booking::try_from(row.ok_or(BookingError::NotFound)?)
                .map_err(BookingError::Store)?;
            let change: Option<(Option<String>, Option<i64>)> = sqlx::query_as(
                "SELECT status_before, status_changed_at FROM bookings WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let change = change_of(change);
            guard(&current, change).map_err(BookingError::Refused)?;
            let Some(change) = change else {
                return Err(BookingError::NotFound);
            };
            if !current.status.is_live() && change.before.is_live() {
                let taken = holds(&current).map_err(BookingError::Refused)?;
                write_holds(&mut *tx, id, &taken).await?;
            }
            // Conditional on the change being the one the guard saw, so two undos of one
            // change cannot both pass.
            let n = sqlx::query(
                "UPDATE bookings SET status = $1, updated_at = $2, status_before = NULL,
                    status_changed_at = NULL
                 WHERE id = $3 AND status = $4 AND status_changed_at = $5",
            )
            .bind(change.before.as_str())
            .bind(now)
            .bind(id)
            .bind(current.status.as_str())
            .bind(change.at.as_second())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(BookingError::NotFound);
            }
            // Not yet claimed by a sender: withdrawn. Claimed or sent: the client was told.
            let withdrawn = sqlx::query(
                "UPDATE outbox SET status = 'withdrawn'
                 WHERE booking_id = $1 AND kind = $2 AND status = 'pending' AND planned = 0
                   AND claimed_until <= $3 AND created_at >= $4",
            )
            .bind(id)
            .bind(notice_kind)
            .bind(now)
            .bind(change.at.as_second())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let told: Option<(String,)> = sqlx::query_as(
                "SELECT id FROM outbox WHERE booking_id = $1 AND kind = $2 AND planned = 0
                   AND status <> 'withdrawn' AND created_at >= $3",
            )
            .bind(id)
            .bind(notice_kind)
            .bind(change.at.as_second())
            .fetch_optional(&mut *tx)
            .await?;
            let notice = match (told, withdrawn) {
                (Some(_), _) => NoticeState::Told,
                (None, 0) => NoticeState::None,
                (None, _) => NoticeState::Withdrawn,
            };
            let after = Booking {
                status: change.before,
                ..current
            };
            withdraw_planned(&mut *tx, id).await?;
            for mail in compose(&after, notice) {
                queue_mail(&mut *tx, Some(id), &mail, now).await?;
            }
            crate::audit::append(
                &mut tx,
                &crate::AuditEntry::new("undo", "booking", id).for_client(&after.client.id),
            )
            .await?;
            tx.commit().await?;
            Ok(after)
        });
        self.holds_changed();
        result
    }
}

fn change_of(row: Option<(Option<String>, Option<i64>)>) -> Option<StatusChange> {
    let (Some(before), Some(at)) = row? else {
        return None;
    };
    Some(StatusChange {
        before: BookingStatus::parse(&before)?,
        at: Timestamp::from_second(at).ok()?,
    })
}
