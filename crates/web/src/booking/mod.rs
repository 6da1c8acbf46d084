//! Placing, moving and cancelling bookings: the engine decides inside the store's
//! transaction, and the database has the last word on overlaps. Shared by the API and
//! the booking pages so both give the same answers.

mod input;
mod times;

pub use input::{BookingBody, BookingInput, check_client, parse_start};
pub use times::{format_local, rfc3339};

use std::borrow::Cow;

use jiff::Timestamp;
use jiff::civil::Date;
use scheduling::{Query, Slot, Unavailable};
use serde_json::json;
use store::{Booking, BookingError, BookingStatus, NewBooking, Placement};

use crate::error::ApiError;
use crate::mail::compose;
use crate::problem::ProblemKind;
use crate::snapshot::ClinicSnapshot;
use crate::state::AppState;

/// Who is acting: a client online (held to every policy) or staff (may skip the notice window).
#[derive(Clone, Debug)]
pub enum Actor {
    Client,
    Staff { id: String },
}

/// Start times for a service over local dates `from..=to`.
pub async fn availability(
    state: &AppState,
    clinic: &ClinicSnapshot,
    service_id: &str,
    from: Date,
    to: Date,
    practitioner: Option<&str>,
    not_before: Option<Date>,
) -> Result<Vec<Slot>, ApiError> {
    let service = clinic.engine_service(service_id).ok_or_else(|| {
        ApiError::invalid("service", format!("There is no service \"{service_id}\"."))
    })?;
    if let Some(p) = practitioner
        && clinic.setup.practitioner(p).is_none()
    {
        return Err(ApiError::invalid(
            "practitioner",
            format!("There is no practitioner \"{p}\"."),
        ));
    }
    let tz = &clinic.timezone;
    let window_start = from
        .to_zoned_datetime(tz.clone())
        .map_err(ApiError::internal)?
        .timestamp();
    let window_end = to
        .tomorrow()
        .map_err(ApiError::internal)?
        .to_zoned_datetime(tz.clone())
        .map_err(ApiError::internal)?
        .timestamp()
        + jiff::SignedDuration::from_hours(24);
    let holds = state.store.holds_between(window_start, window_end).await?;
    let query = Query {
        from,
        to,
        practitioner,
        now: Timestamp::now(),
        not_before,
    };
    Ok(scheduling::availability(
        &clinic.schedule,
        service,
        &holds,
        &query,
    ))
}

/// A booking made: the row and the manage token the client keeps (shown once).
pub struct Booked {
    pub booking: Booking,
    pub manage_token: String,
}

/// Places a booking: screening, engine and database in one transaction.
pub async fn book(state: &AppState, input: BookingInput, actor: Actor) -> Result<Booked, ApiError> {
    let clinic = state.clinic();
    let service_setup = clinic.setup.service(&input.service_id).ok_or_else(|| {
        ApiError::invalid(
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
            screening_status(
                state,
                &clinic,
                service_setup.requires_screening,
                input.screening_id.as_deref(),
                input.start,
            )
            .await?
        }
    };
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
    };
    let end = input.start + service.duration();
    let manage_url = format!(
        "{}/manage/{token}",
        state.config.public_url.trim_end_matches('/')
    );
    let schedule = schedule_for(&clinic, &actor);
    let result = state
        .store
        .create_booking(
            &new,
            (input.start, end),
            |holds| {
                place(
                    &schedule,
                    &service,
                    holds,
                    input.start,
                    input.practitioner.as_deref(),
                )
            },
            |booking| vec![compose::booked(&clinic, booking, &manage_url)],
        )
        .await;
    match result {
        Ok(booking) => Ok(Booked {
            booking,
            manage_token: token,
        }),
        Err(err) => Err(booking_error(
            state,
            &clinic,
            err,
            &input.service_id,
            input.start,
            input.practitioner.as_deref(),
        )
        .await),
    }
}

/// Moves a booking to `start`, atomically.
pub async fn reschedule(
    state: &AppState,
    booking: &Booking,
    start: Timestamp,
    practitioner: Option<&str>,
    actor: Actor,
    manage_url: Option<&str>,
) -> Result<Booking, ApiError> {
    let clinic = state.clinic();
    guard_change(&clinic, booking, &actor)?;
    let service = clinic
        .engine_service(&booking.service_id)
        .ok_or_else(|| {
            ApiError::new(
                ProblemKind::BookingClosed,
                "This service is no longer offered; please call us to change it.",
            )
        })?
        .clone();
    let requires_screening = clinic
        .setup
        .service(&booking.service_id)
        .is_some_and(|s| s.requires_screening);
    if requires_screening && booking.screening_id.is_some() {
        screening_status(state, &clinic, true, booking.screening_id.as_deref(), start).await?;
    }
    let schedule = schedule_for(&clinic, &actor);
    let keep_practitioner = practitioner.map(str::to_owned);
    let result = state
        .store
        .reschedule_booking(
            &booking.id,
            (start, start + service.duration()),
            |current, holds| {
                guard_change(&clinic, current, &actor)?;
                match keep_practitioner.as_deref() {
                    Some(p) => place(&schedule, &service, holds, start, Some(p)),
                    // Keep the client's practitioner when they are free, else anyone.
                    None => place(
                        &schedule,
                        &service,
                        holds,
                        start,
                        Some(&current.practitioner_id),
                    )
                    .or_else(|_| place(&schedule, &service, holds, start, None)),
                }
            },
            |before, after| vec![compose::rescheduled(&clinic, before, after, manage_url)],
        )
        .await;
    match result {
        Ok(b) => Ok(b),
        Err(err) => Err(booking_error(
            state,
            &clinic,
            err,
            &booking.service_id,
            start,
            practitioner,
        )
        .await),
    }
}

