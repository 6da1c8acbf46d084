//! Every status change a booking goes through after it is made: cancelling, the
//! practitioner's review, and the desk's arrived / completed / no-show.

use clinic::ClinicSnapshot;
use jiff::Timestamp;
use mail::compose;
use store::{Booking, BookingError, BookingStatus};

use crate::booking::from_store;
use crate::policy::can_change;
use crate::{Actor, Refusal, Workflows};

/// A practitioner's decision on a booking held for review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Review {
    Confirm,
    Decline,
}

impl Review {
    /// Reads `confirm` or `decline`.
    pub fn parse(text: &str) -> Result<Review, Refusal> {
        match text {
            "confirm" => Ok(Review::Confirm),
            "decline" => Ok(Review::Decline),
            _ => Err(Refusal::invalid("decision", "Choose confirm or decline.")),
        }
    }
}

/// What the desk may set on a live booking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffStatus {
    Arrived,
    Completed,
    NoShow,
    Cancelled,
}

impl StaffStatus {
    /// Reads `arrived`, `completed`, `no_show` or `cancelled`.
    pub fn parse(text: &str) -> Result<StaffStatus, Refusal> {
        match text {
            "arrived" => Ok(StaffStatus::Arrived),
            "completed" => Ok(StaffStatus::Completed),
            "no_show" => Ok(StaffStatus::NoShow),
            "cancelled" => Ok(StaffStatus::Cancelled),
            _ => Err(Refusal::invalid("status", "Unknown status.")),
        }
    }
}

/// The desk changes only live bookings.
fn live(current: &Booking) -> Result<(), Refusal> {
    if current.status.is_live() {
        Ok(())
    } else {
        Err(Refusal::invalid(
            "status",
            "This booking is no longer live.",
        ))
    }
}

/// A status change takes no new time, so a conflict in the database means the row moved
/// under it, not that a time was lost.
fn status_refusal(err: BookingError<Refusal>) -> Refusal {
    match from_store(err) {
        Refusal::SlotTaken { .. } => Refusal::Changed,
        other => other,
    }
}

impl Workflows {
    /// Cancels a booking and releases its time; the client is told by mail.
    pub async fn cancel(&self, booking: &Booking, actor: Actor) -> Result<Booking, Refusal> {
        let clinic = self.clinic();
        let cancelled = self
            .store
            .set_booking_status(
                &booking.id,
                BookingStatus::Cancelled,
                None,
                |current| can_change(&clinic, current, &actor),
                |after| vec![compose::cancelled(&clinic, after)],
            )
            .await
            .map_err(status_refusal)?;
        // The freed time goes to the first client waiting for it.
        self.offer_freed(cancelled.start, &cancelled.practitioner_id)
            .await;
        Ok(cancelled)
    }

    /// Confirms or declines a booking held for review and tells the client by mail, with
    /// the practitioner's note when there is one. `reviewer` is the practitioner id of the
    /// staff member deciding, if they are one: a screening with findings a doctor must
    /// approve (see [`Workflows::approval`]) is confirmed only by a prescriber. Anyone
    /// clinical may decline.
    pub async fn review(
        &self,
        booking: &Booking,
        decision: Review,
        note: &str,
        reviewer: Option<&str>,
    ) -> Result<Booking, Refusal> {
        let clinic = self.clinic();
        let confirmed = decision == Review::Confirm;
        if confirmed {
            let approval = self.approval(booking).await?;
            if !approval.may_confirm(reviewer) {
                return Err(Refusal::Forbidden {
                    message: approval.refusal(),
                });
            }
        }
        let status = if confirmed {
            BookingStatus::Confirmed
        } else {
            BookingStatus::Declined
        };
        let note = note.trim();
        let ctx = self.context(booking.screening_id.as_deref()).await?;
        let manage_url = if confirmed {
            self.manage_url(&self.fresh_manage_token(&booking.id).await?)
        } else {
            String::new()
        };
        let reviewed = self
            .store
            .set_booking_status(
                &booking.id,
                status,
                Some(note).filter(|n| !n.is_empty()),
                |current| {
                    if current.status == BookingStatus::PendingReview {
                        Ok(())
                    } else {
                        Err(Refusal::Closed {
                            message: "This booking is not waiting for review.".into(),
                        })
                    }
                },
                |after| {
                    let mut mail = vec![compose::reviewed(&clinic, after, confirmed, note)];
                    if confirmed {
                        mail.extend(self.plan_before(&ctx, after, &manage_url));
                    }
                    mail
                },
            )
            .await
            .map_err(status_refusal)?;
        if !confirmed {
            // A declined booking gives its time back: offer it to the waitlist.
            self.offer_freed(reviewed.start, &reviewed.practitioner_id)
                .await;
        }
        Ok(reviewed)
    }

    /// Who may confirm a booking held for review: the findings on its screening that the
    /// sources want a doctor to approve, and the clinic's prescribers.
    pub async fn approval(&self, booking: &Booking) -> Result<Approval, Refusal> {
        let clinic = self.clinic();
        let findings = match &booking.screening_id {
            Some(id) => self
                .store
                .screening(id)
                .await?
                .map(|s| s.findings)
                .unwrap_or_default(),
            None => String::new(),
        };
        Ok(Approval::of(&clinic, &findings))
    }

    /// The desk marks a live booking arrived, completed or missed, or cancels it.
    pub async fn set_status(
        &self,
        booking: &Booking,
        status: StaffStatus,
        staff_id: &str,
    ) -> Result<Booking, Refusal> {
        self.set_status_overriding(booking, status, staff_id, None)
            .await
    }

