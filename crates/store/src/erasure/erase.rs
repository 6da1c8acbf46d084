//! The erasure itself: one transaction that removes or anonymises what the clinic may
//! erase and keeps the treatments' clinical record until the retention ends.

use jiff::Timestamp;

use super::{Erased, Erasure, ErasureRow, Kept, SELECT_ERASURE};
use crate::{Store, StoreError, new_id};

/// A booking still ahead, which stops an erasure until it is cancelled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upcoming {
    pub reference: String,
    pub start: Timestamp,
    pub status: String,
}

/// What the workflow's guard sees of the client inside the erasure's transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErasureFacts {
    /// Bookings confirmed, pending review or arrived that have not ended.
    pub upcoming: Vec<Upcoming>,
    /// The start of the last treatment: a completed booking or one with a signed record.
    pub last_treatment_at: Option<Timestamp>,
}

/// Why an erasure did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ErasureError<E> {
    /// The guard said no; nothing was written.
    #[error("refused")]
    Refused(E),
    #[error("no such client")]
    NotFound,
    #[error("the client was erased already")]
    AlreadyErased,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<E> From<sqlx::Error> for ErasureError<E> {
    fn from(err: sqlx::Error) -> Self {
        ErasureError::Store(StoreError::Database(err))
    }
}

/// Every booking of the client (`$1`).
macro_rules! all_bookings {
    () => {
        "(SELECT id FROM bookings WHERE client_id = $1)"
    };
}

/// The client's treatments: completed, or with a signed record. Their clinical record is kept.
macro_rules! treatments {
    () => {
        "(SELECT b.id FROM bookings b WHERE b.client_id = $1 AND (b.status = 'completed'
            OR EXISTS (SELECT 1 FROM treatment_records r
                       WHERE r.booking_id = b.id AND r.signed_at IS NOT NULL)))"
    };
}

/// Bookings with a signed record: their photos are part of that record.
macro_rules! signed {
    () => {
        "(SELECT booking_id FROM treatment_records WHERE signed_at IS NOT NULL)"
    };
}

/// What an erasure changes when a treatment's record is kept, in order, each with the
/// client's id as `$1`. Rows that refer to a booking go before the booking.
const ANONYMISE: &[&str] = &[
    concat!(
        "DELETE FROM booking_links WHERE booking_id IN ",
        all_bookings!()
    ),
    concat!(
        "DELETE FROM screening_links WHERE booking_id IN ",
        all_bookings!()
    ),
    "DELETE FROM message_optouts WHERE client_id = $1",
    concat!(
        "UPDATE checkins SET note = NULL WHERE note IS NOT NULL AND booking_id IN ",
        all_bookings!()
    ),
    concat!(
        "DELETE FROM treatment_records WHERE signed_at IS NULL AND booking_id IN ",
        all_bookings!()
    ),
    concat!(
        "DELETE FROM record_lots WHERE booking_id IN ",
        all_bookings!(),
        " AND booking_id NOT IN ",
        signed!()
    ),
    concat!(
        "DELETE FROM photos WHERE booking_id IN ",
        all_bookings!(),
        " AND booking_id NOT IN ",
        signed!()
    ),
    "UPDATE consents SET choice = NULL WHERE client_id = $1 AND choice = 'marketing'",
    concat!(
        "DELETE FROM checkin_alerts WHERE booking_id IN ",
        all_bookings!(),
        " AND booking_id NOT IN ",
        treatments!()
    ),
    concat!(
        "DELETE FROM checkins WHERE booking_id IN ",
        all_bookings!(),
        " AND booking_id NOT IN ",
        treatments!()
    ),
    concat!(
        "DELETE FROM checkin_windows WHERE booking_id IN ",
        all_bookings!(),
        " AND booking_id NOT IN ",
        treatments!()
    ),
    concat!(
        "DELETE FROM completion_overrides WHERE booking_id IN ",
        all_bookings!(),
        " AND booking_id NOT IN ",
        treatments!()
    ),
    // A booking a signed consent names stays while the consent does (its foreign key).
    concat!(
        "DELETE FROM bookings WHERE client_id = $1 AND id NOT IN ",
        treatments!(),
        " AND id NOT IN (SELECT booking_id FROM consents WHERE client_id = $1)"
    ),
    concat!(
        "UPDATE bookings SET screening_id = NULL WHERE client_id = $1 AND id NOT IN ",
        treatments!()
    ),
    // The manage link dies with its hash; `erased:` never equals a SHA-256 in hex.
    "UPDATE bookings SET booked_name = '', booked_phone = NULL, notes = '',
        manage_token_hash = 'erased:' || id WHERE client_id = $1",
    "DELETE FROM screenings WHERE client_id = $1
        AND id NOT IN (SELECT screening_id FROM bookings WHERE screening_id IS NOT NULL)",
    "UPDATE screenings SET email = NULL WHERE client_id = $1",
    "UPDATE clients SET name = 'Erased client', email = 'erased-' || id || '@erased.invalid',
        phone = NULL WHERE id = $1",
];

