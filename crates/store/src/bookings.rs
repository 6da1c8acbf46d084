//! Bookings and the holds they take, written so that a lost race is a refusal, not a bug.

use jiff::Timestamp;
use scheduling::{Hold, Resource};

use crate::db::now_s;
use crate::error::is_overlap;
use crate::outbox::{Mail, queue_mail};
use crate::{Store, StoreError, new_id};

/// Where a booking is in its life. Only some states hold time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    Confirmed,
    PendingReview,
    Cancelled,
    Declined,
    Arrived,
    Completed,
    NoShow,
}

impl BookingStatus {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::PendingReview => "pending_review",
            Self::Cancelled => "cancelled",
            Self::Declined => "declined",
            Self::Arrived => "arrived",
            Self::Completed => "completed",
            Self::NoShow => "no_show",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "confirmed" => Self::Confirmed,
            "pending_review" => Self::PendingReview,
            "cancelled" => Self::Cancelled,
            "declined" => Self::Declined,
            "arrived" => Self::Arrived,
            "completed" => Self::Completed,
            "no_show" => Self::NoShow,
            _ => return None,
        })
    }

    /// Cancelled and declined bookings give their time back.
    pub fn is_live(self) -> bool {
        !matches!(self, Self::Cancelled | Self::Declined)
    }
}

/// Who a booking is for. Clients are matched by email.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Client {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// The client details a booking form collects.
#[derive(Clone, Debug)]
pub struct NewClient {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// A booking as stored, with its client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booking {
    pub id: String,
    pub reference: String,
    pub service_id: String,
    pub practitioner_id: String,
    pub room_id: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub status: BookingStatus,
    pub screening_id: Option<String>,
    pub notes: String,
    pub review_note: Option<String>,
    pub created_by: String,
    pub client: Client,
}

/// What the engine decided for a booking: who, where, when, and what that holds.
#[derive(Clone, Debug)]
pub struct Placement {
    pub practitioner_id: String,
    pub room_id: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub holds: Vec<Hold>,
}

/// Everything about a new booking that is known before the engine places it.
#[derive(Clone, Debug)]
pub struct NewBooking {
    pub reference: String,
    pub manage_token_hash: String,
    pub service_id: String,
    pub client: NewClient,
    pub status: BookingStatus,
    pub screening_id: Option<String>,
    pub notes: String,
    /// `client`, or the staff member's id.
    pub created_by: String,
}

/// Why a booking change did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BookingError<E> {
    /// The caller's own check said no; nothing was written.
    #[error("refused")]
    Refused(E),
    /// Someone else took the time first; the database refused the overlap.
    #[error("the time is no longer free")]
    SlotTaken,
    #[error("no such booking")]
    NotFound,
    #[error(transparent)]
    Store(StoreError),
}

impl<E> From<sqlx::Error> for BookingError<E> {
    fn from(err: sqlx::Error) -> Self {
        if is_overlap(&err) {
            BookingError::SlotTaken
        } else if let sqlx::Error::Database(db) = &err
            && matches!(db.code().as_deref(), Some("40P01" | "40001"))
        {
            // Two writers crossed on the same rows: one of them lost the race.
            BookingError::SlotTaken
        } else {
            BookingError::Store(StoreError::Database(err))
        }
    }
}

#[derive(sqlx::FromRow)]
struct BookingRow {
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
}

const SELECT_BOOKING: &str =
    "SELECT b.id, b.reference, b.service_id, b.practitioner_id, b.room_id, b.start_at,
        b.end_at, b.status, b.screening_id, b.notes, b.review_note, b.created_by, c.id AS client_id,
        c.name AS client_name, c.email AS client_email, c.phone AS client_phone
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
        })
    }
}

fn resource_key(resource: &Resource) -> String {
    match resource {
        Resource::Practitioner(id) => format!("practitioner:{id}"),
        Resource::Room(id) => format!("room:{id}"),
    }
}

