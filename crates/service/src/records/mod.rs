//! The treatment record of a visit: written by the practitioner once the client has arrived,
//! signed off, then only amended (who, when, why, what changed) with the original kept; and
//! recall, which finds every visit a cartridge or product lot touched.

mod input;
mod recall;
pub(crate) mod text;

pub use input::{
    AreaBody, AreaTreated, Cartridge, CartridgeBody, Product, ProductBody, RecordBody,
    TreatmentRecord,
};
pub use recall::{RecallQuery, Recalled, recall_csv};

use clinic::ClinicSnapshot;
use jiff::Timestamp;
use jiff::civil::Date;
use store::{Booking, BookingStatus, RecordError, StoredRecord};

use crate::{Refusal, Workflows};

/// Whether a booking's service is a treatment (one that needs the safety screening), the
/// kind of visit that has a treatment record; a consultation has none.
pub fn is_treatment(clinic: &ClinicSnapshot, service_id: &str) -> bool {
    clinic
        .setup
        .service(service_id)
        .is_some_and(|s| s.requires_screening)
}

/// A record as the edges show it: the original as signed, every amendment, and the record
/// as it stands now.
#[derive(Clone, Debug)]
pub struct RecordView {
    pub original: TreatmentRecord,
    pub current: TreatmentRecord,
    pub written_by: String,
    pub written_at: Timestamp,
    pub signed_by: Option<String>,
    pub signed_at: Option<Timestamp>,
    pub amendments: Vec<Amendment>,
}

/// One amendment: who, when, why, what changed, and the record after it.
#[derive(Clone, Debug)]
pub struct Amendment {
    pub reason: String,
    pub changes: RecordBody,
    pub amended_by: String,
    pub amended_at: Timestamp,
    pub record: TreatmentRecord,
}

fn parse<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, Refusal> {
    serde_json::from_str(json).map_err(|e| Refusal::Internal(format!("stored record: {e}")))
}

impl RecordView {
    fn from_store(s: &StoredRecord) -> Result<RecordView, Refusal> {
        let amendments = s
            .amendments
            .iter()
            .map(|a| {
                Ok(Amendment {
                    reason: a.reason.clone(),
                    changes: parse(&a.changes)?,
                    amended_by: a.amended_by.clone(),
                    amended_at: a.amended_at,
                    record: parse(&a.body)?,
                })
            })
            .collect::<Result<Vec<_>, Refusal>>()?;
        Ok(RecordView {
            original: parse(&s.body)?,
            current: parse(s.current_body())?,
            written_by: s.written_by.clone(),
            written_at: s.written_at,
            signed_by: s.signed_by.clone(),
            signed_at: s.signed_at,
            amendments,
        })
    }

    /// Whether the practitioner has signed it off.
    pub fn is_signed(&self) -> bool {
        self.signed_at.is_some()
    }
}

/// The clinic's local date of an instant.
fn local_date(clinic: &ClinicSnapshot, t: Timestamp) -> Date {
    t.to_zoned_datetime(clinic.timezone.clone()).date()
}

