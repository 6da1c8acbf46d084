//! The screening link: a client the desk booked by phone without a screening gets a mailed
//! link to the safety questions for that booking. Their answers are judged by the same rules
//! and give the booking the status a booking made with them would get: confirmed, held for
//! review, or (when the rules refuse this date) held for review with the reason said.

use clinic::ClinicSnapshot;
use jiff::Timestamp;
use mail::compose;
use store::{Booking, BookingStatus};

use crate::booking::from_store;
use crate::screening_scope::owner_key;
use crate::{Refusal, Workflows};

/// Where a screening link opens on the public site.
pub fn screening_link_path(token: &str) -> String {
    format!("/screening-link/{token}")
}

/// What a client's answers through a screening link did to their booking.
#[derive(Debug)]
pub enum LinkAnswer {
    /// The booking as it now stands: confirmed, or held for a practitioner's review.
    Decided(Booking),
    /// The rules do not allow treatment on this booking's date: it stays held for review
    /// and the clinic calls; `reason` says why in the client's words.
    Held { booking: Booking, reason: String },
}

/// Why the desk cannot send a screening link for `booking` at `now`, if it cannot: the
/// booking page shows the reason beside a disabled button, and the workflow refuses with it.
pub fn screening_link_blocked(
    clinic: &ClinicSnapshot,
    booking: &Booking,
    now: Timestamp,
) -> Option<String> {
    let needs = clinic
        .setup
        .service(&booking.service_id)
        .is_some_and(|s| s.requires_screening);
    if !matches!(
        booking.status,
        BookingStatus::Confirmed | BookingStatus::PendingReview
    ) || booking.start <= now
    {
        return Some("This appointment is cancelled, started or over.".into());
    }
    if !needs || booking.screening_id.is_some() {
        return Some("This booking already has what it needs: no screening link is due.".into());
    }
    if booking.client.email_address().is_none() {
        return Some(
            "No email address on file, so no link can be sent: go through the questions with the client instead."
                .into(),
        );
    }
    None
}

impl Workflows {
    /// Mails the client a link to the safety questions for `booking`, working once and
    /// until the appointment starts; the link and its mail are written together.
    pub async fn send_screening_link(&self, booking: &Booking) -> Result<(), Refusal> {
        let clinic = self.clinic();
        if let Some(message) = screening_link_blocked(&clinic, booking, Timestamp::now()) {
            return Err(Refusal::Closed { message });
        }
        let (token, hash) = store::new_token();
        let url = format!("{}{}", self.public_url, screening_link_path(&token));
        let mail = compose::screening_link(&clinic, booking, &url);
        if self
            .store
            .create_screening_link(&booking.id, &hash, booking.start, &mail)
            .await?
        {
            Ok(())
        } else {
            Err(Refusal::NotFound { what: "booking" })
        }
    }

    /// The booking a screening link opens, while the link still works.
    pub async fn screening_link_booking(&self, token: &str) -> Result<Booking, Refusal> {
        self.store
            .screening_link_booking(&store::hash_token(token), Timestamp::now())
            .await?
            .ok_or(Refusal::NotFound {
                what: "screening link",
            })
    }

    /// Judges the answers given through a screening link for its booking's treatment areas
    /// and date, stores them as the client's, and ties them to the booking with the status
    /// the booking flow would give (see [`LinkAnswer`]). The link is used up.
    pub async fn answer_screening_link(
        &self,
        token: &str,
        answers: &serde_json::Value,
    ) -> Result<LinkAnswer, Refusal> {
        let booking = self.screening_link_booking(token).await?;
        let (id, _) = self.screen_for_booking(&booking, answers).await?;
        // The booking flow's own reading of the answers for this start.
        let (status, reason) = match self
            .screening_status(true, Some(&id), booking.start, None)
            .await
        {
            Ok(status) => (status, None),
            Err(Refusal::ScreeningRefused { message, .. }) => {
                (BookingStatus::PendingReview, Some(message))
            }
            Err(other) => return Err(other),
        };
        // A new screening has no owner yet: it becomes this booking's client's.
        self.store
            .claim_screening(&id, &owner_key(&booking.client.email))
            .await?;
        self.store
            .link_screening_client(&id, &booking.client.id)
            .await?;
        let now = Timestamp::now();
        let booking = self
            .store
            .answer_screening_link(&store::hash_token(token), &id, now, |current| {
                let open = matches!(
                    current.status,
                    BookingStatus::Confirmed | BookingStatus::PendingReview
                ) && current.start > now;
                if !open {
                    return Err(Refusal::Closed {
                        message: "This appointment is cancelled, started or over.".into(),
                    });
                }
                if current.screening_id.is_some() {
                    return Err(Refusal::Closed {
                        message: "Your answers for this appointment are already with us.".into(),
                    });
                }
                Ok(status)
            })
            .await
            .map_err(|e| match from_store(e) {
                Refusal::NotFound { .. } => Refusal::NotFound {
                    what: "screening link",
                },
                other => other,
            })?;
        Ok(match reason {
            None => LinkAnswer::Decided(booking),
            Some(reason) => LinkAnswer::Held { booking, reason },
        })
    }
}
