//! The audit trail: every read of a client's clinical data and every change to bookings,
//! clients, records, staff and setup, as an append-only hash chain.
//!
//! An entry names who acted (a staff member's id and role, a client, or the system), what
//! they did, to which entity, the client it belongs to and the remote address: ids only,
//! never a name, e-mail or phone, so erasing a client never rewrites the chain.
//!
//! Who is acting is set once per request by the edge ([`acting`]); a write method builds its
//! entry with [`AuditEntry::new`] (which reads it) and calls [`append`] as the last statement
//! before its commit, so the entry is written exactly when the change is.

mod blocking;
mod chain;
mod query;

pub(crate) use blocking::append_blocking;
pub use chain::{ChainBreak, ChainCheck};
pub use query::{AuditFilter, AuditRecord};

use std::future::Future;

use crate::db::now_s;
use crate::{Store, StoreError};

/// Who did something.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in staff member (or their API token), with the role they held at the time.
    Staff { id: String, role: String },
    /// A client on the public site (booking, manage link, consent, check-in).
    Client,
    /// The clinic's own processes: the mail worker, the command line.
    System,
}

impl Actor {
    /// The staff member's id and role, when a staff member acted.
    pub(crate) fn staff(&self) -> (Option<&str>, Option<&str>) {
        match self {
            Actor::Staff { id, role } => (Some(id.as_str()), Some(role.as_str())),
            _ => (None, None),
        }
    }

    /// The stored name of the kind of actor.
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::Staff { .. } => "staff",
            Actor::Client => "client",
            Actor::System => "system",
        }
    }
}

/// The actor of a request and the address it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Who {
    pub actor: Actor,
    pub address: Option<String>,
}

tokio::task_local! {
    static WHO: Who;
}

impl Who {
    /// A staff member acting from `address`.
    pub fn staff(id: &str, role: &str, address: Option<String>) -> Who {
        Who {
            actor: Actor::Staff {
                id: id.to_owned(),
                role: role.to_owned(),
            },
            address,
        }
    }

    /// A client acting from `address`.
    pub fn client(address: Option<String>) -> Who {
        Who {
            actor: Actor::Client,
            address,
        }
    }

    /// The clinic's own processes.
    pub fn system() -> Who {
        Who {
            actor: Actor::System,
            address: None,
        }
    }

    /// Who the running task acts for, as [`acting`] set it; the system outside any request.
    pub fn current() -> Who {
        WHO.try_with(Clone::clone).unwrap_or_else(|_| Who::system())
    }
}

/// Runs `work` on behalf of `who`: every audit entry it writes names them. The web edge
/// wraps each request in this, so workflows and store methods need no extra argument.
pub async fn acting<F: Future>(who: Who, work: F) -> F::Output {
    WHO.scope(who, work).await
}

/// One entry before it joins the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub who: Who,
    /// What was done: `read`, `create`, `update`, `cancel`, `sign`, `amend`, …
    pub action: String,
    /// What it was done to: `booking`, `client`, `record`, `photo`, `consent`, `staff`, …
    pub entity: String,
    pub entity_id: String,
    /// The client the entity belongs to, when it belongs to one.
    pub client_id: Option<String>,
}

impl AuditEntry {
    /// An entry for the current actor ([`Who::current`]).
    pub fn new(action: &str, entity: &str, entity_id: &str) -> AuditEntry {
        AuditEntry {
            who: Who::current(),
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id: entity_id.to_owned(),
            client_id: None,
        }
    }

    /// The same entry, belonging to `client_id`.
    pub fn for_client(mut self, client_id: &str) -> AuditEntry {
        self.client_id = Some(client_id.to_owned());
        self
    }
}

/// Takes the next sequence number and answers it with the chain's head hash.
const NEXT_SEQ: &str = "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash";
/// One entry, linked to the one before by `prev_hash`.
const INSERT_ENTRY: &str = "INSERT INTO audit_log (seq, at, actor, staff_id, staff_role, action,
         entity, entity_id, client_id, address, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
/// Moves the chain's head to the entry just written.
const SET_HEAD: &str = "UPDATE audit_head SET hash = $1 WHERE id = 1";

/// A write transaction an entry can be appended in, on either engine.
pub trait AppendTo {
    /// Appends `entry` to the chain; answers its sequence number.
    fn append_entry(
        &mut self,
        entry: &AuditEntry,
    ) -> impl Future<Output = Result<i64, sqlx::Error>> + Send;
}

/// Both engines run the same statements; the body is written once and expanded per engine.
macro_rules! append_to {
    ($db:ty) => {
        impl AppendTo for sqlx::Transaction<'_, $db> {
            async fn append_entry(&mut self, entry: &AuditEntry) -> Result<i64, sqlx::Error> {
                // Taking the head row's lock first serializes appends on PostgreSQL until
                // this transaction ends (SQLite holds its single write lock already).
                let (seq, prev): (i64, String) =
                    sqlx::query_as(NEXT_SEQ).fetch_one(&mut **self).await?;
                let at = now_s();
                let hash = chain::entry_hash(&prev, seq, at, entry);
                let (staff_id, staff_role) = entry.who.actor.staff();
                sqlx::query(INSERT_ENTRY)
                    .bind(seq)
                    .bind(at)
                    .bind(entry.who.actor.kind())
                    .bind(staff_id)
                    .bind(staff_role)
                    .bind(&entry.action)
                    .bind(&entry.entity)
                    .bind(&entry.entity_id)
                    .bind(entry.client_id.as_deref())
                    .bind(entry.who.address.as_deref())
                    .bind(&prev)
                    .bind(&hash)
                    .execute(&mut **self)
                    .await?;
                sqlx::query(SET_HEAD)
                    .bind(&hash)
                    .execute(&mut **self)
                    .await?;
                Ok(seq)
            }
        }
    };
}
append_to!(sqlx::Sqlite);
append_to!(sqlx::Postgres);

/// Appends `entry` inside a write transaction: call it last, just before the commit, so the
/// chain's head is held for as short a time as possible and the entry stands or falls with
/// the change it records.
pub async fn append<T: AppendTo>(tx: &mut T, entry: &AuditEntry) -> Result<i64, sqlx::Error> {
    tx.append_entry(entry).await
}

impl Store {
    /// Writes `entries` in one transaction: for reads, which change nothing else. The page
    /// or answer is served only after this returns.
    pub async fn audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        in_write_tx!(self, |tx| {
            for entry in entries {
                append(&mut tx, entry).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Writes one entry: a read, or a change made outside the store's own write methods.
    pub async fn audit_one(&self, entry: AuditEntry) -> Result<(), StoreError> {
        self.audit(std::slice::from_ref(&entry)).await
    }
}
