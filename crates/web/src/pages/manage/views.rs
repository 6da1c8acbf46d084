//! The manage pages' markup: the booking as its client sees it, and each step of changing it.

use clinic::{ClinicSnapshot, rfc3339};
use maud::{Markup, html};
use service::{Actor, calendar_path, can_change, manage_path};
use store::{Booking, BookingStatus};

use crate::ui::picker::Picker;
use crate::ui::steps::{BookingStep, booking_steps};

/// The page for a link that opens no booking.
pub(super) fn not_found(phone: &str) -> Markup {
    html! {
        h1 { "We couldn't find that booking" }
        p { "The link may be incomplete. Please use the link in your confirmation email, or call us on " (crate::ui::layout::phone_link(phone)) "." }
    }
}

/// The booking, with what its client may do; `booked` and `moved` add the notice of what
/// just happened.
pub(super) fn booking(
    clinic: &ClinicSnapshot,
    b: &Booking,
    token: &str,
    title: &str,
    (booked, moved): (bool, bool),
    consent: Option<Markup>,
) -> Markup {
    html! {
        @if booked {
            (booking_steps(BookingStep::Confirmed, clinic.setup.service(&b.service_id).is_some_and(|s| s.requires_screening)))
        }
        h1 { (title) }
        @if booked {
            div.notice.ok role="status" {
                @if b.status == BookingStatus::PendingReview {
                    p { "Your time is held. A practitioner will review your safety answers and we will email " (b.client.email) " once it is confirmed." }
                } @else {
                    p { "We've emailed a confirmation to " (b.client.email) ". Keep this page's link: it lets you change or cancel your appointment." }
                }
            }
        }
        @if moved { div.notice.ok role="status" { p { "Your appointment has moved. We've emailed the new details." } } }
        (summary(clinic, b))
        @if b.status.is_live() {
            @let (google, outlook) = mail::compose::calendar_links(clinic, b);
            p.cta-inline.calendar-links {
                a.button.secondary href=(calendar_path(token)) { "Add to calendar (.ics)" }
                a.button.secondary href=(google) rel="noopener noreferrer" { "Add to Google Calendar" }
                a.button.secondary href=(outlook) rel="noopener noreferrer" { "Add to Outlook" }
            }
            @if jiff::Timestamp::now() >= b.start {
                h2 { "How is your skin today?" }
                p { a.button href=(format!("{}/checkin", manage_path(token))) { "Tell us how your skin is healing" } }
            }
            @if let Some(consent) = consent { (consent) }
            h2 { "Before you come" }
            ul {
                li { "Arrive without make-up; we apply numbing cream, which takes 15 to 60 minutes to work." }
                li { "Avoid sun for 24 hours before, and ask us before stopping any medicine." }
                li { a href="/aftercare" { "Read what to expect before and after" } }
            }
            h2 { "Change or cancel" }
            @match can_change(clinic, b, &Actor::Client) {
                Ok(()) => p.cta-inline {
                    a.button.secondary href=(format!("{}/reschedule", manage_path(token))) { "Reschedule" }
                    a.button.secondary href=(format!("{}/cancel", manage_path(token))) { "Cancel appointment" }
                },
                Err(refusal) => p.notice.warn { (refusal) },
            }
        }
        @if !b.status.is_live() { p { a.button href="/book" { "Book again" } } }
    }
}

/// "Are you sure?" before cancelling.
pub(super) fn confirm_cancel(clinic: &ClinicSnapshot, b: &Booking, token: &str) -> Markup {
    html! {
        h1 { "Cancel your appointment?" }
        (summary(clinic, b))
        @match can_change(clinic, b, &Actor::Client) {
            Ok(()) => form method="post" action=(format!("{}/cancel", manage_path(token))) {
                p { "The time will be offered to other clients. You can book again at any time." }
                p.cta-inline {
                    button.danger type="submit" { "Yes, cancel it" }
                    a.button.secondary href=(manage_path(token)) { "Keep my appointment" }
                }
            },
            Err(refusal) => p.notice.warn { (refusal) },
        }
    }
}

