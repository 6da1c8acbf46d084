//! Persistence for Collagen: one [`Store`] over SQLite (the embedded default) or
//! PostgreSQL (for clinics that outgrow one machine).
//!
//! The same SQL serves both engines wherever they agree; the migrations differ, because
//! each engine refuses an overlapping booking in its own way: PostgreSQL with an exclusion
//! constraint over time ranges, SQLite with a trigger inside its single write transaction.

#[macro_use]
mod db;
pub mod audit;
mod backup;
mod bookings;
mod checkpoint;
mod contact;
mod erasure;
mod error;
mod holds_cache;
mod ids;
mod messages;
mod outbox;
mod photos;
mod records;
mod screenings;
mod secret_check;
mod secrets;
mod sessions;
mod setup;
mod sign_in;
mod staff;
mod staff_tokens;
mod two_factor;
mod waitlist;

pub use audit::{Actor, AuditEntry, AuditFilter, AuditRecord, ChainBreak, ChainCheck, Who};
pub use backup::{
    BackupError, BackupSummary, Restored, backup_sqlite, restore_sqlite, verify_backup,
};
pub use bookings::*;
pub use contact::{NO_EMAIL_DOMAIN, is_undeliverable, phone_digits, stand_in_email};
pub use db::{Engine, Store};
pub use erasure::*;
pub use error::StoreError;
pub use ids::{hash_token, new_id, new_reference, new_token};
pub use messages::BookingMessage;
pub use outbox::*;
pub use photos::{NewPhoto, Photo, PhotoMeta};
pub use records::*;
pub use screenings::*;
pub use secret_check::KeyFit;
pub use secrets::{BadKey, SecretKey};
pub use sessions::{LiveSession, NewSession, SessionInfo, TOUCH_EVERY_S};
pub use sign_in::AttemptCount;
pub use staff::Staff;
pub use staff_tokens::{StaffToken, TOKEN_TOUCH_EVERY_S};
pub use two_factor::TwoFactor;
pub use waitlist::*;
