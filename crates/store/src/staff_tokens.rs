//! Bearer tokens for the back office's API. Only a token's SHA-256 is kept. A token names
//! its staff member, never a role: the role and whether the login is active are read at
//! every use, so changing either applies at once.

use crate::db::now_s;
use crate::{Staff, Store, StoreError, new_id};

/// A token's last use is written at most this often.
pub const TOKEN_TOUCH_EVERY_S: i64 = 60;

/// A token as its owner and the admins see it (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StaffToken {
    pub id: String,
    pub staff_id: String,
    /// The owner's email, for the admin's list of everyone's tokens.
    pub email: String,
    pub label: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct TokenOwner {
    token_id: String,
    last_used_at: Option<i64>,
    id: String,
    email: String,
    role: String,
    practitioner_id: Option<String>,
    active: bool,
}

const SELECT_TOKENS: &str =
    "SELECT t.id, t.staff_id, s.email, t.label, t.created_at, t.last_used_at
     FROM staff_tokens t JOIN staff s ON s.id = t.staff_id";

impl Store {
    /// Keeps a new token's hash for `staff_id` under `label`; answers its id.
    pub async fn create_staff_token(
        &self,
        staff_id: &str,
        token_hash: &str,
        label: &str,
    ) -> Result<String, StoreError> {
        let id = new_id();
        in_write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO staff_tokens (id, token_hash, staff_id, label, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&id)
            .bind(token_hash)
            .bind(staff_id)
            .bind(label)
            .bind(now_s())
            .execute(&mut *tx)
            .await?;
            crate::audit::append(
                &mut tx,
                &crate::AuditEntry::new("create-token", "staff", staff_id),
            )
            .await?;
            tx.commit().await?;
        });
        Ok(id)
    }

    /// The active staff member a token belongs to, with the token's id; records the use
    /// (at most once a [`TOKEN_TOUCH_EVERY_S`]).
    pub async fn staff_for_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<(Staff, String)>, StoreError> {
        let row: Option<TokenOwner> = on_read!(self, |pool| {
            sqlx::query_as(
                "SELECT t.id AS token_id, t.last_used_at, s.id, s.email, s.role, s.practitioner_id, s.active
                 FROM staff_tokens t JOIN staff s ON s.id = t.staff_id
                 WHERE t.token_hash = $1 AND s.active",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await
        })?;
        let Some(row) = row else { return Ok(None) };
        let now = now_s();
        if row
            .last_used_at
            .is_none_or(|at| at <= now - TOKEN_TOUCH_EVERY_S)
        {
            in_write_tx!(self, |tx| {
                sqlx::query(
                    "UPDATE staff_tokens SET last_used_at = $2
                     WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $3)",
                )
                .bind(&row.token_id)
                .bind(now)
                .bind(now - TOKEN_TOUCH_EVERY_S)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
            });
        }
        Ok(Some((
            Staff {
                id: row.id,
                email: row.email,
                role: row.role,
                practitioner_id: row.practitioner_id,
                active: row.active,
            },
            row.token_id,
        )))
    }

    /// Tokens, newest first: one member's, or everyone's (`None`, for admins).
    pub async fn staff_tokens(
        &self,
        staff_id: Option<&str>,
    ) -> Result<Vec<StaffToken>, StoreError> {
        Ok(on_read!(self, |pool| {
            match staff_id {
                Some(id) => {
                    sqlx::query_as(&format!(
                        "{SELECT_TOKENS} WHERE t.staff_id = $1 ORDER BY t.created_at DESC, t.id"
                    ))
                    .bind(id)
                    .fetch_all(pool)
                    .await
                }
                None => {
                    sqlx::query_as(&format!(
                        "{SELECT_TOKENS} ORDER BY s.email, t.created_at DESC, t.id"
                    ))
                    .fetch_all(pool)
                    .await
                }
            }
        })?)
    }

    /// Revokes one token; with `owner`, only if it is theirs. False when nothing matched.
    pub async fn revoke_staff_token(
        &self,
        id: &str,
        owner: Option<&str>,
    ) -> Result<bool, StoreError> {
        Ok(in_write_tx!(self, |tx| {
            let gone: Option<(String,)> = sqlx::query_as(
                "DELETE FROM staff_tokens WHERE id = $1 AND ($2 IS NULL OR staff_id = $2)
                 RETURNING staff_id",
            )
            .bind(id)
            .bind(owner)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((staff_id,)) = &gone {
                crate::audit::append(
                    &mut tx,
                    &crate::AuditEntry::new("revoke-token", "staff", staff_id),
                )
                .await?;
            }
            tx.commit().await?;
            gone.is_some()
        }))
    }

    /// Revokes every token of a staff member; answers how many there were.
    pub async fn revoke_staff_tokens(&self, staff_id: &str) -> Result<u64, StoreError> {
        Ok(in_write_tx!(self, |tx| {
            let n = sqlx::query("DELETE FROM staff_tokens WHERE staff_id = $1")
                .bind(staff_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n > 0 {
                crate::audit::append(
                    &mut tx,
                    &crate::AuditEntry::new("revoke-token", "staff", staff_id),
                )
                .await?;
            }
            tx.commit().await?;
            n
        }))
    }
}
