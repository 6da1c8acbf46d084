//! The mail crate's integration tests, built as one binary: one link instead of one per file.

mod compose;
mod course;
mod planned;
mod waitlist;
