//! The waitlist: who waits for which service and dates, and the offers of freed times made
//! to them. An open offer holds its time in `holds` (with `offer_id` set instead of
//! `booking_id`), so the database refuses a booking over it exactly as over a booking.

mod entries;
mod offers;

pub use offers::{AcceptError, OfferError, OfferRequest};

/// The unique index that allows one open offer per entry (named in its refusal).
pub(crate) const OFFER_ALREADY_OPEN: &str = "waitlist_offers_one_open";

use jiff::Timestamp;
use jiff::civil::Date;

use crate::{BookedAs, Client, StoreError};

/// Where a waitlist entry is in its life; only `Waiting` entries receive offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryStatus {
    Waiting,
    /// An offer was accepted: the client has their booking.
    Booked,
    /// The client left from their manage link.
    Left,
    /// The last date of the range passed without a time.
    Lapsed,
}

impl EntryStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Booked => "booked",
            Self::Left => "left",
            Self::Lapsed => "lapsed",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        Ok(match text {
            "waiting" => Self::Waiting,
            "booked" => Self::Booked,
            "left" => Self::Left,
            "lapsed" => Self::Lapsed,
            _ => return Err(StoreError::Corrupt(format!("waitlist status {text}"))),
        })
    }
}

/// Where an offer is in its life; only an `Open` offer holds its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferStatus {
    Open,
    Accepted,
    Declined,
    Expired,
    /// The client left the waitlist while the offer was open.
    Withdrawn,
}

impl OfferStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Expired => "expired",
            Self::Withdrawn => "withdrawn",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        Ok(match text {
            "open" => Self::Open,
            "accepted" => Self::Accepted,
            "declined" => Self::Declined,
            "expired" => Self::Expired,
            "withdrawn" => Self::Withdrawn,
            _ => return Err(StoreError::Corrupt(format!("offer status {text}"))),
        })
    }
}

/// What a client asks for when joining; checked by the workflow before it gets here.
#[derive(Clone, Debug)]
pub struct NewWaitlistEntry {
    pub service_id: String,
    pub practitioner_id: Option<String>,
    pub from: Date,
    pub to: Date,
    /// Parts of the day wanted (`morning`, `afternoon`, `evening`); empty is any.
    pub times: Vec<String>,
    pub screening_id: Option<String>,
    pub client: crate::NewClient,
    pub manage_token_hash: String,
}

/// A waitlist entry as stored, with its client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitlistEntry {
    pub id: String,
    pub service_id: String,
    pub practitioner_id: Option<String>,
    pub from: Date,
    pub to: Date,
    pub times: Vec<String>,
    pub screening_id: Option<String>,
    pub status: EntryStatus,
    /// When the client joined, to the microsecond: offers go out in this order.
    pub joined_at: Timestamp,
    pub client: Client,
    /// The name and phone typed when joining, which become the booking's.
    pub joined_as: BookedAs,
}

/// An offer of one time to one waitlist entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    pub id: String,
    pub entry_id: String,
    pub service_id: String,
    pub practitioner_id: String,
    pub room_id: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub status: OfferStatus,
    pub expires_at: Timestamp,
    /// The booking made when the offer was accepted.
    pub booking_id: Option<String>,
    /// `waitlist` for an offer the matcher made, `staff:ID` for one made by hand.
    pub created_by: String,
}

fn at(seconds: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_second(seconds).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn date(text: &str) -> Result<Date, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("waitlist date {text}")))
}

#[derive(sqlx::FromRow)]
pub(crate) struct OfferRow {
    id: String,
    entry_id: String,
    service_id: String,
    practitioner_id: String,
    room_id: String,
    start_at: i64,
    end_at: i64,
    status: String,
    expires_at: i64,
    booking_id: Option<String>,
    created_by: String,
}

pub(crate) const SELECT_OFFER: &str = "SELECT o.id, o.entry_id, o.service_id, o.practitioner_id,
    o.room_id, o.start_at, o.end_at, o.status, o.expires_at, o.booking_id, o.created_by
    FROM waitlist_offers o";

impl TryFrom<OfferRow> for Offer {
    type Error = StoreError;
    fn try_from(r: OfferRow) -> Result<Offer, StoreError> {
        Ok(Offer {
            status: OfferStatus::parse(&r.status)?,
            start: at(r.start_at)?,
            end: at(r.end_at)?,
            expires_at: at(r.expires_at)?,
            id: r.id,
            entry_id: r.entry_id,
            service_id: r.service_id,
            practitioner_id: r.practitioner_id,
            room_id: r.room_id,
            booking_id: r.booking_id,
            created_by: r.created_by,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct EntryRow {
    id: String,
    service_id: String,
    practitioner_id: Option<String>,
    from_date: String,
    to_date: String,
    times: String,
    screening_id: Option<String>,
    status: String,
    joined_us: i64,
    client_id: String,
    client_name: String,
    client_email: String,
    client_phone: Option<String>,
    joined_name: String,
    joined_phone: Option<String>,
}

pub(crate) const SELECT_ENTRY: &str = "SELECT w.id, w.service_id, w.practitioner_id,
    w.from_date, w.to_date, w.times, w.screening_id, w.status, w.joined_us,
    c.id AS client_id, c.name AS client_name, c.email AS client_email, c.phone AS client_phone,
    w.joined_name, w.joined_phone
    FROM waitlist_entries w JOIN clients c ON c.id = w.client_id";

impl TryFrom<EntryRow> for WaitlistEntry {
    type Error = StoreError;
    fn try_from(r: EntryRow) -> Result<WaitlistEntry, StoreError> {
        Ok(WaitlistEntry {
            status: EntryStatus::parse(&r.status)?,
            from: date(&r.from_date)?,
            to: date(&r.to_date)?,
            joined_at: Timestamp::from_microsecond(r.joined_us)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            times: r
                .times
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            id: r.id,
            service_id: r.service_id,
            practitioner_id: r.practitioner_id,
            screening_id: r.screening_id,
            client: Client {
                id: r.client_id,
                name: r.client_name,
                email: r.client_email,
                phone: r.client_phone,
            },
            joined_as: BookedAs {
                name: r.joined_name,
                phone: r.joined_phone,
            },
        })
    }
}
