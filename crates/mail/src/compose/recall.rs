//! The letter a lot recall sends: the clinic's own words about the batch, once per client.

use clinic::ClinicSnapshot;
use store::{Booking, Mail};

use super::{Words, details, message};

/// Sent to each client a recalled cartridge or product lot touched, with the clinic's own
/// `note` about it; queued by the recall workflow, once per client.
pub fn recall(clinic: &ClinicSnapshot, booking: &Booking, lot: &str, note: &str) -> Mail {
    let d = details(clinic, booking);
    let lead = format!(
        "We are writing to every client whose treatment used materials from one batch (lot {lot}), and your appointment below was one of them. {} If you have any questions, or notice anything unusual where you were treated, please call us on {}.",
        note.trim(),
        clinic.setup.clinic.phone
    );
    message(
        clinic,
        booking,
        Words {
            kind: "recall",
            subject: format!("About your treatment on {}", d.when),
            lead,
            manage_url: None,
            ics: None,
            with_preparation: false,
            confirming: false,
        },
    )
}