fn hold_from_row((resource, start, end): (String, i64, i64)) -> Result<Hold, StoreError> {
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

/// Holds are never longer than a day, so a lower bound on their start keeps overlap
/// queries on the index.
const LONGEST_HOLD_S: i64 = 86_400;

/// How far ahead the SQLite holds cache reaches: past any booking horizon a clinic sets.
const CACHE_AHEAD_S: i64 = 800 * 86_400;

const SELECT_HOLDS: &str = "SELECT resource, start_at, end_at FROM holds
    WHERE start_at > $1 AND start_at < $2 AND end_at > $3";

/// One INSERT for all of a booking's holds, in resource order so that concurrent writers
/// take row locks in the same order.
fn insert_holds(booking_id: &str, holds: &[Hold]) -> (String, Vec<(String, String, i64, i64)>) {
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

fn rows_to_holds(rows: Vec<(String, i64, i64)>) -> Result<Vec<Hold>, StoreError> {
    rows.into_iter().map(hold_from_row).collect()
}

impl Store {
    /// Every hold overlapping `from..to`, for computing availability.
    pub async fn holds_between(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Hold>, StoreError> {
        let (from, to) = (from.as_second(), to.as_second());
        if let crate::db::Db::Sqlite { read, cache, .. } = &self.db {
            if let Some(holds) = cache.get(from, to, LONGEST_HOLD_S) {
                return Ok(holds);
            }
            // Load everything from a day ago to well past any booking horizon, once.
            let generation = cache.generation();
            let wide_from = from.min(now_s() - 86_400);
            let wide_to = to.max(now_s() + CACHE_AHEAD_S);
            let rows: Vec<(String, i64, i64)> = sqlx::query_as(SELECT_HOLDS)
                .bind(wide_from - LONGEST_HOLD_S)
                .bind(wide_to)
                .bind(wide_from)
                .fetch_all(read)
                .await?;
            let all = rows_to_holds(rows)?;
            let wanted = all
                .iter()
                .filter(|h| h.start.as_second() < to && h.end.as_second() > from)
                .cloned()
                .collect();
            cache.store(generation, wide_from, wide_to, all);
            return Ok(wanted);
        }
        let rows: Vec<(String, i64, i64)> = on_read!(self, |pool| {
            sqlx::query_as(SELECT_HOLDS)
                .bind(from - LONGEST_HOLD_S)
                .bind(to)
                .bind(from)
                .fetch_all(pool)
                .await
        })?;
        rows_to_holds(rows)
    }

    /// The booking a manage token opens.
    pub async fn booking_by_token_hash(&self, hash: &str) -> Result<Option<Booking>, StoreError> {
        let sql = format!("{SELECT_BOOKING} WHERE b.manage_token_hash = $1");
        let row: Option<BookingRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(hash)
            .fetch_optional(pool)
            .await)?;
        row.map(Booking::try_from).transpose()
    }

    /// A booking by its id.
    pub async fn booking(&self, id: &str) -> Result<Option<Booking>, StoreError> {
        let sql = format!("{SELECT_BOOKING} WHERE b.id = $1");
        let row: Option<BookingRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?;
        row.map(Booking::try_from).transpose()
    }

    /// Bookings starting in `from..to`, in start order, for calendars and lists.
    pub async fn bookings_between(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Booking>, StoreError> {
        let sql = format!(
            "{SELECT_BOOKING} WHERE b.start_at >= $1 AND b.start_at < $2 ORDER BY b.start_at, b.practitioner_id"
        );
        let rows: Vec<BookingRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(from.as_second())
            .bind(to.as_second())
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(Booking::try_from).collect()
    }

    /// A client's bookings, newest first.
    pub async fn bookings_for_client(&self, client_id: &str) -> Result<Vec<Booking>, StoreError> {
        let sql = format!("{SELECT_BOOKING} WHERE b.client_id = $1 ORDER BY b.start_at DESC");
        let rows: Vec<BookingRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(client_id)
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(Booking::try_from).collect()
    }

    /// Bookings waiting for a practitioner's review, soonest first.
    pub async fn bookings_pending_review(&self) -> Result<Vec<Booking>, StoreError> {
        let sql = format!("{SELECT_BOOKING} WHERE b.status = 'pending_review' ORDER BY b.start_at");
        let rows: Vec<BookingRow> =
            on_read!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
        rows.into_iter().map(Booking::try_from).collect()
    }

    /// Creates a booking in one transaction: reads the holds in `window`, lets `decide`
    /// place the booking, writes it with its holds and queues the mail `compose` writes.
    /// The database refuses an overlap even if `decide` was raced.
    pub async fn create_booking<E>(
        &self,
        new: &NewBooking,
        window: (Timestamp, Timestamp),
        decide: impl FnOnce(&[Hold]) -> Result<Placement, E>,
        compose: impl FnOnce(&Booking) -> Vec<Mail>,
    ) -> Result<Booking, BookingError<E>> {
        let now = now_s();
        let (from, to) = (window.0.as_second(), window.1.as_second());
        let result = in_write_tx!(self, |tx| {
            let rows: Vec<(String, i64, i64)> = sqlx::query_as(SELECT_HOLDS)
                .bind(from - LONGEST_HOLD_S)
                .bind(to)
                .bind(from)
                .fetch_all(&mut *tx)
                .await?;
            let holds = rows_to_holds(rows).map_err(BookingError::Store)?;
            let placement = decide(&holds).map_err(BookingError::Refused)?;
            let email = new.client.email.trim().to_lowercase();
            let (client_id,): (String,) = sqlx::query_as(
                "INSERT INTO clients (id, email, name, phone, created_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (email) DO UPDATE SET name = excluded.name,
                     phone = COALESCE(excluded.phone, clients.phone)
                 RETURNING id",
            )
            .bind(new_id())
            .bind(&email)
            .bind(new.client.name.trim())
            .bind(new.client.phone.as_deref())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let id = new_id();
            sqlx::query(
                "INSERT INTO bookings (id, reference, client_id, service_id, practitioner_id, room_id, start_at,
                     end_at, status, screening_id, notes, manage_token_hash, created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
            )
            .bind(&id)
            .bind(&new.reference)
            .bind(&client_id)
            .bind(&new.service_id)
            .bind(&placement.practitioner_id)
            .bind(&placement.room_id)
            .bind(placement.start.as_second())
            .bind(placement.end.as_second())
            .bind(new.status.as_str())
            .bind(new.screening_id.as_deref())
            .bind(&new.notes)
            .bind(&new.manage_token_hash)
            .bind(&new.created_by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let (sql, rows) = insert_holds(&id, &placement.holds);
            if !rows.is_empty() {
                let mut insert = sqlx::query(&sql);
                for (booking_id, resource, start, end) in rows {
                    insert = insert.bind(booking_id).bind(resource).bind(start).bind(end);
                }
                insert.execute(&mut *tx).await?;
            }
            if let Some(screening) = &new.screening_id {
                sqlx::query(
                    "UPDATE screenings SET client_id = $1 WHERE id = $2 AND client_id IS NULL",
                )
                .bind(&client_id)
                .bind(screening)
                .execute(&mut *tx)
                .await?;
            }
            let booking = Booking {
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
                client: Client {
                    id: client_id,
                    name: new.client.name.trim().to_owned(),
                    email,
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

    /// Moves a live booking in one transaction: its old holds are released and the new
    /// ones taken together, so the client never ends with both times or neither.
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
                .bind(from - LONGEST_HOLD_S)
                .bind(to)
                .bind(from)
                .fetch_all(&mut *tx)
                .await?;
            let holds = rows_to_holds(rows).map_err(BookingError::Store)?;
            let placement = decide(&before, &holds).map_err(BookingError::Refused)?;
            let (sql, rows) = insert_holds(id, &placement.holds);
            if !rows.is_empty() {
                let mut insert = sqlx::query(&sql);
                for (booking_id, resource, start, end) in rows {
                    insert = insert.bind(booking_id).bind(resource).bind(start).bind(end);
                }
                insert.execute(&mut *tx).await?;
            }
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
            for mail in compose(&before, &after) {
                queue_mail(&mut *tx, Some(id), &mail, now).await?;
            }
            tx.commit().await?;
            Ok(after)
        });
        self.holds_changed();
        result
    }

    /// Changes a booking's status in one transaction after `guard` approves the current
    /// row; cancelled and declined bookings release their holds.
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
            sqlx::query("UPDATE bookings SET status = $1, review_note = COALESCE($2, review_note), updated_at = $3 WHERE id = $4")
                .bind(status.as_str())
                .bind(note)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let after = Booking {
                status,
                review_note: note.map(str::to_owned).or(before.review_note.clone()),
                ..before
            };
            for mail in compose(&after) {
                queue_mail(&mut *tx, Some(id), &mail, now).await?;
            }
            tx.commit().await?;
            Ok(after)
        });
        self.holds_changed();
        result
    }
}
