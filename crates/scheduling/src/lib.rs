//! The availability engine: which start times a service can take.
//!
//! Pure functions over plain data, no I/O. All wall-clock reasoning happens in the
//! clinic's IANA time zone through [`jiff`], so daylight-saving days and midnight are
//! handled in one place. The web and storage edges feed it a [`Schedule`], a [`Service`]
//! and the [`Hold`]s already taken, and get back [`Slot`]s.

mod check;
mod engine;
mod error;
mod hours;
mod intervals;
mod model;
mod phases;
mod resources;
#[cfg(test)]
mod testkit;

pub use check::check;
pub use engine::availability;
pub use error::Unavailable;
pub use model::*;
pub use phases::holds_for;
