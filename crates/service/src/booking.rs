//! Placing and moving bookings: the engine decides inside the store's transaction, and the
//! database has the last word on overlaps.

use std::borrow::Cow;

use clinic::ClinicSnapshot;
use jiff::Timestamp;
use mail::compose;
use scheduling::Unavailable;
use store::{Booking, BookingError, BookingStatus, NewBooking, Placement};

use crate::policy::can_change;
use crate::{Actor, BookingInput, Refusal, Workflows};

/// A booking made: the row and the manage token the client keeps (shown once).
pub struct Booked {
    pub booking: Booking,
    pub manage_token: String,
}

impl Workflows {
    /// Places a booking: screening, engine and database in one transaction, with its
    /// confirmation queued beside it. A lost race comes back with the nearest free times.
    pub async fn book(&self, input: BookingInput, actor: Actor) -> Result<Booked, Refusal> {
        let clinic = self.clinic();
        let service_setup = clinic.setup.service(&input.service_id).ok_or_else(|| {
            Refusal::invalid(
                "service",
                format!("There is no service \"{}\".", input.service_id),
            )
        })?;
        let service = clinic
            .engine_service(&input.service_id)
            .expect("setup and engine agree")
            .clone();
        let status = match (&actor, input.screening_id.as_deref()) {
            // Staff booking by phone without an online screening: held until a practitioner screens.
            (Actor::Staff { .. }, None) if service_setup.requires_screening => {
                BookingStatus::PendingReview
            }
            _ => {
                let booker = crate::screening::Booker {
                    email: &input.client.email,
                    areas: crate::service_areas(service_setup),
                };
                self.screening_status(
                    service_setup.requires_screening,
                    input.screening_id.as_deref(),
                    input.start,
                    Some(booker),
                )
                .await?
            }
        };
        // Checked before anything is written: a stale policy is refused on its field.
        let policy = input
            .policy
            .as_ref()
            .map(|agreed| {
                crate::CancellationPolicy::of(&clinic).agreement(agreed, Timestamp::now())
            })
            .transpose()?;
        let (token, token_hash) = store::new_token();
        let new = NewBooking {
            reference: store::new_reference(),
            manage_token_hash: token_hash,
            service_id: input.service_id.clone(),
            client: input.client.clone(),
            status,
            screening_id: input.screening_id.clone(),
            notes: input.notes.clone(),
            created_by: match &actor {
                Actor::Client => "client".into(),
                Actor::Staff { id } => format!("staff:{id}"),
            },
            policy,
        };
        let end = input.start + service.duration();
        let manage_url = self.manage_url(&token);
        let ctx = self.context(input.screening_id.as_deref()).await?;
        // On SQLite the booking writer runs these on its own thread: they own what they use.
        let decide = {
            let (clinic, actor) = (clinic.clone(), actor.clone());
            let (start, practitioner) = (input.start, input.practitioner.clone());
            move |holds: &[scheduling::Hold]| {
                let schedule = schedule_for(&clinic, &actor);
                place(
                    &clinic,
                    &schedule,
                    &service,
                    holds,
                    start,
                    practitioner.as_deref(),
                )
            }
        };
        let compose = {
            let (workflows, clinic) = (self.clone(), clinic.clone());
            move |booking: &Booking| {
                let mut mail = vec![compose::booked(&clinic, booking, &manage_url)];
                mail.extend(workflows.plan_before(&ctx, booking, &manage_url));
                mail
            }
        };
        let result = self
            .store
            .create_booking(&new, (input.start, end), decide, compose)
            .await;
        match result {
            Ok(booking) => {
                if let Some(id) = &input.screening_id {
                    // The client's page lists the screening; the booking stands either way.
                    if let Err(e) = self
                        .store
                        .link_screening_client(id, &booking.client.id)
                        .await
                    {
                        tracing::warn!(error = %e, "could not link the screening to its client");
                    }
                }
                Ok(Booked {
                    booking,
                    manage_token: token,
                })
            }
            Err(err) => Err(self
                .refused(
                    err,
                    &input.service_id,
                    input.start,
                    input.practitioner.as_deref(),
                )
                .await),
        }
    }

    /// Moves a booking to `start`, atomically: the old time is released only if the new one
    /// is taken. `token` is the client's manage token when they are the ones moving it, so
    /// the mail can carry their link again.
    pub async fn reschedule(
        &self,
        booking: &Booking,
        start: Timestamp,
        practitioner: Option<&str>,
        actor: Actor,
        token: Option<&str>,
    ) -> Result<Booking, Refusal> {
        let clinic = self.clinic();
        can_change(&clinic, booking, &actor)?;
        // A course session keeps the minimum interval to the sessions around it.
        self.check_course_move(booking, start).await?;
        let service = clinic
            .engine_service(&booking.service_id)
            .ok_or_else(|| Refusal::Closed {
                message: "This service is no longer offered; please call us to change it.".into(),
            })?
            .clone();
        let requires_screening = clinic
            .setup
            .service(&booking.service_id)
            .is_some_and(|s| s.requires_screening);
        if requires_screening && booking.screening_id.is_some() {
            self.screening_status(true, booking.screening_id.as_deref(), start, None)
                .await?;
        }
        let schedule = schedule_for(&clinic, &actor);
        let manage_url = token.map(|t| self.manage_url(t));
        let ctx = self.context(booking.screening_id.as_deref()).await?;
        // The reminders need a manage link; staff moving a booking do not hold the client's.
        let reminder_url = match token {
            Some(t) => self.manage_url(t),
            None => self.manage_url(&self.fresh_manage_token(&booking.id).await?),
        };
        let result = self
            .store
            .reschedule_booking(
                &booking.id,
                (start, start + service.duration()),
                |current, holds| {
                    can_change(&clinic, current, &actor)?;
                    match practitioner {
                        Some(p) => place(&clinic, &schedule, &service, holds, start, Some(p)),
                        // Keep the client's practitioner when they are free, else anyone.
                        None => place(
                            &clinic,
                            &schedule,
                            &service,
                            holds,
                            start,
                            Some(&current.practitioner_id),
                        )
                        .or_else(|_| place(&clinic, &schedule, &service, holds, start, None)),
                    }
                },
                |before, after| {
                    let mut mail = vec![compose::rescheduled(
                        &clinic,
                        before,
                        after,
                        manage_url.as_deref(),
                    )];
                    mail.extend(self.plan_before(&ctx, after, &reminder_url));
                    mail
                },
            )
            .await;
        match result {
            Ok(b) => {
                // The old time is free again: offer it to the waitlist.
                self.offer_freed(booking.start, &booking.practitioner_id)
                    .await;
                Ok(b)
            }
            Err(err) => Err(self
                .refused(err, &booking.service_id, start, practitioner)
                .await),
        }
    }

