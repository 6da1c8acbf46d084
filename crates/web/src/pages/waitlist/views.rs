//! The waitlist pages' markup.

use clinic::{ClinicSnapshot, rfc3339};
use maud::{Markup, html};
use service::{offer_path, waitlist_path};
use store::{EntryStatus, Offer, OfferStatus, WaitlistEntry};

use super::JoinForm;
use crate::ui::forms::{FieldErrors, Input, hidden};

fn service_name(clinic: &ClinicSnapshot, id: &str) -> String {
    clinic
        .setup
        .service(id)
        .map_or_else(|| id.to_owned(), |s| s.name.clone())
}

/// The join form, with what was typed and what went wrong.
pub(super) fn join(
    clinic: &ClinicSnapshot,
    form: &JoinForm,
    errors: &FieldErrors,
    problem: Option<&str>,
) -> Markup {
    let label = |f: &str| match f {
        "from" => "First date".to_owned(),
        "to" => "Last date".to_owned(),
        "name" => "Name".to_owned(),
        "email" => "Email".to_owned(),
        "phone" => "Phone".to_owned(),
        other => other.to_owned(),
    };
    let service_error = errors.get("service");
    html! {
        h1 { "Join the waitlist" }
        p { "Tell us which days suit you. When a matching time frees up, we email the first person waiting an offer and hold the time for them for "
            (clinic.setup.waitlist.offer_minutes) " minutes; one tap books it." }
        @if let Some(message) = problem { div.notice.danger role="alert" { p { (message) } } }
        (errors.summary(label))
        form method="post" action="/waitlist" novalidate {
            (hidden(&[("screening", &form.screening)]))
            div.field {
                label for="f-service" { "Treatment" }
                @if let Some(message) = service_error { p.error-text id="f-service-error" { (message) } }
                select id="f-service" name="service" aria-invalid=[service_error.map(|_| "true")] {
                    @for s in &clinic.setup.services {
                        option value=(s.id) selected[s.id == form.service] { (s.name) }
                    }
                }
            }
            div.field {
                label for="f-practitioner" { "Practitioner" span.muted { " (optional)" } }
                select id="f-practitioner" name="practitioner" {
                    option value="" { "Anyone" }
                    @for p in &clinic.setup.practitioners {
                        option value=(p.id) selected[p.id == form.practitioner] { (p.name) }
                    }
                }
            }
            (Input { name: "from", label: "First date", kind: "date", value: &form.from, hint: None, required: true, autocomplete: None }.render(errors))
            (Input { name: "to", label: "Last date", kind: "date", value: &form.to, hint: Some("The same as the first date for one day."), required: true, autocomplete: None }.render(errors))
            fieldset {
                legend { "Times of day" span.muted { " (none ticked: any time)" } }
                label { input type="checkbox" name="morning" value="1" checked[form.morning.is_some()]; " Morning (before 12:00)" }
                label { input type="checkbox" name="afternoon" value="1" checked[form.afternoon.is_some()]; " Afternoon (12:00 to 17:00)" }
                label { input type="checkbox" name="evening" value="1" checked[form.evening.is_some()]; " Evening (from 17:00)" }
            }
            (Input { name: "name", label: "Full name", kind: "text", value: &form.name, hint: None, required: true, autocomplete: Some("name") }.render(errors))
            (Input { name: "email", label: "Email", kind: "email", value: &form.email, hint: Some("Offers go to this address."), required: true, autocomplete: Some("email") }.render(errors))
            (Input { name: "phone", label: "Phone", kind: "tel", value: &form.phone, hint: None, required: false, autocomplete: Some("tel") }.render(errors))
            button type="submit" { "Join the waitlist" }
        }
    }
}

/// The entry's own page: what the client asked for and how to leave.
pub(super) fn entry(
    clinic: &ClinicSnapshot,
    entry: &WaitlistEntry,
    token: &str,
    joined: bool,
) -> Markup {
    let times = if entry.times.is_empty() {
        "any time of day".to_owned()
    } else {
        entry.times.join(", ")
    };
    html! {
        h1 { "Your place on the waitlist" }
        @if joined {
            div.notice.ok role="status" { p { "You are on the waitlist. We've emailed " (entry.client.email) " this page's link; keep it to leave the waitlist." } }
        }
        dl.summary {
            dt { "Treatment" } dd { (service_name(clinic, &entry.service_id)) }
            dt { "Dates" } dd { (entry.from.strftime("%A %-d %B %Y")) " to " (entry.to.strftime("%A %-d %B %Y")) }
            dt { "Times" } dd { (times) }
        }
        @match entry.status {
            EntryStatus::Waiting => {
                p { "When a matching time frees up we email you an offer." }
                form method="post" action=(format!("{}/leave", waitlist_path(token))) {
                    button.secondary type="submit" { "Leave the waitlist" }
                }
            }
            EntryStatus::Booked => p { "You booked a time we offered you; this place is closed." },
            EntryStatus::Left => p { "You have left the waitlist. You can book or join again at any time." },
            EntryStatus::Lapsed => p { "Your dates have passed, so this place is closed." },
        }
    }
}

/// The offer page: the time, until when it is held, and the one button that books it.
pub(super) fn offer(
    clinic: &ClinicSnapshot,
    offer: &Offer,
    entry: &WaitlistEntry,
    token: &str,
) -> Markup {
    let tz = clinic.timezone.clone();
    let start = offer.start.to_zoned_datetime(tz.clone());
    let until = clinic.when(&offer.expires_at.to_zoned_datetime(tz));
    let practitioner = clinic
        .setup
        .practitioner(&offer.practitioner_id)
        .map_or_else(|| offer.practitioner_id.clone(), |p| p.name.clone());
    let open = offer.status == OfferStatus::Open && offer.expires_at > jiff::Timestamp::now();
    let path = offer_path(token);
    html! {
        h1 { "A time for you" }
        p { "Hello " (entry.joined_as.name) "," }
        dl.summary {
            dt { "Treatment" } dd { (service_name(clinic, &offer.service_id)) }
            dt { "When" } dd { time datetime=(rfc3339(&start)) { (clinic.when(&start)) } " (" (clinic.zone_name()) ")" }
            dt { "With" } dd { (practitioner) }
        }
        @if open {
            p { "We are holding this time for you until " (until) "." }
            form method="post" action=(format!("{path}/accept")) {
                button type="submit" { "Book this time" }
            }
            form method="post" action=(format!("{path}/decline")) {
                button.secondary type="submit" { "No thanks, offer it to the next person" }
            }
        } @else {
            @match offer.status {
                OfferStatus::Accepted => p { "You booked this time; the confirmation is in your email." },
                _ => p { "This offer is no longer open. You are still on the waitlist for other times unless you left it." },
            }
        }
    }
}

/// After declining.
pub(super) fn declined(clinic: &ClinicSnapshot) -> Markup {
    html! {
        h1 { "Offer declined" }
        p { "Thank you for letting us know; we have offered the time to the next person. You stay on the waitlist for other times." }
        p { "Questions? Call us on " (crate::ui::layout::phone_link(&clinic.setup.clinic.phone)) "." }
    }
}

/// A refusal as a page.
pub(super) fn problem(clinic: &ClinicSnapshot, title: &str, message: &str) -> Markup {
    html! {
        h1 { (title) }
        div.notice.danger role="alert" { p { (message) } }
        p { "Questions? Call us on " (crate::ui::layout::phone_link(&clinic.setup.clinic.phone)) "." }
    }
}
