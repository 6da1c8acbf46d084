//! Healing check-ins and the alerts their red flags raise: a check-in, its alert and the
//! clinic's mail are written in one transaction, and the one-per-hour limit is claimed by a
//! single conditional upsert, so two check-ins cannot both pass it.

use jiff::Timestamp;

use super::Booking;
use super::rows::{BY_TOKEN, BookingRow, SELECT_BOOKING};
use crate::outbox::queue_mail;
use crate::{Mail, Store, StoreError, new_id};

/// What a client reported, as the workflow decided it.
#[derive(Clone, Debug)]
pub struct NewCheckin {
    /// Symptom ids from the protocol's list.
    pub symptoms: Vec<String>,
    pub pain: i64,
    pub note: Option<String>,
    /// The worst symptom's triage (`expected`, `call_today`, `emergency`).
    pub triage: String,
    /// Whether the check-in raises an alert for the clinic.
    pub alert: bool,
    /// A photo of the skin, metadata already stripped: (content type, bytes).
    pub photo: Option<(String, Vec<u8>)>,
}

/// Why a check-in was not written.
#[derive(Debug, thiserror::Error)]
pub enum CheckinError<E> {
    /// The workflow's guard said no.
    #[error("refused")]
    Refused(E),
    /// The booking had a check-in less than the minimum gap ago; `last_at` is when.
    #[error("checked in too recently")]
    TooSoon { last_at: Timestamp },
    #[error("no such booking")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<E> From<sqlx::Error> for CheckinError<E> {
    fn from(err: sqlx::Error) -> Self {
        CheckinError::Store(StoreError::Database(err))
    }
}

/// An alert as the back office lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub id: String,
    pub booking_id: String,
    pub booking_reference: String,
    /// The client's id: what an audit entry for reading the alert names.
    pub client_id: String,
    pub client_name: String,
    pub client_phone: Option<String>,
    pub triage: String,
    pub symptoms: Vec<String>,
    pub pain: i64,
    pub note: Option<String>,
    pub created_at: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
    pub ack_note: Option<String>,
    /// The check-in's photo, if the client added one: its id for `Store::checkin_photo`.
    pub photo_id: Option<String>,
}

/// What acknowledging an alert did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AckOutcome {
    Acknowledged,
    AlreadyAcknowledged,
    NotFound,
}

#[derive(sqlx::FromRow)]
pub(crate) struct AlertRow {
    id: String,
    booking_id: String,
    reference: String,
    client_id: String,
    client_name: String,
    client_phone: Option<String>,
    triage: String,
    symptoms: String,
    pain: i64,
    note: Option<String>,
    created_at: i64,
    acknowledged_at: Option<i64>,
    ack_note: Option<String>,
    photo_id: Option<String>,
}

pub(crate) const SELECT_ALERTS: &str =
    "SELECT a.id, a.booking_id, b.reference, c.id AS client_id, c.name AS client_name,
        c.phone AS client_phone, a.triage, k.symptoms, k.pain, k.note, a.created_at,
        a.acknowledged_at, a.ack_note, p.id AS photo_id
    FROM checkin_alerts a JOIN checkins k ON k.id = a.checkin_id
        JOIN bookings b ON b.id = a.booking_id JOIN clients c ON c.id = b.client_id
        LEFT JOIN checkin_photos p ON p.checkin_id = k.id";

/// Symptom ids are `[a-z_]`, so a comma joins them without quoting.
fn join_ids(ids: &[String]) -> String {
    ids.join(",")
}

impl TryFrom<AlertRow> for Alert {
    type Error = StoreError;
    fn try_from(r: AlertRow) -> Result<Alert, StoreError> {
        let at = |s: i64| Timestamp::from_second(s).map_err(|e| StoreError::Corrupt(e.to_string()));
        Ok(Alert {
            created_at: at(r.created_at)?,
            acknowledged_at: r.acknowledged_at.map(at).transpose()?,
            id: r.id,
            booking_id: r.booking_id,
            booking_reference: r.reference,
            client_id: r.client_id,
            client_name: r.client_name,
            client_phone: r.client_phone,
            triage: r.triage,
            symptoms: r
                .symptoms
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            pain: r.pain,
            note: r.note,
            ack_note: r.ack_note,
            photo_id: r.photo_id,
        })
    }
}

