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
