//! The availability engine: which start times a service can take.
//!
//! Pure functions over plain data, no I/O. All wall-clock reasoning happens in the
//! clinic's IANA time zone through [`jiff`], so daylight-saving days and midnight are
//! handled in one place. The web and storage edges feed it a [`Schedule`], a [`Service`]
//! and the [`Hold`]s already taken, and get back [`Slot`]s.
//!
//! Two engines give the same answers: [`reference::availability`], written plainly to be
//! obviously correct, and the fast one production uses ([`availability`], or
//! [`Availability`] to keep the answers in a reusable buffer), which the property tests
//! hold to the reference.

mod check;
mod engine;
mod error;
mod fast;
mod hours;
mod intervals;
mod model;
mod phases;
mod resources;
#[cfg(test)]
mod testkit;

pub use check::check;
pub use error::Unavailable;
pub use fast::{Answers, Availability, PreparedHolds, SlotView, availability};
pub use model::*;
pub use phases::holds_for;

/// The first, plainly written engine: slower, but obviously correct, so the fast one is
/// held to its answers by the property tests, and the benchmarks measure against it.
pub mod reference {
    pub use crate::engine::availability;
}
