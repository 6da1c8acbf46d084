//! Mail to clients: composing messages and invites, and the worker that sends them.

pub mod compose;
pub mod ics;
pub mod worker;
