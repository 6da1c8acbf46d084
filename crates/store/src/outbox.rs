//! Mail waiting to be sent: queued with the change it reports, claimed by a worker with a
//! lease so two workers (or two processes) do not send the same message.

use jiff::Timestamp;

use crate::db::now_s;
use crate::{Engine, Store, StoreError};

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
    /// Set for a message planned ahead (a reminder, aftercare, the next session); `None`
    /// sends it at once.
    pub plan: Option<Plan>,
}

/// When a planned message goes, until when it is still worth sending, and how its client
/// opts out of it. Planned messages are optional by nature; essential mail goes at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub due_at: Timestamp,
    /// Past this moment the message is dropped as `skipped`: a reminder after the
    /// appointment is worse than none.
    pub expires_at: Timestamp,
    /// The one-click unsubscribe address the message carries (RFC 8058).
    pub unsubscribe_url: String,
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
    /// Present on optional messages: the worker adds `List-Unsubscribe` with it.
    pub unsubscribe_url: Option<String>,
}

/// What queueing a message writes beside its words, the same on every path that queues one.
pub(crate) struct QueueTimes<'a> {
    /// When it is due, and so first tried (Unix seconds).
    pub due: i64,
    pub expires: Option<i64>,
    /// 1 for a message planned ahead, 0 for one sent at once.
    pub planned: i64,
    pub unsubscribe: Option<&'a str>,
}

impl Mail {
    /// Its times when queued at `now`; `None` when it has nowhere to go. A client booked by
    /// phone only has no address: nothing is queued, so the back office never shows a
    /// message as planned or failed that could not be sent.
    pub(crate) fn queue_times(&self, now: i64) -> Option<QueueTimes<'_>> {
        if crate::is_undeliverable(&self.recipient) {
            return None;
        }
        let plan = self.plan.as_ref();
        Some(QueueTimes {
            due: plan.map_or(now, |p| p.due_at.as_second()),
            expires: plan.map(|p| p.expires_at.as_second()),
            planned: i64::from(plan.is_some()),
            unsubscribe: plan.map(|p| p.unsubscribe_url.as_str()),
        })
    }
}

/// One queued message; `$9` (when it is due) is also its first attempt.
pub(crate) const INSERT_MAIL: &str = "INSERT INTO outbox (id, booking_id, kind, recipient, subject,
         body_text, body_html, ics, next_attempt_at, created_at, due_at, expires_at, planned,
         unsubscribe_url)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $11, $12, $13)";

/// Withdraws the booking's planned messages still waiting, before a change plans afresh.
pub(crate) async fn withdraw_planned<'c, DB, X>(tx: X, booking_id: &str) -> Result<(), sqlx::Error>
where
    DB: sqlx::Database,
    X: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    sqlx::query(
        "UPDATE outbox SET status = 'withdrawn' WHERE booking_id = $1 AND planned = 1 AND status = 'pending'",
    )
    .bind(booking_id.to_owned())
    .execute(tx)
    .await?;
    Ok(())
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
    for<'q> Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let Some(when) = mail.queue_times(now) else {
        return Ok(());
    };
    sqlx::query(INSERT_MAIL)
        .bind(crate::ids::new_ordered_id())
        .bind(booking_id.map(str::to_owned))
        .bind(mail.kind.clone())
        .bind(mail.recipient.clone())
        .bind(mail.subject.clone())
        .bind(mail.body_text.clone())
        .bind(mail.body_html.clone())
        .bind(mail.ics.clone())
        .bind(when.due)
        .bind(now)
        .bind(when.expires)
        .bind(when.planned)
        .bind(when.unsubscribe.map(str::to_owned))
        .execute(tx)
        .await?;
    Ok(())
}

/// How many of the longest-due messages each claim checks for ones that no longer stand.
const FRONT: i64 = 200;

/// How long a claimed message stays with its worker before another may retry it.
const LEASE_S: i64 = 120;

impl Store {
    /// Claims up to `limit` e-mail messages that are due, leasing them to the caller.
    pub async fn claim_due_mail(&self, limit: i64) -> Result<Vec<QueuedMail>, StoreError> {
        self.claim_due(Timestamp::now(), "email", limit).await
    }

