//! The arrival check: when a client arrives for a treatment, what stands between them and the
//! needle. Consent, the screening's age and areas (the same [`Scope`] the booking gate asks,
//! at the treatment's time), a pending review, and the plan for this session. A screening
//! that is too old is re-confirmed on the spot ("has anything changed since …?"); one for
//! another area, or one where something changed, is answered again and tied to the booking.

use jiff::Timestamp;
use protocol::{Outcome, RangeMm};
use store::{Booking, BookingStatus};

use super::consent::ConsentState;
use crate::screening_scope::{Scope, owner_key, service_areas};
use crate::{Refusal, Workflows};

/// Where the booking's screening stands for today's treatment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScreeningCheck {
    /// The service needs no screening.
    NotNeeded,
    /// No screening is on file (a booking made by staff without one).
    Missing,
    /// Recent enough and for this treatment's areas.
    Current {
        answered_at: Timestamp,
        confirmed_at: Option<Timestamp>,
    },
    /// Older than `[visits] screening_valid_days`: the client says whether anything changed
    /// since `answered_at` (or the last confirmation).
    Stale { since: Timestamp },
    /// Answered for other areas: the client answers again for this one.
    OtherArea { answered_for: Vec<String> },
}

impl ScreeningCheck {
    /// Whether the client must re-confirm or re-answer before treatment.
    pub fn needs_client(&self) -> bool {
        matches!(
            self,
            ScreeningCheck::Missing
                | ScreeningCheck::Stale { .. }
                | ScreeningCheck::OtherArea { .. }
        )
    }
}

/// The plan for this session, from the service, the client's earlier sessions and the
/// protocol's depth table.
#[derive(Clone, Debug)]
pub struct SessionPlan {
    pub service_name: String,
    /// The service's areas (`face`, `body`, `scalp`).
    pub areas: Vec<String>,
    /// 1 for the first completed session of this service, and so on.
    pub session_number: usize,
    /// When the last completed session of this service started.
    pub last_session: Option<Timestamp>,
    /// The protocol's depth range for each area in the service's regions, with the clinic's caps.
    pub depths: Vec<(String, RangeMm)>,
}

/// Everything the arrival page shows, before any role filter.
#[derive(Clone, Debug)]
pub struct Arrival {
    pub consent: ConsentState,
    pub screening: ScreeningCheck,
    /// What the answers on file say, judged again now by the same rules (clinical detail).
    pub outcome: Option<Outcome>,
    /// The stored findings as JSON (clinical detail).
    pub findings: Option<String>,
    /// The booking is held for a practitioner's review.
    pub pending_review: bool,
    pub plan: SessionPlan,
}

impl Arrival {
    /// Whether the answers on file allow treatment today without a practitioner's decision.
    pub fn outcome_allows_treatment(&self) -> bool {
        matches!(self.outcome, None | Some(Outcome::Eligible))
    }

    /// Whether nothing stands in the way.
    pub fn clear(&self) -> bool {
        !self.consent.blocks_treatment()
            && !self.screening.needs_client()
            && !self.pending_review
            && self.outcome_allows_treatment()
    }
}

