//! Offers of a freed time: made with their holds, accepted into a booking, declined or
//! expired, each in one transaction. Every change of an offer's state is a conditional
//! update on `status = 'open'`, so two processes never both act on one offer.

use jiff::Timestamp;
use scheduling::Hold;

use super::{EntryStatus, OFFER_ALREADY_OPEN, Offer, OfferRow, OfferStatus, SELECT_OFFER};
use crate::bookings::{
    BookingInsert, SELECT_HOLDS, find_or_add_client, resource_key, rows_to_holds,
};
use crate::db::now_s;
use crate::error::is_overlap;
use crate::outbox::{Mail, queue_mail};
use crate::{BookedAs, Booking, Client, NewBooking, Placement, Store, StoreError, new_id};

/// Why an offer was not made.
#[derive(Debug, thiserror::Error)]
pub enum OfferError<E> {
    /// The caller's own check (the engine) said no; nothing was written.
    #[error("refused")]
    Refused(E),
    /// The time was taken meanwhile, or the entry already holds an open offer, or it is no
    /// longer waiting: someone else acted first.
    #[error("no longer possible")]
    Lost,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<E> From<sqlx::Error> for OfferError<E> {
    fn from(err: sqlx::Error) -> Self {
        if is_overlap(&err) || lost_race(&err) {
            OfferError::Lost
        } else {
            OfferError::Store(StoreError::Database(err))
        }
    }
}

/// Why an offer was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum AcceptError<E> {
    /// The caller's own check (the screening) said no; nothing was written.
    #[error("refused")]
    Refused(E),
    /// The offer's time ran out (whether or not the expiry job has seen it yet).
    #[error("the offer expired")]
    Expired,
    /// The offer was already accepted, declined or withdrawn.
    #[error("the offer is closed")]
    Closed(OfferStatus),
    /// Another transaction held the rows too long: a lost race, nothing written.
    #[error("lost a race")]
    Lost,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<E> From<sqlx::Error> for AcceptError<E> {
    fn from(err: sqlx::Error) -> Self {
        if is_overlap(&err) || lost_race(&err) {
            AcceptError::Lost
        } else {
            AcceptError::Store(StoreError::Database(err))
        }
    }
}

/// A unique index refusing a second open offer for an entry, or a writer giving up on
/// another's rows (PostgreSQL): both mean someone else acted first.
fn lost_race(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            matches!(db.code().as_deref(), Some("40P01" | "40001" | "55P03"))
                || (db.is_unique_violation() && db.message().contains(OFFER_ALREADY_OPEN))
                || (db.is_unique_violation() && db.message().contains("waitlist_offers.entry_id"))
        }
        _ => false,
    }
}

/// What an offer is made of before the engine places it: whose entry, the hash of its
/// link, the time window whose holds decide, and who made it until when.
#[derive(Debug, Clone, Copy)]
pub struct OfferRequest<'a> {
    /// The waiting entry the offer is for.
    pub entry_id: &'a str,
    /// The SHA-256 of the offer link's token (the token itself is never kept).
    pub token_hash: &'a str,
    /// The offered start and end: the holds overlapping it are read.
    pub window: (Timestamp, Timestamp),
    /// When the offer lapses and the time is free again.
    pub expires_at: Timestamp,
    /// `waitlist` for an automatic offer, `staff:ID` for one made by hand.
    pub created_by: &'a str,
}