/// The local date a booking's treatment falls on.
pub fn treated_on(clinic: &ClinicSnapshot, booking: &Booking) -> Date {
    local_date(clinic, booking.start)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Refusal> {
    serde_json::to_string(value).map_err(|e| Refusal::Internal(e.to_string()))
}

/// A record is written for a treatment the client arrived for, from its day on.
fn may_write(clinic: &ClinicSnapshot, booking: &Booking, now: Timestamp) -> Result<(), Refusal> {
    if !is_treatment(clinic, &booking.service_id) {
        return Err(Refusal::Closed {
            message: "This booking is not a treatment; only treatments have a treatment record."
                .into(),
        });
    }
    match booking.status {
        BookingStatus::Arrived | BookingStatus::Completed => {}
        BookingStatus::Cancelled | BookingStatus::Declined => {
            return Err(Refusal::Closed {
                message: "This booking was cancelled; a treatment record is written only for a visit that took place.".into(),
            });
        }
        _ => {
            return Err(Refusal::Closed {
                message: "The treatment record is written once the client has arrived: mark the booking arrived first.".into(),
            });
        }
    }
    let day = treated_on(clinic, booking);
    if local_date(clinic, now) < day {
        return Err(Refusal::Closed {
            message: format!("This treatment is on {day}; its record is written on the day."),
        });
    }
    Ok(())
}

fn record_refusal(err: RecordError<Refusal>) -> Refusal {
    match err {
        RecordError::Refused(r) => r,
        RecordError::Signed => Refusal::RecordSigned,
        RecordError::Missing => Refusal::RecordMissing,
        RecordError::NotFound => Refusal::NotFound { what: "booking" },
        RecordError::Store(e) => Refusal::Internal(e.to_string()),
    }
}

impl Workflows {
    /// A booking's treatment record, if one was written.
    pub async fn record(&self, booking: &Booking) -> Result<Option<RecordView>, Refusal> {
        match self.store.record(&booking.id).await? {
            Some(stored) => RecordView::from_store(&stored).map(Some),
            None => Ok(None),
        }
    }

    /// Writes (or corrects, until it is signed) a visit's treatment record at `now`.
    /// Nothing is written unless every field is right.
    pub async fn save_record(
        &self,
        booking: &Booking,
        body: &RecordBody,
        staff_id: &str,
        now: Timestamp,
    ) -> Result<RecordView, Refusal> {
        let clinic = self.clinic();
        may_write(&clinic, booking, now)?;
        let record = body.validate(&clinic, treated_on(&clinic, booking), "")?;
        if self.consent_state(booking).await?.blocks_treatment() {
            return Err(Refusal::ConsentMissing);
        }
        let json = to_json(&record)?;
        self.store
            .save_record(
                &booking.id,
                &json,
                &record.lots(),
                staff_id,
                now,
                |current| may_write(&clinic, current, now),
            )
            .await
            .map_err(record_refusal)?;
        self.written(booking).await
    }

    /// Signs the record off; afterwards it can only be amended.
    pub async fn sign_record(
        &self,
        booking: &Booking,
        staff_id: &str,
        now: Timestamp,
    ) -> Result<RecordView, Refusal> {
        match self.store.sign_record(&booking.id, staff_id, now).await {
            Ok(_) => self.written(booking).await,
            Err(RecordError::Signed) => Err(Refusal::RecordSigned),
            Err(RecordError::Missing) => Err(Refusal::Closed {
                message: "There is no treatment record to sign yet; write it first.".into(),
            }),
            Err(RecordError::Store(e)) => Err(Refusal::Internal(e.to_string())),
            Err(RecordError::Refused(()) | RecordError::NotFound) => {
                Err(Refusal::NotFound { what: "booking" })
            }
        }
    }

    /// Amends a signed record: `changes` names the fields that change (each replaces the
    /// record's), `reason` says why. The original and earlier amendments stay readable.
    pub async fn amend_record(
        &self,
        booking: &Booking,
        reason: &str,
        changes: &RecordBody,
        staff_id: &str,
        now: Timestamp,
    ) -> Result<RecordView, Refusal> {
        let clinic = self.clinic();
        let Some(reason) = text::free_text(Some(reason), "reason")? else {
            return Err(Refusal::invalid("reason", "Say why the record is amended."));
        };
        let day = treated_on(&clinic, booking);
        let result = self
            .store
            .amend_record(&booking.id, &reason, staff_id, now, |current| {
                let current: TreatmentRecord = parse(current)?;
                let before = current.to_body();
                let after = before.merged(changes);
                let changed = after.changed_from(&before);
                if changed == RecordBody::default() {
                    return Err(Refusal::invalid(
                        "changes",
                        "These changes would leave the record as it is; name what changes.",
                    ));
                }
                let record = after.validate(&clinic, day, "changes.")?;
                Ok((to_json(&changed)?, to_json(&record)?, record.lots()))
            })
            .await;
        match result {
            Ok(_) => self.written(booking).await,
            Err(RecordError::Missing) => Err(match self.store.record(&booking.id).await? {
                Some(_) => Refusal::Closed {
                    message: "This record is not signed yet: correct it directly, then sign it."
                        .into(),
                },
                None => Refusal::Closed {
                    message: "There is no signed treatment record to amend.".into(),
                },
            }),
            Err(err) => Err(record_refusal(err)),
        }
    }

    async fn written(&self, booking: &Booking) -> Result<RecordView, Refusal> {
        self.record(booking)
            .await?
            .ok_or_else(|| Refusal::Internal("the record just written is missing".into()))
    }

    /// The signed-record requirement of [`Workflows::completion_guard`].
    pub(crate) async fn require_signed_record(&self, booking: &Booking) -> Result<(), Refusal> {
        if self.store.has_signed_record(&booking.id).await? {
            Ok(())
        } else {
            Err(Refusal::RecordMissing)
        }
    }
}
