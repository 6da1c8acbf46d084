//! The clinic's own alert when a healing check-in reports a red flag.

use maud::html;
use store::{Booking, Mail};

use clinic::ClinicSnapshot;

use super::details;

/// Sent to the clinic's own address when a healing check-in reports a red flag, so it
/// reaches someone the same day; queued with the check-in. `symptoms` are the reported
/// ones, worst first; `alerts_url` is the back office's alert list.
pub fn checkin_alert(
    clinic: &ClinicSnapshot,
    booking: &Booking,
    triage: protocol::Triage,
    symptoms: &[&protocol::Symptom],
    pain: i64,
    note: Option<&str>,
    alerts_url: &str,
) -> Mail {
    let d = details(clinic, booking);
    let info = &clinic.setup.clinic;
    let urgency = match triage {
        protocol::Triage::Emergency => {
            "EMERGENCY: the client was told to call their local emergency number first"
        }
        protocol::Triage::CallToday => "CALL TODAY: the client was told to call the clinic today",
        protocol::Triage::Expected => "expected healing",
    };
    let subject = format!(
        "Aftercare alert ({}): {} ({})",
        match triage {
            protocol::Triage::Emergency => "emergency",
            protocol::Triage::CallToday => "call today",
            protocol::Triage::Expected => "expected",
        },
        booking.client.name,
        d.reference
    );
    let phone = booking
        .client
        .phone
        .clone()
        .unwrap_or_else(|| "(no phone given)".into());
    let mut text = format!(
        "{urgency}.\n\nClient: {} <{}>, phone {phone}\nBooking: {} ({}, {} with {})\n\nSymptoms reported:\n",
        booking.client.name, booking.client.email, d.reference, d.service, d.when, d.practitioner
    );
    for s in symptoms {
        text.push_str(&format!("- {} ({})\n", s.text, triage_words(s.triage)));
    }
    text.push_str(&format!("\nPain: {pain} out of 10\n"));
    if let Some(note) = note {
        text.push_str(&format!("Note from the client: {note}\n"));
    }
    text.push_str(&format!(
        "\nAcknowledge it in the back office: {alerts_url}\n"
    ));
    let html = html! {
        p { strong { (urgency) "." } }
        table {
            tr { th align="left" { "Client" } td { (booking.client.name) " <" (booking.client.email) ">, phone " (phone) } }
            tr { th align="left" { "Booking" } td { (d.reference) " (" (d.service) ", " (d.when) " with " (d.practitioner) ")" } }
            tr { th align="left" { "Pain" } td { (pain) " out of 10" } }
            @if let Some(note) = note { tr { th align="left" { "Note" } td { (note) } } }
        }
        h2 { "Symptoms reported" }
        ul { @for s in symptoms { li { (s.text) " (" (triage_words(s.triage)) ")" } } }
        p { a href=(alerts_url) { "Acknowledge it in the back office" } }
    }
    .into_string();
    Mail {
        kind: "checkin_alert".into(),
        recipient: info.email.clone(),
        subject,
        body_text: text,
        body_html: html,
        ics: None,
        plan: None,
    }
}

fn triage_words(triage: protocol::Triage) -> &'static str {
    match triage {
        protocol::Triage::Expected => "expected",
        protocol::Triage::CallToday => "call today",
        protocol::Triage::Emergency => "emergency",
    }
}
