//! The link to the safety questions for one booking, sent when the desk booked a client by
//! phone without a screening.

use super::phone_link;
use clinic::ClinicSnapshot;
use maud::html;
use store::{Booking, Mail};

/// Sent at the desk's request: the questions for this appointment, behind a link that works
/// once and until the appointment starts. It promises nothing about the outcome: the answers
/// decide whether the booking is confirmed, held for a practitioner, or needs a call.
pub fn screening_link(clinic: &ClinicSnapshot, booking: &Booking, link_url: &str) -> Mail {
    let info = &clinic.setup.clinic;
    let service = clinic
        .setup
        .service(&booking.service_id)
        .map_or_else(|| booking.service_id.clone(), |s| s.name.clone());
    let when = clinic.when(&booking.start.to_zoned_datetime(clinic.timezone.clone()));
    let lead = format!(
        "Before your {service} on {when} (reference {}), please answer our safety questions. They take about three minutes, and your answers are tied to this appointment.",
        booking.reference
    );
    let after = "Only our clinical staff see your answers. The link works once, until your appointment starts; if you would rather go through the questions with us, call us and we will do it together.";
    let text = format!(
        "Hello {},\n\n{lead}\n\nAnswer the questions: {link_url}\n\n{after}\n\n{}\n{}\n{}\n",
        booking.client.name, info.name, info.phone, info.address
    );
    let html = html! {
        p { "Hello " (booking.client.name) "," }
        p { (lead) }
        p { a href=(link_url) { "Answer the safety questions" } }
        p { (after) }
        p { (info.name) br; (phone_link(&info.phone)) br; (info.address) }
    }
    .into_string();
    Mail {
        kind: "screening_link".into(),
        recipient: booking.client.email.clone(),
        subject: format!("Safety questions for your appointment on {when}"),
        body_text: text,
        body_html: html,
        ics: None,
        plan: None,
    }
}