/// Cancels a booking and releases its time.
pub async fn cancel(
    state: &AppState,
    booking: &Booking,
    actor: Actor,
) -> Result<Booking, ApiError> {
    let clinic = state.clinic();
    let result = state
        .store
        .set_booking_status(
            &booking.id,
            BookingStatus::Cancelled,
            None,
            |current| guard_change(&clinic, current, &actor),
            |after| vec![compose::cancelled(&clinic, after)],
        )
        .await;
    result.map_err(|err| match err {
        BookingError::Refused(e) => e,
        BookingError::NotFound => ApiError::not_found("booking"),
        BookingError::SlotTaken => ApiError::new(
            ProblemKind::SlotUnavailable,
            "The booking changed meanwhile.",
        ),
        BookingError::Store(e) => ApiError::internal(e),
    })
}

/// Clients may change a live booking until `cancel_notice_hours` before it; staff always.
fn guard_change(clinic: &ClinicSnapshot, booking: &Booking, actor: &Actor) -> Result<(), ApiError> {
    if !matches!(
        booking.status,
        BookingStatus::Confirmed | BookingStatus::PendingReview
    ) {
        return Err(ApiError::new(
            ProblemKind::BookingClosed,
            format!(
                "This booking is {} and can no longer be changed.",
                booking.status.as_str().replace('_', " ")
            ),
        ));
    }
    if let Actor::Client = actor {
        let notice =
            jiff::SignedDuration::from_hours(i64::from(clinic.setup.booking.cancel_notice_hours));
        if Timestamp::now() + notice > booking.start {
            return Err(ApiError::new(
                ProblemKind::InsideCancelWindow,
                format!(
                    "Appointments can be changed online until {} hours before they start. Please call us on {} and we will help.",
                    clinic.setup.booking.cancel_notice_hours, clinic.setup.clinic.phone
                ),
            ));
        }
    }
    Ok(())
}

/// Staff may book inside the notice window; nobody may overlap.
fn schedule_for<'a>(clinic: &'a ClinicSnapshot, actor: &Actor) -> Cow<'a, scheduling::Schedule> {
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

fn place(
    schedule: &scheduling::Schedule,
    service: &scheduling::Service,
    holds: &[scheduling::Hold],
    start: Timestamp,
    practitioner: Option<&str>,
) -> Result<Placement, ApiError> {
    let assignment = scheduling::check(
        schedule,
        service,
        holds,
        start,
        practitioner,
        Timestamp::now(),
        None,
    )
    .map_err(|u| unavailable_error(schedule, &u))?;
    Ok(Placement {
        holds: scheduling::holds_for(service, start, &assignment),
        practitioner_id: assignment.practitioner,
        room_id: assignment.room,
        start,
        end: start + service.duration(),
    })
}

/// The engine's refusal in the client's words, with the field it concerns.
fn unavailable_error(schedule: &scheduling::Schedule, u: &Unavailable) -> ApiError {
    let local = |t: &Timestamp| format_local(&t.to_zoned_datetime(schedule.timezone.clone()));
    match u {
        Unavailable::Taken(_) => ApiError::new(
            ProblemKind::SlotUnavailable,
            "Sorry, that time has just been taken.",
        ),
        Unavailable::UnknownPractitioner(p) => {
            ApiError::invalid("practitioner", format!("There is no practitioner \"{p}\"."))
        }
        Unavailable::PractitionerDoesNotOffer { practitioner, .. } => ApiError::invalid(
            "practitioner",
            format!("Practitioner \"{practitioner}\" does not offer this service."),
        ),
        Unavailable::NoPractitionerOffers(s) => ApiError::invalid(
            "service",
            format!("No practitioner offers \"{s}\" at the moment."),
        ),
        Unavailable::NotOnStep(t) => ApiError::invalid(
            "start",
            format!(
                "{} is not one of the offered start times; pick a time from the availability list.",
                local(t)
            ),
        ),
        Unavailable::OutsideHours(t) => ApiError::invalid(
            "start",
            format!("{} is outside our opening hours.", local(t)),
        ),
        Unavailable::TooSoon { earliest, .. } => ApiError::invalid(
            "start",
            format!(
                "That is too soon to book online; the earliest time is {}.",
                local(earliest)
            ),
        ),
        Unavailable::BeyondHorizon { last, .. } => ApiError::invalid(
            "start",
            format!("We take online bookings up to {last}; please choose an earlier date."),
        ),
        Unavailable::BeforeEarliest { earliest, .. } => ApiError::invalid(
            "start",
            format!("Your screening means the earliest date we can treat you is {earliest}."),
        ),
    }
}

