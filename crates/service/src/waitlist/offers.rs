//! Offering freed times to the waitlist, in order of joining, and what the client does
//! with an offer. An offer holds its time in the database like a booking; accepting turns
//! that hold into the booking's, so a direct booking racing it finds the time taken.

use jiff::{SignedDuration, Timestamp};
use mail::compose;
use store::{AcceptError, NewBooking, NewClient, Offer, OfferError, OfferStatus, WaitlistEntry};

use super::{DayPart, offer_path};
use crate::booking::{place, schedule_for};
use crate::{Actor, Booked, Refusal, Workflows};

/// How many waiting entries one pass looks at: bounds the work of a cancellation and of
/// each periodic run.
const ENTRIES_PER_PASS: i64 = 50;

/// How many free times the periodic matcher tries for one entry before moving on.
const TRIES_PER_ENTRY: usize = 3;

/// An offer needs at least this long to be worth sending.
const SHORTEST_OFFER: SignedDuration = SignedDuration::from_mins(5);

/// What one periodic run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WaitlistRun {
    pub expired: usize,
    pub offered: usize,
    pub lapsed: u64,
}

impl Workflows {
    /// Offers a freed time (`start` with `practitioner`) to the first waiting entry it
    /// suits, in order of joining; at most one offer. Called after a cancellation, a move,
    /// a declined review, and an offer declined, expired or withdrawn. A failure is logged:
    /// the change that freed the time stands either way.
    pub async fn offer_freed(&self, start: Timestamp, practitioner: &str) -> Option<Offer> {
        let clinic = self.clinic();
        let local = start.to_zoned_datetime(clinic.timezone.clone());
        let day = local.date();
        let entries = match self.store.waiting_entries(day, day, ENTRIES_PER_PASS).await {
            Ok(entries) => entries,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the waitlist");
                return None;
            }
        };
        for entry in entries {
            let wanted = entry
                .practitioner_id
                .as_deref()
                .is_none_or(|p| p == practitioner)
                && wants(&entry, &local);
            if !wanted || self.offered_before(&entry, start).await {
                continue;
            }
            match self
                .try_offer(&entry, start, Some(practitioner), &Actor::Client)
                .await
            {
                Ok(offer) => return Some(offer),
                Err(Refusal::Internal(e)) => {
                    tracing::warn!(error = %e, "could not offer a freed time");
                    return None;
                }
                // The service does not fit the freed time, or someone acted first.
                Err(_) => continue,
            }
        }
        None
    }

    /// Staff offer a time to a waiting entry by hand (the notice window does not apply).
    pub async fn offer_by_hand(
        &self,
        entry_id: &str,
        start: Timestamp,
        practitioner: Option<&str>,
        staff_id: &str,
    ) -> Result<Offer, Refusal> {
        let entry = self
            .store
            .waitlist_entry(entry_id)
            .await?
            .ok_or(Refusal::NotFound {
                what: "waitlist entry",
            })?;
        if entry.status != store::EntryStatus::Waiting {
            return Err(Refusal::Closed {
                message: "This client is no longer waiting.".into(),
            });
        }
        let practitioner = practitioner.or(entry.practitioner_id.as_deref());
        self.try_offer(
            &entry,
            start,
            practitioner,
            &Actor::Staff {
                id: staff_id.to_owned(),
            },
        )
        .await
    }

    /// One periodic pass: expires offers whose time ran out (offering each time to the next
    /// person), lapses entries whose range passed, and offers free times to entries still
    /// waiting (times freed by new hours, a declined review, or anything the workflows did
    /// not see). Safe to run from several processes at once.
    pub async fn run_waitlist(&self) -> Result<WaitlistRun, Refusal> {
        let mut run = WaitlistRun::default();
        for offer in self.store.expire_offers(Timestamp::now()).await? {
            run.expired += 1;
            if self
                .offer_freed(offer.start, &offer.practitioner_id)
                .await
                .is_some()
            {
                run.offered += 1;
            }
        }
        let clinic = self.clinic();
        run.lapsed = self.store.lapse_waitlist(clinic.today()).await?;
        let entries = self
            .store
            .waiting_entries(
                clinic.today(),
                clinic.last_bookable_date(),
                ENTRIES_PER_PASS,
            )
            .await?;
        for entry in entries {
            let slots = match self
                .availability(
                    &entry.service_id,
                    entry.from,
                    entry.to,
                    entry.practitioner_id.as_deref(),
                    None,
                )
                .await
            {
                Ok(slots) => slots,
                // The service or practitioner left the clinic's setup: nothing to offer.
                Err(Refusal::Invalid { .. }) => continue,
                Err(e) => return Err(e),
            };
            let mut tries = 0;
            for slot in slots.iter().filter(|s| wants(&entry, &s.start)) {
                let start = slot.start.timestamp();
                if tries == TRIES_PER_ENTRY {
                    break;
                }
                if self.offered_before(&entry, start).await {
                    continue;
                }
                tries += 1;
                let practitioner = slot.options.first().map(|o| o.practitioner.as_str());
                match self
                    .try_offer(&entry, start, practitioner, &Actor::Client)
                    .await
                {
                    Ok(_) => {
                        run.offered += 1;
                        break;
                    }
                    Err(Refusal::Internal(e)) => return Err(Refusal::Internal(e)),
                    Err(_) => continue,
                }
            }
        }
        Ok(run)
    }

    /// The offer an offer token opens, with its waitlist entry.
    pub async fn offer_by_token(&self, token: &str) -> Result<(Offer, WaitlistEntry), Refusal> {
        let not_found = Refusal::NotFound { what: "offer" };
        let offer = self
            .store
            .offer_by_token_hash(&store::hash_token(token))
            .await?
            .ok_or(not_found)?;
        let entry = self
            .store
            .waitlist_entry(&offer.entry_id)
            .await?
            .ok_or(Refusal::NotFound { what: "offer" })?;
        Ok((offer, entry))
    }

    /// Books an offered time for the client it was offered to. An expired offer is refused
    /// even before the expiry job has seen it; nothing is half-booked.
    pub async fn accept_offer(&self, token: &str) -> Result<Booked, Refusal> {
        let (offer, entry) = self.offer_by_token(token).await?;
        let clinic = self.clinic();
        let service = clinic
            .setup
            .service(&offer.service_id)
            .ok_or_else(|| Refusal::Closed {
                message: "This service is no longer offered; please call us.".into(),
            })?;
        let booker = crate::screening::Booker {
            email: &entry.client.email,
            areas: crate::service_areas(service),
        };
        let status = self
            .screening_status(
                service.requires_screening,
                entry.screening_id.as_deref(),
                offer.start,
                Some(booker),
            )
            .await?;
        let (booking_token, token_hash) = store::new_token();
        let new = NewBooking {
            reference: store::new_reference(),
            manage_token_hash: token_hash,
            service_id: offer.service_id.clone(),
            client: NewClient {
                name: entry.joined_as.name.clone(),
                email: entry.client.email.clone(),
                phone: entry.joined_as.phone.clone(),
            },
            status,
            screening_id: entry.screening_id.clone(),
            notes: String::new(),
            created_by: "client".into(),
            policy: None,
        };
        let manage_url = self.manage_url(&booking_token);
        let ctx = self.context(entry.screening_id.as_deref()).await?;
        let booking = self
            .store
            .accept_offer(
                &store::hash_token(token),
                &new,
                |_| Ok::<(), Refusal>(()),
                |booking| {
                    let mut mail = vec![compose::booked(&clinic, booking, &manage_url)];
                    mail.extend(self.plan_before(&ctx, booking, &manage_url));
                    mail
                },
            )
            .await
            .map_err(|e| match e {
                AcceptError::Refused(refusal) => refusal,
                AcceptError::Expired => Refusal::OfferExpired,
                AcceptError::Closed(OfferStatus::Accepted) => Refusal::Closed {
                    message: "This offer has already been accepted.".into(),
                },
                AcceptError::Closed(_) => Refusal::Closed {
                    message: "This offer was declined or withdrawn.".into(),
                },
                AcceptError::Lost => Refusal::SlotTaken {
                    alternatives: Vec::new(),
                },
                AcceptError::Store(e) => Refusal::Internal(e.to_string()),
            })?;
        if let Some(id) = &entry.screening_id
            && let Err(e) = self
                .store
                .link_screening_client(id, &booking.client.id)
                .await
        {
            tracing::warn!(error = %e, "could not link the screening to its client");
        }
        Ok(Booked {
            booking,
            manage_token: booking_token,
        })
    }

    /// Declines an offer: its time is released and offered to the next person. The client
    /// stays on the waitlist for other times.
    pub async fn decline_offer(&self, token: &str) -> Result<Offer, Refusal> {
        let (offer, _) = self.offer_by_token(token).await?;
        match offer.status {
            OfferStatus::Open => {}
            OfferStatus::Expired => return Err(Refusal::OfferExpired),
            _ => {
                return Err(Refusal::Closed {
                    message: "This offer is no longer open.".into(),
                });
            }
        }
        let declined =
            self.store
                .decline_offer(&offer.id)
                .await?
                .ok_or_else(|| Refusal::Closed {
                    message: "This offer is no longer open.".into(),
                })?;
        self.offer_freed(declined.start, &declined.practitioner_id)
            .await;
        Ok(declined)
    }

    /// Whether this time was offered to this entry before (declined or let lapse): it is
    /// not offered to them again.
    async fn offered_before(&self, entry: &WaitlistEntry, start: Timestamp) -> bool {
        self.store
            .offers_for_entry(&entry.id)
            .await
            .map_or(true, |offers| offers.iter().any(|o| o.start == start))
    }

    /// Writes an offer of `start` to `entry` if the engine and the database agree the
    /// time is free; mails the client the offer link.
    async fn try_offer(
        &self,
        entry: &WaitlistEntry,
        start: Timestamp,
        practitioner: Option<&str>,
        actor: &Actor,
    ) -> Result<Offer, Refusal> {
        let clinic = self.clinic();
        let service = clinic
            .engine_service(&entry.service_id)
            .ok_or_else(|| Refusal::invalid("service", "This service is no longer offered."))?
            .clone();
        let now = Timestamp::now();
        let held_for = SignedDuration::from_mins(i64::from(clinic.setup.waitlist.offer_minutes));
        // An offer never outlives the time it offers.
        let expires_at = (now + held_for).min(start);
        if expires_at.duration_since(now) < SHORTEST_OFFER {
            return Err(Refusal::invalid(
                "start",
                "That time starts too soon to offer.",
            ));
        }
        let (token, token_hash) = store::new_token();
        let offer_url = format!("{}{}", self.public_url, offer_path(&token));
        let schedule = schedule_for(&clinic, actor);
        let created_by = match actor {
            Actor::Client => "waitlist".to_owned(),
            Actor::Staff { id } => format!("staff:{id}"),
        };
        self.store
            .create_offer(
                store::OfferRequest {
                    entry_id: &entry.id,
                    token_hash: &token_hash,
                    window: (start, start + service.duration()),
                    expires_at,
                    created_by: &created_by,
                },
                |holds| place(&clinic, &schedule, &service, holds, start, practitioner),
                |offer| vec![compose::waitlist_offer(&clinic, entry, offer, &offer_url)],
            )
            .await
            .map_err(|e| match e {
                OfferError::Refused(refusal) => refusal,
                OfferError::Lost => Refusal::SlotTaken {
                    alternatives: Vec::new(),
                },
                OfferError::Store(e) => Refusal::Internal(e.to_string()),
            })
    }
}

/// Whether a local start time is in the entry's dates and parts of the day.
fn wants(entry: &WaitlistEntry, local: &jiff::ZonedDateTime) -> bool {
    let day = local.date();
    let part = DayPart::of(local);
    day >= entry.from
        && day <= entry.to
        && (entry.times.is_empty() || entry.times.iter().any(|t| t == part.as_str()))
}
