//! What a client receives from the clinic, and how it reaches them.
//!
//! [`compose`] writes each message (plain text, HTML and an RFC 5545 invite) from a booking
//! and the clinic; it does no I/O, so a workflow can queue the message in the same database
//! transaction as the change it reports. [`deliver`] is the edge: the background worker that
//! sends queued mail over SMTP or writes it to the outbox folder.

mod calendar_links;
pub mod compose;
pub mod deliver;
mod forget;
mod ics;

pub use deliver::{
    Clock, MailConfig, QuietRule, no_quiet_hours, run_worker, run_worker_with,
    run_worker_with_clock, system_clock,
};
pub use forget::remove_written;

/// The sender clients see when the deployment names none: the clinic itself, by the name
/// and address in its clinic file, so replies reach the clinic. `None` when the clinic's
/// address is not one a mail header can carry.
pub fn clinic_sender(clinic: &clinic::ClinicInfo) -> Option<String> {
    let address = clinic.email.trim().parse::<lettre::Address>().ok()?;
    let name = clinic.name.trim();
    let name = (!name.is_empty()).then(|| name.to_owned());
    Some(lettre::message::Mailbox::new(name, address).to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_clinic_is_the_sender() {
        let mut info = clinic::demo().clinic;
        assert_eq!(
            super::clinic_sender(&info).as_deref(),
            Some("Northside Skin Clinic <hello@northside.example>")
        );
        info.name = "Smith, Jones & Co.".into();
        let sender = super::clinic_sender(&info).unwrap();
        assert!(
            sender.parse::<lettre::message::Mailbox>().is_ok(),
            "{sender}"
        );
        info.email = "not an address".into();
        assert_eq!(super::clinic_sender(&info), None);
    }
}