/// Turns a store refusal into the API's answer; a lost race lists the nearest free times.
async fn booking_error(
    state: &AppState,
    clinic: &ClinicSnapshot,
    err: BookingError<ApiError>,
    service_id: &str,
    start: Timestamp,
    practitioner: Option<&str>,
) -> ApiError {
    let mut error = match err {
        BookingError::Refused(e) => e,
        BookingError::SlotTaken => ApiError::new(
            ProblemKind::SlotUnavailable,
            "Sorry, that time has just been taken.",
        ),
        BookingError::NotFound => return ApiError::not_found("booking"),
        BookingError::Store(e) => return ApiError::internal(e),
    };
    if error.kind == ProblemKind::SlotUnavailable {
        let nearest = nearest_free(state, clinic, service_id, start, practitioner).await;
        error.detail =
            "Sorry, someone else booked that time a moment ago. Here are the nearest free times."
                .into();
        error.extra = Some(json!({ "alternatives": nearest.iter().map(|s| json!({
            "start": rfc3339(&s.start),
            "end": rfc3339(&s.end),
            "practitioners": s.options.iter().map(|o| o.practitioner.clone()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>() }));
    }
    error
}

/// Up to four free starts nearest to `start`, on its day and the days around it.
pub async fn nearest_free(
    state: &AppState,
    clinic: &ClinicSnapshot,
    service_id: &str,
    start: Timestamp,
    practitioner: Option<&str>,
) -> Vec<Slot> {
    let day = start.to_zoned_datetime(clinic.timezone.clone()).date();
    let from = day.yesterday().unwrap_or(day);
    let to = day.checked_add(jiff::Span::new().days(3)).unwrap_or(day);
    let mut slots = availability(state, clinic, service_id, from, to, practitioner, None)
        .await
        .unwrap_or_default();
    slots.sort_by_key(|s| (s.start.timestamp() - start).abs());
    slots.truncate(4);
    slots.sort_by_key(|s| s.start.timestamp());
    slots
}

/// What a screening allows: the booking's status, or why it is refused.
async fn screening_status(
    state: &AppState,
    clinic: &ClinicSnapshot,
    required: bool,
    screening_id: Option<&str>,
    start: Timestamp,
) -> Result<BookingStatus, ApiError> {
    let Some(id) = screening_id else {
        if required {
            return Err(ApiError::new(
                ProblemKind::ScreeningRequired,
                "This treatment needs the safety screening first: answer the questions at /suitability or POST /api/v1/screenings, then book with its id.",
            )
            .with_field("screening"));
        }
        return Ok(BookingStatus::Confirmed);
    };
    let record = state.store.screening(id).await?.ok_or_else(|| {
        ApiError::invalid(
            "screening",
            "No screening with this id was found; please answer the questions again.",
        )
    })?;
    let answers: protocol::Answers =
        serde_json::from_str(&record.answers).map_err(ApiError::internal)?;
    let date = start.to_zoned_datetime(clinic.timezone.clone()).date();
    let result = clinic.rules.screen(&answers, date, clinic.today());
    match result.outcome {
        protocol::Outcome::Eligible => Ok(BookingStatus::Confirmed),
        protocol::Outcome::Consult => Ok(if required { BookingStatus::PendingReview } else { BookingStatus::Confirmed }),
        protocol::Outcome::Defer if !required => Ok(BookingStatus::Confirmed),
        protocol::Outcome::Defer => match result.earliest_date {
            Some(earliest) => Err(ApiError::new(
                ProblemKind::ScreeningRefused,
                format!("Your screening means we can treat you from {earliest}; please choose a date on or after it."),
            )
            .with_field("start")),
            None => Err(ApiError::new(
                ProblemKind::ScreeningRefused,
                "Your screening asks us to wait until the condition has cleared. Please screen again then, or book a free consultation.",
            )
            .with_field("screening")),
        },
        protocol::Outcome::NotSuitable if !required => Ok(BookingStatus::Confirmed),
        protocol::Outcome::NotSuitable => Err(ApiError::new(
            ProblemKind::ScreeningRefused,
            "Your screening shows microneedling is not suitable for you now. Please book a consultation so a practitioner can advise you.",
        )
        .with_field("screening")),
    }
}
