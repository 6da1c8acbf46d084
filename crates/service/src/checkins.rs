//! Healing check-ins: after a treatment a client says how their skin is; the worst symptom
//! decides what they are told, and a red flag raises an alert for the clinic, written with
//! the check-in and the clinic's mail in one transaction.

use std::sync::LazyLock;

use jiff::{SignedDuration, Timestamp};
use protocol::{Symptom, Symptoms, Triage};
use store::{AckOutcome, Alert, CheckinError, NewCheckin};

use crate::{Refusal, Workflows, has_nul};

/// The protocol's symptom list, parsed once.
static SYMPTOMS: LazyLock<Symptoms> = LazyLock::new(Symptoms::builtin);

/// Check-ins are taken from the booking's start until this long after (DESIGN.md).
pub const CHECKIN_DAYS: i64 = 30;
/// At most one check-in per booking in this many seconds.
pub const CHECKIN_GAP_S: i64 = 3600;
/// The longest note a check-in keeps.
pub const NOTE_MAX_CHARS: usize = 2000;

/// What a client sends: symptom ids, a pain score, an optional note and an optional photo
/// of the skin (its bytes as received; JPEG, PNG or HEIC, at most 10 MB).
#[derive(Clone, Debug, Default)]
pub struct CheckinInput {
    pub symptoms: Vec<String>,
    pub pain: i64,
    pub note: Option<String>,
    pub photo: Option<Vec<u8>>,
}

/// What a check-in answers: the worst triage, what to do, and the clinic's phone.
#[derive(Clone, Debug)]
pub struct CheckinAnswer {
    pub triage: Triage,
    pub message: String,
    pub clinic_phone: String,
    /// The expected symptoms reported, for the page to say how long each normally lasts.
    pub expected: Vec<Symptom>,
}

/// The symptom list every check-in is judged against.
pub fn symptoms() -> &'static Symptoms {
    &SYMPTOMS
}

/// The stored and serialised name of a triage level.
pub fn triage_name(triage: Triage) -> &'static str {
    match triage {
        Triage::Expected => "expected",
        Triage::CallToday => "call_today",
        Triage::Emergency => "emergency",
    }
}

impl CheckinInput {
    /// Checks every field, naming the first at fault; duplicates are dropped.
    pub fn validate(mut self) -> Result<CheckinInput, Refusal> {
        let mut seen = Vec::new();
        for id in &self.symptoms {
            if SYMPTOMS.get(id).is_none() {
                return Err(Refusal::invalid(
                    "symptoms",
                    format!(
                        "\"{}\" is not a symptom we know; see GET /api/v1/checkin/symptoms.",
                        id.chars().take(40).collect::<String>()
                    ),
                ));
            }
            if !seen.contains(id) {
                seen.push(id.clone());
            }
        }
        self.symptoms = seen;
        if !(0..=10).contains(&self.pain) {
            return Err(Refusal::invalid(
                "pain",
                "Pain is a whole number from 0 (none) to 10 (the worst you can imagine).",
            ));
        }
        if let Some(note) = &self.note {
            if has_nul(note) {
                return Err(Refusal::invalid(
                    "note",
                    "The note contains a character we cannot store.",
                ));
            }
            if note.chars().count() > NOTE_MAX_CHARS {
                return Err(Refusal::invalid(
                    "note",
                    format!("The note can be at most {NOTE_MAX_CHARS} characters."),
                ));
            }
        }
        self.note = self.note.filter(|n| !n.trim().is_empty());
        Ok(self)
    }
}

