//! Reading the trail back: for the back office's audit page, its JSON and the client page's
//! "who looked at this record".

use crate::{Store, StoreError};

/// One stored entry.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRecord {
    pub seq: i64,
    /// Unix seconds.
    pub at: i64,
    /// `staff`, `client` or `system`.
    pub actor: String,
    pub staff_id: Option<String>,
    pub staff_role: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub client_id: Option<String>,
    pub address: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

pub(crate) const SELECT_ENTRY: &str = "SELECT seq, at, actor, staff_id, staff_role, action, \
    entity, entity_id, client_id, address, prev_hash, hash FROM audit_log";

/// Which entries to list; every field left `None` matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub client_id: Option<String>,
    pub staff_id: Option<String>,
    pub action: Option<String>,
    /// From this instant (Unix seconds), inclusive.
    pub from: Option<i64>,
    /// Before this instant (Unix seconds), exclusive.
    pub to: Option<i64>,
    /// Only entries older than this sequence number: the next page.
    pub before: Option<i64>,
}

impl Store {
    /// Up to `limit` entries matching `filter`, newest first.
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let sql = format!(
            "{SELECT_ENTRY}
             WHERE ($1 IS NULL OR client_id = $1) AND ($2 IS NULL OR staff_id = $2)
               AND ($3 IS NULL OR action = $3) AND ($4 IS NULL OR at >= $4)
               AND ($5 IS NULL OR at < $5) AND ($6 IS NULL OR seq < $6)
             ORDER BY seq DESC LIMIT $7"
        );
        Ok(on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(filter.client_id.as_deref())
            .bind(filter.staff_id.as_deref())
            .bind(filter.action.as_deref())
            .bind(filter.from)
            .bind(filter.to)
            .bind(filter.before)
            .bind(limit)
            .fetch_all(pool)
            .await)?)
    }
}
