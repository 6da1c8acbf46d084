//! Sent when the desk undoes a cancellation the client was already told about: the
//! appointment stands after all.

use clinic::ClinicSnapshot;
use store::{Booking, Mail};

use super::{Words, details, invite, message};

/// The invite's sequence: above the cancellation's (`u16::MAX`), so a calendar that took the
/// cancellation puts the appointment back.
const AFTER_CANCELLATION: i64 = u16::MAX as i64 + 1;

/// "Your booking stands after all": the cancellation was a mistake at our end, undone; the
/// appointment is as before, with its manage link and a fresh invite.
pub fn reinstated(clinic: &ClinicSnapshot, booking: &Booking, manage_url: &str) -> Mail {
    let d = details(clinic, booking);
    let lead = format!(
        "Please ignore our message that your appointment on {} was cancelled: that was our mistake, and your booking stands after all. Nothing else has changed. If the time no longer suits you, call us on {} or change it with the link below.",
        d.when, clinic.setup.clinic.phone
    );
    let invite = invite(clinic, booking, Some(manage_url), AFTER_CANCELLATION, false);
    message(
        clinic,
        booking,
        Words {
            kind: "reinstated",
            subject: format!("Your booking stands after all: {}", d.when),
            lead,
            manage_url: Some(manage_url),
            ics: Some(invite),
            with_preparation: false,
            confirming: true,
        },
    )
}
