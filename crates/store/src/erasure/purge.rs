//! The end of retention: once an erasure's `keep_until` has passed, everything kept about
//! the client is deleted. Every `serve` process runs the daily purge; each erasure is
//! claimed by one conditional update, so two processes never purge the same client twice
//! and a purge that fails part way leaves everything as it was.

use jiff::Timestamp;

use crate::{Store, StoreError};

/// What the purge deletes, children before parents, each with the client's id as `$1`.
/// The signed consents, treatment records and amendments are refused by their triggers
/// unless the erasure's `purged_at` was set first, in the same transaction.
pub(crate) const PURGE: &[&str] = &[
    "DELETE FROM outbox WHERE booking_id IN (SELECT id FROM bookings WHERE client_id = $1)",
    "DELETE FROM record_amendments WHERE booking_id IN (SELECT id FROM bookings WHERE client_id = $1)",
    "DELETE FROM record_lots WHERE booking_id IN (SELECT id FROM bookings WHERE client_id = $1)",
    "DELETE FROM treatment_records WHERE booking_id IN (SELECT id FROM bookings WHERE client_id = $1)",
    "DELETE FROM completion_overrides WHERE booking_id IN (SELECT id FROM bookings WHERE client_id = $1)",
    "DELETE FROM photos WHERE booking_id IN (SELECT id FROM bookings WHERE client_id = $1)",
    "DELETE FROM checkin_alerts WHERE booking_id IN (SELECT id FROM bookings WHERE client_id = $1)",
    "DELETE FROM checkins WHERE booking_id IN (SELECT id FROM bookings WHERE client_id = $1)",
    "DELETE FROM checkin_windows WHERE booking_id IN (SELECT id FROM bookings WHERE client_id = $1)",
    "DELETE FROM booking_links WHERE booking_id IN (SELECT id FROM bookings WHERE client_id = $1)",
    "DELETE FROM screening_links WHERE booking_id IN (SELECT id FROM bookings WHERE client_id = $1)",
    "DELETE FROM holds WHERE booking_id IN (SELECT id FROM bookings WHERE client_id = $1)",
    "DELETE FROM consents WHERE client_id = $1",
    "DELETE FROM bookings WHERE client_id = $1",
    "DELETE FROM screenings WHERE client_id = $1",
    "DELETE FROM message_optouts WHERE client_id = $1",
    "DELETE FROM clients WHERE id = $1",
];

/// Claims the erasure of `$client` whose retention ended by `$now` and deletes everything
/// kept about them, inside the transaction `$tx`; evaluates to whether it was claimed.
macro_rules! purge_in_tx {
    ($tx:ident, $client:expr, $now:expr) => {{
        let claimed = sqlx::query(
            "UPDATE erasures SET purged_at = $1
             WHERE client_id = $2 AND purged_at IS NULL AND keep_until <= $1",
        )
        .bind($now)
        .bind($client)
        .execute(&mut *$tx)
        .await?
        .rows_affected()
            == 1;
        if claimed {
            for sql in $crate::erasure::purge::PURGE {
                sqlx::query(sql).bind($client).execute(&mut *$tx).await?;
            }
            $crate::audit::append(
                &mut $tx,
                &$crate::AuditEntry::new("purge", "client", $client).for_client($client),
            )
            .await?;
        }
        claimed
    }};
}

/// Did another process hold the erasure's row past the lock timeout? It is purging it.
fn lost_claim(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db)
        if matches!(db.code().as_deref(), Some("55P03" | "40001" | "40P01")))
}

impl Store {
    /// Purges every erasure whose retention ended by `now`, at most `limit` of them, each
    /// in its own transaction; answers how many this call purged (another process may
    /// have taken some).
    pub async fn purge_expired(&self, now: Timestamp, limit: i64) -> Result<u64, StoreError> {
        let now_s = now.as_second();
        let due: Vec<(String,)> = on_read!(self, |pool| sqlx::query_as(
            "SELECT client_id FROM erasures WHERE purged_at IS NULL AND keep_until <= $1
             ORDER BY keep_until LIMIT $2"
        )
        .bind(now_s)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
        let mut purged = 0;
        for (client_id,) in due {
            match self.purge_one(&client_id, now_s).await {
                Ok(true) => purged += 1,
                Ok(false) => {}
                Err(StoreError::Database(err)) if lost_claim(&err) => {}
                Err(err) => return Err(err),
            }
        }
        if purged > 0 {
            self.holds_changed();
            self.scrub_log().await?;
        }
        Ok(purged)
    }

    async fn purge_one(&self, client_id: &str, now_s: i64) -> Result<bool, StoreError> {
        in_write_tx!(self, |tx| {
            let claimed = purge_in_tx!(tx, client_id, now_s);
            tx.commit().await?;
            Ok(claimed)
        })
    }
}
