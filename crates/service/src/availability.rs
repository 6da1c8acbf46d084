//! Which start times are free: the engine over the holds the store has in the window.

use std::cell::RefCell;

use clinic::ClinicSnapshot;
use jiff::Timestamp;
use jiff::civil::Date;
use scheduling::{Answers, Availability, Query, Slot};

use crate::{Actor, Refusal, Workflows};

/// What an availability question asks: local dates `from..=to`, optionally one
/// practitioner, and not before a date the client's screening sets.
#[derive(Clone, Copy, Debug)]
pub struct Window<'a> {
    pub from: Date,
    pub to: Date,
    pub practitioner: Option<&'a str>,
    pub not_before: Option<Date>,
}

impl Workflows {
    /// Start times for a service over local dates `from..=to`, optionally for one
    /// practitioner and not before a date the client's screening sets.
    pub async fn availability(
        &self,
        service_id: &str,
        from: Date,
        to: Date,
        practitioner: Option<&str>,
        not_before: Option<Date>,
    ) -> Result<Vec<Slot>, Refusal> {
        self.availability_for(
            &Actor::Client,
            service_id,
            from,
            to,
            practitioner,
            not_before,
        )
        .await
    }

    /// The free starts as `actor` may book them: the desk skips the notice period, as its
    /// bookings do, so the times it is shown are exactly the times it can book.
    pub async fn availability_for(
        &self,
        actor: &Actor,
        service_id: &str,
        from: Date,
        to: Date,
        practitioner: Option<&str>,
        not_before: Option<Date>,
    ) -> Result<Vec<Slot>, Refusal> {
        let window = Window {
            from,
            to,
            practitioner,
            not_before,
        };
        self.with_availability(actor, service_id, window, |_, answers| {
            answers.map_or_else(Vec::new, |a| a.to_slots())
        })
        .await
    }

    /// The free starts as [`Workflows::availability_for`] finds them, handed to `read`
    /// as the engine left them (borrowed, in a buffer this thread keeps), with the clinic
    /// they were computed for: the API writes them out from there without building a
    /// `Slot` per start. `None` when the window has no bookable day.
    pub async fn with_availability<R>(
        &self,
        actor: &Actor,
        service_id: &str,
        window: Window<'_>,
        read: impl FnOnce(&ClinicSnapshot, Option<Answers<'_>>) -> R,
    ) -> Result<R, Refusal> {
        let clinic = self.clinic();
        let service = clinic.engine_service(service_id).ok_or_else(|| {
            Refusal::invalid("service", format!("There is no service \"{service_id}\"."))
        })?;
        if let Some(p) = window.practitioner
            && clinic.setup.practitioner(p).is_none()
        {
            return Err(Refusal::invalid(
                "practitioner",
                format!("There is no practitioner \"{p}\"."),
            ));
        }
        // The engine offers nothing before today or after the horizon, so ask it (and the
        // store) only about those days: dates at the edge of the calendar then answer an
        // empty list rather than failing on arithmetic past the year 9999.
        let now = Timestamp::now();
        let tz = &clinic.timezone;
        let today = clinic.today();
        let last = clinic.last_bookable_date();
        let (from, to) = (
            window.from.max(today),
            window.to.min(last.tomorrow().unwrap_or(last)),
        );
        if from > to {
            return Ok(read(&clinic, None));
        }
        let internal = |e: jiff::Error| Refusal::Internal(e.to_string());
        let window_start = from
            .to_zoned_datetime(tz.clone())
            .map_err(internal)?
            .timestamp();
        let window_end = to
            .tomorrow()
            .map_err(internal)?
            .to_zoned_datetime(tz.clone())
            .map_err(internal)?
            .timestamp()
            + jiff::SignedDuration::from_hours(24);
        let holds = self
            .store
            .prepared_holds_between(window_start, window_end)
            .await?;
        let query = Query {
            from,
            to,
            practitioner: window.practitioner,
            now,
            not_before: window.not_before,
        };
        let schedule = crate::booking::schedule_for(&clinic, actor);
        thread_local! {
            static BUFFER: RefCell<Availability> = RefCell::new(Availability::new());
        }
        Ok(BUFFER.with_borrow_mut(|buffer| {
            let answers = buffer.compute_prepared(&schedule, service, &holds, &query);
            read(&clinic, Some(answers))
        }))
    }

    /// Up to four free starts nearest to `start`, on its day and the days around it: what a
    /// client who just lost a time is offered instead.
    pub async fn nearest_free(
        &self,
        service_id: &str,
        start: Timestamp,
        practitioner: Option<&str>,
    ) -> Vec<Slot> {
        let day = start
            .to_zoned_datetime(self.clinic().timezone.clone())
            .date();
        let from = day.yesterday().unwrap_or(day);
        let to = day.checked_add(jiff::Span::new().days(3)).unwrap_or(day);
        let mut slots = self
            .availability(service_id, from, to, practitioner, None)
            .await
            .unwrap_or_default();
        slots.sort_by_key(|s| (s.start.timestamp() - start).abs());
        slots.truncate(4);
        slots.sort_by_key(|s| s.start.timestamp());
        slots
    }
}
