//! Which key the database's sealed secrets are under. The first process to start with a
//! key seals a known text with it into `secret_key_check`; every later start must open it,
//! so a process given another key stops at once instead of failing each sign-in. The same
//! start seals authenticator secrets written before sealing began, each exactly once.

use crate::db::now_s;
use crate::secrets::is_sealed;
use crate::{SecretKey, Store, StoreError};

const CHECK_CONTEXT: &str = "secret_key_check";
const CHECK_TEXT: &str = "collagen secret key check";

/// What a key makes of a database's sealed secrets (for `restore`'s warning).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFit {
    /// The database's secrets were sealed with this key.
    Opens,
    /// They were sealed with another key, which this one cannot stand in for.
    Wrong,
    /// Nothing was sealed yet: the first start with any key seals what there is.
    NothingSealed,
}

/// Where an authenticator secret is sealed for, so a sealed value fits only its own row.
pub(crate) fn two_factor_context(staff_id: &str) -> String {
    format!("staff_two_factor.secret:{staff_id}")
}

impl Store {
    /// Gives the store the key sealed secrets are kept under: checked against the
    /// database's check value (written now if there is none), then every authenticator
    /// secret still stored readable is sealed with it. Answers how many were sealed now;
    /// [`StoreError::WrongSecretKey`] when the database's secrets are under another key.
    /// Safe at every start and from several processes at once: each secret is sealed by
    /// one conditional update, which matches only while it is still the readable text.
    pub async fn unlock_secrets(&self, key: SecretKey) -> Result<u64, StoreError> {
        if self.secret_key.get().is_some_and(|k| *k != key) {
            return Err(StoreError::WrongSecretKey);
        }
        let check = key.seal(CHECK_CONTEXT, CHECK_TEXT);
        let sealed_now = in_write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO secret_key_check (id, sealed, created_at) VALUES (1, $1, $2)
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(&check)
            .bind(now_s())
            .execute(&mut *tx)
            .await?;
            let (stored,): (String,) =
                sqlx::query_as("SELECT sealed FROM secret_key_check WHERE id = 1")
                    .fetch_one(&mut *tx)
                    .await?;
            if key.open(CHECK_CONTEXT, &stored).as_deref() != Some(CHECK_TEXT) {
                return Err(StoreError::WrongSecretKey);
            }
            let readable: Vec<(String, String)> = sqlx::query_as(
                "SELECT staff_id, secret FROM staff_two_factor WHERE secret NOT LIKE 'v1:%'",
            )
            .fetch_all(&mut *tx)
            .await?;
            let mut sealed_now = 0;
            for (staff_id, secret) in readable {
                sealed_now += sqlx::query(
                    "UPDATE staff_two_factor SET secret = $3 WHERE staff_id = $1 AND secret = $2",
                )
                .bind(&staff_id)
                .bind(&secret)
                .bind(key.seal(&two_factor_context(&staff_id), &secret))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            tx.commit().await?;
            sealed_now
        });
        let _ = self.secret_key.set(key);
        Ok(sealed_now)
    }

    /// Whether `key` opens this database's sealed secrets, changing nothing.
    pub async fn key_fit(&self, key: &SecretKey) -> Result<KeyFit, StoreError> {
        let stored: Option<(String,)> = on_read!(self, |pool| {
            sqlx::query_as("SELECT sealed FROM secret_key_check WHERE id = 1")
                .fetch_optional(pool)
                .await
        })?;
        Ok(match stored {
            None => KeyFit::NothingSealed,
            Some((s,)) if key.open(CHECK_CONTEXT, &s).as_deref() == Some(CHECK_TEXT) => {
                KeyFit::Opens
            }
            Some(_) => KeyFit::Wrong,
        })
    }

    /// The key given by [`Store::unlock_secrets`].
    pub(crate) fn secret_key(&self) -> Result<&SecretKey, StoreError> {
        self.secret_key.get().ok_or(StoreError::NoSecretKey)
    }

    /// Seals an authenticator secret for its member's row.
    pub(crate) fn seal_two_factor(
        &self,
        staff_id: &str,
        secret: &str,
    ) -> Result<String, StoreError> {
        Ok(self
            .secret_key()?
            .seal(&two_factor_context(staff_id), secret))
    }

    /// Opens a member's stored authenticator secret; one written before sealing began (by
    /// an older process still running beside this one) is read as it is, and sealed at
    /// the next start.
    pub(crate) fn open_two_factor(
        &self,
        staff_id: &str,
        stored: &str,
    ) -> Result<String, StoreError> {
        if !is_sealed(stored) {
            return Ok(stored.to_owned());
        }
        self.secret_key()?
            .open(&two_factor_context(staff_id), stored)
            .ok_or(StoreError::WrongSecretKey)
    }
}
