//! Bookings and the holds they take, written so that a lost race is a refusal, not a bug.

mod checkins;
mod consents;
mod course;
mod group_commit;
mod insert;
mod policy;
mod read;
mod rows;
mod screening_links;
mod undo;
mod write;

pub use checkins::{AckOutcome, Alert, CheckinError, NewCheckin};
pub(crate) use checkins::{AlertRow, SELECT_ALERTS};
pub use consents::{ConsentError, NewConsent, SignedConsent};
pub use course::{Course, CourseError, NewCourse, NewCourseSession};
pub(crate) use group_commit::BookingWriter;
pub(crate) use insert::{BookingInsert, find_or_add_client};
pub use policy::PolicyAgreement;
pub use undo::{NoticeState, StatusChange};
pub use write::ClientUpdate;

pub(crate) use rows::{BookingRow, SELECT_BOOKING, SELECT_HOLDS, resource_key, rows_to_holds};

use jiff::Timestamp;
use scheduling::Hold;

use crate::StoreError;
use crate::error::is_overlap;

/// Where a booking is in its life. Only some states hold time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    Confirmed,
    PendingReview,
    Cancelled,
    Declined,
    Arrived,
    Completed,
    NoShow,
}

impl BookingStatus {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::PendingReview => "pending_review",
            Self::Cancelled => "cancelled",
            Self::Declined => "declined",
            Self::Arrived => "arrived",
            Self::Completed => "completed",
            Self::NoShow => "no_show",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "confirmed" => Self::Confirmed,
            "pending_review" => Self::PendingReview,
            "cancelled" => Self::Cancelled,
            "declined" => Self::Declined,
            "arrived" => Self::Arrived,
            "completed" => Self::Completed,
            "no_show" => Self::NoShow,
            _ => return None,
        })
    }

    /// Cancelled and declined bookings give their time back.
    pub fn is_live(self) -> bool {
        !matches!(self, Self::Cancelled | Self::Declined)
    }
}

/// Who a booking is for. Clients are matched by email.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Client {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// The client details a booking form collects.
#[derive(Clone, Debug)]
pub struct NewClient {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// A booking as stored, with its client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booking {
    pub id: String,
    pub reference: String,
    pub service_id: String,
    pub practitioner_id: String,
    pub room_id: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub status: BookingStatus,
    pub screening_id: Option<String>,
    pub notes: String,
    pub review_note: Option<String>,
    pub created_by: String,
    /// The client record the booking belongs to, as it is now.
    pub client: Client,
    /// The details typed on this booking, which may differ from the client record.
    pub booked_as: BookedAs,
}

/// The name and phone given on one booking. A public booking never rewrites the client
/// record, so this is where a different name or a new phone number shows up for staff.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BookedAs {
    pub name: String,
    pub phone: Option<String>,
}

impl Booking {
    /// The booking's details when they differ from the client record, for staff to see
    /// and decide on; `None` when they match.
    pub fn booked_differently(&self) -> Option<&BookedAs> {
        let same_phone =
            self.booked_as.phone.is_none() || self.booked_as.phone == self.client.phone;
        // An erased client's kept bookings hold nothing typed: there is nothing to show.
        let typed = !self.booked_as.name.is_empty() || self.booked_as.phone.is_some();
        (typed && (self.booked_as.name != self.client.name || !same_phone))
            .then_some(&self.booked_as)
    }
}

/// What the engine decided for a booking: who, where, when, and what that holds.
#[derive(Clone, Debug)]
pub struct Placement {
    pub practitioner_id: String,
    pub room_id: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub holds: Vec<Hold>,
}

/// Everything about a new booking that is known before the engine places it.
#[derive(Clone, Debug)]
pub struct NewBooking {
    pub reference: String,
    pub manage_token_hash: String,
    pub service_id: String,
    pub client: NewClient,
    pub status: BookingStatus,
    pub screening_id: Option<String>,
    pub notes: String,
    /// `client`, or the staff member's id.
    pub created_by: String,
    /// The cancellation policy the client agreed to, kept with the booking in its
    /// transaction; `None` when staff booked or the API was not sent it.
    pub policy: Option<PolicyAgreement>,
}

/// Why a booking change did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BookingError<E> {
    /// The caller's own check said no; nothing was written.
    #[error("refused")]
    Refused(E),
    /// Someone else took the time first; the database refused the overlap.
    #[error("the time is no longer free")]
    SlotTaken,
    #[error("no such booking")]
    NotFound,
    #[error(transparent)]
    Store(StoreError),
}

impl<E> From<sqlx::Error> for BookingError<E> {
    fn from(err: sqlx::Error) -> Self {
        if is_overlap(&err) {
            BookingError::SlotTaken
        } else if let sqlx::Error::Database(db) = &err
            && matches!(db.code().as_deref(), Some("40P01" | "40001" | "55P03"))
        {
            // Two writers crossed on the same rows, or one waited too long on the other's
            // (lock_timeout): one of them lost the race.
            BookingError::SlotTaken
        } else {
            BookingError::Store(StoreError::Database(err))
        }
    }
}
