//! The one confirmation a course sends: every session listed, with the course's link.

use clinic::ClinicSnapshot;
use maud::html;
use store::{Booking, BookingStatus, Mail};

use super::{EMERGENCY_LEAD, OUT_OF_HOURS, aftercare, details, phone_link};

/// Sent once when a course is booked: each session's time and practitioner in order, the
/// course price when the clinic gives one, and the link that manages the whole course.
/// Each session's own invite is at its calendar link; the mail carries none, since one
/// attachment holds one event.
pub fn course_booked(
    clinic: &ClinicSnapshot,
    sessions: &[Booking],
    course_price: Option<&str>,
    manage_url: &str,
) -> Mail {
    let first = sessions.first().expect("a course has sessions");
    let info = &clinic.setup.clinic;
    let d = details(clinic, first);
    let pending = first.status == BookingStatus::PendingReview;
    let count = sessions.len();
    let lead = if pending {
        format!(
            "Thank you for booking a course of {count} sessions. Your safety screening asks a practitioner to review your answers first: your times are held, and we will email you once they are confirmed."
        )
    } else {
        format!("Your course of {count} sessions is booked. We look forward to seeing you.")
    };
    let subject = if pending {
        format!("Course received: {count} sessions from {}", d.when)
    } else {
        format!("Course confirmed: {count} sessions from {}", d.when)
    };
    let rows: Vec<(String, String, String, String)> = sessions
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let s = details(clinic, b);
            (
                format!("Session {}", i + 1),
                s.when,
                s.practitioner,
                s.reference,
            )
        })
        .collect();
    let price = course_price.map(|p| format!("{p} {}", info.currency));
    let care = aftercare(clinic);

    let mut text = format!(
        "Hello {},\n\n{lead}\n\nService: {}\n",
        first.client.name, d.service
    );
    for (label, when, with, reference) in &rows {
        text.push_str(&format!(
            "{label}: {when} ({}), with {with}, reference {reference}\n",
            info.timezone
        ));
    }
    if let Some(price) = &price {
        text.push_str(&format!(
            "Course price: {price}, paid at the clinic (we take no card payments online)\n"
        ));
    }
    text.push_str(&format!(
        "\nView, reschedule or cancel any session: {manage_url}\n"
    ));
    text.push_str("\nBefore each appointment:\n");
    for line in &care.preparation {
        text.push_str(&format!("- {line}\n"));
    }
    text.push_str(&format!(
        "\nAfterwards: {}\n\n{EMERGENCY_LEAD}\n",
        care.normal
    ));
    for line in &care.emergency {
        text.push_str(&format!("- {line}\n"));
    }
    text.push_str(&format!("\n{}\n", care.call_today_lead));
    for line in &care.call_today {
        text.push_str(&format!("- {line}\n"));
    }
    text.push_str(&format!(
        "\n{OUT_OF_HOURS}\n\n{}\n{}\n{}\n",
        info.name, info.phone, info.address
    ));

    let html = html! {
        p { "Hello " (first.client.name) "," }
        p { (lead) }
        p { strong { "Service: " } (d.service) }
        table {
            tr { th align="left" { "Session" } th align="left" { "When (" (info.timezone) ")" } th align="left" { "With" } th align="left" { "Reference" } }
            @for (label, when, with, reference) in &rows {
                tr { td { (label) } td { (when) } td { (with) } td { (reference) } }
            }
        }
        @if let Some(price) = &price {
            p { strong { "Course price: " } (price) ", paid at the clinic (we take no card payments online)" }
        }
        p { a href=(manage_url) { "View, reschedule or cancel any session" } }
        h2 { "Before each appointment" }
        ul { @for line in &care.preparation { li { (line) } } }
        h2 { "Afterwards" }
        p { (care.normal) }
        p { strong { (EMERGENCY_LEAD) } }
        ul { @for line in &care.emergency { li { (line) } } }
        p { strong { (care.call_today_lead) } }
        ul { @for line in &care.call_today { li { (line) } } }
        p { (OUT_OF_HOURS) }
        p { (info.name) br; (phone_link(&info.phone)) br; (info.address) }
    }
    .into_string();
    Mail {
        kind: "course_booked".into(),
        recipient: first.client.email.clone(),
        subject,
        body_text: text,
        body_html: html,
        ics: None,
        plan: None,
    }
}
