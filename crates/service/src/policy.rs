//! The cancel window: until when a client may change a booking themselves.

use jiff::{SignedDuration, Timestamp};
use store::{Booking, BookingStatus};

use crate::{Actor, Refusal};
use clinic::ClinicSnapshot;

/// A live booking may be changed by staff at any time, and by its client until the
/// clinic's `cancel_notice_hours` before it starts.
pub fn can_change(
    clinic: &ClinicSnapshot,
    booking: &Booking,
    actor: &Actor,
) -> Result<(), Refusal> {
    if !matches!(
        booking.status,
        BookingStatus::Confirmed | BookingStatus::PendingReview
    ) {
        return Err(Refusal::Closed {
            message: format!(
                "This booking is {} and can no longer be changed.",
                booking.status.as_str().replace('_', " ")
            ),
        });
    }
    if let Actor::Client = actor {
        let hours = clinic.cancel_notice_hours();
        if Timestamp::now() + SignedDuration::from_hours(i64::from(hours)) > booking.start {
            return Err(Refusal::InsideCancelWindow {
                hours,
                phone: clinic.setup.clinic.phone.clone(),
            });
        }
    }
    Ok(())
}
