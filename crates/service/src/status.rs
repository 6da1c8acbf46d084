//! Every status change a booking goes through after it is made: cancelling, the
//! practitioner's review, and the desk's arrived / completed / no-show.

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
        self.store
            .set_booking_status(
                &booking.id,
                BookingStatus::Cancelled,
                None,
                |current| can_change(&clinic, current, &actor),
                |after| vec![compose::cancelled(&clinic, after)],
            )
            .await
            .map_err(status_refusal)
    }

    /// Confirms or declines a booking held for review and tells the client by mail, with
    /// the practitioner's note when there is one.
    pub async fn review(
        &self,
        booking: &Booking,
        decision: Review,
        note: &str,
    ) -> Result<Booking, Refusal> {
        let clinic = self.clinic();
        let confirmed = decision == Review::Confirm;
        let status = if confirmed {
            BookingStatus::Confirmed
        } else {
            BookingStatus::Declined
        };
        let note = note.trim();
        self.store
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
                |after| vec![compose::reviewed(&clinic, after, confirmed, note)],
            )
            .await
            .map_err(status_refusal)
    }

    /// The desk marks a live booking arrived, completed or missed, or cancels it.
    pub async fn set_status(
        &self,
        booking: &Booking,
        status: StaffStatus,
        staff_id: &str,
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
        self.store
            .set_booking_status(
                &booking.id,
                status,
                None,
                |current| {
                    if current.status.is_live() {
                        Ok(())
                    } else {
                        Err(Refusal::invalid(
                            "status",
                            "This booking is no longer live.",
                        ))
                    }
                },
                |_| vec![],
            )
            .await
            .map_err(status_refusal)
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
