//! A clinic's setup: what the clinic file says, checked before anything is stored.
//!
//! The clinic file (`collagen setup FILE`) and the back office's setup screens both end
//! here, so one set of checks guards every change: an unknown time zone, malformed or
//! overlapping hours, a service naming an unknown resource, or a practitioner offering an
//! unknown service is refused with the field (and, for files, the line) that is wrong.

mod checks;
mod edit;
mod error;
mod file;
mod hours;
mod moments;
mod records;
mod schedule;
mod security;
mod setup;
mod snapshot;
mod times;

pub use edit::{EditRefused, Move, new_id};
pub use error::SetupError;
pub use file::{demo, parse, validate};
pub use hours::QuietHours;
pub use hours::{format_span, parse_span};
pub use records::RecordsPolicy;
pub use security::SecurityPolicy;
pub use setup::*;
pub use snapshot::ClinicSnapshot;
pub use times::{clock_time, format_local_on, money, rfc3339, zone_name};

#[cfg(test)]
mod tests;