/// "Move to this time?" after the client taps a new time: the old and new side by side.
pub(super) fn confirm_move(
    clinic: &ClinicSnapshot,
    b: &Booking,
    token: &str,
    start: jiff::Timestamp,
) -> Markup {
    let new = start.to_zoned_datetime(clinic.timezone.clone());
    let back = format!(
        "{}/reschedule?date={}#times",
        manage_path(token),
        new.date()
    );
    html! {
        h1 { "Move your appointment?" }
        (summary(clinic, b))
        @match can_change(clinic, b, &Actor::Client) {
            Ok(()) => form method="post" action=(format!("{}/reschedule", manage_path(token))) {
                p { "New time: " strong { time datetime=(rfc3339(&new)) data-instant=(rfc3339(&new)) { (clinic.when(&new)) } } " (" (clinic.zone_name()) ")" }
                input type="hidden" name="start" value=(rfc3339(&new));
                input type="hidden" name="confirm" value="yes";
                p.cta-inline {
                    button type="submit" { "Yes, move it" }
                    a.button.secondary href=(back) { "Choose another time" }
                }
                p { a href=(manage_path(token)) { "Keep my current time" } }
            },
            Err(refusal) => p.notice.warn { (refusal) },
        }
    }
}

/// Why a cancellation did not go through.
pub(super) fn cancel_failed(token: &str, message: &str) -> Markup {
    html! {
        h1 { "We couldn't cancel online" }
        p.notice.warn { (message) }
        p { a href=(manage_path(token)) { "Back to your appointment" } }
    }
}

/// Choosing a new time, with what went wrong with the last choice.
pub(super) fn reschedule(
    clinic: &ClinicSnapshot,
    b: &Booking,
    token: &str,
    picker: &Picker<'_>,
    problem: Option<&str>,
) -> Markup {
    html! {
        h1 { "Choose a new time" }
        (summary(clinic, b))
        @if let Some(message) = problem { div.notice.danger role="alert" { p { (message) } } }
        @match can_change(clinic, b, &Actor::Client) {
            Err(refusal) => p.notice.warn { (refusal) },
            Ok(()) => (picker.render()),
        }
        p { a href=(manage_path(token)) { "Keep my current time" } }
    }
}

/// What, when, with whom and where, as the client reads it on every manage page.
fn summary(clinic: &ClinicSnapshot, b: &Booking) -> Markup {
    let setup = &clinic.setup;
    let start = b.start.to_zoned_datetime(clinic.timezone.clone());
    html! {
        dl.summary {
            dt { "Reference" } dd { strong { (b.reference) } }
            dt { "Treatment" } dd { (setup.service(&b.service_id).map_or(b.service_id.as_str(), |s| s.name.as_str())) }
            dt { "When" } dd { time datetime=(rfc3339(&start)) data-instant=(rfc3339(&start)) { (clinic.when(&start)) } " (" (clinic.zone_name()) ")" }
            dt { "With" } dd { (setup.practitioner(&b.practitioner_id).map_or(b.practitioner_id.as_str(), |p| p.name.as_str())) }
            dt { "Where" } dd { (setup.clinic.name) ", " (setup.clinic.address) }
            @if let Some(service) = setup.service(&b.service_id) {
                @let price = clinic::money(&setup.clinic.currency, &service.price);
                dt { "Price" } dd { (price) @if price != "Free" { span.muted { ", paid at the clinic" } } }
            }
            dt { "Status" } dd { span class=(format!("status {}", b.status.as_str())) { (status_text(b.status)) } }
        }
    }
}

/// A status in the client's words.
fn status_text(status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::Confirmed => "Confirmed",
        BookingStatus::PendingReview => "Held for a practitioner's review",
        BookingStatus::Cancelled => "Cancelled",
        BookingStatus::Declined => "Not going ahead",
        BookingStatus::Arrived => "Arrived",
        BookingStatus::Completed => "Completed",
        BookingStatus::NoShow => "Missed",
    }
}
