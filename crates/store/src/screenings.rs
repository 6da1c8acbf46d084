//! Screening results. Answers are health data: stored with the rule-set version that
//! judged them, and shown to clinical staff only.

use crate::db::now_s;
use crate::{Store, StoreError, new_id};

/// A screening as stored.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ScreeningRecord {
    pub id: String,
    pub client_id: Option<String>,
    pub ruleset_version: String,
    /// The answers as JSON.
    pub answers: String,
    pub outcome: String,
    pub earliest_date: Option<String>,
    /// The findings as JSON.
    pub findings: String,
    pub treatment_date: String,
    pub created_at: i64,
}

/// What a new screening stores.
#[derive(Clone, Debug)]
pub struct NewScreening {
    pub ruleset_version: String,
    /// The areas the answers were given for (`face`, `body`, `scalp`); never empty.
    pub areas: Vec<String>,
    pub answers: String,
    pub outcome: String,
    pub earliest_date: Option<String>,
    pub findings: String,
    pub treatment_date: String,
}

/// What a screening covers: the areas answered for, whose it is, and when it was answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScreeningScope {
    /// Area ids (`face`, `body`, `scalp`).
    pub areas: Vec<String>,
    /// The lower-cased e-mail of the client who first booked with it; `None` until then.
    pub email: Option<String>,
    /// When it was answered, in Unix seconds.
    pub created_at: i64,
    /// When the client last said at arrival that nothing had changed, in Unix seconds.
    pub confirmed_at: Option<i64>,
}

const SELECT_SCREENING: &str =
    "SELECT id, client_id, ruleset_version, answers, outcome, earliest_date, findings,
    treatment_date, created_at FROM screenings";

impl Store {
    /// Stores a screening and returns its id.
    pub async fn insert_screening(&self, new: &NewScreening) -> Result<String, StoreError> {
        let id = new_id();
        in_write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO screenings (id, ruleset_version, answers, outcome, earliest_date, findings, treatment_date, created_at, areas)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&id)
            .bind(&new.ruleset_version)
            .bind(&new.answers)
            .bind(&new.outcome)
            .bind(new.earliest_date.as_deref())
            .bind(&new.findings)
            .bind(&new.treatment_date)
            .bind(now_s())
            .bind(new.areas.join(","))
            .execute(&mut *tx)
            .await?;
            crate::audit::append(&mut tx, &crate::AuditEntry::new("create", "screening", &id))
                .await?;
            tx.commit().await?;
        });
        Ok(id)
    }

    /// What a screening covers (areas, owner, age), or `None` when no screening has this id.
    pub async fn screening_scope(&self, id: &str) -> Result<Option<ScreeningScope>, StoreError> {
        let row: Option<(String, Option<String>, i64, Option<i64>)> = on_read!(self, |pool| {
            sqlx::query_as(
                "SELECT areas, email, created_at, confirmed_at FROM screenings WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        Ok(
            row.map(|(areas, email, created_at, confirmed_at)| ScreeningScope {
                areas: areas
                    .split(',')
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned)
                    .collect(),
                email,
                created_at,
                confirmed_at,
            }),
        )
    }

    /// Binds a screening to the client booking with it, atomically: true when it is now
    /// theirs (it had no owner, or already was theirs), false when it belongs to someone else
    /// or does not exist. `email` is compared as given; callers pass it lower-cased.
    pub async fn claim_screening(&self, id: &str, email: &str) -> Result<bool, StoreError> {
        Ok(in_write_tx!(self, |tx| {
            let n = sqlx::query(
                "UPDATE screenings SET email = $1 WHERE id = $2 AND (email IS NULL OR email = $1)",
            )
            .bind(email)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            n == 1
        }))
    }

    /// Records that the client confirmed at `now` that nothing has changed since answering;
    /// false when no screening has this id.
    pub async fn confirm_screening(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        Ok(in_write_tx!(self, |tx| {
            let n = sqlx::query("UPDATE screenings SET confirmed_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let client: Option<(Option<String>,)> =
                sqlx::query_as("SELECT client_id FROM screenings WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some((client_id,)) = client {
                let mut entry = crate::AuditEntry::new("reconfirm", "screening", id);
                entry.client_id = client_id;
                crate::audit::append(&mut tx, &entry).await?;
            }
            tx.commit().await?;
            n == 1
        }))
    }

    /// Links a screening to the client record its booking made, so the client's page lists
    /// it; a screening already linked keeps its client.
    pub async fn link_screening_client(&self, id: &str, client_id: &str) -> Result<(), StoreError> {
        in_write_tx!(self, |tx| {
            sqlx::query("UPDATE screenings SET client_id = $1 WHERE id = $2 AND client_id IS NULL")
                .bind(client_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// A screening by id.
    pub async fn screening(&self, id: &str) -> Result<Option<ScreeningRecord>, StoreError> {
        let sql = format!("{SELECT_SCREENING} WHERE id = $1");
        Ok(on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?)
    }

    /// A client's screenings, newest first.
    pub async fn screenings_for_client(
        &self,
        client_id: &str,
    ) -> Result<Vec<ScreeningRecord>, StoreError> {
        let sql = format!("{SELECT_SCREENING} WHERE client_id = $1 ORDER BY created_at DESC");
        Ok(on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(client_id)
            .fetch_all(pool)
            .await)?)
    }
}
