//! Why a workflow said no, in terms the edges can show: the API turns a refusal into a
//! problem detail, the pages into a message beside the field at fault.

use scheduling::Slot;

/// A workflow's answer when it did not do what was asked; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// One input is wrong: `field` is its dotted path (`client.email`).
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// Someone else took the time first; `alternatives` are the nearest free starts.
    #[error("Sorry, someone else booked that time a moment ago. Here are the nearest free times.")]
    SlotTaken { alternatives: Vec<Slot> },
    /// Another booking took the time of one session of a course (`index`, 0-based, when
    /// known) while it was being booked; nothing of the course was booked. `proposal` is a
    /// fresh set of free sessions (empty when none could be found).
    #[error(
        "Sorry, the time of one session was booked by someone else a moment ago, so nothing of the course was booked. Here is a new proposal."
    )]
    CourseSlotTaken {
        index: Option<usize>,
        proposal: Vec<crate::ProposedSession>,
    },
    /// The booking changed while this request was deciding; trying again may work.
    #[error("The booking changed meanwhile.")]
    Changed,
    /// Clients may change a booking online only until this many hours before it starts.
    #[error(
        "Appointments can be changed online until {hours} hours before they start. Please call us on {phone} and we will help."
    )]
    InsideCancelWindow { hours: u32, phone: String },
    /// The booking is past changing (cancelled, completed, …) or not in the state asked for.
    #[error("{message}")]
    Closed { message: String },
    /// A treatment that needs a screening was booked without one.
    #[error(
        "This treatment needs the safety screening first: answer the questions at /suitability or POST /api/v1/screenings, then book with its id."
    )]
    ScreeningRequired,
    /// The screening does not allow this booking; `field` is `start` when another date would do.
    #[error("{message}")]
    ScreeningRefused {
        field: &'static str,
        message: String,
    },
    /// What was asked for does not exist (or is not visible to the asker).
    #[error("No {what} was found.")]
    NotFound { what: &'static str },
    /// Too many bookings from one address; it may try again after `retry_after` seconds.
    #[error(
        "Too many bookings from this address; please try again in {} minutes.",
        retry_after.div_ceil(60)
    )]
    RateLimited { retry_after: u64 },
    /// The same thing was done too recently (a second check-in within the hour); it may be
    /// tried again after `retry_after` seconds.
    #[error("{message}")]
    TooSoon { message: String, retry_after: u64 },
    /// The consent document's version or text changed since the client was shown it.
    #[error("{message}")]
    ConsentChanged { message: String },
    /// The asker's role does not include this.
    #[error("{message}")]
    Forbidden { message: String },
    /// The treatment record is signed: it can no longer be edited, only amended.
    #[error(
        "This treatment record is signed off; it can no longer be edited, only amended with a reason."
    )]
    RecordSigned,
    /// A treatment is completed only with a signed treatment record (or a written reason).
    #[error(
        "This treatment has no signed treatment record yet: the practitioner writes and signs it first, or staff complete the booking with a written reason."
    )]
    RecordMissing,
    /// The clinic requires a signed consent before treatment and this client has not signed
    /// every required document at its current version.
    #[error(
        "The client has not signed the consent for this treatment yet: they sign it on their manage page or on the clinic's tablet first."
    )]
    ConsentMissing,
    /// A waitlist offer's time ran out before it was accepted; the time went to the next
    /// person waiting.
    #[error(
        "This offer has expired, so the time was offered to the next person waiting. You are still on the waitlist for other times."
    )]
    OfferExpired,
    /// Something failed that the asker cannot fix; logged in full where it is answered.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Refusal {
    /// Invalid input in one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Refusal {
        Refusal::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The input field at fault, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Refusal::Invalid { field, .. } => Some(field),
            Refusal::ScreeningRequired => Some("screening"),
            Refusal::ScreeningRefused { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl From<store::StoreError> for Refusal {
    fn from(err: store::StoreError) -> Refusal {
        Refusal::Internal(err.to_string())
    }
}
