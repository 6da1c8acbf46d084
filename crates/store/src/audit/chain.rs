//! The chain's arithmetic and its check: each entry's hash is SHA-256 over the previous
//! entry's hash and a canonical encoding of the entry's own fields.

use sha2::{Digest as _, Sha256};

use super::{Actor, AuditEntry, AuditRecord, Who};
use crate::{Store, StoreError};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Adds one field: `~` for none, else its length in bytes, `:` and the bytes, so no two
/// different entries encode alike whatever their fields contain.
fn field(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => out.push(b'~'),
        Some(v) => {
            out.extend_from_slice(v.len().to_string().as_bytes());
            out.push(b':');
            out.extend_from_slice(v.as_bytes());
        }
    }
}

/// The hash of an entry with sequence number `seq`, written at `at`, after `prev`.
pub(crate) fn entry_hash(prev: &str, seq: i64, at: i64, entry: &AuditEntry) -> String {
    let (staff_id, role) = entry.who.actor.staff();
    let mut bytes = Vec::with_capacity(256);
    for value in [
        Some(prev),
        Some(&seq.to_string()),
        Some(&at.to_string()),
        Some(entry.who.actor.kind()),
        staff_id,
        role,
        Some(&entry.action),
        Some(&entry.entity),
        Some(&entry.entity_id),
        entry.client_id.as_deref(),
        entry.who.address.as_deref(),
    ] {
        field(&mut bytes, value);
    }
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a walk over the chain found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainCheck {
    /// Entries that checked out, from the first.
    pub valid: u64,
    /// The first entry that does not, if any.
    pub broken: Option<ChainBreak>,
}

/// The first entry where the chain breaks, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: String,
}

impl AuditRecord {
    /// The entry as it was hashed.
    fn as_entry(&self) -> Result<AuditEntry, String> {
        let actor = match self.actor.as_str() {
            "staff" => Actor::Staff {
                id: self.staff_id.clone().unwrap_or_default(),
                role: self.staff_role.clone().unwrap_or_default(),
            },
            "client" => Actor::Client,
            "system" => Actor::System,
            other => return Err(format!("unknown actor {other:?}")),
        };
        Ok(AuditEntry {
            who: Who {
                actor,
                address: self.address.clone(),
            },
            action: self.action.clone(),
            entity: self.entity.clone(),
            entity_id: self.entity_id.clone(),
            client_id: self.client_id.clone(),
        })
    }
}

/// How many entries one query reads while walking.
const PAGE: i64 = 1000;

impl Store {
    /// Walks the whole chain from the first entry and reports the first that does not
    /// follow from the one before it: a changed field, a changed hash, a missing or
    /// inserted entry, or a head that the last entry does not match.
    pub async fn verify_audit(&self) -> Result<ChainCheck, StoreError> {
        // Read the head first: entries appended while the walk runs lie beyond it.
        let (head_seq, head_hash): (i64, String) = on_read!(self, |pool| sqlx::query_as(
            "SELECT seq, hash FROM audit_head WHERE id = 1"
        )
        .fetch_one(pool)
        .await)?;
        let mut expected_seq = 1;
        let mut prev = GENESIS.to_owned();
        let broken = |seq: i64, reason: String, valid: i64| {
            Ok(ChainCheck {
                valid: valid as u64,
                broken: Some(ChainBreak { seq, reason }),
            })
        };
        loop {
            let page: Vec<AuditRecord> = on_read!(self, |pool| sqlx::query_as(&format!(
                "{} WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT {PAGE}",
                super::query::SELECT_ENTRY
            ))
            .bind(expected_seq)
            .bind(head_seq)
            .fetch_all(pool)
            .await)?;
            if page.is_empty() {
                break;
            }
            for row in &page {
                let valid = expected_seq - 1;
                if row.seq != expected_seq {
                    return broken(
                        expected_seq,
                        format!("entry {expected_seq} is missing (the next is {})", row.seq),
                        valid,
                    );
                }
                if row.prev_hash != prev {
                    return broken(
                        row.seq,
                        "its previous hash is not the hash of the entry before it".into(),
                        valid,
                    );
                }
                let entry = match row.as_entry() {
                    Ok(entry) => entry,
                    Err(reason) => return broken(row.seq, reason, valid),
                };
                if entry_hash(&prev, row.seq, row.at, &entry) != row.hash {
                    return broken(
                        row.seq,
                        "its fields do not match its hash: it was changed".into(),
                        valid,
                    );
                }
                prev = row.hash.clone();
                expected_seq += 1;
            }
        }
        let valid = expected_seq - 1;
        if valid != head_seq {
            return broken(
                valid + 1,
                format!(
                    "the chain ends at {valid} but its head says {head_seq}: entries were removed"
                ),
                valid,
            );
        }
        if prev != head_hash {
            return broken(
                valid,
                "the last entry's hash is not the chain head's".into(),
                valid,
            );
        }
        Ok(ChainCheck {
            valid: valid as u64,
            broken: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, client: Option<&str>) -> AuditEntry {
        AuditEntry {
            who: Who::staff("s1", "admin", Some("192.0.2.1".into())),
            action: action.into(),
            entity: "record".into(),
            entity_id: "b1".into(),
            client_id: client.map(str::to_owned),
        }
    }

    #[test]
    fn every_field_and_the_previous_hash_change_the_hash() {
        let base = entry_hash(GENESIS, 1, 100, &entry("read", Some("c1")));
        assert_eq!(base.len(), 64);
        assert_eq!(
            base,
            entry_hash(GENESIS, 1, 100, &entry("read", Some("c1")))
        );
        assert_ne!(
            base,
            entry_hash(&"1".repeat(64), 1, 100, &entry("read", Some("c1")))
        );
        assert_ne!(
            base,
            entry_hash(GENESIS, 2, 100, &entry("read", Some("c1")))
        );
        assert_ne!(
            base,
            entry_hash(GENESIS, 1, 101, &entry("read", Some("c1")))
        );
        assert_ne!(
            base,
            entry_hash(GENESIS, 1, 100, &entry("sign", Some("c1")))
        );
        assert_ne!(base, entry_hash(GENESIS, 1, 100, &entry("read", None)));
        assert_ne!(base, entry_hash(GENESIS, 1, 100, &entry("read", Some(""))));
        let mut other = entry("read", Some("c1"));
        other.who.address = None;
        assert_ne!(base, entry_hash(GENESIS, 1, 100, &other));
    }

    #[test]
    fn fields_cannot_borrow_from_each_other() {
        // "ab" + "c" and "a" + "bc" must not encode alike.
        let mut one = entry("read", None);
        one.entity = "ab".into();
        one.entity_id = "c".into();
        let mut two = entry("read", None);
        two.entity = "a".into();
        two.entity_id = "bc".into();
        assert_ne!(
            entry_hash(GENESIS, 1, 1, &one),
            entry_hash(GENESIS, 1, 1, &two)
        );
    }
}
