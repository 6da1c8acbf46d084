//! Why a start time cannot be booked.

use jiff::Timestamp;
use jiff::civil::Date;

/// Why [`check`](crate::check) refused a start.
///
/// [`Unavailable::Taken`] is the only variant that means "valid but someone got there
/// first" (HTTP 409); every other variant means the request itself can never succeed as
/// asked (HTTP 422). [`Unavailable::is_conflict`] says which.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    /// The requested practitioner id is not in the schedule.
    #[error("no practitioner with id {0:?}")]
    UnknownPractitioner(String),
    /// The requested practitioner does not offer this service.
    #[error("practitioner {practitioner:?} does not offer service {service:?}")]
    PractitionerDoesNotOffer {
        practitioner: String,
        service: String,
    },
    /// Nobody offers this service, so no start could ever be bookable.
    #[error("no practitioner offers service {0:?}")]
    NoPractitionerOffers(String),
    /// Inside opening hours but off the step grid (or the second pass of a repeated
    /// wall-clock time, which is only offered at its first occurrence).
    #[error("{0} is not on the booking step from the start of an opening span")]
    NotOnStep(Timestamp),
    /// Not wholly inside an opening span of any eligible practitioner, or blocked by a
    /// closure or time off.
    #[error("{0} is outside opening hours (or on a closure or time off)")]
    OutsideHours(Timestamp),
    /// Inside the minimum notice (or before today).
    #[error("{start} is too soon: the earliest bookable start is {earliest}")]
    TooSoon {
        start: Timestamp,
        earliest: Timestamp,
    },
    /// On a local date after today + horizon.
    #[error("{date} is beyond the booking horizon (last bookable date {last})")]
    BeyondHorizon { date: Date, last: Date },
    /// On a local date before `not_before`.
    #[error("{date} is before the earliest allowed date {earliest}")]
    BeforeEarliest { date: Date, earliest: Date },
    /// A valid start, but every eligible practitioner or every room is already held.
    #[error("{0} is already taken: every eligible practitioner or every room is held")]
    Taken(Timestamp),
}

impl Unavailable {
    /// True only for [`Unavailable::Taken`], the one refusal a retry at another time or
    /// after a cancellation could fix; callers map it to 409 and the rest to 422.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Unavailable::Taken(_))
    }
}
