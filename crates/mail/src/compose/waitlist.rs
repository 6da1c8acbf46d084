//! What a client on the waitlist receives: the note that they joined, and the offer of a
//! freed time with the link that accepts it.

use super::phone_link;
use clinic::ClinicSnapshot;
use maud::html;
use store::{Mail, Offer, WaitlistEntry};

fn service_name(clinic: &ClinicSnapshot, id: &str) -> String {
    clinic
        .setup
        .service(id)
        .map_or_else(|| id.to_owned(), |s| s.name.clone())
}

fn signature(clinic: &ClinicSnapshot) -> String {
    let info = &clinic.setup.clinic;
    format!("{}\n{}\n{}\n", info.name, info.phone, info.address)
}

/// Sent when a client joins the waitlist: what they asked for and the link to leave it.
pub fn waitlist_joined(clinic: &ClinicSnapshot, entry: &WaitlistEntry, manage_url: &str) -> Mail {
    let info = &clinic.setup.clinic;
    let service = service_name(clinic, &entry.service_id);
    let range = format!(
        "{} to {}",
        entry.from.strftime("%A %-d %B %Y"),
        entry.to.strftime("%A %-d %B %Y")
    );
    let lead = format!(
        "You are on our waitlist for {service}, {range}. When a matching time frees up, we offer it to the people waiting in the order they joined: when it is your turn you get an email, and the time is held for you for {} minutes.",
        clinic.setup.waitlist.offer_minutes
    );
    let text = format!(
        "Hello {},\n\n{lead}\n\nSee or leave the waitlist: {manage_url}\n\n{}",
        entry.joined_as.name,
        signature(clinic)
    );
    let html = html! {
        p { "Hello " (entry.joined_as.name) "," }
        p { (lead) }
        p { a href=(manage_url) { "See or leave the waitlist" } }
        p { (info.name) br; (phone_link(&info.phone)) br; (info.address) }
    }
    .into_string();
    Mail {
        kind: "waitlist_joined".into(),
        recipient: entry.client.email.clone(),
        subject: format!("On the waitlist: {service}"),
        body_text: text,
        body_html: html,
        ics: None,
        plan: None,
    }
}

/// Sent when a freed time is offered: held for this client until `offer.expires_at`; the
/// link opens a page with one button that books it.
pub fn waitlist_offer(
    clinic: &ClinicSnapshot,
    entry: &WaitlistEntry,
    offer: &Offer,
    offer_url: &str,
) -> Mail {
    let info = &clinic.setup.clinic;
    let tz = clinic.timezone.clone();
    let service = service_name(clinic, &offer.service_id);
    let practitioner = clinic
        .setup
        .practitioner(&offer.practitioner_id)
        .map_or_else(|| offer.practitioner_id.clone(), |p| p.name.clone());
    let when = clinic.when(&offer.start.to_zoned_datetime(tz.clone()));
    let until = clinic.when(&offer.expires_at.to_zoned_datetime(tz));
    let lead = format!(
        "A time you were waiting for is free, and we are holding it for you until {until}."
    );
    let after = "If you do not want it, decline it on the same page so we can offer it to the next person; you stay on the waitlist for other times until you leave it.";
    let text = format!(
        "Hello {},\n\n{lead}\n\nService: {service}\nWhen: {when} ({})\nWith: {practitioner}\n\nOpen the offer and book it with one tap: {offer_url}\n\n{after}\n\n{}",
        entry.joined_as.name,
        info.timezone,
        signature(clinic)
    );
    let html = html! {
        p { "Hello " (entry.joined_as.name) "," }
        p { (lead) }
        table {
            tr { th align="left" { "Service" } td { (service) } }
            tr { th align="left" { "When" } td { (when) " (" (info.timezone) ")" } }
            tr { th align="left" { "With" } td { (practitioner) } }
        }
        p { a href=(offer_url) { "Book this time" } }
        p { (after) }
        p { (info.name) br; (phone_link(&info.phone)) br; (info.address) }
    }
    .into_string();
    Mail {
        kind: "waitlist_offer".into(),
        recipient: entry.client.email.clone(),
        subject: format!("A time is free for you: {when}"),
        body_text: text,
        body_html: html,
        ics: None,
        plan: None,
    }
}
