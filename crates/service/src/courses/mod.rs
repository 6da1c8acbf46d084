//! Booking a course of treatment: a proposal of sessions at the course's interval, and
//! booking them all in one transaction, all or nothing.
//!
//! The rules (how many sessions, how close they may come) are in `rules.rs`; the proposal
//! asks the availability engine (`propose.rs`); booking places every session inside one
//! store transaction (`book.rs`); moving a session keeps the minimum interval (`change.rs`).

mod book;
mod change;
mod input;
mod propose;
mod rules;

pub use book::BookedCourse;

/// Session `index`'s own manage token, derived from the course's: whoever holds the course
/// link can open each session's manage page (to move or cancel it) without the course
/// storing a second secret, and a session's link does not reveal the course's.
pub fn session_token(course_token: &str, index: usize) -> String {
    store::hash_token(&format!("course-session:{index}:{course_token}"))
}
pub use input::{CourseBody, CourseInput};
pub use rules::CourseRules;

/// One session of a proposal: a free time, its end and who would treat it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposedSession {
    pub start: jiff::ZonedDateTime,
    /// The end of the service's last phase.
    pub end: jiff::ZonedDateTime,
    /// The practitioner's id.
    pub practitioner: String,
}
