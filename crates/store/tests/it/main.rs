//! The store crate's integration tests, built as one binary: one link instead of one per file,
//! and cargo runs every test of the crate in one pool of threads.

#[macro_use]
mod common;

mod audit;
mod holds;
mod secrets;
mod sign_in;
mod staff_auth;