impl Store {
    /// Offers a time to a waiting entry: reads the holds in the request's window, lets
    /// `decide` place the service, and writes the offer with its holds and the mail
    /// `compose` writes. The database refuses the holds if the time was taken meanwhile.
    pub async fn create_offer<E>(
        &self,
        request: OfferRequest<'_>,
        decide: impl FnOnce(&[Hold]) -> Result<Placement, E>,
        compose: impl FnOnce(&Offer) -> Vec<Mail>,
    ) -> Result<Offer, OfferError<E>> {
        let OfferRequest {
            entry_id,
            token_hash,
            window,
            expires_at,
            created_by,
        } = request;
        let now = now_s();
        let (from, to) = (window.0.as_second(), window.1.as_second());
        let result = in_write_tx!(self, |tx| {
            let entry: Option<(String, String)> =
                sqlx::query_as("SELECT status, service_id FROM waitlist_entries WHERE id = $1")
                    .bind(entry_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((status, service_id)) = entry else {
                return Err(OfferError::Lost);
            };
            if status != EntryStatus::Waiting.as_str() {
                return Err(OfferError::Lost);
            }
            let rows: Vec<(String, i64, i64)> = sqlx::query_as(SELECT_HOLDS)
                .bind(from)
                .bind(to)
                .fetch_all(&mut *tx)
                .await?;
            let holds = rows_to_holds(rows)?;
            let placement = decide(&holds).map_err(OfferError::Refused)?;
            let offer = Offer {
                id: new_id(),
                entry_id: entry_id.to_owned(),
                service_id,
                practitioner_id: placement.practitioner_id.clone(),
                room_id: placement.room_id.clone(),
                start: placement.start,
                end: placement.end,
                status: OfferStatus::Open,
                expires_at,
                booking_id: None,
                created_by: created_by.to_owned(),
            };
            sqlx::query(
                "INSERT INTO waitlist_offers (id, entry_id, token_hash, service_id, practitioner_id,
                     room_id, start_at, end_at, status, created_by, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $11)",
            )
            .bind(&offer.id)
            .bind(entry_id)
            .bind(token_hash)
            .bind(&offer.service_id)
            .bind(&offer.practitioner_id)
            .bind(&offer.room_id)
            .bind(offer.start.as_second())
            .bind(offer.end.as_second())
            .bind(created_by)
            .bind(now)
            .bind(expires_at.as_second())
            .execute(&mut *tx)
            .await?;
            let mut holds = placement.holds.clone();
            holds.sort();
            for hold in &holds {
                sqlx::query(
                    "INSERT INTO holds (offer_id, resource, start_at, end_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(&offer.id)
                .bind(resource_key(&hold.resource))
                .bind(hold.start.as_second())
                .bind(hold.end.as_second())
                .execute(&mut *tx)
                .await?;
            }
            for mail in compose(&offer) {
                queue_mail(&mut *tx, None, &mail, now).await?;
            }
            tx.commit().await?;
            Ok(offer)
        });
        self.holds_changed();
        result
    }

    /// The offer an offer token opens (the token's SHA-256 hash).
    pub async fn offer_by_token_hash(&self, hash: &str) -> Result<Option<Offer>, StoreError> {
        let sql = format!("{SELECT_OFFER} WHERE o.token_hash = $1");
        let row: Option<OfferRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(hash)
            .fetch_optional(pool)
            .await)?;
        row.map(Offer::try_from).transpose()
    }

    /// Every offer ever made to an entry, oldest first: the times it has already been
    /// offered are not offered to it again.
    pub async fn offers_for_entry(&self, entry_id: &str) -> Result<Vec<Offer>, StoreError> {
        let sql = format!("{SELECT_OFFER} WHERE o.entry_id = $1 ORDER BY o.created_at, o.id");
        let rows: Vec<OfferRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(entry_id)
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(Offer::try_from).collect()
    }

