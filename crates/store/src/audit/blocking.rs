//! Appending to the chain from the SQLite booking writer, which runs its statements on its
//! own thread without the async driver: the same statements as [`super::append`].

use super::chain::entry_hash;
use super::{AuditEntry, INSERT_ENTRY, NEXT_SEQ, SET_HEAD};
use crate::db::now_s;

/// Appends `entry` inside the writer's open transaction; answers its sequence number.
pub(crate) fn append_blocking(
    db: &rusqlite::Connection,
    entry: &AuditEntry,
) -> rusqlite::Result<i64> {
    let (seq, prev): (i64, String) = db
        .prepare_cached(NEXT_SEQ)?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let at = now_s();
    let hash = entry_hash(&prev, seq, at, entry);
    let (staff_id, staff_role) = entry.who.actor.staff();
    db.prepare_cached(INSERT_ENTRY)?.execute(rusqlite::params![
        seq,
        at,
        entry.who.actor.kind(),
        staff_id,
        staff_role,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.client_id,
        entry.who.address,
        prev,
        hash,
    ])?;
    db.prepare_cached(SET_HEAD)?.execute([&hash])?;
    Ok(seq)
}