/// Counts what [`ANONYMISE`] will keep, read before it runs (the erasure row is written
/// once, before the changes its existence permits), with the client's id as `$1`.
const COUNT_KEPT: &str = concat!(
    "SELECT
        (SELECT COUNT(*) FROM bookings WHERE client_id = $1 AND (id IN ", treatments!(),
        " OR id IN (SELECT booking_id FROM consents WHERE client_id = $1))),
        (SELECT COUNT(*) FROM treatment_records WHERE signed_at IS NOT NULL AND booking_id IN ",
        all_bookings!(), "),
        (SELECT COUNT(*) FROM consents WHERE client_id = $1),
        (SELECT COUNT(*) FROM screenings WHERE id IN (SELECT screening_id FROM bookings WHERE id IN ",
        treatments!(), ")),
        (SELECT COUNT(*) FROM photos WHERE booking_id IN ", all_bookings!(), " AND booking_id IN ",
        signed!(), "),
        (SELECT COUNT(*) FROM checkins WHERE booking_id IN ", treatments!(), ")"
);

/// Bookings still ahead of the client (`$1`) at `$2`: confirmed, pending review or arrived,
/// and not yet ended.
const UPCOMING: &str = "SELECT reference, start_at, status FROM bookings WHERE client_id = $1
    AND status IN ('confirmed', 'pending_review', 'arrived') AND end_at > $2
    ORDER BY start_at";

/// The start of the client's (`$1`) last treatment.
const LAST_TREATMENT: &str = concat!(
    "SELECT MAX(start_at) FROM bookings WHERE id IN ",
    treatments!()
);

/// The guard's facts from the rows read.
fn facts_from(
    upcoming: Vec<(String, i64, String)>,
    last: Option<i64>,
) -> Result<ErasureFacts, StoreError> {
    let at = |s: i64| Timestamp::from_second(s).map_err(|e| StoreError::Corrupt(e.to_string()));
    Ok(ErasureFacts {
        upcoming: upcoming
            .into_iter()
            .map(|(reference, start, status)| {
                Ok(Upcoming {
                    reference,
                    start: at(start)?,
                    status,
                })
            })
            .collect::<Result<_, StoreError>>()?,
        last_treatment_at: last.map(at).transpose()?,
    })
}

/// Reads the guard's facts about the client `$client` as of `$now_s` through `$exec` (a
/// transaction's `&mut *tx`, or a pool), so the preview and the erasure read them alike.
macro_rules! read_facts {
    ($exec:expr, $client:expr, $now_s:expr) => {{
        let upcoming: Vec<(String, i64, String)> = sqlx::query_as(UPCOMING)
            .bind($client)
            .bind($now_s)
            .fetch_all($exec)
            .await?;
        let (last,): (Option<i64>,) = sqlx::query_as(LAST_TREATMENT)
            .bind($client)
            .fetch_one($exec)
            .await?;
        facts_from(upcoming, last)?
    }};
}

/// What an erasure of one client would meet and keep, read without changing anything, for
/// the page that asks staff to confirm it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErasurePreview {
    pub facts: ErasureFacts,
    /// What would be kept if the retention ends after the erasure.
    pub kept: Kept,
}

impl Store {
    /// What erasing the client with this id at `now` would meet (bookings ahead, the last
    /// treatment) and keep; the erasure itself reads the same facts again in its transaction.
    pub async fn erasure_preview(
        &self,
        client_id: &str,
        now: Timestamp,
    ) -> Result<ErasurePreview, StoreError> {
        let now_s = now.as_second();
        on_read!(self, |pool| {
            let facts = read_facts!(pool, client_id, now_s);
            let counts: (i64, i64, i64, i64, i64, i64) = sqlx::query_as(COUNT_KEPT)
                .bind(client_id)
                .fetch_one(pool)
                .await?;
            Ok(ErasurePreview {
                facts,
                kept: kept_from(counts),
            })
        })
    }
}

/// The counts [`COUNT_KEPT`] answers, by kind.
fn kept_from(counts: (i64, i64, i64, i64, i64, i64)) -> Kept {
    Kept {
        bookings: counts.0,
        treatment_records: counts.1,
        consents: counts.2,
        screenings: counts.3,
        photos: counts.4,
        checkins: counts.5,
    }
}

impl Store {
    /// Erases the client with this e-mail as `requested_by` at `now`. `decide` sees the
    /// client's bookings still ahead and their last treatment, and answers until when the
    /// clinical record is kept (or refuses). What the clinic may erase goes at once; when
    /// nothing needs keeping (`keep_until <= now`) the purge runs in the same transaction.
    pub async fn erase_client<E>(
        &self,
        email: &str,
        requested_by: &str,
        now: Timestamp,
        decide: impl FnOnce(&ErasureFacts) -> Result<Timestamp, E>,
    ) -> Result<Erased, ErasureError<E>> {
        let email = email.trim().to_lowercase();
        let now_s = now.as_second();
        let erased = in_write_tx!(self, |tx| {
            let client: Option<(String,)> =
                sqlx::query_as("SELECT id FROM clients WHERE email = $1")
                    .bind(&email)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((client_id,)) = client else {
                return Err(ErasureError::NotFound);
            };
            let already: Option<(String,)> =
                sqlx::query_as("SELECT id FROM erasures WHERE client_id = $1")
                    .bind(&client_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if already.is_some() {
                return Err(ErasureError::AlreadyErased);
            }
            let facts = read_facts!(&mut *tx, &client_id, now_s);
            let keep_until = decide(&facts).map_err(ErasureError::Refused)?.as_second();
            // Every message to or about the client: queued, sent or failed alike.
            let outbox_ids: Vec<(String,)> = sqlx::query_as(concat!(
                "SELECT id FROM outbox WHERE recipient = $2 OR booking_id IN ",
                all_bookings!()
            ))
            .bind(&client_id)
            .bind(&email)
            .fetch_all(&mut *tx)
            .await?;
            for (id,) in &outbox_ids {
                sqlx::query("DELETE FROM outbox WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            // Screenings answered under the e-mail but never tied to a booking.
            sqlx::query(
                "DELETE FROM screenings WHERE client_id IS NULL AND email = $1
                   AND id NOT IN (SELECT screening_id FROM bookings WHERE screening_id IS NOT NULL)",
            )
            .bind(&email)
            .execute(&mut *tx)
            .await?;
            let counts: (i64, i64, i64, i64, i64, i64) = sqlx::query_as(COUNT_KEPT)
                .bind(&client_id)
                .fetch_one(&mut *tx)
                .await?;
            let kept = if keep_until <= now_s {
                Kept::default()
            } else {
                kept_from(counts)
            };
            let kept_json =
                serde_json::to_string(&kept).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            // The erasure row first: the consent trigger lets an erased client's marketing
            // choice be withdrawn, and nothing else.
            let id = new_id();
            sqlx::query(
                "INSERT INTO erasures (id, client_id, requested_at, requested_by,
                    last_treatment_at, keep_until, kept)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&id)
            .bind(&client_id)
            .bind(now_s)
            .bind(requested_by)
            .bind(facts.last_treatment_at.map(Timestamp::as_second))
            .bind(keep_until)
            .bind(&kept_json)
            .execute(&mut *tx)
            .await?;
            for sql in ANONYMISE {
                sqlx::query(sql).bind(&client_id).execute(&mut *tx).await?;
            }
            crate::audit::append(
                &mut tx,
                &crate::AuditEntry::new("erase", "client", &client_id).for_client(&client_id),
            )
            .await?;
            if keep_until <= now_s {
                purge_in_tx!(tx, &client_id, now_s);
            }
            let row: ErasureRow = sqlx::query_as(&format!("{SELECT_ERASURE} WHERE id = $1"))
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Erased {
                erasure: Erasure::try_from(row)?,
                outbox_ids: outbox_ids.into_iter().map(|(id,)| id).collect(),
            }
        });
        self.holds_changed();
        self.scrub_log().await?;
        Ok(erased)
    }
}
