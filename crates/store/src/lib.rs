//! Persistence for Collagen: one [`Store`] over SQLite (the embedded default) or
//! PostgreSQL (for clinics that outgrow one machine).
//!
//! The same SQL serves both engines wherever they agree; the migrations differ, because
//! each engine refuses an overlapping booking in its own way: PostgreSQL with an exclusion
//! constraint over time ranges, SQLite with a trigger inside its single write transaction.

#[macro_use]
mod db;
mod bookings;
mod error;
mod holds_cache;
mod ids;
mod messages;
mod outbox;
mod screenings;
mod setup;
mod sign_in;
mod staff;

pub use bookings::*;
pub use db::{Engine, Store};
pub use error::StoreError;
pub use ids::{hash_token, new_id, new_reference, new_token};
pub use messages::BookingMessage;
pub use outbox::*;
pub use screenings::*;
pub use sign_in::AttemptCount;
pub use staff::Staff;
