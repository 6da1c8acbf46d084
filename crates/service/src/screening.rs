//! The screening gate: what a client's safety answers allow them to book. The booking
//! pages, the questionnaire and the booking workflow all ask here, so they never disagree.

use jiff::Timestamp;
use jiff::civil::Date;
use protocol::Outcome;
use store::BookingStatus;

use crate::screening_scope::{Scope, checked_areas, owner_key, service_areas};
use crate::{Refusal, Workflows};

/// What a screening allows for booking a treatment that requires one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Bookable from `not_before` (any day when `None`); `review` holds the booking for a
    /// practitioner's review instead of confirming it (a consultation the screening asks for,
    /// even beside a deferral that outranks it).
    Open {
        not_before: Option<Date>,
        review: bool,
    },
    /// Deferred with no date: a condition has to clear first.
    WaitUntilCleared,
    /// Microneedling is not suitable now; a consultation comes first.
    NotSuitable,
}

impl Gate {
    /// The gate a screening's outcome opens.
    pub fn of(screening: &protocol::Screening) -> Gate {
        match screening.outcome {
            Outcome::Eligible => Gate::Open {
                not_before: None,
                review: false,
            },
            Outcome::Consult => Gate::Open {
                not_before: None,
                review: true,
            },
            Outcome::Defer => match screening.earliest_date {
                Some(date) => Gate::Open {
                    not_before: Some(date),
                    review: screening.review,
                },
                None => Gate::WaitUntilCleared,
            },
            Outcome::NotSuitable => Gate::NotSuitable,
        }
    }

    /// Whether the client can go on to book at all.
    pub fn is_open(self) -> bool {
        matches!(self, Gate::Open { .. })
    }
}

/// A stored screening judged again against today's rules.
pub enum Stored {
    Found(Gate),
    /// No screening has this id.
    Missing,
    /// The stored answers no longer read; the client should answer again.
    Unreadable,
    /// The screening does not cover this booking (other areas, or too old): the reason.
    OutOfScope(String),
}

/// Who is booking with a screening: checked against whose it is and what it covers.
pub(crate) struct Booker<'a> {
    /// The e-mail the booking is made with.
    pub(crate) email: &'a str,
    /// The areas the service treats.
    pub(crate) areas: Vec<String>,
}

impl Workflows {
    /// Judges answers for an existing booking: its service's areas, and its day (today if
    /// that has passed), so the desk's re-check and the mailed link read them as the booking
    /// flow would have.
    pub(crate) async fn screen_for_booking(
        &self,
        booking: &store::Booking,
        answers: &serde_json::Value,
    ) -> Result<(String, protocol::Screening), Refusal> {
        let clinic = self.clinic();
        let areas = clinic
            .setup
            .service(&booking.service_id)
            .map(service_areas)
            .unwrap_or_default();
        let date = booking
            .start
            .to_zoned_datetime(clinic.timezone.clone())
            .date()
            .max(clinic.today());
        self.screen_and_store(answers, Some(date), Some(&areas))
            .await
    }

    /// Judges answers given for `areas` (`None`: the face, as before areas were asked),
    /// stores them with the rule-set version, and returns the id and outcome.
    pub async fn screen_and_store(
        &self,
        answers_json: &serde_json::Value,
        treatment_date: Option<Date>,
        areas: Option<&[String]>,
    ) -> Result<(String, protocol::Screening), Refusal> {
        let clinic = self.clinic();
        let today = clinic.today();
        let answers = clinic
            .rules
            .parse_answers(answers_json, today)
            .map_err(|e| Refusal::invalid(e.field, e.message))?;
        let areas = checked_areas(areas).map_err(|m| Refusal::invalid("areas", m))?;
        let date = treatment_date.unwrap_or(today);
        let result = clinic.rules.screen(&answers, date, today);
        let record = store::NewScreening {
            ruleset_version: clinic.rules.version().to_owned(),
            areas,
            answers: to_json(&answers)?,
            outcome: result.outcome.as_str().to_owned(),
            earliest_date: result.earliest_date.map(|d| d.to_string()),
            findings: to_json(&result.findings)?,
            treatment_date: date.to_string(),
        };
        let id = self.store.insert_screening(&record).await?;
        Ok((id, result))
    }

    /// The gate a stored screening opens for booking `service_id` from today; whose it is
    /// is checked once the booking names its client.
    pub async fn stored_gate(&self, id: &str, service_id: &str) -> Result<Stored, Refusal> {
        let clinic = self.clinic();
        let (Some(record), Some(scope)) = (
            self.store.screening(id).await?,
            self.store.screening_scope(id).await?,
        ) else {
            return Ok(Stored::Missing);
        };
        if let Some(service) = clinic.setup.service(service_id) {
            let scope = Scope { scope: &scope };
            if let Some(why) =
                scope.problem(&clinic, &service_areas(service), None, Timestamp::now())
            {
                return Ok(Stored::OutOfScope(why));
            }
        }
        let Ok(answers) = serde_json::from_str::<protocol::Answers>(&record.answers) else {
            return Ok(Stored::Unreadable);
        };
        let today = clinic.today();
        Ok(Stored::Found(Gate::of(
            &clinic.rules.screen(&answers, today, today),
        )))
    }

