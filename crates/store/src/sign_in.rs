//! What sign-in throttling keeps: attempt counts per key and window, and the browsers
//! staff have signed in on. How many attempts a key may have is decided at the web edge
//! (`web/src/auth/throttle.rs`); this only counts, exactly, on both engines.

use crate::db::now_s;
use crate::{Store, StoreError};

/// One attempt counted against a key: how many the key has had in its current window
/// (this one included) and when that window started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttemptCount {
    pub attempts: i64,
    pub window_started_at: i64,
}

/// Rows whose window ended this long ago are forgotten when a sign-in succeeds.
const FORGET_AFTER_S: i64 = 86_400;

impl Store {
    /// Counts one attempt against `key` and answers the count, in one statement: an insert
    /// or an increment, starting a new window when the last one is over. Two requests (or
    /// two processes) can never read the same count, so a burst cannot pass unchecked.
    pub async fn count_login_attempt(
        &self,
        key: &str,
        window_s: i64,
    ) -> Result<AttemptCount, StoreError> {
        let now = now_s();
        let (attempts, window_started_at): (i64, i64) = in_write_tx!(self, |tx| {
            let row = sqlx::query_as(
                "INSERT INTO login_attempts (key, window_started_at, attempts) VALUES ($1, $2, 1)
                 ON CONFLICT (key) DO UPDATE SET
                   attempts = CASE WHEN login_attempts.window_started_at <= $3
                     THEN 1 ELSE login_attempts.attempts + 1 END,
                   window_started_at = CASE WHEN login_attempts.window_started_at <= $3
                     THEN $2 ELSE login_attempts.window_started_at END
                 RETURNING attempts, window_started_at",
            )
            .bind(key)
            .bind(now)
            .bind(now - window_s)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            row
        });
        Ok(AttemptCount {
            attempts,
            window_started_at,
        })
    }

    /// Gives back one counted attempt, if its window is still the current one: for an
    /// attempt that turned out not to be a guess.
    pub async fn refund_login_attempt(
        &self,
        key: &str,
        counted: AttemptCount,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE login_attempts SET attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END
                 WHERE key = $1 AND window_started_at = $2",
            )
            .bind(key)
            .bind(counted.window_started_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Forgets a key's attempts (after the right password), and every count whose window
    /// ended long ago.
    pub async fn clear_login_attempts(&self, key: &str) -> Result<(), StoreError> {
        in_write_tx!(self, |tx| {
            sqlx::query("DELETE FROM login_attempts WHERE key = $1 OR window_started_at < $2")
                .bind(key)
                .bind(now_s() - FORGET_AFTER_S)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Remembers a browser a staff member has just signed in on, by its token's hash.
    pub async fn remember_login_device(
        &self,
        token_hash: &str,
        staff_id: &str,
        lifetime_s: i64,
    ) -> Result<(), StoreError> {
        let now = now_s();
        in_write_tx!(self, |tx| {
            sqlx::query("DELETE FROM login_devices WHERE expires_at < $1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO login_devices (token_hash, staff_id, created_at, expires_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (token_hash) DO UPDATE SET expires_at = $4",
            )
            .bind(token_hash)
            .bind(staff_id)
            .bind(now)
            .bind(now + lifetime_s)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The staff member a remembered browser signed in as, while the memory lasts.
    pub async fn login_device_staff(&self, token_hash: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = on_read!(self, |pool| {
            sqlx::query_as(
                "SELECT staff_id FROM login_devices WHERE token_hash = $1 AND expires_at > $2",
            )
            .bind(token_hash)
            .bind(now_s())
            .fetch_optional(pool)
            .await
        })?;
        Ok(row.map(|(id,)| id))
    }
}