    /// Claims up to `limit` messages of `channel` due at `now`, leasing them to the caller.
    /// In the same transaction, due messages that no longer stand are set aside as
    /// `skipped`: past their tolerance, planned for a booking since cancelled or declined,
    /// or optional for a client who opted out. On PostgreSQL the candidates are locked
    /// with `SKIP LOCKED`, so several workers take disjoint batches without waiting.
    pub async fn claim_due(
        &self,
        now: Timestamp,
        channel: &str,
        limit: i64,
    ) -> Result<Vec<QueuedMail>, StoreError> {
        let now = now.as_second();
        // On PostgreSQL the candidates are picked once, in a CTE, and locked with SKIP
        // LOCKED: another worker's rows are passed over, never waited for.
        let (pick, lock) = match self.engine() {
            Engine::Postgres => ("FOR UPDATE SKIP LOCKED", true),
            Engine::Sqlite => ("", false),
        };
        // Looked up per message by the booking's key: a list of every such booking would
        // be read in full at each claim.
        let opted_out = "EXISTS (SELECT 1 FROM bookings b
            JOIN message_optouts o ON o.client_id = b.client_id WHERE b.id = outbox.booking_id)";
        let no_longer_stands = format!(
            "((expires_at IS NOT NULL AND expires_at < $1)
                OR (planned = 1 AND EXISTS (SELECT 1 FROM bookings b
                    WHERE b.id = outbox.booking_id AND b.status IN ('cancelled', 'declined')))
                OR (unsubscribe_url IS NOT NULL AND {opted_out}))"
        );
        // Only the front of the queue is looked at (what the claim could take next), so a
        // backlog of due mail does not make every claim read all of it while holding the
        // write lock. What lies further back is set aside when it reaches the front; the
        // claim passes over it meanwhile.
        let gone = format!(
            "SELECT id FROM outbox WHERE id IN (
                SELECT id FROM outbox WHERE status = 'pending' AND channel = $2
                    AND next_attempt_at <= $1 AND claimed_until <= $1
                ORDER BY next_attempt_at LIMIT {FRONT})
                AND {no_longer_stands} {pick}"
        );
        let why = format!(
            "CASE WHEN expires_at IS NOT NULL AND expires_at < $1 THEN 'past its moment'
                WHEN unsubscribe_url IS NOT NULL AND {opted_out} THEN 'the client unsubscribed'
                ELSE 'the booking no longer stands' END"
        );
        let standing = format!("NOT {}", no_longer_stands.replace("$1", "$2"));
        let due = format!(
            "SELECT id FROM outbox WHERE status = 'pending' AND channel = $4 AND next_attempt_at <= $2
                AND claimed_until <= $2 AND {standing} ORDER BY next_attempt_at LIMIT $3 {pick}"
        );
        let returning = "RETURNING outbox.id, outbox.booking_id, outbox.kind, outbox.recipient,
            outbox.subject, outbox.body_text, outbox.body_html, outbox.ics, outbox.attempts,
            outbox.unsubscribe_url";
        let (skip, claim) = if lock {
            (
                format!(
                    "WITH gone AS ({gone}) UPDATE outbox SET status = 'skipped', last_error = {why}
                     FROM gone WHERE outbox.id = gone.id"
                ),
                format!(
                    "WITH due AS ({due}) UPDATE outbox SET claimed_until = $1, attempts = outbox.attempts + 1
                     FROM due WHERE outbox.id = due.id {returning}"
                ),
            )
        } else {
            (
                format!(
                    "UPDATE outbox SET status = 'skipped', last_error = {why} WHERE id IN ({gone})"
                ),
                // The write lock makes the pick and the update one step; the rows are found
                // by key (a second test of their status would read every pending row).
                format!(
                    "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1
                     WHERE id IN ({due}) {returning}"
                ),
            )
        };
        Ok(in_write_tx!(self, |tx| {
            sqlx::query(&skip)
                .bind(now)
                .bind(channel)
                .execute(&mut *tx)
                .await?;
            let rows: Vec<QueuedMail> = sqlx::query_as(&claim)
                .bind(now + LEASE_S)
                .bind(now)
                .bind(limit)
                .bind(channel)
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

    /// Records a failed attempt, to be tried again at `retry_at`; after `max_attempts` the
    /// message is given up as failed. The caller picks `retry_at`, so a non-urgent message's
    /// retry can wait out the clinic's quiet hours.
    pub async fn mark_mail_failed(
        &self,
        id: &str,
        error: &str,
        retry_at: Timestamp,
        max_attempts: i64,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE outbox SET last_error = $1, next_attempt_at = $2, claimed_until = 0,
                    status = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'pending' END
                 WHERE id = $4 AND status = 'pending'",
            )
            .bind(error)
            .bind(retry_at.as_second())
            .bind(max_attempts)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Hands a claimed message back unsent, to go at `until`: it was claimed in the
    /// clinic's quiet hours. The claim's attempt is given back, since nothing was tried.
    pub async fn defer_mail(&self, id: &str, until: Timestamp) -> Result<(), StoreError> {
        in_write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE outbox SET next_attempt_at = $1, claimed_until = 0, attempts = attempts - 1
                 WHERE id = $2 AND status = 'pending'",
            )
            .bind(until.as_second())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The mail sent at once for one booking (not the planned messages), newest last.
    pub async fn mail_for_booking(
        &self,
        booking_id: &str,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        Ok(on_read!(self, |pool| {
            sqlx::query_as("SELECT kind, recipient, status FROM outbox WHERE booking_id = $1 AND planned = 0 ORDER BY created_at, kind")
                .bind(booking_id)
                .fetch_all(pool)
                .await
        })?)
    }
}