impl Workflows {
    /// Records a check-in for the booking `token` opens, at `now`, and answers what the
    /// client should do. Refused for a cancelled or declined booking, before its start, more
    /// than 30 days after it, or within an hour of the last check-in; nothing is written then.
    pub async fn check_in(
        &self,
        token: &str,
        input: CheckinInput,
        now: Timestamp,
    ) -> Result<CheckinAnswer, Refusal> {
        let input = input.validate()?;
        // The same gate as a visit photo: the format by its first bytes, the size, and
        // every piece of metadata (position, device, time) removed before it is kept.
        let photo = match &input.photo {
            Some(bytes) => {
                let (format, clean) = crate::check_photo(bytes)?;
                Some((format.content_type().to_owned(), clean))
            }
            None => None,
        };
        if token.len() > 128 {
            return Err(Refusal::NotFound {
                what: "booking for this link",
            });
        }
        let clinic = self.clinic();
        let mut reported: Vec<&Symptom> = input
            .symptoms
            .iter()
            .filter_map(|id| SYMPTOMS.get(id))
            .collect();
        reported.sort_by_key(|s| std::cmp::Reverse(s.triage));
        let triage = reported.first().map_or(Triage::Expected, |s| s.triage);
        let record = NewCheckin {
            symptoms: input.symptoms.clone(),
            pain: input.pain,
            note: input.note.clone(),
            triage: triage_name(triage).into(),
            alert: triage != Triage::Expected,
            photo,
        };
        let alerts_url = format!("{}/admin/alerts", self.public_url);
        let result = self
            .store
            .record_checkin(
                &store::hash_token(token),
                &record,
                now,
                CHECKIN_GAP_S,
                |booking| {
                    if !booking.status.is_live() {
                        return Err(Refusal::Closed {
                            message: "This appointment was cancelled or declined, so it takes no check-ins. If you are worried about your skin, please call us.".into(),
                        });
                    }
                    if now < booking.start {
                        return Err(Refusal::Closed {
                            message: "Check-ins open when your appointment starts. If you are worried before then, please call us.".into(),
                        });
                    }
                    if now > booking.start + SignedDuration::from_hours(24 * CHECKIN_DAYS) {
                        return Err(Refusal::Closed {
                            message: format!("Check-ins are taken for {CHECKIN_DAYS} days after an appointment. If you are worried about your skin, please call us."),
                        });
                    }
                    Ok(())
                },
                |booking| {
                    if triage == Triage::Expected {
                        return Vec::new();
                    }
                    vec![mail::compose::checkin_alert(
                        &clinic,
                        booking,
                        triage,
                        &reported,
                        input.pain,
                        input.note.as_deref(),
                        &alerts_url,
                    )]
                },
            )
            .await;
        match result {
            Ok(_) => {}
            Err(CheckinError::Refused(refusal)) => return Err(refusal),
            Err(CheckinError::TooSoon { last_at }) => {
                let retry_after = (last_at.as_second() + CHECKIN_GAP_S - now.as_second()).max(1);
                return Err(Refusal::TooSoon {
                    message: format!(
                        "We already have a check-in from you in the last hour; you can send another in {} minutes. If your skin is getting worse, please call us now.",
                        (retry_after as u64).div_ceil(60)
                    ),
                    retry_after: retry_after as u64,
                });
            }
            Err(CheckinError::NotFound) => {
                return Err(Refusal::NotFound {
                    what: "booking for this link",
                });
            }
            Err(CheckinError::Store(err)) => return Err(err.into()),
        }
        let phone = clinic.setup.clinic.phone.clone();
        let message = match triage {
            Triage::Emergency => format!(
                "Call your local emergency number now. Then call us on {phone}. We have been told."
            ),
            Triage::CallToday => format!(
                "Please call us today on {phone}. We have been told about your check-in. If we are closed, contact an out-of-hours doctor or urgent care service today."
            ),
            Triage::Expected => format!(
                "What you describe is part of normal healing. Call us on {phone} if it gets worse instead of better, or if you notice any of the warning signs."
            ),
        };
        Ok(CheckinAnswer {
            triage,
            message,
            clinic_phone: phone,
            expected: reported
                .into_iter()
                .filter(|s| s.triage == Triage::Expected)
                .cloned()
                .collect(),
        })
    }

    /// A check-in photo's content type and bytes: for clinical staff only, with the alert.
    pub async fn checkin_photo(&self, id: &str) -> Result<(String, Vec<u8>), Refusal> {
        self.store
            .checkin_photo(id)
            .await?
            .ok_or(Refusal::NotFound { what: "photo" })
    }

    /// Every aftercare alert, unacknowledged first: for clinical staff only.
    pub async fn alerts(&self) -> Result<Vec<Alert>, Refusal> {
        Ok(self.store.alerts(500).await?)
    }

    /// How many alerts wait for someone to acknowledge them.
    pub async fn open_alert_count(&self) -> Result<i64, Refusal> {
        Ok(self.store.open_alert_count().await?)
    }

    /// Acknowledges an alert with a note saying what was done; the note is required.
    pub async fn acknowledge_alert(
        &self,
        id: &str,
        staff_id: &str,
        note: &str,
    ) -> Result<(), Refusal> {
        let note = note.trim();
        if note.is_empty() {
            return Err(Refusal::invalid(
                "note",
                "Say what was done (for example, who called the client and what was agreed).",
            ));
        }
        if has_nul(note) || note.chars().count() > NOTE_MAX_CHARS {
            return Err(Refusal::invalid(
                "note",
                format!("The note can be at most {NOTE_MAX_CHARS} characters of text."),
            ));
        }
        match self
            .store
            .acknowledge_alert(id, staff_id, note, Timestamp::now())
            .await?
        {
            AckOutcome::Acknowledged => Ok(()),
            AckOutcome::AlreadyAcknowledged => Err(Refusal::Closed {
                message: "This alert was already acknowledged.".into(),
            }),
            AckOutcome::NotFound => Err(Refusal::NotFound { what: "alert" }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_checked_field_by_field() {
        let ok = CheckinInput {
            symptoms: vec!["pus".into(), "pus".into()],
            pain: 3,
            note: Some("  ".into()),
            photo: None,
        }
        .validate()
        .unwrap();
        assert_eq!(ok.symptoms, ["pus"]);
        assert_eq!(ok.note, None);
        let field = |input: CheckinInput| input.validate().unwrap_err().field().map(str::to_owned);
        let unknown = CheckinInput {
            symptoms: vec!["itchy_toes".into()],
            ..Default::default()
        };
        assert_eq!(field(unknown).as_deref(), Some("symptoms"));
        for pain in [-1, 11] {
            let input = CheckinInput {
                pain,
                ..Default::default()
            };
            assert_eq!(field(input).as_deref(), Some("pain"));
        }
        for note in ["a\0b".to_owned(), "x".repeat(NOTE_MAX_CHARS + 1)] {
            let input = CheckinInput {
                note: Some(note),
                ..Default::default()
            };
            assert_eq!(field(input).as_deref(), Some("note"));
        }
    }
}
