//! Validating one requested start, with a reason when it cannot be booked.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::engine::{Engine, Verdict};
use crate::error::Unavailable;
use crate::hours::PlacedSpan;
use crate::model::{Assignment, Hold, Schedule, Service};

/// Is exactly this start bookable? Returns the assignment the clinic would give: the given
/// practitioner or, when `None`, the first practitioner in schedule order who can take it,
/// with the first free room in `schedule.rooms` order.
///
/// Agrees with [`availability`](crate::availability) for the start's local date by
/// construction (same candidates, same judgement); the error says why not, and only
/// [`Unavailable::Taken`] means the start itself is valid.
pub fn check(
    schedule: &Schedule,
    service: &Service,
    holds: &[Hold],
    start: Timestamp,
    practitioner: Option<&str>,
    now: Timestamp,
    not_before: Option<Date>,
) -> Result<Assignment, Unavailable> {
    if let Some(id) = practitioner {
        let p = schedule
            .practitioners
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| Unavailable::UnknownPractitioner(id.to_owned()))?;
        if !p.services.contains(&service.id) {
            return Err(Unavailable::PractitionerDoesNotOffer {
                practitioner: id.to_owned(),
                service: service.id.clone(),
            });
        }
    }
    let date = schedule.timezone.to_datetime(start).date();
    let engine = Engine::new(
        schedule,
        service,
        holds,
        practitioner,
        now,
        not_before,
        (date, date),
    );
    if engine.eligible.is_empty() {
        return Err(Unavailable::NoPractitionerOffers(service.id.clone()));
    }

    if start < engine.earliest || date < engine.today {
        return Err(Unavailable::TooSoon {
            start,
            earliest: engine.earliest,
        });
    }
    if date > engine.last {
        return Err(Unavailable::BeyondHorizon {
            date,
            last: engine.last,
        });
    }
    if let Some(earliest) = not_before.filter(|&d| date < d) {
        return Err(Unavailable::BeforeEarliest { date, earliest });
    }

    let mut who = Vec::new();
    engine.candidates().for_each(|t, w| {
        if t == start {
            who.extend_from_slice(w);
        }
    });
    if who.is_empty() {
        return Err(if inside_some_span(&engine, date, start) {
            Unavailable::NotOnStep(start)
        } else {
            Unavailable::OutsideHours(start)
        });
    }

    let mut blocked_only = true;
    let mut taker = None;
    for w in who {
        match engine.judge(w, start) {
            Verdict::Free => {
                taker = Some(w);
                break;
            }
            Verdict::Held => blocked_only = false,
            Verdict::Blocked => {}
        }
    }
    let Some(w) = taker else {
        // Time off and closures are hours, not conflicts: nobody could ever book it.
        return Err(if blocked_only {
            Unavailable::OutsideHours(start)
        } else {
            Unavailable::Taken(start)
        });
    };
    let room = engine
        .first_free_room(start)
        .ok_or(Unavailable::Taken(start))?;
    Ok(Assignment {
        practitioner: engine.eligible[w].practitioner.id.clone(),
        room: room.to_owned(),
    })
}

/// Whether a booking from `start` would fit wholly in some open span of an eligible
/// practitioner (spans of `date` or running over from the day before), telling an
/// off-step start from one outside hours.
fn inside_some_span(engine: &Engine, date: Date, start: Timestamp) -> bool {
    let tz = &engine.schedule.timezone;
    let dates = [date.yesterday().ok(), Some(date)];
    (0..engine.eligible.len()).any(|who| {
        dates.iter().flatten().any(|&d| {
            engine.open_spans(who, d).iter().any(|&span| {
                PlacedSpan::new(tz, d, span)
                    .is_some_and(|placed| placed.contains(start, engine.footprint.duration))
            })
        })
    })
}

#[cfg(test)]
mod tests;
