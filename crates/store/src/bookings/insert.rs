//! The rows every way of making a booking writes alike (one booking, a course's session, an
//! accepted waitlist offer): the client found or added by e-mail, and the booking itself.
//! Each runs inside its caller's transaction, on either engine.

use jiff::Timestamp;

use super::{BookedAs, Booking, BookingStatus, Client, NewBooking, NewClient, Placement};
use crate::ids::new_ordered_id;

/// Adds the client (`$1` id, `$2` e-mail, `$3` name, `$4` phone, `$5` now) unless one has
/// that e-mail, and answers the stored `(id, name, phone)` either way.
pub(crate) const INSERT_CLIENT: &str =
    "INSERT INTO clients (id, email, name, phone, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (email) DO UPDATE SET email = clients.email
     RETURNING id, name, phone";

/// One booking row, in [`BookingInsert`]'s order of fields; `$14` is both created and updated.
pub(crate) const INSERT_BOOKING: &str =
    "INSERT INTO bookings (id, reference, client_id, service_id,
         practitioner_id, room_id, start_at, end_at, status, screening_id, notes, manage_token_hash,
         created_by, created_at, updated_at, booked_name, booked_phone)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16)";

/// Gives an unclaimed screening (`$2`) to the client who booked with it (`$1`).
pub(crate) const CLAIM_SCREENING: &str =
    "UPDATE screenings SET client_id = $1 WHERE id = $2 AND client_id IS NULL";

/// The client with this e-mail (trimmed, lower-cased), added when there is none: `(id, name,
/// phone)` as stored. An existing client is left as it is: whoever typed the e-mail may not
/// be that client, so only staff change the record.
pub(crate) async fn find_or_add_client<'c, DB, X>(
    tx: X,
    client: &NewClient,
    now: i64,
) -> Result<(String, String, Option<String>), sqlx::Error>
where
    DB: sqlx::Database,
    X: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> Option<String>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'r> (String, String, Option<String>): sqlx::FromRow<'r, DB::Row>,
{
    sqlx::query_as(INSERT_CLIENT)
        .bind(new_ordered_id())
        .bind(client.email.trim().to_lowercase())
        .bind(client.name.trim().to_owned())
        .bind(client.phone.clone())
        .bind(now)
        .fetch_one(tx)
        .await
}

/// One booking row: where and when it was placed, the keys it is known by, and what was
/// typed on it (`client`'s name and phone, kept as booked).
pub(crate) struct BookingInsert<'a> {
    pub id: &'a str,
    pub reference: &'a str,
    pub manage_token_hash: &'a str,
    pub client_id: &'a str,
    pub client: &'a NewClient,
    pub service_id: &'a str,
    pub practitioner_id: &'a str,
    pub room_id: &'a str,
    pub start: Timestamp,
    pub end: Timestamp,
    pub status: BookingStatus,
    pub screening_id: Option<&'a str>,
    pub notes: &'a str,
    pub created_by: &'a str,
}

impl BookingInsert<'_> {
    /// Writes the booking row (its holds are the caller's, as they differ by path).
    pub(crate) async fn execute<'c, DB, X>(&self, tx: X, now: i64) -> Result<(), sqlx::Error>
    where
        DB: sqlx::Database,
        X: sqlx::Executor<'c, Database = DB>,
        for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
        for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
        for<'q> Option<String>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
        for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    {
        sqlx::query(INSERT_BOOKING)
            .bind(self.id.to_owned())
            .bind(self.reference.to_owned())
            .bind(self.client_id.to_owned())
            .bind(self.service_id.to_owned())
            .bind(self.practitioner_id.to_owned())
            .bind(self.room_id.to_owned())
            .bind(self.start.as_second())
            .bind(self.end.as_second())
            .bind(self.status.as_str().to_owned())
            .bind(self.screening_id.map(str::to_owned))
            .bind(self.notes.to_owned())
            .bind(self.manage_token_hash.to_owned())
            .bind(self.created_by.to_owned())
            .bind(now)
            .bind(self.client.name.trim().to_owned())
            .bind(self.client.phone.clone())
            .execute(tx)
            .await?;
        Ok(())
    }
}

/// The booking as written by [`BookingInsert`] for `new`, placed by `placement`, for `client`
/// as stored: what every way of creating one answers.
pub(crate) fn booked(
    new: &NewBooking,
    id: String,
    placement: Placement,
    client: Client,
) -> Booking {
    Booking {
        id,
        reference: new.reference.clone(),
        service_id: new.service_id.clone(),
        practitioner_id: placement.practitioner_id,
        room_id: placement.room_id,
        start: placement.start,
        end: placement.end,
        status: new.status,
        screening_id: new.screening_id.clone(),
        notes: new.notes.clone(),
        review_note: None,
        created_by: new.created_by.clone(),
        client,
        booked_as: BookedAs {
            name: new.client.name.trim().to_owned(),
            phone: new.client.phone.clone(),
        },
    }
}
