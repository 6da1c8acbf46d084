//! The clinic's mail about an alert nobody acknowledged in time.

use clinic::ClinicSnapshot;
use maud::html;
use store::{Alert, Mail};

/// Sent to the clinic's own address again while an aftercare alert waits for a
/// practitioner; `alerts_url` is the back office's alert list.
pub fn alert_again(clinic: &ClinicSnapshot, alert: &Alert, alerts_url: &str) -> Mail {
    let info = &clinic.setup.clinic;
    let raised = clinic.when(&alert.created_at.to_zoned_datetime(clinic.timezone.clone()));
    let symptoms = protocol::Symptoms::builtin();
    let named: Vec<String> = alert
        .symptoms
        .iter()
        .map(|id| symptoms.get(id).map_or(id.clone(), |s| s.text.clone()))
        .collect();
    let urgency = match alert.triage.as_str() {
        "emergency" => "emergency",
        _ => "call today",
    };
    let phone = alert
        .client_phone
        .clone()
        .unwrap_or_else(|| "(no phone given)".into());
    let subject = format!(
        "Still not acknowledged ({urgency}): {} ({})",
        alert.client_name, alert.booking_reference
    );
    let lead = format!(
        "An aftercare alert raised on {raised} is still waiting for a practitioner. Please call the client and acknowledge it with a note."
    );
    let mut text = format!(
        "{lead}\n\nClient: {}, phone {phone}\nBooking: {}\nTriage: {urgency}\nPain: {} out of 10\n\nSymptoms reported:\n",
        alert.client_name, alert.booking_reference, alert.pain
    );
    for s in &named {
        text.push_str(&format!("- {s}\n"));
    }
    text.push_str(&format!("\nAcknowledge it: {alerts_url}\n"));
    let html = html! {
        p { strong { (lead) } }
        table {
            tr { th align="left" { "Client" } td { (alert.client_name) ", phone " (phone) } }
            tr { th align="left" { "Booking" } td { (alert.booking_reference) } }
            tr { th align="left" { "Triage" } td { (urgency) } }
            tr { th align="left" { "Pain" } td { (alert.pain) " out of 10" } }
        }
        h2 { "Symptoms reported" }
        ul { @for s in &named { li { (s) } } }
        p { a href=(alerts_url) { "Acknowledge it in the back office" } }
    }
    .into_string();
    Mail {
        kind: "checkin_alert_again".into(),
        recipient: info.email.clone(),
        subject,
        body_text: text,
        body_html: html,
        ics: None,
        plan: None,
    }
}