    /// A store refusal as the workflow's: a lost race gets the nearest free times, once.
    async fn refused(
        &self,
        err: BookingError<Refusal>,
        service_id: &str,
        start: Timestamp,
        practitioner: Option<&str>,
    ) -> Refusal {
        match from_store(err) {
            Refusal::SlotTaken { .. } => Refusal::SlotTaken {
                alternatives: self.nearest_free(service_id, start, practitioner).await,
            },
            other => other,
        }
    }
}

/// The one reading of a store refusal; the caller's own refusal passes through.
pub(crate) fn from_store(err: BookingError<Refusal>) -> Refusal {
    match err {
        BookingError::Refused(refusal) => refusal,
        BookingError::SlotTaken => Refusal::SlotTaken {
            alternatives: Vec::new(),
        },
        BookingError::NotFound => Refusal::NotFound { what: "booking" },
        BookingError::Store(e) => Refusal::Internal(e.to_string()),
    }
}

/// Staff may book inside the notice window; nobody may overlap.
pub(crate) fn schedule_for<'a>(
    clinic: &'a ClinicSnapshot,
    actor: &Actor,
) -> Cow<'a, scheduling::Schedule> {
    match actor {
        // Clients use the clinic's schedule as it is; only staff need a changed copy.
        Actor::Client => Cow::Borrowed(&clinic.schedule),
        Actor::Staff { .. } => {
            let mut schedule = clinic.schedule.clone();
            schedule.min_notice = jiff::SignedDuration::ZERO;
            Cow::Owned(schedule)
        }
    }
}

/// The engine's placement of `service` at `start` against `holds`, or why not (in the
/// words and on the clock of `clinic`).
pub(crate) fn place(
    clinic: &ClinicSnapshot,
    schedule: &scheduling::Schedule,
    service: &scheduling::Service,
    holds: &[scheduling::Hold],
    start: Timestamp,
    practitioner: Option<&str>,
) -> Result<Placement, Refusal> {
    let assignment = scheduling::check(
        schedule,
        service,
        holds,
        start,
        practitioner,
        Timestamp::now(),
        None,
    )
    .map_err(|u| unavailable(clinic, &u))?;
    Ok(Placement {
        holds: scheduling::holds_for(service, start, &assignment),
        practitioner_id: assignment.practitioner,
        room_id: assignment.room,
        start,
        end: start + service.duration(),
    })
}

/// The engine's refusal in the client's words, with the field it concerns; times on the
/// clinic's clock.
fn unavailable(clinic: &ClinicSnapshot, u: &Unavailable) -> Refusal {
    let local = |t: &Timestamp| clinic.when(&t.to_zoned_datetime(clinic.timezone.clone()));
    match u {
        Unavailable::Taken(_) => Refusal::SlotTaken {
            alternatives: Vec::new(),
        },
        Unavailable::UnknownPractitioner(p) => {
            Refusal::invalid("practitioner", format!("There is no practitioner \"{p}\"."))
        }
        Unavailable::PractitionerDoesNotOffer { practitioner, .. } => Refusal::invalid(
            "practitioner",
            format!("Practitioner \"{practitioner}\" does not offer this service."),
        ),
        Unavailable::NoPractitionerOffers(s) => Refusal::invalid(
            "service",
            format!("No practitioner offers \"{s}\" at the moment."),
        ),
        Unavailable::NotOnStep(t) => Refusal::invalid(
            "start",
            format!(
                "{} is not one of the offered start times; pick a time from the availability list.",
                local(t)
            ),
        ),
        Unavailable::OutsideHours(t) => Refusal::invalid(
            "start",
            format!("{} is outside our opening hours.", local(t)),
        ),
        // A time already gone is what the desk (no notice period) can still hit; "too soon
        // to book online" would be the wrong words for them and for a client alike.
        Unavailable::TooSoon { start, earliest } if *start < Timestamp::now() => Refusal::invalid(
            "start",
            format!(
                "{} has already passed; the earliest time is {}.",
                local(start),
                local(earliest)
            ),
        ),
        Unavailable::TooSoon { earliest, .. } => Refusal::invalid(
            "start",
            format!(
                "That is too soon to book online; the earliest time is {}.",
                local(earliest)
            ),
        ),
        Unavailable::BeyondHorizon { last, .. } => Refusal::invalid(
            "start",
            format!("We take online bookings up to {last}; please choose an earlier date."),
        ),
        Unavailable::BeforeEarliest { earliest, .. } => Refusal::invalid(
            "start",
            format!("Your screening means the earliest date we can treat you is {earliest}."),
        ),
    }
}
