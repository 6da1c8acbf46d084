//! How bookings and holds are laid out in rows, and the SQL both engines share for them.

use jiff::Timestamp;
use scheduling::{Hold, Resource};

use super::{BookedAs, Booking, BookingStatus, Client};
use crate::StoreError;

#[derive(sqlx::FromRow)]
pub(crate) struct BookingRow {
    id: String,
    reference: String,
    service_id: String,
    practitioner_id: String,
    room_id: String,
    start_at: i64,
    end_at: i64,
    status: String,
    screening_id: Option<String>,
    notes: String,
    review_note: Option<String>,
    created_by: String,
    client_id: String,
    client_name: String,
    client_email: String,
    client_phone: Option<String>,
    booked_name: String,
    booked_phone: Option<String>,
}

/// Finds the booking a manage token opens: its first token, or a link minted later for a
/// planned message (`booking_links`). Binds the token's hash as `$1`.
pub(super) const BY_TOKEN: &str = "WHERE b.manage_token_hash = $1
    OR b.id IN (SELECT booking_id FROM booking_links WHERE token_hash = $1)";

pub(crate) const SELECT_BOOKING: &str =
    "SELECT b.id, b.reference, b.service_id, b.practitioner_id, b.room_id, b.start_at,
        b.end_at, b.status, b.screening_id, b.notes, b.review_note, b.created_by, c.id AS client_id,
        c.name AS client_name, c.email AS client_email, c.phone AS client_phone,
        b.booked_name, b.booked_phone
    FROM bookings b JOIN clients c ON c.id = b.client_id";

impl TryFrom<BookingRow> for Booking {
    type Error = StoreError;
    fn try_from(r: BookingRow) -> Result<Self, StoreError> {
        let at = |s: i64| Timestamp::from_second(s).map_err(|e| StoreError::Corrupt(e.to_string()));
        Ok(Booking {
            status: BookingStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("status {}", r.status)))?,
            start: at(r.start_at)?,
            end: at(r.end_at)?,
            id: r.id,
            reference: r.reference,
            service_id: r.service_id,
            practitioner_id: r.practitioner_id,
            room_id: r.room_id,
            screening_id: r.screening_id,
            notes: r.notes,
            review_note: r.review_note,
            created_by: r.created_by,
            client: Client {
                id: r.client_id,
                name: r.client_name,
                email: r.client_email,
                phone: r.client_phone,
            },
            booked_as: BookedAs {
                name: r.booked_name,
                phone: r.booked_phone,
            },
        })
    }
}

pub(crate) fn resource_key(resource: &Resource) -> String {
    match resource {
        Resource::Practitioner(id) => format!("practitioner:{id}"),
        Resource::Room(id) => format!("room:{id}"),
    }
}

pub(super) fn hold_from_row(
    (resource, start, end): (String, i64, i64),
) -> Result<Hold, StoreError> {
    let resource = match resource.split_once(':') {
        Some(("practitioner", id)) => Resource::Practitioner(id.to_owned()),
        Some(("room", id)) => Resource::Room(id.to_owned()),
        _ => return Err(StoreError::Corrupt(format!("hold resource {resource}"))),
    };
    let at = |s: i64| Timestamp::from_second(s).map_err(|e| StoreError::Corrupt(e.to_string()));
    Ok(Hold {
        resource,
        start: at(start)?,
        end: at(end)?,
    })
}

/// How far ahead the SQLite holds cache reaches: past any booking horizon a clinic sets.
pub(super) const CACHE_AHEAD_S: i64 = 800 * 86_400;

/// The holds overlapping `$1..$2` (seconds), on both engines. It looks back on the start
/// index only as far as the longest hold ever written (`hold_span`, kept by triggers, read
/// in the same statement and so from the same snapshot as the holds), not a whole day, so
/// its cost does not grow with how full the day is.
pub(crate) const SELECT_HOLDS: &str = "SELECT resource, start_at, end_at FROM holds
    WHERE start_at > $1 - (SELECT longest_s FROM hold_span) AND start_at < $2 AND end_at > $1";

/// One INSERT for all of a booking's holds, in resource order so that concurrent writers
/// take row locks in the same order.
pub(crate) fn insert_holds(
    booking_id: &str,
    holds: &[Hold],
) -> (String, Vec<(String, String, i64, i64)>) {
    let mut holds = holds.to_vec();
    holds.sort();
    let placeholders: Vec<String> = (0..holds.len())
        .map(|i| {
            format!(
                "(${}, ${}, ${}, ${})",
                4 * i + 1,
                4 * i + 2,
                4 * i + 3,
                4 * i + 4
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO holds (booking_id, resource, start_at, end_at) VALUES {}",
        placeholders.join(", ")
    );
    let rows = holds
        .iter()
        .map(|h| {
            (
                booking_id.to_owned(),
                resource_key(&h.resource),
                h.start.as_second(),
                h.end.as_second(),
            )
        })
        .collect();
    (sql, rows)
}

/// Writes a booking's holds through the async driver, on either engine: one INSERT of
/// [`insert_holds`]'s rows, none when there are no holds.
pub(crate) async fn write_holds<'c, DB, X>(
    tx: X,
    booking_id: &str,
    holds: &[Hold],
) -> Result<(), sqlx::Error>
where
    DB: sqlx::Database,
    X: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let (sql, rows) = insert_holds(booking_id, holds);
    if rows.is_empty() {
        return Ok(());
    }
    let mut insert = sqlx::query(&sql);
    for (booking_id, resource, start, end) in rows {
        insert = insert.bind(booking_id).bind(resource).bind(start).bind(end);
    }
    insert.execute(tx).await?;
    Ok(())
}

pub(crate) fn rows_to_holds(rows: Vec<(String, i64, i64)>) -> Result<Vec<Hold>, StoreError> {
    rows.into_iter().map(hold_from_row).collect()
}
