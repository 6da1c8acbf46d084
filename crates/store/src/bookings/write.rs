//! Writing bookings: each change in one transaction with its holds and its mail, so a
//! lost race writes nothing.

use jiff::Timestamp;
use scheduling::Hold;

use super::group_commit::CreateJob;
use super::insert::{CLAIM_SCREENING, booked};
use super::rows::{BookingRow, SELECT_BOOKING, SELECT_HOLDS, rows_to_holds, write_holds};
use super::{
    Booking, BookingError, BookingInsert, BookingStatus, Client, NewBooking, Placement,
    find_or_add_client,
};
use crate::Store;
use crate::StoreError;
use crate::db::{Db, now_s};
use crate::outbox::{Mail, queue_mail, withdraw_planned};

impl Store {
    /// Creates a booking in one transaction: reads the holds in `window`, lets `decide`
    /// place the booking, writes it with its holds and queues the mail `compose` writes,
    /// both the mail sent at once and the messages planned ahead (`Mail::plan`).
    /// The database refuses an overlap even if `decide` was raced.
    ///
    /// On SQLite the booking writer runs this with the bookings queued beside it, so the
    /// closures run on its thread; the answer comes once their transaction has committed.
    pub async fn create_booking<E: Send + 'static>(
        &self,
        new: &NewBooking,
        window: (Timestamp, Timestamp),
        decide: impl FnOnce(&[Hold]) -> Result<Placement, E> + Send + 'static,
        compose: impl FnOnce(&Booking) -> Vec<Mail> + Send + 'static,
    ) -> Result<Booking, BookingError<E>> {
        let pool = match &self.db {
            Db::Sqlite { bookings, .. } => {
                let (reply, answer) = tokio::sync::oneshot::channel();
                bookings
                    .submit(Box::new(CreateJob::new(
                        new.clone(),
                        window,
                        (decide, compose),
                        crate::AuditEntry::new("create", "booking", ""),
                        reply,
                    )))
                    .map_err(BookingError::Store)?;
                // The writer drops the reply only when a closure panicked.
                return answer.await.unwrap_or_else(|_| {
                    Err(BookingError::Store(StoreError::Unsettled(
                        "the booking could not be placed".into(),
                    )))
                });
            }
            Db::Postgres(pool) => pool,
        };
        let now = now_s();
        let (from, to) = (window.0.as_second(), window.1.as_second());
        let mut tx = pool.begin().await?;
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(SELECT_HOLDS)
            .bind(from)
            .bind(to)
            .fetch_all(&mut *tx)
            .await?;
        let holds = rows_to_holds(rows).map_err(BookingError::Store)?;
        let placement = decide(&holds).map_err(BookingError::Refused)?;
        let email = new.client.email.trim().to_lowercase();
        let (client_id, client_name, client_phone) =
            find_or_add_client(&mut *tx, &new.client, now).await?;
        let id = crate::ids::new_ordered_id();
        BookingInsert {
            id: &id,
            reference: &new.reference,
            manage_token_hash: &new.manage_token_hash,
            client_id: &client_id,
            client: &new.client,
            service_id: &new.service_id,
            practitioner_id: &placement.practitioner_id,
            room_id: &placement.room_id,
            start: placement.start,
            end: placement.end,
            status: new.status,
            screening_id: new.screening_id.as_deref(),
            notes: &new.notes,
            created_by: &new.created_by,
        }
        .execute(&mut *tx, now)
        .await?;
        write_holds(&mut *tx, &id, &placement.holds).await?;
        if let Some(policy) = &new.policy {
            policy.insert(&mut *tx, &id).await?;
        }
        if let Some(screening) = &new.screening_id {
            sqlx::query(CLAIM_SCREENING)
                .bind(&client_id)
                .bind(screening)
                .execute(&mut *tx)
                .await?;
        }
        let client = Client {
            id: client_id,
            name: client_name,
            email,
            phone: client_phone,
        };
        let booking = booked(new, id, placement, client);
        for mail in compose(&booking) {
            queue_mail(&mut *tx, Some(&booking.id), &mail, now).await?;
        }
        crate::audit::append(
            &mut tx,
            &crate::AuditEntry::new("create", "booking", &booking.id)
                .for_client(&booking.client.id),
        )
        .await?;
        tx.commit().await?;
        Ok(booking)
    }

    /// Moves a live booking in one transaction: its old holds are released and the new
    /// ones taken together, so the client never ends with both times or neither. Its
    /// planned messages still waiting are withdrawn and `compose` plans them afresh.
    pub async fn reschedule_booking<E>(
        &self,
        id: &str,
        window: (Timestamp, Timestamp),
        decide: impl FnOnce(&Booking, &[Hold]) -> Result<Placement, E>,
        compose: impl FnOnce(&Booking, &Booking) -> Vec<Mail>,
    ) -> Result<Booking, BookingError<E>> {
        let now = now_s();
        let (from, to) = (window.0.as_second(), window.1.as_second());
        let sql = format!("{SELECT_BOOKING} WHERE b.id = $1");
        let result = in_write_tx!(self, |tx| {
            let row: Option<BookingRow> = sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let before = Booking::try_from(row.ok_or(BookingError::NotFound)?)
                .map_err(BookingError::Store)?;
            sqlx::query("DELETE FROM holds WHERE booking_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let rows: Vec<(String, i64, i64)> = sqlx::query_as(SELECT_HOLDS)
                .bind(from)
                .bind(to)
                .fetch_all(&mut *tx)
                .await?;
            let holds = rows_to_holds(rows).map_err(BookingError::Store)?;
            let placement = decide(&before, &holds).map_err(BookingError::Refused)?;
            write_holds(&mut *tx, id, &placement.holds).await?;
            sqlx::query(
                "UPDATE bookings SET practitioner_id = $1, room_id = $2, start_at = $3, end_at = $4, updated_at = $5
                 WHERE id = $6",
            )
            .bind(&placement.practitioner_id)
            .bind(&placement.room_id)
            .bind(placement.start.as_second())
            .bind(placement.end.as_second())
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let after = Booking {
                practitioner_id: placement.practitioner_id,
                room_id: placement.room_id,
                start: placement.start,
                end: placement.end,
                ..before.clone()
            };
            // The planned messages spoke of the old time: withdraw them, plan afresh.
            withdraw_planned(&mut *tx, id).await?;
            for mail in compose(&before, &after) {
                queue_mail(&mut *tx, Some(id), &mail, now).await?;
            }
            crate::audit::append(
                &mut tx,
                &crate::AuditEntry::new("reschedule", "booking", id).for_client(&after.client.id),
            )
            .await?;
            tx.commit().await?;
            Ok(after)
        });
        self.holds_changed();
        result
    }

    /// Changes a booking's status in one transaction after `guard` approves the current
    /// row; cancelled and declined bookings release their holds. The booking's planned
    /// messages still waiting are withdrawn, and those `compose` returns are planned.
    pub async fn set_booking_status<E>(
        &self,
        id: &str,
        status: BookingStatus,
        note: Option<&str>,
        guard: impl FnOnce(&Booking) -> Result<(), E>,
        compose: impl FnOnce(&Booking) -> Vec<Mail>,
    ) -> Result<Booking, BookingError<E>> {
        let now = now_s();
        let sql = format!("{SELECT_BOOKING} WHERE b.id = $1");
        let result = in_write_tx!(self, |tx| {
            let row: Option<BookingRow> = sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let before = Booking::try_from(row.ok_or(BookingError::NotFound)?)
                .map_err(BookingError::Store)?;
            guard(&before).map_err(BookingError::Refused)?;
            if !status.is_live() {
                sqlx::query("DELETE FROM holds WHERE booking_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            // The status it replaces is kept, so the desk can undo the change for a while.
            sqlx::query("UPDATE bookings SET status = $1, review_note = COALESCE($2, review_note), updated_at = $3,
                    status_before = $5, status_changed_at = $3 WHERE id = $4")
                .bind(status.as_str())
                .bind(note)
                .bind(now)
                .bind(id)
                .bind(before.status.as_str())
                .execute(&mut *tx)
                .await?;
            let after = Booking {
                status,
                review_note: note.map(str::to_owned).or(before.review_note.clone()),
                ..before
            };
            // What was planned fits the old status: withdraw it; `compose` plans what the
            // new one needs (nothing for a cancelled booking, aftercare once completed).
            withdraw_planned(&mut *tx, id).await?;
            for mail in compose(&after) {
                queue_mail(&mut *tx, Some(id), &mail, now).await?;
            }
            let action = match status {
                BookingStatus::Cancelled => "cancel".to_owned(),
                other => format!("status:{}", other.as_str()),
            };
            crate::audit::append(
                &mut tx,
                &crate::AuditEntry::new(&action, "booking", id).for_client(&after.client.id),
            )
            .await?;
            tx.commit().await?;
            Ok(after)
        });
        self.holds_changed();
        result
    }

    /// Copies the name (and the phone, when one was given) typed on a booking into its
    /// client's record: staff's decision after seeing that the two differ.
    pub async fn update_client_from_booking(
        &self,
        booking_id: &str,
    ) -> Result<Option<ClientUpdate>, StoreError> {
        let sql = format!("{SELECT_BOOKING} WHERE b.id = $1");
        in_write_tx!(self, |tx| {
            let row: Option<BookingRow> = sqlx::query_as(&sql)
                .bind(booking_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(row) = row else {
                return Ok(None);
            };
            let before = Booking::try_from(row)?;
            let phone = before
                .booked_as
                .phone
                .clone()
                .or(before.client.phone.clone());
            sqlx::query("UPDATE clients SET name = $1, phone = $2 WHERE id = $3")
                .bind(&before.booked_as.name)
                .bind(phone.as_deref())
                .bind(&before.client.id)
                .execute(&mut *tx)
                .await?;
            crate::audit::append(
                &mut tx,
                &crate::AuditEntry::new("update", "client", &before.client.id)
                    .for_client(&before.client.id),
            )
            .await?;
            tx.commit().await?;
            let after = Client {
                name: before.booked_as.name.clone(),
                phone,
                ..before.client.clone()
            };
            Ok(Some(ClientUpdate {
                before: before.client,
                after,
            }))
        })
    }
}

/// A client record before and after staff took a booking's details into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientUpdate {
    pub before: Client,
    pub after: Client,
}
