//! Back-office sessions: started at sign-in, kept only as their token's hash, ended by
//! signing out, by their owner from their account page, by an admin for everyone, by the
//! absolute lifetime, or by sitting idle longer than the clinic allows.

use crate::db::now_s;
use crate::{Staff, Store, StoreError, new_id};

/// A session's last-seen time is written at most this often, so reading pages does not
/// turn every request into a write.
pub const TOUCH_EVERY_S: i64 = 60;

/// What a new session records besides its token: who, for how long, and from where (as
/// its owner will see it in their list of sessions).
#[derive(Clone, Debug)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub staff_id: &'a str,
    pub csrf: &'a str,
    pub lifetime_s: i64,
    pub address: &'a str,
    pub user_agent: &'a str,
}

/// A live session as a request sees it.
#[derive(Clone, Debug)]
pub struct LiveSession {
    pub staff: Staff,
    pub csrf: String,
    /// The id the session is listed and ended by (never its token).
    pub id: String,
    pub last_seen_at: i64,
    /// Whether the member has a confirmed second step (an authenticator).
    pub two_factor_on: bool,
}

/// One of a staff member's sessions, as their account page lists it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionInfo {
    pub id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub address: String,
    pub user_agent: String,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    staff_id: String,
    email: String,
    role: String,
    practitioner_id: Option<String>,
    active: bool,
    csrf_token: String,
    id: String,
    last_seen_at: i64,
    two_factor_confirmed_at: Option<i64>,
}

impl Store {
    /// Starts a session for a signed-in staff member and answers its id; forgets sessions
    /// past their absolute lifetime on the way.
    pub async fn create_session(&self, new: &NewSession<'_>) -> Result<String, StoreError> {
        let now = now_s();
        let id = new_id();
        in_write_tx!(self, |tx| {
            sqlx::query("DELETE FROM staff_sessions WHERE expires_at < $1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO staff_sessions (token_hash, staff_id, csrf_token, created_at, expires_at, id, last_seen_at, address, user_agent)
                 VALUES ($1, $2, $3, $4, $5, $6, $4, $7, $8)",
            )
            .bind(new.token_hash)
            .bind(new.staff_id)
            .bind(new.csrf)
            .bind(now)
            .bind(now + new.lifetime_s)
            .bind(&id)
            .bind(new.address)
            .bind(new.user_agent)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(id)
    }

    /// The live session for a token: neither past its lifetime nor idle for `idle_s`, and
    /// its staff member still active.
    pub async fn session(
        &self,
        token_hash: &str,
        idle_s: i64,
    ) -> Result<Option<LiveSession>, StoreError> {
        let now = now_s();
        let row: Option<SessionRow> = on_read!(self, |pool| {
            sqlx::query_as(
                "SELECT s.id AS staff_id, s.email, s.role, s.practitioner_id, s.active, ss.csrf_token,
                        ss.id, ss.last_seen_at, tf.confirmed_at AS two_factor_confirmed_at
                 FROM staff_sessions ss JOIN staff s ON s.id = ss.staff_id
                 LEFT JOIN staff_two_factor tf ON tf.staff_id = s.id
                 WHERE ss.token_hash = $1 AND ss.expires_at > $2 AND ss.last_seen_at > $3 AND s.active",
            )
            .bind(token_hash)
            .bind(now)
            .bind(now - idle_s)
            .fetch_optional(pool)
            .await
        })?;
        Ok(row.map(|r| LiveSession {
            staff: Staff {
                id: r.staff_id,
                email: r.email,
                role: r.role,
                practitioner_id: r.practitioner_id,
                active: r.active,
            },
            csrf: r.csrf_token,
            id: r.id,
            last_seen_at: r.last_seen_at,
            two_factor_on: r.two_factor_confirmed_at.is_some(),
        }))
    }

    /// Marks a session as just used, unless that was written less than
    /// [`TOUCH_EVERY_S`] ago.
    pub async fn touch_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let now = now_s();
        in_write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE staff_sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at <= $3",
            )
            .bind(token_hash)
            .bind(now)
            .bind(now - TOUCH_EVERY_S)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// A staff member's live sessions, the most recently used first.
    pub async fn staff_sessions(
        &self,
        staff_id: &str,
        idle_s: i64,
    ) -> Result<Vec<SessionInfo>, StoreError> {
        let now = now_s();
        Ok(on_read!(self, |pool| {
            sqlx::query_as(
                "SELECT id, created_at, last_seen_at, address, user_agent FROM staff_sessions
                 WHERE staff_id = $1 AND expires_at > $2 AND last_seen_at > $3
                 ORDER BY last_seen_at DESC, created_at DESC",
            )
            .bind(staff_id)
            .bind(now)
            .bind(now - idle_s)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Ends one of `staff_id`'s sessions by its id; false when it is not theirs or gone.
    pub async fn end_staff_session(&self, staff_id: &str, id: &str) -> Result<bool, StoreError> {
        Ok(in_write_tx!(self, |tx| {
            let n = sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1 AND id = $2")
                .bind(staff_id)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            n == 1
        }))
    }

    /// Ends every session but `keep` (the admin's own, who asked): answers how many ended.
    pub async fn end_all_sessions(&self, keep: &str) -> Result<u64, StoreError> {
        Ok(in_write_tx!(self, |tx| {
            let n = sqlx::query("DELETE FROM staff_sessions WHERE id <> $1")
                .bind(keep)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            n
        }))
    }

    /// Ends a session (sign out).
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        in_write_tx!(self, |tx| {
            sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }
}
