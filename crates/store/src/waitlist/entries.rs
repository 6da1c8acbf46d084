//! Joining, reading and leaving the waitlist.

use jiff::civil::Date;

use super::{EntryRow, EntryStatus, NewWaitlistEntry, SELECT_ENTRY, WaitlistEntry};
use crate::db::now_s;
use crate::outbox::{Mail, queue_mail};
use crate::{BookedAs, Client, Store, StoreError, new_id};

/// Entries still waiting whose range overlaps `$1..=$2`, with no open offer, in the order
/// they joined.
const WAITING: &str = "WHERE w.status = 'waiting' AND w.from_date <= $2 AND w.to_date >= $1
    AND NOT EXISTS (SELECT 1 FROM waitlist_offers o WHERE o.entry_id = w.id AND o.status = 'open')
    ORDER BY w.joined_us, w.id LIMIT $3";

impl Store {
    /// Adds a client to the waitlist, with the mail `compose` writes, in one transaction.
    /// As with a booking, an existing client is found by e-mail and left as it is; the
    /// name and phone typed are kept on the entry.
    pub async fn join_waitlist(
        &self,
        new: &NewWaitlistEntry,
        compose: impl FnOnce(&WaitlistEntry) -> Vec<Mail>,
    ) -> Result<WaitlistEntry, StoreError> {
        let now = jiff::Timestamp::now();
        let email = new.client.email.trim().to_lowercase();
        let id = new_id();
        in_write_tx!(self, |tx| {
            let (client_id, client_name, client_phone): (String, String, Option<String>) =
                sqlx::query_as(
                    "INSERT INTO clients (id, email, name, phone, created_at) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (email) DO UPDATE SET email = clients.email
                     RETURNING id, name, phone",
                )
                .bind(new_id())
                .bind(&email)
                .bind(new.client.name.trim())
                .bind(new.client.phone.as_deref())
                .bind(now.as_second())
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO waitlist_entries (id, client_id, service_id, practitioner_id, from_date,
                     to_date, times, screening_id, joined_name, joined_phone, manage_token_hash,
                     status, joined_us, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'waiting', $12, $13)",
            )
            .bind(&id)
            .bind(&client_id)
            .bind(&new.service_id)
            .bind(new.practitioner_id.as_deref())
            .bind(new.from.to_string())
            .bind(new.to.to_string())
            .bind(new.times.join(","))
            .bind(new.screening_id.as_deref())
            .bind(new.client.name.trim())
            .bind(new.client.phone.as_deref())
            .bind(&new.manage_token_hash)
            .bind(now.as_microsecond())
            .bind(now.as_second())
            .execute(&mut *tx)
            .await?;
            let entry = WaitlistEntry {
                id,
                service_id: new.service_id.clone(),
                practitioner_id: new.practitioner_id.clone(),
                from: new.from,
                to: new.to,
                times: new.times.clone(),
                screening_id: new.screening_id.clone(),
                status: EntryStatus::Waiting,
                joined_at: now,
                client: Client {
                    id: client_id,
                    name: client_name,
                    email,
                    phone: client_phone,
                },
                joined_as: BookedAs {
                    name: new.client.name.trim().to_owned(),
                    phone: new.client.phone.clone(),
                },
            };
            for mail in compose(&entry) {
                queue_mail(&mut *tx, None, &mail, now.as_second()).await?;
            }
            tx.commit().await?;
            Ok(entry)
        })
    }

    /// One entry by id.
    pub async fn waitlist_entry(&self, id: &str) -> Result<Option<WaitlistEntry>, StoreError> {
        let sql = format!("{SELECT_ENTRY} WHERE w.id = $1");
        let row: Option<EntryRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?;
        row.map(WaitlistEntry::try_from).transpose()
    }

    /// The entry a manage token opens (the token's SHA-256 hash).
    pub async fn waitlist_entry_by_token_hash(
        &self,
        hash: &str,
    ) -> Result<Option<WaitlistEntry>, StoreError> {
        let sql = format!("{SELECT_ENTRY} WHERE w.manage_token_hash = $1");
        let row: Option<EntryRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(hash)
            .fetch_optional(pool)
            .await)?;
        row.map(WaitlistEntry::try_from).transpose()
    }

    /// Entries still waiting for a time on some day of `from..=to` and holding no open
    /// offer, first joined first, at most `limit`.
    pub async fn waiting_entries(
        &self,
        from: Date,
        to: Date,
        limit: i64,
    ) -> Result<Vec<WaitlistEntry>, StoreError> {
        let sql = format!("{SELECT_ENTRY} {WAITING}");
        let rows: Vec<EntryRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(from.to_string())
            .bind(to.to_string())
            .bind(limit)
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(WaitlistEntry::try_from).collect()
    }

    /// Every entry still waiting whose range includes `day`, offered or not, in the order
    /// they joined: the front desk's list for that day.
    pub async fn waitlist_for_day(&self, day: Date) -> Result<Vec<WaitlistEntry>, StoreError> {
        let sql = format!(
            "{SELECT_ENTRY} WHERE w.status = 'waiting' AND w.from_date <= $1 AND w.to_date >= $1
             ORDER BY w.joined_us, w.id LIMIT 500"
        );
        let rows: Vec<EntryRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(day.to_string())
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(WaitlistEntry::try_from).collect()
    }

    /// Takes a waiting entry off the list; an open offer it holds is withdrawn and its time
    /// released in the same transaction. `false` when it was no longer waiting.
    pub async fn leave_waitlist(&self, entry_id: &str) -> Result<bool, StoreError> {
        let now = now_s();
        let left = in_write_tx!(self, |tx| {
            let done = sqlx::query(
                "UPDATE waitlist_entries SET status = $1, updated_at = $2
                 WHERE id = $3 AND status = 'waiting'",
            )
            .bind(EntryStatus::Left.as_str())
            .bind(now)
            .bind(entry_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if done {
                sqlx::query(
                    "DELETE FROM holds WHERE offer_id IN
                     (SELECT id FROM waitlist_offers WHERE entry_id = $1 AND status = 'open')",
                )
                .bind(entry_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE waitlist_offers SET status = 'withdrawn', closed_at = $1
                     WHERE entry_id = $2 AND status = 'open'",
                )
                .bind(now)
                .bind(entry_id)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(done)
        })?;
        self.holds_changed();
        Ok(left)
    }

    /// Marks waiting entries whose last date is before `today` as lapsed; how many.
    pub async fn lapse_waitlist(&self, today: Date) -> Result<u64, StoreError> {
        let now = now_s();
        let lapsed = in_write_tx!(self, |tx| {
            let n = sqlx::query(
                "UPDATE waitlist_entries SET status = 'lapsed', updated_at = $1
                 WHERE status = 'waiting' AND to_date < $2
                   AND NOT EXISTS (SELECT 1 FROM waitlist_offers o
                                   WHERE o.entry_id = waitlist_entries.id AND o.status = 'open')",
            )
            .bind(now)
            .bind(today.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            Ok::<_, StoreError>(n)
        })?;
        Ok(lapsed)
    }
}
