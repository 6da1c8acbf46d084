//! Staff logins and their sessions. Passwords arrive already hashed (argon2id, at the web
//! edge); session tokens are stored only as hashes, like manage tokens.

use crate::db::now_s;
use crate::{Client, Store, StoreError, new_id};

/// A staff member as the back office sees them.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Staff {
    pub id: String,
    pub email: String,
    /// `admin`, `practitioner` or `front-desk`.
    pub role: String,
    pub practitioner_id: Option<String>,
    pub active: bool,
}

#[derive(sqlx::FromRow)]
struct StaffWithHash {
    id: String,
    email: String,
    role: String,
    practitioner_id: Option<String>,
    active: bool,
    password_hash: String,
}

impl Store {
    /// Creates a staff login; `Ok(None)` when the email is already taken.
    pub async fn create_staff(
        &self,
        email: &str,
        password_hash: &str,
        role: &str,
        practitioner_id: Option<&str>,
    ) -> Result<Option<Staff>, StoreError> {
        let email = email.trim().to_lowercase();
        let id = new_id();
        let result = in_write_tx!(self, |tx| {
            let inserted = sqlx::query(
                "INSERT INTO staff (id, email, password_hash, role, practitioner_id, active, created_at)
                 VALUES ($1, $2, $3, $4, $5, TRUE, $6) ON CONFLICT (email) DO NOTHING",
            )
            .bind(&id)
            .bind(&email)
            .bind(password_hash)
            .bind(role)
            .bind(practitioner_id)
            .bind(now_s())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 1 {
                crate::audit::append(&mut tx, &crate::AuditEntry::new("create", "staff", &id))
                    .await?;
            }
            tx.commit().await?;
            inserted
        });
        Ok((result == 1).then(|| Staff {
            id,
            email,
            role: role.to_owned(),
            practitioner_id: practitioner_id.map(str::to_owned),
            active: true,
        }))
    }

    /// A staff member and their password hash, for signing in.
    pub async fn staff_for_login(
        &self,
        email: &str,
    ) -> Result<Option<(Staff, String)>, StoreError> {
        let email = email.trim().to_lowercase();
        let row: Option<StaffWithHash> = on_read!(self, |pool| {
            sqlx::query_as("SELECT id, email, role, practitioner_id, active, password_hash FROM staff WHERE email = $1")
                .bind(&email)
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
                r.password_hash,
            )
        }))
    }

    /// Every staff login, for the admin's staff screen.
    pub async fn staff_list(&self) -> Result<Vec<Staff>, StoreError> {
        Ok(on_read!(self, |pool| {
            sqlx::query_as(
                "SELECT id, email, role, practitioner_id, active FROM staff ORDER BY email",
            )
            .fetch_all(pool)
            .await
        })?)
    }

    /// Enables or disables a login; disabling also ends its sessions.
    pub async fn set_staff_active(&self, id: &str, active: bool) -> Result<bool, StoreError> {
        Ok(in_write_tx!(self, |tx| {
            let n = sqlx::query("UPDATE staff SET active = $1 WHERE id = $2")
                .bind(active)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if !active {
                sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            if n == 1 {
                let action = if active { "enable" } else { "disable" };
                crate::audit::append(&mut tx, &crate::AuditEntry::new(action, "staff", id)).await?;
            }
            tx.commit().await?;
            n == 1
        }))
    }

    /// Replaces a password and ends the login's sessions.
    pub async fn set_staff_password(
        &self,
        id: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        Ok(in_write_tx!(self, |tx| {
            let n = sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
                .bind(password_hash)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if n == 1 {
                crate::audit::append(
                    &mut tx,
                    &crate::AuditEntry::new("set-password", "staff", id),
                )
                .await?;
            }
            tx.commit().await?;
            n == 1
        }))
    }

    /// Clients whose name holds every word of `query`, whose email or phone contains it, or
    /// whose phone's digits contain its digits (case-insensitive), up to 50.
    pub async fn search_clients(&self, query: &str) -> Result<Vec<Client>, StoreError> {
        let query = query.trim().to_lowercase().replace(['%', '_', '\\'], "");
        // Each word must appear somewhere in the name, in any order: "lop mar" finds
        // "Maria Lopez". A few words are plenty; more would only narrow to nothing.
        let words: Vec<String> = query
            .split_whitespace()
            .take(4)
            .map(|w| format!("%{w}%"))
            .collect();
        // A query of phone characters only is also matched against the phone's digits, so
        // "5550142" finds "555 0142" and "+1 (555) 014" finds "1-555-0142".
        let digits = crate::phone_digits(&query);
        let phone_like = digits.len() >= 3
            && query
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        let digits_pattern = if phone_like {
            format!("%{digits}%")
        } else {
            String::new()
        };
        let whole = format!("%{query}%");
        let mut sql = format!(
            "SELECT id, name, email, phone FROM clients
             WHERE email LIKE $1 OR COALESCE(phone, '') LIKE $1
                OR ($2 <> '' AND {} LIKE $2)",
            crate::contact::PHONE_DIGITS_SQL
        );
        if !words.is_empty() {
            let each: Vec<String> = (0..words.len())
                .map(|i| format!("LOWER(name) LIKE ${}", i + 3))
                .collect();
            sql.push_str(&format!(" OR ({})", each.join(" AND ")));
        }
        sql.push_str(" ORDER BY name LIMIT 50");
        let rows: Vec<(String, String, String, Option<String>)> = on_read!(self, |pool| {
            let mut q = sqlx::query_as(&sql).bind(&whole).bind(&digits_pattern);
            for w in &words {
                q = q.bind(w);
            }
            q.fetch_all(pool).await
        })?;
        Ok(rows
            .into_iter()
            .map(|(id, name, email, phone)| Client {
                id,
                name,
                email,
                phone,
            })
            .collect())
    }

    /// One client by id.
    pub async fn client(&self, id: &str) -> Result<Option<Client>, StoreError> {
        let row: Option<(String, String, String, Option<String>)> = on_read!(self, |pool| {
            sqlx::query_as("SELECT id, name, email, phone FROM clients WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row.map(|(id, name, email, phone)| Client {
            id,
            name,
            email,
            phone,
        }))
    }
}
