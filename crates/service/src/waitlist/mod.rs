//! The waitlist: a client asks for a service over a range of dates; when a matching time
//! frees (a cancellation, a move, a declined review, an offer declined or expired, new
//! hours) it is offered to the first who joined, held for `[waitlist] offer_minutes`.

mod input;
mod offers;

pub use input::{DayPart, WaitlistBody, WaitlistInput, parse_date, parse_times};
pub use offers::WaitlistRun;

use mail::compose;
use store::{NewWaitlistEntry, WaitlistEntry};

use crate::{Refusal, Workflows};

/// Where a waitlist entry's manage page lives, from its token.
pub fn waitlist_path(token: &str) -> String {
    format!("/waitlist/{token}")
}

/// Where an offer's page lives, from its token.
pub fn offer_path(token: &str) -> String {
    format!("/waitlist/offers/{token}")
}

/// A client on the waitlist: the entry and the manage token they keep (shown once).
pub struct Joined {
    pub entry: WaitlistEntry,
    pub manage_token: String,
}

impl Workflows {
    /// Puts a client on the waitlist for a service over `from..=to` (clinic-local dates),
    /// after checking the service, the practitioner, the range (not in the past, not past
    /// the booking horizon) and, for a treatment that needs one, the screening.
    pub async fn join_waitlist(&self, input: WaitlistInput) -> Result<Joined, Refusal> {
        let clinic = self.clinic();
        let service = clinic.setup.service(&input.service_id).ok_or_else(|| {
            Refusal::invalid(
                "service",
                format!("There is no service \"{}\".", input.service_id),
            )
        })?;
        if let Some(p) = &input.practitioner {
            let offers = clinic
                .setup
                .practitioner(p)
                .ok_or_else(|| {
                    Refusal::invalid("practitioner", format!("There is no practitioner \"{p}\"."))
                })?
                .services
                .contains(&input.service_id);
            if !offers {
                return Err(Refusal::invalid(
                    "practitioner",
                    format!("Practitioner \"{p}\" does not offer this service."),
                ));
            }
        }
        let (today, last) = (clinic.today(), clinic.last_bookable_date());
        if input.from < today {
            return Err(Refusal::invalid(
                "from",
                format!(
                    "{} is in the past; choose today or a later date.",
                    input.from
                ),
            ));
        }
        if input.to < input.from {
            return Err(Refusal::invalid("to", "`to` must not be before `from`."));
        }
        if input.to > last {
            return Err(Refusal::invalid(
                "to",
                format!("We take bookings up to {last}; choose an earlier last date."),
            ));
        }
        // The screening must allow a booking in the range: checked for its first day here,
        // and again for the offered time when the client accepts.
        let first_day = input
            .from
            .to_zoned_datetime(clinic.timezone.clone())
            .map_err(|e| Refusal::Internal(e.to_string()))?
            .timestamp();
        let booker = crate::screening::Booker {
            email: &input.client.email,
            areas: crate::service_areas(service),
        };
        self.screening_status(
            service.requires_screening,
            input.screening_id.as_deref(),
            first_day,
            Some(booker),
        )
        .await
        .map_err(|refusal| match refusal {
            Refusal::ScreeningRefused { message, .. } => Refusal::ScreeningRefused {
                field: "from",
                message,
            },
            other => other,
        })?;
        let (token, token_hash) = store::new_token();
        let manage_url = format!("{}{}", self.public_url, waitlist_path(&token));
        let new = NewWaitlistEntry {
            service_id: input.service_id,
            practitioner_id: input.practitioner,
            from: input.from,
            to: input.to,
            times: input.times.iter().map(|p| p.as_str().to_owned()).collect(),
            screening_id: input.screening_id,
            client: input.client,
            manage_token_hash: token_hash,
        };
        let entry = self
            .store
            .join_waitlist(&new, |entry| {
                vec![compose::waitlist_joined(&clinic, entry, &manage_url)]
            })
            .await?;
        Ok(Joined {
            entry,
            manage_token: token,
        })
    }

    /// The entry a waitlist manage token opens.
    pub async fn waitlist_by_token(&self, token: &str) -> Result<WaitlistEntry, Refusal> {
        self.store
            .waitlist_entry_by_token_hash(&store::hash_token(token))
            .await?
            .ok_or(Refusal::NotFound {
                what: "waitlist entry",
            })
    }

    /// Takes the client off the waitlist; an offer they hold is withdrawn and its time
    /// offered to the next person.
    pub async fn leave_waitlist(&self, token: &str) -> Result<WaitlistEntry, Refusal> {
        let entry = self.waitlist_by_token(token).await?;
        let open = self.store.offers_for_entry(&entry.id).await?;
        if !self.store.leave_waitlist(&entry.id).await? {
            return Err(Refusal::Closed {
                message: "You are no longer on the waitlist.".into(),
            });
        }
        for offer in open.iter().filter(|o| o.status == store::OfferStatus::Open) {
            self.offer_freed(offer.start, &offer.practitioner_id).await;
        }
        Ok(WaitlistEntry {
            status: store::EntryStatus::Left,
            ..entry
        })
    }
}