    /// Turns an open, unexpired offer into a booking in one transaction: the offer is
    /// claimed (`open` to `accepted`), the booking written, and the offer's holds become the
    /// booking's, so the time is never free in between. `guard` sees the offer first.
    pub async fn accept_offer<E>(
        &self,
        token_hash: &str,
        new: &NewBooking,
        guard: impl FnOnce(&Offer) -> Result<(), E>,
        compose: impl FnOnce(&Booking) -> Vec<Mail>,
    ) -> Result<Booking, AcceptError<E>> {
        let now = now_s();
        let sql = format!("{SELECT_OFFER} WHERE o.token_hash = $1");
        let result = in_write_tx!(self, |tx| {
            let row: Option<OfferRow> = sqlx::query_as(&sql)
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?;
            let offer = Offer::try_from(row.ok_or(AcceptError::Closed(OfferStatus::Withdrawn))?)?;
            match offer.status {
                OfferStatus::Open if offer.expires_at.as_second() <= now => {
                    return Err(AcceptError::Expired);
                }
                OfferStatus::Open => {}
                OfferStatus::Expired => return Err(AcceptError::Expired),
                other => return Err(AcceptError::Closed(other)),
            }
            guard(&offer).map_err(AcceptError::Refused)?;
            // The claim: of two acceptances (or an acceptance and the expiry job), one wins.
            let claimed = sqlx::query(
                "UPDATE waitlist_offers SET status = 'accepted', closed_at = $1
                 WHERE id = $2 AND status = 'open' AND expires_at > $1",
            )
            .bind(now)
            .bind(&offer.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed != 1 {
                return Err(AcceptError::Expired);
            }
            let email = new.client.email.trim().to_lowercase();
            let (client_id, client_name, client_phone) =
                find_or_add_client(&mut *tx, &new.client, now).await?;
            let id = new_id();
            BookingInsert {
                id: &id,
                reference: &new.reference,
                manage_token_hash: &new.manage_token_hash,
                client_id: &client_id,
                client: &new.client,
                service_id: &offer.service_id,
                practitioner_id: &offer.practitioner_id,
                room_id: &offer.room_id,
                start: offer.start,
                end: offer.end,
                status: new.status,
                screening_id: new.screening_id.as_deref(),
                notes: &new.notes,
                created_by: &new.created_by,
            }
            .execute(&mut *tx, now)
            .await?;
            sqlx::query("UPDATE holds SET booking_id = $1, offer_id = NULL WHERE offer_id = $2")
                .bind(&id)
                .bind(&offer.id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE waitlist_offers SET booking_id = $1 WHERE id = $2")
                .bind(&id)
                .bind(&offer.id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE waitlist_entries SET status = 'booked', updated_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(&offer.entry_id)
            .execute(&mut *tx)
            .await?;
            let booking = Booking {
                id,
                reference: new.reference.clone(),
                service_id: offer.service_id.clone(),
                practitioner_id: offer.practitioner_id.clone(),
                room_id: offer.room_id.clone(),
                start: offer.start,
                end: offer.end,
                status: new.status,
                screening_id: new.screening_id.clone(),
                notes: new.notes.clone(),
                review_note: None,
                created_by: new.created_by.clone(),
                client: Client {
                    id: client_id,
                    name: client_name,
                    email,
                    phone: client_phone,
                },
                booked_as: BookedAs {
                    name: new.client.name.trim().to_owned(),
                    phone: new.client.phone.clone(),
                },
            };
            for mail in compose(&booking) {
                queue_mail(&mut *tx, Some(&booking.id), &mail, now).await?;
            }
            tx.commit().await?;
            Ok(booking)
        });
        self.holds_changed();
        result
    }

    /// Declines an open offer and releases its time; `None` when it was no longer open.
    pub async fn decline_offer(&self, offer_id: &str) -> Result<Option<Offer>, StoreError> {
        let closed = self
            .close_offers(
                "id = $2 AND status = 'open'",
                offer_id.to_owned(),
                OfferStatus::Declined,
            )
            .await?;
        Ok(closed.into_iter().next())
    }

    /// Expires every open offer whose time ran out by `now`, releasing their holds: the
    /// offers this call closed. Conditional, so two processes never expire one offer twice.
    pub async fn expire_offers(&self, now: Timestamp) -> Result<Vec<Offer>, StoreError> {
        self.close_offers(
            "status = 'open' AND expires_at <= CAST($2 AS BIGINT)",
            now.as_second().to_string(),
            OfferStatus::Expired,
        )
        .await
    }

    /// Moves the open offers `condition` selects (`$2` bound to `arg`) to `status`, deletes
    /// their holds, and returns them: one transaction, one conditional update.
    async fn close_offers(
        &self,
        condition: &str,
        arg: String,
        status: OfferStatus,
    ) -> Result<Vec<Offer>, StoreError> {
        let now = now_s();
        let update = format!(
            "UPDATE waitlist_offers SET status = $1, closed_at = $3 WHERE {condition}
             RETURNING id, entry_id, service_id, practitioner_id, room_id, start_at, end_at,
                 status, expires_at, booking_id, created_by"
        );
        let closed = in_write_tx!(self, |tx| {
            let rows: Vec<OfferRow> = sqlx::query_as(&update)
                .bind(status.as_str())
                .bind(&arg)
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
            for row in &rows {
                sqlx::query("DELETE FROM holds WHERE offer_id = $1")
                    .bind(&row.id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            rows.into_iter()
                .map(Offer::try_from)
                .collect::<Result<Vec<_>, _>>()
        })?;
        self.holds_changed();
        Ok(closed)
    }
}
