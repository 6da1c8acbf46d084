//! What two-factor sign-in keeps: each member's authenticator secret and the last time
//! step a code was accepted for, their hashed one-time recovery codes, and the sign-ins
//! waiting for their second step. Every "use once" here is one conditional write, so two
//! requests racing with the same code cannot both succeed.

use crate::db::now_s;
use crate::{Staff, Store, StoreError};

/// A member's authenticator, as stored.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct TwoFactor {
    /// The shared secret, base32 as authenticator apps take it (stored sealed: see
    /// [`Store::unlock_secrets`]).
    pub secret: String,
    /// When it was confirmed with a code; until then it does not count.
    pub confirmed_at: Option<i64>,
    /// The last 30-second step whose code was accepted (-1 for none).
    pub last_step: i64,
}

#[derive(sqlx::FromRow)]
struct StepRow {
    next_path: String,
    id: String,
    email: String,
    role: String,
    practitioner_id: Option<String>,
    active: bool,
}

impl Store {
    /// A member's authenticator, confirmed or not.
    /// [`StoreError::WrongSecretKey`] when its sealed secret does not open with this
    /// process's key.
    pub async fn two_factor(&self, staff_id: &str) -> Result<Option<TwoFactor>, StoreError> {
        let row: Option<TwoFactor> = on_read!(self, |pool| {
            sqlx::query_as(
                "SELECT secret, confirmed_at, last_step FROM staff_two_factor WHERE staff_id = $1",
            )
            .bind(staff_id)
            .fetch_optional(pool)
            .await
        })?;
        row.map(|mut tf| -> Result<TwoFactor, StoreError> {
            tf.secret = self.open_two_factor(staff_id, &tf.secret)?;
            Ok(tf)
        })
        .transpose()
    }

    /// Whether a member's authenticator is on (confirmed), without opening its secret.
    pub async fn two_factor_on(&self, staff_id: &str) -> Result<bool, StoreError> {
        let (n,): (i64,) = on_read!(self, |pool| {
            sqlx::query_as(
                "SELECT COUNT(*) FROM staff_two_factor WHERE staff_id = $1 AND confirmed_at IS NOT NULL",
            )
            .bind(staff_id)
            .fetch_one(pool)
            .await
        })?;
        Ok(n > 0)
    }

    /// Starts enrolment with a new secret, replacing an unconfirmed one; false (and nothing
    /// changed) when an authenticator is already confirmed.
    pub async fn begin_two_factor(&self, staff_id: &str, secret: &str) -> Result<bool, StoreError> {
        let secret = self.seal_two_factor(staff_id, secret)?;
        Ok(in_write_tx!(self, |tx| {
            let n = sqlx::query(
                "INSERT INTO staff_two_factor (staff_id, secret, confirmed_at, last_step) VALUES ($1, $2, NULL, -1)
                 ON CONFLICT (staff_id) DO UPDATE SET secret = $2, last_step = -1
                 WHERE staff_two_factor.confirmed_at IS NULL",
            )
            .bind(staff_id)
            .bind(&secret)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            n == 1
        }))
    }