    /// The status a booking starting at `start` takes under its screening, or why it may
    /// not be made. A service that does not require screening is confirmed whatever the
    /// answers say. With a `booker` (a new booking) the screening must cover the service's
    /// areas, be within `[visits] screening_valid_days`, and be the booker's: the first
    /// booking binds it to its e-mail. Moving a booking passes none: it was checked when made,
    /// and the visit re-confirms the answers at arrival.
    pub(crate) async fn screening_status(
        &self,
        required: bool,
        screening_id: Option<&str>,
        start: Timestamp,
        booker: Option<Booker<'_>>,
    ) -> Result<BookingStatus, Refusal> {
        let Some(id) = screening_id else {
            return if required {
                Err(Refusal::ScreeningRequired)
            } else {
                Ok(BookingStatus::Confirmed)
            };
        };
        let clinic = self.clinic();
        let record = self.store.screening(id).await?.ok_or_else(|| {
            Refusal::invalid(
                "screening",
                "No screening with this id was found; please answer the questions again.",
            )
        })?;
        let answers: protocol::Answers =
            serde_json::from_str(&record.answers).map_err(|e| Refusal::Internal(e.to_string()))?;
        let date = start.to_zoned_datetime(clinic.timezone.clone()).date();
        let gate = Gate::of(&clinic.rules.screen(&answers, date, clinic.today()));
        if !required {
            return Ok(BookingStatus::Confirmed);
        }
        if let Some(booker) = booker {
            self.check_scope(id, &booker).await?;
        }
        match gate {
            Gate::Open { not_before: Some(earliest), .. } => Err(Refusal::ScreeningRefused {
                field: "start",
                message: format!("Your screening means we can treat you from {earliest}; please choose a date on or after it."),
            }),
            Gate::Open { review: true, .. } => Ok(BookingStatus::PendingReview),
            Gate::Open { .. } => Ok(BookingStatus::Confirmed),
            Gate::WaitUntilCleared => Err(Refusal::ScreeningRefused {
                field: "screening",
                message: "Your screening asks us to wait until the condition has cleared. Please screen again then, or book a free consultation.".into(),
            }),
            Gate::NotSuitable => Err(Refusal::ScreeningRefused {
                field: "screening",
                message: "Your screening shows microneedling is not suitable for you now. Please book a consultation so a practitioner can advise you.".into(),
            }),
        }
    }
}

impl Workflows {
    /// Refuses a screening that does not cover `booker`'s booking, then binds it to their
    /// e-mail (atomically, so two clients cannot both take one screening).
    async fn check_scope(&self, id: &str, booker: &Booker<'_>) -> Result<(), Refusal> {
        let clinic = self.clinic();
        let refused = |message: String| Refusal::ScreeningRefused {
            field: "screening",
            message,
        };
        let scope = self.store.screening_scope(id).await?.ok_or_else(|| {
            refused(
                "No screening with this id was found; please answer the questions again.".into(),
            )
        })?;
        let check = Scope { scope: &scope };
        if let Some(why) =
            check.problem(&clinic, &booker.areas, Some(booker.email), Timestamp::now())
        {
            return Err(refused(why));
        }
        if !self
            .store
            .claim_screening(id, &owner_key(booker.email))
            .await?
        {
            return Err(refused(crate::screening_scope::NOT_YOURS.to_owned()));
        }
        Ok(())
    }
}

/// Serialises what is stored beside a screening; a failure is ours, not the client's.
fn to_json(value: &impl serde::Serialize) -> Result<String, Refusal> {
    serde_json::to_string(value).map_err(|e| Refusal::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screening(outcome: Outcome, earliest: Option<Date>) -> protocol::Screening {
        protocol::Screening {
            outcome,
            earliest_date: earliest,
            review: outcome == Outcome::Consult,
            findings: Vec::new(),
        }
    }

    #[test]
    fn a_deferral_beside_a_consultation_is_held_for_review() {
        let date = jiff::civil::date(2027, 3, 15);
        let mut both = screening(Outcome::Defer, Some(date));
        both.review = true;
        assert_eq!(
            Gate::of(&both),
            Gate::Open {
                not_before: Some(date),
                review: true
            }
        );
    }

    #[test]
    fn each_outcome_opens_its_gate() {
        let date = jiff::civil::date(2027, 3, 15);
        assert_eq!(
            Gate::of(&screening(Outcome::Eligible, None)),
            Gate::Open {
                not_before: None,
                review: false
            }
        );
        assert_eq!(
            Gate::of(&screening(Outcome::Consult, None)),
            Gate::Open {
                not_before: None,
                review: true
            }
        );
        assert_eq!(
            Gate::of(&screening(Outcome::Defer, Some(date))),
            Gate::Open {
                not_before: Some(date),
                review: false
            }
        );
        assert_eq!(
            Gate::of(&screening(Outcome::Defer, None)),
            Gate::WaitUntilCleared
        );
        assert_eq!(
            Gate::of(&screening(Outcome::NotSuitable, None)),
            Gate::NotSuitable
        );
        assert!(!Gate::NotSuitable.is_open());
        assert!(!Gate::WaitUntilCleared.is_open());
    }
}
