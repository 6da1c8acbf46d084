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
    pub answers: String,
    pub outcome: String,
    pub earliest_date: Option<String>,
    pub findings: String,
    pub treatment_date: String,
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
                "INSERT INTO screenings (id, ruleset_version, answers, outcome, earliest_date, findings, treatment_date, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&id)
            .bind(&new.ruleset_version)
            .bind(&new.answers)
            .bind(&new.outcome)
            .bind(new.earliest_date.as_deref())
            .bind(&new.findings)
            .bind(&new.treatment_date)
            .bind(now_s())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(id)
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