    /// As [`Workflows::set_status`]; with an `override_reason`, staff complete a treatment
    /// that lacks what completion needs (see [`Workflows::completion_guard`]), and the
    /// reason is kept with who gave it.
    pub async fn set_status_overriding(
        &self,
        booking: &Booking,
        status: StaffStatus,
        staff_id: &str,
        override_reason: Option<&str>,
    ) -> Result<Booking, Refusal> {
        let status = match status {
            StaffStatus::Cancelled => {
                return self
                    .cancel(
                        booking,
                        Actor::Staff {
                            id: staff_id.to_owned(),
                        },
                    )
                    .await;
            }
            StaffStatus::Arrived => BookingStatus::Arrived,
            StaffStatus::Completed => BookingStatus::Completed,
            StaffStatus::NoShow => BookingStatus::NoShow,
        };
        // What completion needs, unless staff give a reason for going without it.
        let mut override_with = None;
        if status == BookingStatus::Completed
            && let Err(missing) = self.completion_guard(booking).await
        {
            match crate::records::text::free_text(override_reason, "override_reason")? {
                Some(reason) => override_with = Some(reason),
                None => return Err(missing),
            }
        }
        // A completed treatment plans its aftercare, each note linking to the check-in.
        let aftercare = if status == BookingStatus::Completed {
            let ctx = self.context(None).await?;
            Some((ctx, self.fresh_manage_token(&booking.id).await?))
        } else {
            None
        };
        let plan = |after: &Booking| match &aftercare {
            Some((ctx, token)) => self.plan_after(ctx, after, token),
            None => Vec::new(),
        };
        if let Some(reason) = override_with {
            return self
                .store
                .complete_overriding(&booking.id, &reason, staff_id, Timestamp::now(), live, plan)
                .await
                .map_err(status_refusal);
        }
        self.store
            .set_booking_status(&booking.id, status, None, live, plan)
            .await
            .map_err(status_refusal)
    }

    /// What a treatment needs before it is completed: one line per requirement. The
    /// requirements only ever become true (a signed record stays signed), so checking them
    /// before the status changes cannot let a missing one through.
    pub(crate) async fn completion_guard(&self, booking: &Booking) -> Result<(), Refusal> {
        if !crate::is_treatment(&self.clinic(), &booking.service_id) {
            return Ok(());
        }
        self.require_signed_record(booking).await?;
        if self.consent_state(booking).await?.blocks_treatment() {
            return Err(Refusal::ConsentMissing);
        }
        Ok(())
    }

    /// The invite a client downloads from their manage page, current or cancelled.
    pub fn invite(&self, booking: &Booking, token: &str) -> String {
        let clinic = self.clinic();
        let manage_url = self.manage_url(token);
        compose::invite(
            &clinic,
            booking,
            Some(&manage_url),
            0,
            !booking.status.is_live(),
        )
    }

    /// The booking a manage token opens; an over-long token is simply not found.
    pub async fn by_token(&self, token: &str) -> Result<Booking, Refusal> {
        if token.len() > 128 {
            return Err(Refusal::NotFound { what: "booking" });
        }
        self.store
            .booking_by_token_hash(&store::hash_token(token))
            .await?
            .ok_or(Refusal::NotFound {
                what: "booking for this link",
            })
    }
}

/// Who may confirm a booking: whether its screening needs a doctor's approval, and who can
/// give it (practitioners with `prescriber = true` in the clinic file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    /// Rule ids of the findings only a prescriber may confirm; empty when anyone clinical may.
    pub doctor_findings: Vec<String>,
    /// The prescribers, as `(id, name)`.
    pub prescribers: Vec<(String, String)>,
}

impl Approval {
    /// Reads a screening's stored findings (JSON) against the clinic's rules.
    pub fn of(clinic: &ClinicSnapshot, findings_json: &str) -> Approval {
        #[derive(serde::Deserialize)]
        struct Stored {
            rule: String,
        }
        let stored: Vec<Stored> = serde_json::from_str(findings_json).unwrap_or_default();
        let mut doctor_findings: Vec<String> = stored
            .into_iter()
            .map(|f| f.rule)
            .filter(|rule| clinic.rules.needs_prescriber(rule))
            .collect();
        doctor_findings.dedup();
        let prescribers = clinic
            .setup
            .practitioners
            .iter()
            .filter(|p| p.prescriber)
            .map(|p| (p.id.clone(), p.name.clone()))
            .collect();
        Approval {
            doctor_findings,
            prescribers,
        }
    }

    /// Whether only a prescriber may confirm.
    pub fn needs_prescriber(&self) -> bool {
        !self.doctor_findings.is_empty()
    }

    /// Whether the practitioner `reviewer` (none for staff who are not practitioners) may confirm.
    pub fn may_confirm(&self, reviewer: Option<&str>) -> bool {
        !self.needs_prescriber()
            || reviewer.is_some_and(|r| self.prescribers.iter().any(|(id, _)| id == r))
    }

    /// Who may confirm, in words: "Dr. Maya Lee" or "no one: the clinic file names no prescriber".
    pub fn who(&self) -> String {
        if self.prescribers.is_empty() {
            "no one yet: the clinic file marks no practitioner as a prescriber".into()
        } else {
            let names: Vec<&str> = self.prescribers.iter().map(|(_, n)| n.as_str()).collect();
            names.join(", ")
        }
    }

    /// Why a non-prescriber may not confirm.
    pub fn refusal(&self) -> String {
        format!(
            "Only a prescriber may confirm this booking: its screening has findings a doctor must approve ({}). Who may confirm: {}. You may still decline it.",
            self.doctor_findings.join(", ").replace('_', " "),
            self.who()
        )
    }
}
