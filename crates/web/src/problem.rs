//! RFC 9457 problem types: stable identifiers a client can branch on.

use axum::http::StatusCode;

/// Every kind of problem the API reports, each with a stable `type` URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    MalformedRequest,
    PayloadTooLarge,
    InvalidInput,
    NotFound,
    MethodNotAllowed,
    SlotUnavailable,
    InsideCancelWindow,
    BookingClosed,
    ScreeningRequired,
    ScreeningRefused,
    RateLimited,
    Unauthorized,
    Forbidden,
    Internal,
    ConsentChanged,
    RecordSigned,
    RecordMissing,
    ConsentMissing,
    OfferExpired,
}

impl ProblemKind {
    /// Every kind, for the problem index page and the OpenAPI description.
    pub const ALL: [ProblemKind; 19] = [
        Self::MalformedRequest,
        Self::PayloadTooLarge,
        Self::InvalidInput,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::SlotUnavailable,
        Self::InsideCancelWindow,
        Self::BookingClosed,
        Self::ScreeningRequired,
        Self::ScreeningRefused,
        Self::RateLimited,
        Self::Unauthorized,
        Self::Forbidden,
        Self::Internal,
        Self::ConsentChanged,
        Self::RecordSigned,
        Self::RecordMissing,
        Self::ConsentMissing,
        Self::OfferExpired,
    ];

    /// The last segment of the `type` URI.
    pub fn slug(self) -> &'static str {
        match self {
            Self::MalformedRequest => "malformed-request",
            Self::PayloadTooLarge => "payload-too-large",
            Self::InvalidInput => "invalid-input",
            Self::NotFound => "not-found",
            Self::MethodNotAllowed => "method-not-allowed",
            Self::SlotUnavailable => "slot-unavailable",
            Self::InsideCancelWindow => "inside-cancel-window",
            Self::BookingClosed => "booking-closed",
            Self::ScreeningRequired => "screening-required",
            Self::ScreeningRefused => "screening-refused",
            Self::RateLimited => "rate-limited",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::Internal => "internal",
            Self::ConsentChanged => "consent-changed",
            Self::RecordSigned => "record-signed",
            Self::RecordMissing => "record-missing",
            Self::ConsentMissing => "consent-missing",
            Self::OfferExpired => "offer-expired",
        }
    }

    /// The `type` member: a path on this site that explains the problem.
    pub fn type_uri(self) -> String {
        format!("/problems/{}", self.slug())
    }

    /// A short human title, the same for every occurrence.
    pub fn title(self) -> &'static str {
        match self {
            Self::MalformedRequest => "The request could not be read",
            Self::PayloadTooLarge => "The request body is too large",
            Self::InvalidInput => "Some input is not valid",
            Self::NotFound => "Not found",
            Self::MethodNotAllowed => "Method not allowed",
            Self::SlotUnavailable => "That time is no longer available",
            Self::InsideCancelWindow => "Too close to the appointment to change it online",
            Self::BookingClosed => "This booking can no longer be changed",
            Self::ScreeningRequired => "This treatment needs a safety screening first",
            Self::ScreeningRefused => "The screening does not allow this booking",
            Self::RateLimited => "Too many requests",
            Self::Unauthorized => "Sign-in required",
            Self::Forbidden => "Not allowed",
            Self::Internal => "Something went wrong on our side",
            Self::ConsentChanged => "The consent document has changed since it was shown",
            Self::RecordSigned => "The treatment record is signed off",
            Self::RecordMissing => "The treatment has no signed record",
            Self::ConsentMissing => "The client has not signed the consent",
            Self::OfferExpired => "The waitlist offer has expired",
        }
    }

    /// The HTTP status it is answered with.
    pub fn status(self) -> StatusCode {
        match self {
            Self::MalformedRequest => StatusCode::BAD_REQUEST,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::InvalidInput | Self::ScreeningRequired | Self::ScreeningRefused => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::SlotUnavailable
            | Self::InsideCancelWindow
            | Self::BookingClosed
            | Self::ConsentChanged
            | Self::OfferExpired => StatusCode::CONFLICT,
            Self::RecordSigned | Self::RecordMissing | Self::ConsentMissing => StatusCode::CONFLICT,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Finds a kind by its slug, for `/problems/{slug}`.
    pub fn from_slug(slug: &str) -> Option<ProblemKind> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }
}
