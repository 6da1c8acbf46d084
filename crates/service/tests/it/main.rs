//! The service crate's integration tests, built as one binary: one link instead of one per file,
//! and cargo runs every test of the crate in one pool of threads.

#[macro_use]
mod common;

mod checkins;
mod clock;
mod courses;
mod delivery;
mod erasure;
mod messages;
mod photos;
mod records;
mod screening_gate;
mod screening_link;
mod undo;
mod visits;
mod waitlist;
mod workflows;
