//! The clinic's setup: one validated document, plus rows that bookings refer to by id.

use clinic::ClinicSetup;

use crate::db::now_s;
use crate::{Store, StoreError};

impl Store {
    /// The stored setup and its version, or `None` on an empty database.
    pub async fn load_setup(&self) -> Result<Option<(ClinicSetup, i64)>, StoreError> {
        let row: Option<(String, i64)> = on_read!(self, |pool| {
            sqlx::query_as("SELECT document, version FROM clinic_setup WHERE id = 1")
                .fetch_optional(pool)
                .await
        })?;
        row.map(|(document, version)| {
            serde_json::from_str(&document)
                .map(|s| (s, version))
                .map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .transpose()
    }

    /// The setup's version alone: cheap enough to ask on every request.
    pub async fn setup_version(&self) -> Result<i64, StoreError> {
        let row: Option<(i64,)> = on_read!(self, |pool| sqlx::query_as(
            "SELECT version FROM clinic_setup WHERE id = 1"
        )
        .fetch_optional(pool)
        .await)?;
        Ok(row.map_or(0, |r| r.0))
    }

    /// Stores a validated setup in one transaction, updating every record by its id.
    /// Records the new setup leaves out are kept (past bookings name them) but retired.
    pub async fn save_setup(&self, setup: &ClinicSetup) -> Result<i64, StoreError> {
        let document =
            serde_json::to_string(setup).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let now = now_s();
        in_write_tx!(self, |tx| {
            let (version,): (i64,) = sqlx::query_as(
                "INSERT INTO clinic_setup (id, document, version, updated_at) VALUES (1, $1, 1, $2)
                 ON CONFLICT (id) DO UPDATE SET document = excluded.document,
                     version = clinic_setup.version + 1, updated_at = excluded.updated_at
                 RETURNING version",
            )
            .bind(&document)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("UPDATE rooms SET active = FALSE")
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE practitioners SET active = FALSE")
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE services SET active = FALSE")
                .execute(&mut *tx)
                .await?;
            for room in &setup.rooms {
                sqlx::query(
                    "INSERT INTO rooms (id, name, active) VALUES ($1, $2, TRUE)
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name, active = TRUE",
                )
                .bind(&room.id)
                .bind(&room.name)
                .execute(&mut *tx)
                .await?;
            }
            for p in &setup.practitioners {
                sqlx::query(
                    "INSERT INTO practitioners (id, name, title, active) VALUES ($1, $2, $3, TRUE)
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name, title = excluded.title, active = TRUE",
                )
                .bind(&p.id)
                .bind(&p.name)
                .bind(&p.title)
                .execute(&mut *tx)
                .await?;
            }
            for s in &setup.services {
                sqlx::query(
                    "INSERT INTO services (id, name, price, active) VALUES ($1, $2, $3, TRUE)
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name, price = excluded.price, active = TRUE",
                )
                .bind(&s.id)
                .bind(&s.name)
                .bind(&s.price)
                .execute(&mut *tx)
                .await?;
            }
            crate::audit::append(
                &mut tx,
                &crate::AuditEntry::new("update", "setup", &version.to_string()),
            )
            .await?;
            tx.commit().await?;
            Ok(version)
        })
    }
}