impl Workflows {
    /// The arrival check for `booking` at `now`.
    pub async fn arrival(&self, booking: &Booking, now: Timestamp) -> Result<Arrival, Refusal> {
        let clinic = self.clinic();
        let service = clinic.setup.service(&booking.service_id);
        let areas = service.map(service_areas).unwrap_or_default();
        let at = now.max(booking.start);
        let mut outcome = None;
        let mut findings = None;
        let screening = match (&booking.screening_id, service) {
            (_, Some(s)) if !s.requires_screening => ScreeningCheck::NotNeeded,
            (None, _) => ScreeningCheck::Missing,
            (Some(id), _) => match (
                self.store.screening(id).await?,
                self.store.screening_scope(id).await?,
            ) {
                (Some(record), Some(scope)) => {
                    if let Ok(answers) = serde_json::from_str::<protocol::Answers>(&record.answers)
                    {
                        let today = clinic.today();
                        outcome = Some(clinic.rules.screen(&answers, today, today).outcome);
                    }
                    findings = Some(record.findings);
                    let check = Scope { scope: &scope };
                    let time = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
                    if !check.covers(&areas) {
                        ScreeningCheck::OtherArea {
                            answered_for: scope.areas.clone(),
                        }
                    } else if !check.is_current(&clinic, at) {
                        ScreeningCheck::Stale {
                            since: time(scope.created_at.max(scope.confirmed_at.unwrap_or(0))),
                        }
                    } else {
                        ScreeningCheck::Current {
                            answered_at: time(scope.created_at),
                            confirmed_at: scope.confirmed_at.map(time),
                        }
                    }
                }
                _ => ScreeningCheck::Missing,
            },
        };
        let earlier: Vec<Booking> = self
            .store
            .bookings_for_client(&booking.client.id)
            .await?
            .into_iter()
            .filter(|b| {
                b.id != booking.id
                    && b.service_id == booking.service_id
                    && b.status == BookingStatus::Completed
                    && b.start < booking.start
            })
            .collect();
        let regions: Vec<&str> = areas.iter().map(String::as_str).collect();
        let plan = SessionPlan {
            service_name: service.map_or(booking.service_id.clone(), |s| s.name.clone()),
            session_number: earlier.len() + 1,
            last_session: earlier.iter().map(|b| b.start).max(),
            depths: clinic
                .plans
                .areas()
                .into_iter()
                .filter(|a| regions.contains(&a.region.as_str()))
                .map(|a| (a.label, a.depth_mm))
                .collect(),
            areas,
        };
        Ok(Arrival {
            consent: self.consent_state(booking).await?,
            screening,
            outcome,
            findings,
            pending_review: booking.status == BookingStatus::PendingReview,
            plan,
        })
    }

    /// The client says at arrival that nothing has changed since they answered: the answers
    /// stay valid for `[visits] screening_valid_days` from `now`. Answers for another area
    /// cannot be confirmed for this one; they are answered again.
    pub async fn reconfirm_screening(
        &self,
        booking: &Booking,
        now: Timestamp,
    ) -> Result<(), Refusal> {
        visit_open(booking)?;
        match self.arrival(booking, now).await?.screening {
            ScreeningCheck::Stale { .. } | ScreeningCheck::Current { .. } => {}
            ScreeningCheck::OtherArea { .. } | ScreeningCheck::Missing => {
                return Err(Refusal::invalid(
                    "changed",
                    "These answers were not given for this treatment, so the questions need answering again.",
                ));
            }
            ScreeningCheck::NotNeeded => {
                return Err(Refusal::Closed {
                    message: "This treatment needs no screening.".into(),
                });
            }
        }
        let id = booking.screening_id.as_deref().unwrap_or_default();
        if !self.store.confirm_screening(id, now.as_second()).await? {
            return Err(Refusal::NotFound { what: "screening" });
        }
        Ok(())
    }

    /// The client answers the questions again at arrival: judged by the same rules for the
    /// treatment's areas and date, stored as the client's, and tied to the booking. What the
    /// answers say is for the practitioner to read on the arrival page.
    pub async fn rescreen_for_visit(
        &self,
        booking: &Booking,
        answers: &serde_json::Value,
    ) -> Result<(String, protocol::Screening), Refusal> {
        visit_open(booking)?;
        let (id, screening) = self.screen_for_booking(booking, answers).await?;
        // A new screening has no owner yet, so this binds it to the booking's client.
        self.store
            .claim_screening(&id, &owner_key(&booking.client.email))
            .await?;
        self.store
            .link_screening_client(&id, &booking.client.id)
            .await?;
        if !self.store.set_booking_screening(&booking.id, &id).await? {
            return Err(Refusal::NotFound { what: "booking" });
        }
        Ok((id, screening))
    }
}

/// The arrival check's changes apply to a booking that may still be treated.
fn visit_open(booking: &Booking) -> Result<(), Refusal> {
    if booking.status.is_live()
        && !matches!(
            booking.status,
            BookingStatus::Completed | BookingStatus::NoShow
        )
    {
        Ok(())
    } else {
        Err(Refusal::Closed {
            message: "This appointment is cancelled or over.".into(),
        })
    }
}