impl Store {
    /// Records a check-in for the booking a manage token opens, in one transaction: the
    /// `guard` judges the booking, the hour's slot is claimed atomically (at most one
    /// check-in per `min_gap_s`), then the check-in, its alert and the mail `compose`
    /// returns are written. Any refusal writes nothing.
    pub async fn record_checkin<E>(
        &self,
        token_hash: &str,
        checkin: &NewCheckin,
        now: Timestamp,
        min_gap_s: i64,
        guard: impl FnOnce(&Booking) -> Result<(), E>,
        compose: impl FnOnce(&Booking) -> Vec<Mail>,
    ) -> Result<Booking, CheckinError<E>> {
        let now = now.as_second();
        let sql = format!("{SELECT_BOOKING} {BY_TOKEN}");
        in_write_tx!(self, |tx| {
            let row: Option<BookingRow> = sqlx::query_as(&sql)
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?;
            let booking = Booking::try_from(row.ok_or(CheckinError::NotFound)?)?;
            guard(&booking).map_err(CheckinError::Refused)?;
            // One statement claims the slot: it inserts, or moves `last_at` only when the
            // last check-in is old enough; no row back means another one came first.
            let claimed: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO checkin_windows (booking_id, last_at) VALUES ($1, $2)
                 ON CONFLICT (booking_id) DO UPDATE SET last_at = excluded.last_at
                 WHERE checkin_windows.last_at <= $3
                 RETURNING last_at",
            )
            .bind(&booking.id)
            .bind(now)
            .bind(now - min_gap_s)
            .fetch_optional(&mut *tx)
            .await?;
            if claimed.is_none() {
                let (last_at,): (i64,) =
                    sqlx::query_as("SELECT last_at FROM checkin_windows WHERE booking_id = $1")
                        .bind(&booking.id)
                        .fetch_one(&mut *tx)
                        .await?;
                let last_at = Timestamp::from_second(last_at)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                return Err(CheckinError::TooSoon { last_at });
            }
            let checkin_id = new_id();
            sqlx::query(
                "INSERT INTO checkins (id, booking_id, symptoms, pain, note, triage, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&checkin_id)
            .bind(&booking.id)
            .bind(join_ids(&checkin.symptoms))
            .bind(checkin.pain)
            .bind(checkin.note.as_deref())
            .bind(&checkin.triage)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if let Some((content_type, bytes)) = &checkin.photo {
                sqlx::query(
                    "INSERT INTO checkin_photos (id, checkin_id, booking_id, content_type, bytes,
                        size, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(crate::photos::new_photo_id())
                .bind(&checkin_id)
                .bind(&booking.id)
                .bind(content_type)
                .bind(bytes)
                .bind(bytes.len() as i64)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            if checkin.alert {
                sqlx::query(
                    "INSERT INTO checkin_alerts (id, checkin_id, booking_id, triage, created_at)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(new_id())
                .bind(&checkin_id)
                .bind(&booking.id)
                .bind(&checkin.triage)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            for mail in compose(&booking) {
                queue_mail(&mut *tx, Some(&booking.id), &mail, now).await?;
            }
            crate::audit::append(
                &mut tx,
                &crate::AuditEntry::new("create", "checkin", &checkin_id)
                    .for_client(&booking.client.id),
            )
            .await?;
            tx.commit().await?;
            Ok(booking)
        })
    }

    /// Check-ins stored for one booking: for tests and the back office.
    pub async fn checkin_count(&self, booking_id: &str) -> Result<i64, StoreError> {
        let (n,): (i64,) = on_read!(self, |pool| {
            sqlx::query_as("SELECT COUNT(*) FROM checkins WHERE booking_id = $1")
                .bind(booking_id)
                .fetch_one(pool)
                .await
        })?;
        Ok(n)
    }

    /// A check-in photo's content type and bytes, if the id names one.
    pub async fn checkin_photo(&self, id: &str) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        Ok(on_read!(self, |pool| {
            sqlx::query_as("SELECT content_type, bytes FROM checkin_photos WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// Every alert, unacknowledged first, then newest first (at most `limit`).
    pub async fn alerts(&self, limit: i64) -> Result<Vec<Alert>, StoreError> {
        let sql = format!(
            "{SELECT_ALERTS} ORDER BY CASE WHEN a.acknowledged_at IS NULL THEN 0 ELSE 1 END,
                a.created_at DESC, a.id LIMIT $1"
        );
        let rows: Vec<AlertRow> = on_read!(self, |pool| {
            sqlx::query_as(&sql).bind(limit).fetch_all(pool).await
        })?;
        rows.into_iter().map(Alert::try_from).collect()
    }

    /// How many alerts nobody has acknowledged yet: for the Today page's banner.
    pub async fn open_alert_count(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = on_read!(self, |pool| {
            sqlx::query_as("SELECT COUNT(*) FROM checkin_alerts WHERE acknowledged_at IS NULL")
                .fetch_one(pool)
                .await
        })?;
        Ok(n)
    }

    /// Marks an alert acknowledged by `staff_id` with a note, once.
    pub async fn acknowledge_alert(
        &self,
        id: &str,
        staff_id: &str,
        note: &str,
        now: Timestamp,
    ) -> Result<AckOutcome, StoreError> {
        in_write_tx!(self, |tx| {
            let done = sqlx::query(
                "UPDATE checkin_alerts SET acknowledged_at = $1, acknowledged_by = $2, ack_note = $3
                 WHERE id = $4 AND acknowledged_at IS NULL",
            )
            .bind(now.as_second())
            .bind(staff_id)
            .bind(note)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let outcome = if done == 1 {
                let (client_id,): (String,) = sqlx::query_as(
                    "SELECT b.client_id FROM checkin_alerts a JOIN bookings b ON b.id = a.booking_id
                     WHERE a.id = $1",
                )
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                crate::audit::append(
                    &mut tx,
                    &crate::AuditEntry::new("acknowledge", "alert", id).for_client(&client_id),
                )
                .await?;
                AckOutcome::Acknowledged
            } else {
                let exists: Option<(String,)> =
                    sqlx::query_as("SELECT id FROM checkin_alerts WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                if exists.is_some() {
                    AckOutcome::AlreadyAcknowledged
                } else {
                    AckOutcome::NotFound
                }
            };
            tx.commit().await?;
            Ok(outcome)
        })
    }
}