    /// Turns the pending authenticator on, having accepted a code for `step`, and replaces
    /// the recovery codes with `recovery_hashes`, in one transaction. False when there was
    /// no pending authenticator (already on, or never started).
    pub async fn confirm_two_factor(
        &self,
        staff_id: &str,
        step: i64,
        recovery_hashes: &[String],
    ) -> Result<bool, StoreError> {
        let now = now_s();
        Ok(in_write_tx!(self, |tx| {
            let n = sqlx::query(
                "UPDATE staff_two_factor SET confirmed_at = $2, last_step = $3
                 WHERE staff_id = $1 AND confirmed_at IS NULL AND last_step < $3",
            )
            .bind(staff_id)
            .bind(now)
            .bind(step)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                sqlx::query("DELETE FROM staff_recovery_codes WHERE staff_id = $1")
                    .bind(staff_id)
                    .execute(&mut *tx)
                    .await?;
                for hash in recovery_hashes {
                    sqlx::query(
                        "INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES ($1, $2)",
                    )
                    .bind(staff_id)
                    .bind(hash)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
            n == 1
        }))
    }

    /// Takes a code for `step`, once: true only if `step` is later than every step
    /// accepted before, and the authenticator is on.
    pub async fn accept_two_factor_step(
        &self,
        staff_id: &str,
        step: i64,
    ) -> Result<bool, StoreError> {
        Ok(in_write_tx!(self, |tx| {
            let n = sqlx::query(
                "UPDATE staff_two_factor SET last_step = $2
                 WHERE staff_id = $1 AND confirmed_at IS NOT NULL AND last_step < $2",
            )
            .bind(staff_id)
            .bind(step)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            n == 1
        }))
    }

    /// Uses a recovery code, once: true only the first time its hash is presented.
    pub async fn use_recovery_code(
        &self,
        staff_id: &str,
        code_hash: &str,
    ) -> Result<bool, StoreError> {
        Ok(in_write_tx!(self, |tx| {
            let n = sqlx::query(
                "UPDATE staff_recovery_codes SET used_at = $3
                 WHERE staff_id = $1 AND code_hash = $2 AND used_at IS NULL",
            )
            .bind(staff_id)
            .bind(code_hash)
            .bind(now_s())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            n == 1
        }))
    }

    /// How many recovery codes a member has left.
    pub async fn recovery_codes_left(&self, staff_id: &str) -> Result<i64, StoreError> {
        let (n,): (i64,) = on_read!(self, |pool| {
            sqlx::query_as(
                "SELECT COUNT(*) FROM staff_recovery_codes WHERE staff_id = $1 AND used_at IS NULL",
            )
            .bind(staff_id)
            .fetch_one(pool)
            .await
        })?;
        Ok(n)
    }

    /// The members with a confirmed authenticator, for the admin's staff page.
    pub async fn two_factor_staff_ids(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = on_read!(self, |pool| {
            sqlx::query_as(
                "SELECT staff_id FROM staff_two_factor WHERE confirmed_at IS NOT NULL ORDER BY staff_id",
            )
            .fetch_all(pool)
            .await
        })?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Removes a member's authenticator and recovery codes, and ends their sessions and
    /// pending sign-ins (an admin's reset for someone who lost their phone); false when
    /// there was no authenticator.
    pub async fn remove_two_factor(&self, staff_id: &str) -> Result<bool, StoreError> {
        Ok(in_write_tx!(self, |tx| {
            let n = sqlx::query("DELETE FROM staff_two_factor WHERE staff_id = $1")
                .bind(staff_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            for table in [
                "staff_recovery_codes",
                "staff_sessions",
                "staff_sign_in_steps",
            ] {
                sqlx::query(&format!("DELETE FROM {table} WHERE staff_id = $1"))
                    .bind(staff_id)
                    .execute(&mut *tx)
                    .await?;
            }
            if n == 1 {
                crate::audit::append(
                    &mut tx,
                    &crate::AuditEntry::new("reset-two-factor", "staff", staff_id),
                )
                .await?;
            }
            tx.commit().await?;
            n == 1
        }))
    }

    /// Records a password accepted for a member who must still give a code; the browser
    /// keeps the token whose hash this is. Forgets steps that ran out on the way.
    pub async fn create_sign_in_step(
        &self,
        token_hash: &str,
        staff_id: &str,
        next_path: &str,
        lifetime_s: i64,
    ) -> Result<(), StoreError> {
        let now = now_s();
        in_write_tx!(self, |tx| {
            sqlx::query("DELETE FROM staff_sign_in_steps WHERE expires_at < $1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO staff_sign_in_steps (token_hash, staff_id, next_path, expires_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(token_hash)
            .bind(staff_id)
            .bind(next_path)
            .bind(now + lifetime_s)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The member (still active) a pending second step belongs to, and where to go after.
    pub async fn sign_in_step(
        &self,
        token_hash: &str,
    ) -> Result<Option<(Staff, String)>, StoreError> {
        let row: Option<StepRow> = on_read!(self, |pool| {
            sqlx::query_as(
                "SELECT st.next_path, s.id, s.email, s.role, s.practitioner_id, s.active
                 FROM staff_sign_in_steps st JOIN staff s ON s.id = st.staff_id
                 WHERE st.token_hash = $1 AND st.expires_at > $2 AND s.active",
            )
            .bind(token_hash)
            .bind(now_s())
            .fetch_optional(pool)
            .await
        })?;
        Ok(row.map(|r| {
            (
                Staff {
                    id: r.id,
                    email: r.email,
                    role: r.role,
                    practitioner_id: r.practitioner_id,
                    active: r.active,
                },
                r.next_path,
            )
        }))
    }

    /// Ends a pending second step, once: true for the one request that ended it.
    pub async fn finish_sign_in_step(&self, token_hash: &str) -> Result<bool, StoreError> {
        Ok(in_write_tx!(self, |tx| {
            let n = sqlx::query("DELETE FROM staff_sign_in_steps WHERE token_hash = $1")
                .bind(token_hash)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            n == 1
        }))
    }
}

impl Store {
    /// Replaces a member's recovery codes with `recovery_hashes`, having accepted a code
    /// from their app for `step`: the step is taken once and the old codes stop working,
    /// in one transaction. False (nothing changed) when the step was used already or
    /// two-factor sign-in is not on.
    pub async fn renew_recovery_codes(
        &self,
        staff_id: &str,
        step: i64,
        recovery_hashes: &[String],
    ) -> Result<bool, StoreError> {
        Ok(in_write_tx!(self, |tx| {
            let n = sqlx::query(
                "UPDATE staff_two_factor SET last_step = $2
                 WHERE staff_id = $1 AND confirmed_at IS NOT NULL AND last_step < $2",
            )
            .bind(staff_id)
            .bind(step)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                sqlx::query("DELETE FROM staff_recovery_codes WHERE staff_id = $1")
                    .bind(staff_id)
                    .execute(&mut *tx)
                    .await?;
                for hash in recovery_hashes {
                    sqlx::query(
                        "INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES ($1, $2)",
                    )
                    .bind(staff_id)
                    .bind(hash)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
            n == 1
        }))
    }
}
