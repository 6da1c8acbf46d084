//! A client's rights over their data: the export of everything the clinic holds on them
//! (`export.rs`), and erasure (here): what the clinic may erase goes at once, the clinical
//! record of their treatments is kept for `[records] retention_years` from the last one and
//! then purged by the daily job.

mod export;

pub use export::{ClientExport, EXPORT_SCHEMA, ExportedPhoto};

use clinic::ClinicSnapshot;
use jiff::{Timestamp, ToSpan as _};
use store::{Erased, Erasure, ErasureError, ErasureFacts, Kept};

use crate::{Refusal, Workflows};

/// How many erasures one run of the daily purge takes at most; the rest wait a day.
pub const PURGE_BATCH: i64 = 500;

/// Checks an e-mail address typed to find a client: one line, no control characters.
pub fn check_client_email(email: &str) -> Result<&str, Refusal> {
    let email = email.trim();
    if email.is_empty() {
        return Err(Refusal::invalid(
            "email",
            "Give the client's e-mail address.",
        ));
    }
    if email.len() > 254 || email.chars().any(char::is_control) {
        return Err(Refusal::invalid(
            "email",
            "An e-mail address is one line of at most 254 characters, without control characters.",
        ));
    }
    Ok(email)
}

/// Until when an erased client's clinical record is kept: `years` after the last
/// treatment's local date in the clinic's zone (a 29 February ends on 28 February), or at
/// once (`now`) when there was none. A date already past means the record is purged at once.
pub fn keep_until(
    last_treatment: Option<Timestamp>,
    years: u32,
    tz: &jiff::tz::TimeZone,
    now: Timestamp,
) -> Timestamp {
    let Some(last) = last_treatment else {
        return now;
    };
    last.to_zoned_datetime(tz.clone())
        .checked_add(i64::from(years).years())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MAX)
}

/// Why an erasure cannot go ahead yet, in the words staff read.
fn upcoming_refusal(facts: &ErasureFacts, clinic: &ClinicSnapshot) -> Option<Refusal> {
    let first = facts.upcoming.first()?;
    let when = clinic.when(&first.start.to_zoned_datetime(clinic.timezone.clone()));
    let more = match facts.upcoming.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    Some(Refusal::Closed {
        message: format!(
            "This client has a booking still ahead ({} on {when}{more}); cancel it first, then erase the client.",
            first.reference
        ),
    })
}

/// What an erasure of one client would do, for the page that asks staff to confirm it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErasurePlan {
    /// Why it cannot go ahead yet (a booking still ahead), in the words staff read.
    pub blocked: Option<String>,
    /// The start of the last treatment, which the retention counts from.
    pub last_treatment_at: Option<Timestamp>,
    /// `[records] retention_years` as the clinic set it.
    pub retention_years: u32,
    /// Until when the clinical record would be kept; at or before `now`, nothing is kept.
    pub keep_until: Timestamp,
    /// What would be kept until then.
    pub kept: Kept,
}

impl Workflows {
    /// What erasing the client with this id at `now` would meet and keep, changing nothing;
    /// [`Workflows::erase_client`] decides again, by the same rules, when it is asked.
    pub async fn erasure_plan(
        &self,
        client_id: &str,
        now: Timestamp,
    ) -> Result<ErasurePlan, Refusal> {
        let preview = self.store.erasure_preview(client_id, now).await?;
        let clinic = self.clinic();
        let tz = clinic.setup.timezone();
        let years = clinic.setup.records.retention_years;
        let keep_until = keep_until(preview.facts.last_treatment_at, years, &tz, now);
        Ok(ErasurePlan {
            blocked: upcoming_refusal(&preview.facts, &clinic).map(|r| r.to_string()),
            last_treatment_at: preview.facts.last_treatment_at,
            retention_years: years,
            keep_until,
            kept: if keep_until <= now {
                Kept::default()
            } else {
                preview.kept
            },
        })
    }

    /// The erasure of the client with this id, if they were erased.
    pub async fn erasure_of(&self, client_id: &str) -> Result<Option<Erasure>, Refusal> {
        Ok(self.store.erasure_of(client_id).await?)
    }

    /// Erases the client with this e-mail as `by` (a staff id or the command line) at
    /// `now`. Refused, with nothing changed, for an unknown client or while a booking is
    /// still ahead.
    pub async fn erase_client(
        &self,
        email: &str,
        by: &str,
        now: Timestamp,
    ) -> Result<Erased, Refusal> {
        let email = check_client_email(email)?;
        let clinic = self.clinic();
        let tz = clinic.setup.timezone();
        let years = clinic.setup.records.retention_years;
        let decided = self
            .store
            .erase_client(email, by, now, |facts| {
                match upcoming_refusal(facts, &clinic) {
                    Some(refusal) => Err(refusal),
                    None => Ok(keep_until(facts.last_treatment_at, years, &tz, now)),
                }
            })
            .await;
        match decided {
            Ok(erased) => {
                tracing::info!(
                    erasure = %erased.erasure.id,
                    keep_until = %erased.erasure.keep_until,
                    "client erased"
                );
                Ok(erased)
            }
            Err(ErasureError::Refused(refusal)) => Err(refusal),
            Err(ErasureError::NotFound) => Err(Refusal::NotFound { what: "client" }),
            Err(ErasureError::AlreadyErased) => Err(Refusal::Closed {
                message: "This client was erased already.".into(),
            }),
            Err(ErasureError::Store(err)) => Err(err.into()),
        }
    }

    /// Deletes what erasures kept once their retention has ended by `now`; safe to run
    /// from every `serve` process at once. Answers how many this call purged.
    pub async fn purge_expired(&self, now: Timestamp) -> Result<u64, Refusal> {
        Ok(self.store.purge_expired(now, PURGE_BATCH).await?)
    }

    /// The latest erasures, newest first, for the back office.
    pub async fn erasures(&self, limit: i64) -> Result<Vec<Erasure>, Refusal> {
        Ok(self.store.erasures(limit).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_counts_whole_years_from_the_local_date() {
        let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
        let now: Timestamp = "2027-01-01T00:00:00Z".parse().unwrap();
        // 10:00 local on 29 February 2028 (a leap day), kept seven years: 28 February 2035.
        let last: Timestamp = "2028-02-29T15:00:00Z".parse().unwrap();
        let until = keep_until(Some(last), 7, &tz, now);
        assert_eq!(until.to_string(), "2035-02-28T15:00:00Z");
        // Summer time on the day of treatment, winter time on the day it ends: the local hour holds.
        let summer: Timestamp = "2027-07-01T14:00:00Z".parse().unwrap();
        assert_eq!(
            keep_until(Some(summer), 1, &tz, now)
                .to_zoned_datetime(tz.clone())
                .hour(),
            10
        );
        assert_eq!(keep_until(None, 7, &tz, now), now);
    }

    #[test]
    fn an_email_to_look_up_is_one_line() {
        assert!(check_client_email(" a@b.test ").is_ok());
        for bad in [
            "",
            "  ",
            "a@b.test\r\nBcc: x",
            "a\0@b.test",
            &"a".repeat(300),
        ] {
            let err = check_client_email(bad).unwrap_err();
            assert_eq!(err.field(), Some("email"), "{bad:?}");
        }
    }
}
