//! The booking flow's one step indicator, so every step of booking shows the same bar with
//! the same names and numbers, whichever page draws it.

use maud::{Markup, html};

/// Where in booking a page stands.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum BookingStep {
    /// Choosing what to book.
    Treatment,
    /// The safety questions, for treatments that need them.
    Screening,
    /// Choosing the day and time.
    DayAndTime,
    /// Name, contact and anything to tell the clinic.
    Details,
    /// The booking is made.
    Confirmed,
}

/// The steps bar; `with_screening` adds the safety questions for treatments that ask them.
pub fn booking_steps(current: BookingStep, with_screening: bool) -> Markup {
    let mut steps = vec![(BookingStep::Treatment, "Treatment")];
    if with_screening {
        steps.push((BookingStep::Screening, "Safety questions"));
    }
    steps.extend([
        (BookingStep::DayAndTime, "Day and time"),
        (BookingStep::Details, "Your details"),
        (BookingStep::Confirmed, "Confirmed"),
    ]);
    html! {
        ol.steps aria-label="Booking steps" {
            @for (i, (step, name)) in steps.iter().enumerate() {
                li aria-current=[(*step == current).then_some("step")] {
                    span.step-number { (i + 1) "." } " " (name)
                }
            }
        }
    }
}
