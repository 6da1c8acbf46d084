//! Undo for a few minutes: the desk takes back a cancellation, a no-show or an arrival
//! made by mistake. A cancelled booking takes its time again through the database's overlap
//! refusal, so an undo never double-books; the client hears nothing if the cancellation
//! mail had not gone yet, and otherwise that the booking stands after all.

use jiff::{SignedDuration, Timestamp};
use mail::compose;
use store::{Booking, BookingStatus, NoticeState, StatusChange};

use crate::booking::from_store;
use crate::{Refusal, Workflows};

/// How long the desk may undo a cancellation, a no-show or an arrival. Long enough to catch
/// the wrong row or the wrong button straight away; short enough that a freed time has
/// rarely gone to someone else and a client told of a cancellation is not left unsure for
/// long which message holds.
pub const UNDO_MINUTES: i64 = 5;

/// A change the desk may undo: which status it set, and which it replaced.
fn undoable(current: BookingStatus, before: BookingStatus) -> bool {
    matches!(
        current,
        BookingStatus::Cancelled | BookingStatus::NoShow | BookingStatus::Arrived
    ) && matches!(
        before,
        BookingStatus::Confirmed | BookingStatus::PendingReview | BookingStatus::Arrived
    ) && current != before
}

/// Until when `change` to a booking now at `current` may be undone, if it may at all.
pub fn undo_deadline(current: BookingStatus, change: StatusChange) -> Option<Timestamp> {
    undoable(current, change.before).then(|| change.at + SignedDuration::from_mins(UNDO_MINUTES))
}

/// An undone change.
#[derive(Debug)]
pub struct Undone {
    /// The booking with its status back.
    pub booking: Booking,
    /// The client had already been told of the cancellation and now gets the "stands after
    /// all" note; the desk should call them too.
    pub client_was_told: bool,
}

impl Workflows {
    /// Until when the desk may undo `booking`'s last status change, if it still may at `now`.
    pub async fn undo_until(
        &self,
        booking: &Booking,
        now: Timestamp,
    ) -> Result<Option<Timestamp>, Refusal> {
        let change = self.store.last_status_change(&booking.id).await?;
        Ok(change
            .and_then(|c| undo_deadline(booking.status, c))
            .filter(|until| *until > now))
    }

    /// Undoes `booking`'s last status change (a cancellation, a no-show or an arrival) within
    /// [`UNDO_MINUTES`], back to the status it replaced. A cancellation's time is taken again
    /// only if still free; its mail is withdrawn if it has not gone, and otherwise the client
    /// is told the booking stands. Audited as `undo`.
    pub async fn undo(&self, booking: &Booking) -> Result<Undone, Refusal> {
        let clinic = self.clinic();
        let service = clinic.engine_service(&booking.service_id).cloned();
        let ctx = self.context(booking.screening_id.as_deref()).await?;
        let manage_url = self.manage_url(&self.fresh_manage_token(&booking.id).await?);
        let now = Timestamp::now();
        let mut told = false;
        let result = self
            .store
            .undo_status_change(
                &booking.id,
                "cancelled",
                |current, change| match change.and_then(|c| undo_deadline(current.status, c)) {
                    Some(until) if until > now => Ok(()),
                    Some(_) => Err(Refusal::Closed {
                        message: format!(
                            "Too late to undo: a change can be undone for {UNDO_MINUTES} minutes."
                        ),
                    }),
                    None => Err(Refusal::Closed {
                        message: "There is no change to undo on this booking.".into(),
                    }),
                },
                |current| {
                    let service = service.as_ref().ok_or_else(|| Refusal::Closed {
                        message:
                            "This service is no longer offered, so the booking cannot be put back."
                                .into(),
                    })?;
                    let assignment = scheduling::Assignment {
                        practitioner: current.practitioner_id.clone(),
                        room: current.room_id.clone(),
                    };
                    Ok(scheduling::holds_for(service, current.start, &assignment))
                },
                |after, notice| {
                    told = notice == NoticeState::Told;
                    let mut mail = Vec::new();
                    if told {
                        mail.push(compose::reinstated(&clinic, after, &manage_url));
                    }
                    if matches!(
                        after.status,
                        BookingStatus::Confirmed | BookingStatus::PendingReview
                    ) {
                        mail.extend(self.plan_before(&ctx, after, &manage_url));
                    }
                    mail
                },
            )
            .await;
        match result {
            Ok(booking) => Ok(Undone {
                booking,
                client_was_told: told,
            }),
            Err(err) => Err(match from_store(err) {
                Refusal::SlotTaken { .. } => Refusal::Closed {
                    message: "Not undone: the time has been taken since the cancellation (by another booking or an offer to a waiting client). Book the client again at another time.".into(),
                },
                Refusal::NotFound { .. } => Refusal::Closed {
                    message: "Not undone: the booking changed again in the meantime.".into(),
                },
                other => other,
            }),
        }
    }
}
