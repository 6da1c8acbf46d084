//! Planned messages as the back office sees them, the clients who opted out of optional
//! ones, the extra links a planned message may carry, and the keys that sign them.
//! Planning itself happens in the booking writes (`bookings/write.rs`), in the same
//! transaction as the change that causes it; the worker claims them in `outbox.rs`.

mod alerts;

use jiff::Timestamp;
use rand::Rng as _;

use crate::db::now_s;
use crate::{Store, StoreError};

/// One message of a booking, planned or sent, as the back office lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BookingMessage {
    /// `booked`, `reminder`, `same_day`, `aftercare_evening`, `next_session`, …
    pub kind: String,
    /// When it is (or was) meant to go.
    pub due_at: Timestamp,
    /// `planned`, `sent`, `failed`, `withdrawn` or `skipped`.
    pub status: String,
    /// `email` today.
    pub channel: String,
    /// Why it failed or was skipped, when it did.
    pub note: Option<String>,
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    kind: String,
    due_at: i64,
    status: String,
    channel: String,
    last_error: Option<String>,
}

impl Store {
    /// Every message of a booking, sent at once or planned, in the order they are due.
    pub async fn messages_for_booking(
        &self,
        booking_id: &str,
    ) -> Result<Vec<BookingMessage>, StoreError> {
        let rows: Vec<MessageRow> = on_read!(self, |pool| {
            sqlx::query_as(
                "SELECT kind, COALESCE(due_at, created_at) AS due_at, status, channel, last_error
                 FROM outbox WHERE booking_id = $1
                 ORDER BY COALESCE(due_at, created_at), created_at, kind",
            )
            .bind(booking_id)
            .fetch_all(pool)
            .await
        })?;
        rows.into_iter()
            .map(|r| {
                Ok(BookingMessage {
                    due_at: Timestamp::from_second(r.due_at)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    status: match r.status.as_str() {
                        "pending" => "planned".to_owned(),
                        other => other.to_owned(),
                    },
                    note: r.last_error.filter(|_| r.status != "sent"),
                    kind: r.kind,
                    channel: r.channel,
                })
            })
            .collect()
    }

    /// Records that a client wants no more optional messages; their planned ones are
    /// skipped when due. Returns whether the client exists.
    pub async fn opt_out(&self, client_id: &str) -> Result<bool, StoreError> {
        in_write_tx!(self, |tx| {
            let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM clients WHERE id = $1")
                .bind(client_id)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_some() {
                sqlx::query(
                    "INSERT INTO message_optouts (client_id, created_at) VALUES ($1, $2)
                     ON CONFLICT (client_id) DO NOTHING",
                )
                .bind(client_id)
                .bind(now_s())
                .execute(&mut *tx)
                .await?;
                crate::audit::append(
                    &mut tx,
                    &crate::AuditEntry::new("unsubscribe", "client", client_id)
                        .for_client(client_id),
                )
                .await?;
            }
            tx.commit().await?;
            Ok(exists.is_some())
        })
    }

    /// Whether a client has opted out of optional messages.
    pub async fn opted_out(&self, client_id: &str) -> Result<bool, StoreError> {
        let row: Option<(String,)> = on_read!(self, |pool| {
            sqlx::query_as("SELECT client_id FROM message_optouts WHERE client_id = $1")
                .bind(client_id)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row.is_some())
    }

    /// Adds a further link to a booking's manage page, for a message planned after the
    /// booking was made; only the token's hash is kept, as for the first link.
    pub async fn add_booking_link(
        &self,
        booking_id: &str,
        token_hash: &str,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO booking_links (token_hash, booking_id, created_at) VALUES ($1, $2, $3)",
            )
            .bind(token_hash)
            .bind(booking_id)
            .bind(now_s())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The random key (hex) that signs links for `purpose`, made on first use. Two
    /// processes asking at once agree: the first insert wins and both read it back.
    pub async fn signing_key(&self, purpose: &str) -> Result<String, StoreError> {
        let bytes: [u8; 32] = rand::rng().random();
        let fresh: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        in_write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO signing_keys (purpose, key) VALUES ($1, $2) ON CONFLICT (purpose) DO NOTHING",
            )
            .bind(purpose)
            .bind(&fresh)
            .execute(&mut *tx)
            .await?;
            let (key,): (String,) =
                sqlx::query_as("SELECT key FROM signing_keys WHERE purpose = $1")
                    .bind(purpose)
                    .fetch_one(&mut *tx)
                    .await?;
            tx.commit().await?;
            Ok(key)
        })
    }
}
