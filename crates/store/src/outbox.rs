//! Mail waiting to be sent: queued with the change it reports, claimed by a worker with a
//! lease so two workers (or two processes) do not send the same message.

use crate::db::now_s;
use crate::{Store, StoreError, new_id};

/// A message to a client, written by the web edge and sent by the mail worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    /// What it reports: `booked`, `rescheduled`, `cancelled`, `confirmed`, `declined`.
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    /// An iCalendar attachment, when the message carries an invite.
    pub ics: Option<String>,
}

/// A queued message the worker has claimed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QueuedMail {
    pub id: String,
    pub booking_id: Option<String>,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub ics: Option<String>,
    pub attempts: i64,
}

pub(crate) async fn queue_mail<'c, DB, X>(
    tx: X,
    booking_id: Option<&str>,
    mail: &Mail,
    now: i64,
) -> Result<(), sqlx::Error>
where
    DB: sqlx::Database,
    X: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> Option<String>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    sqlx::query(
        "INSERT INTO outbox (id, booking_id, kind, recipient, subject, body_text, body_html, ics, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(new_id())
    .bind(booking_id.map(str::to_owned))
    .bind(mail.kind.clone())
    .bind(mail.recipient.clone())
    .bind(mail.subject.clone())
    .bind(mail.body_text.clone())
    .bind(mail.body_html.clone())
    .bind(mail.ics.clone())
    .bind(now)
    .execute(tx)
    .await?;
    Ok(())
}

/// How long a claimed message stays with its worker before another may retry it.
const LEASE_S: i64 = 120;

impl Store {
    /// Claims up to `limit` messages that are due, leasing them to the caller.
    pub async fn claim_due_mail(&self, limit: i64) -> Result<Vec<QueuedMail>, StoreError> {
        let now = now_s();
        let sql = "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1
            WHERE status = 'pending' AND claimed_until <= $2 AND next_attempt_at <= $2 AND id IN (
                SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2 AND claimed_until <= $2
                ORDER BY next_attempt_at LIMIT $3)
            RETURNING id, booking_id, kind, recipient, subject, body_text, body_html, ics, attempts";
        Ok(in_write_tx!(self, |tx| {
            let rows: Vec<QueuedMail> = sqlx::query_as(sql)
                .bind(now + LEASE_S)
                .bind(now)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
            tx.commit().await?;
            rows
        }))
    }

    /// Records a message as delivered so it is never sent again.
    pub async fn mark_mail_sent(&self, id: &str) -> Result<(), StoreError> {
        in_write_tx!(self, |tx| {
            sqlx::query("UPDATE outbox SET status = 'sent', sent_at = $1 WHERE id = $2")
                .bind(now_s())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records a failed attempt; after `max_attempts` the message is given up as failed.
    pub async fn mark_mail_failed(
        &self,
        id: &str,
        error: &str,
        retry_in_s: i64,
        max_attempts: i64,
    ) -> Result<(), StoreError> {
        let now = now_s();
        in_write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE outbox SET last_error = $1, next_attempt_at = $2, claimed_until = 0,
                    status = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'pending' END
                 WHERE id = $4",
            )
            .bind(error)
            .bind(now + retry_in_s)
            .bind(max_attempts)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Messages for one booking, newest last: for tests and the back office.
    pub async fn mail_for_booking(
        &self,
        booking_id: &str,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        Ok(on_read!(self, |pool| {
            sqlx::query_as("SELECT kind, recipient, status FROM outbox WHERE booking_id = $1 ORDER BY created_at, kind")
                .bind(booking_id)
                .fetch_all(pool)
                .await
        })?)
    }
}
