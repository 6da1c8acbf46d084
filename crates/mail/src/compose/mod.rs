//! The words of each message a client receives, in plain text and HTML, with an invite.

use maud::html;
use store::{Booking, Mail};

use clinic::ClinicSnapshot;

use crate::ics;

mod advice;
mod alert_again;
mod checkin_alert;
mod course;
mod planned;
mod recall;
mod reinstated;
mod screening_link;
mod texts;
mod waitlist;

pub use alert_again::alert_again;
pub use checkin_alert::checkin_alert;
pub use course::course_booked;
pub use planned::{AftercareStep, Links, aftercare_step, next_session, reminder, same_day};
pub use recall::recall;
pub use reinstated::reinstated;
pub use screening_link::screening_link;
pub use texts::{AftercareText, MessageTexts};
pub use waitlist::{waitlist_joined, waitlist_offer};

pub(crate) use advice::phone_link;
use advice::{
    EMERGENCY_LEAD, OUT_OF_HOURS, PREPARATION, aftercare, fill, preparation_for, with_link,
};

struct Details {
    service: String,
    practitioner: String,
    when: String,
    reference: String,
    /// The service's price as clients read it, paid at the clinic.
    price: String,
}

fn details(clinic: &ClinicSnapshot, booking: &Booking) -> Details {
    let setup = &clinic.setup;
    Details {
        service: setup
            .service(&booking.service_id)
            .map_or(booking.service_id.clone(), |s| s.name.clone()),
        practitioner: setup
            .practitioner(&booking.practitioner_id)
            .map_or(booking.practitioner_id.clone(), |p| p.name.clone()),
        when: clinic.when(&booking.start.to_zoned_datetime(clinic.timezone.clone())),
        reference: booking.reference.clone(),
        price: setup
            .service(&booking.service_id)
            .map_or_else(String::new, |s| {
                let price = clinic::money(&setup.clinic.currency, &s.price);
                if price == "Free" {
                    price
                } else {
                    format!("{price}, paid at the clinic")
                }
            }),
    }
}

/// The "Add to Google Calendar" and "Outlook" links for a booking, in that order: its
/// times in UTC, the clinic's name and address, and no manage link (the invite has it).
pub fn calendar_links(clinic: &ClinicSnapshot, booking: &Booking) -> (String, String) {
    let d = details(clinic, booking);
    let info = &clinic.setup.clinic;
    let title = format!("{} at {}", d.service, info.name);
    let details = format!(
        "{} with {}. Reference {}. Questions: {}.",
        d.service, d.practitioner, d.reference, info.phone
    );
    let event = crate::calendar_links::LinkEvent {
        title: &title,
        details: &details,
        location: &info.address,
        start: booking.start,
        end: booking.end,
    };
    (
        crate::calendar_links::google(&event),
        crate::calendar_links::outlook(&event),
    )
}

/// The invite for a booking, as attached to mail and served at `calendar.ics`.
pub fn invite(
    clinic: &ClinicSnapshot,
    booking: &Booking,
    manage_url: Option<&str>,
    sequence: i64,
    cancelled: bool,
) -> String {
    let d = details(clinic, booking);
    let info = &clinic.setup.clinic;
    let mut description = format!(
        "{} with {}. Reference {}.",
        d.service, d.practitioner, d.reference
    );
    if let Some(url) = manage_url {
        description.push_str(&format!(" Change or cancel: {url}"));
    }
    description.push_str(&format!(" Questions: {}.", info.phone));
    ics::calendar(&ics::Event {
        uid: &format!("{}@collagen", booking.id),
        summary: &format!("{} at {}", d.service, info.name),
        description: &description,
        location: &info.address,
        start: booking.start,
        end: booking.end,
        timezone: &clinic.timezone,
        sequence,
        cancelled,
        organizer_email: &info.email,
        organizer_name: &info.name,
    })
}

/// What differs between the messages; the details and the frame are shared.
struct Words<'a> {
    kind: &'a str,
    subject: String,
    lead: String,
    manage_url: Option<&'a str>,
    ics: Option<String>,
    with_preparation: bool,
    /// A booking that stands: the mail says its price and offers the calendar links.
    confirming: bool,
}

fn message(clinic: &ClinicSnapshot, booking: &Booking, words: Words<'_>) -> Mail {
    let Words {
        kind,
        subject,
        lead,
        manage_url,
        ics,
        with_preparation,
        confirming,
    } = words;
    let d = details(clinic, booking);
    let info = &clinic.setup.clinic;
    let mut text = format!(
        "Hello {},\n\n{lead}\n\nService: {}\nWhen: {} ({})\nWith: {}\nReference: {}\n",
        booking.client.name,
        d.service,
        d.when,
        clinic.zone_name(),
        d.practitioner,
        d.reference
    );
    let links = confirming.then(|| calendar_links(clinic, booking));
    if confirming {
        text.push_str(&format!("Price: {}\n", d.price));
    }
    if let Some(url) = manage_url {
        text.push_str(&format!("\nView, reschedule or cancel: {url}\n"));
    }
    if let Some((google, outlook)) = &links {
        text.push_str(&format!(
            "\nAdd to Google Calendar: {google}\nAdd to Outlook: {outlook}\n"
        ));
    }
    let mut care = aftercare(clinic);
    care.preparation = preparation_for(clinic, booking, manage_url, care.preparation);
    if with_preparation {
        text.push_str("\nBefore your appointment:\n");
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
        text.push_str(&format!("\n{OUT_OF_HOURS}\n"));
    }
    text.push_str(&format!(
        "\n{}\n{}\n{}\n",
        info.name, info.phone, info.address
    ));
    let html = html! {
        p { "Hello " (booking.client.name) "," }
        p { (lead) }
        table {
            tr { th align="left" { "Service" } td { (d.service) } }
            tr { th align="left" { "When" } td { (d.when) " (" (clinic.zone_name()) ")" } }
            tr { th align="left" { "With" } td { (d.practitioner) } }
            tr { th align="left" { "Reference" } td { (d.reference) } }
            @if confirming { tr { th align="left" { "Price" } td { (d.price) } } }
        }
        @if let Some(url) = manage_url { p { a href=(url) { "View, reschedule or cancel your appointment" } } }
        @if let Some((google, outlook)) = &links {
            p { "Add it to your calendar: " a href=(google) { "Google Calendar" } " · " a href=(outlook) { "Outlook" } " (or open the attached invite)" }
        }
        @if with_preparation {
            h2 { "Before your appointment" }
            ul { @for line in &care.preparation { li { (with_link(line)) } } }
            h2 { "Afterwards" }
            p { (care.normal) }
            p { strong { (EMERGENCY_LEAD) } }
            ul { @for line in &care.emergency { li { (line) } } }
            p { strong { (care.call_today_lead) } }
            ul { @for line in &care.call_today { li { (line) } } }
            p { (OUT_OF_HOURS) }
        }
        p { (info.name) br; (phone_link(&info.phone)) br; (info.address) }
    }
    .into_string();
    Mail {
        kind: kind.into(),
        recipient: booking.client.email.clone(),
        subject,
        body_text: text,
        body_html: html,
        ics,
        plan: None,
    }
}

/// Sent when a booking is made.
pub fn booked(clinic: &ClinicSnapshot, booking: &Booking, manage_url: &str) -> Mail {
    let d = details(clinic, booking);
    let pending = booking.status == store::BookingStatus::PendingReview;
    let lead = if pending && booking.screening_id.is_none() {
        "Thank you for booking. Your time is held: a practitioner goes through our safety questions with you before confirming it, and we will email you once it is confirmed.".to_owned()
    } else if pending {
        "Thank you for booking. Your safety screening asks a practitioner to review your answers first: your time is held, and we will email you once it is confirmed.".to_owned()
    } else {
        "Your appointment is booked. We look forward to seeing you.".to_owned()
    };
    let subject = if pending {
        format!("Booking received: {}", d.when)
    } else {
        format!("Booking confirmed: {}", d.when)
    };
    let invite = invite(clinic, booking, Some(manage_url), 0, false);
    message(
        clinic,
        booking,
        Words {
            kind: "booked",
            subject,
            lead,
            manage_url: Some(manage_url),
            ics: Some(invite),
            with_preparation: true,
            confirming: true,
        },
    )
}

/// Sent when a booking moves.
pub fn rescheduled(
    clinic: &ClinicSnapshot,
    before: &Booking,
    after: &Booking,
    manage_url: Option<&str>,
) -> Mail {
    let old = clinic.when(&before.start.to_zoned_datetime(clinic.timezone.clone()));
    let d = details(clinic, after);
    let lead = format!("Your appointment has moved from {old} to {}.", d.when);
    let sequence = jiff::Timestamp::now().as_second()
        - before
            .start
            .as_second()
            .min(jiff::Timestamp::now().as_second())
        + 1;
    let invite = invite(clinic, after, manage_url, sequence.max(1), false);
    let subject = format!("Booking moved: {}", d.when);
    message(
        clinic,
        after,
        Words {
            kind: "rescheduled",
            subject,
            lead,
            manage_url,
            ics: Some(invite),
            with_preparation: true,
            confirming: true,
        },
    )
}

/// Sent when a booking is cancelled.
pub fn cancelled(clinic: &ClinicSnapshot, booking: &Booking) -> Mail {
    let d = details(clinic, booking);
    let lead = format!(
        "Your appointment on {} has been cancelled. We hope to see you another time; you can book again online at any time.",
        d.when
    );
    let invite = invite(clinic, booking, None, i64::from(u16::MAX), true);
    let subject = format!("Booking cancelled: {}", d.when);
    message(
        clinic,
        booking,
        Words {
            kind: "cancelled",
            subject,
            lead,
            manage_url: None,
            ics: Some(invite),
            with_preparation: false,
            confirming: false,
        },
    )
}

/// Sent when a practitioner confirms or declines a booking held for review.
pub fn reviewed(clinic: &ClinicSnapshot, booking: &Booking, confirmed: bool, note: &str) -> Mail {
    let d = details(clinic, booking);
    let (kind, subject, mut lead) = if confirmed {
        (
            "confirmed",
            format!("Booking confirmed: {}", d.when),
            "A practitioner has reviewed your screening and confirmed your appointment.".to_owned(),
        )
    } else {
        (
            "declined",
            format!("About your booking on {}", d.when),
            format!(
                "A practitioner has reviewed your screening and we cannot go ahead with this appointment. Please call us on {} so we can talk it through.",
                clinic.setup.clinic.phone
            ),
        )
    };
    if !note.trim().is_empty() {
        lead.push_str(&format!(" Their note: {}", note.trim()));
    }
    let invite = confirmed.then(|| invite(clinic, booking, None, 1, false));
    message(
        clinic,
        booking,
        Words {
            kind,
            subject,
            lead,
            manage_url: None,
            ics: invite,
            with_preparation: confirmed,
            confirming: confirmed,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::advice::{AFTERCARE, CALL_TODAY_LEAD};
    use super::*;

    /// Every template a client reads: no clinical number written in it, and every
    /// placeholder known. (The clinic's phone is filled from the clinic file, not written.)
    #[test]
    fn templates_take_every_figure_from_the_protocol() {
        let clinic = ClinicSnapshot::new(clinic::demo(), 1);
        let texts = protocol::Placeholders::new(&clinic.rules, &clinic.plans);
        let templates: Vec<&str> = PREPARATION
            .iter()
            .copied()
            .chain([AFTERCARE, EMERGENCY_LEAD, CALL_TODAY_LEAD, OUT_OF_HOURS])
            .collect();
        for template in templates {
            let written = protocol::written_clinical_numbers(template);
            assert!(written.is_empty(), "{template}: {written:?}");
            for name in protocol::placeholder_names(template) {
                texts
                    .resolve(name)
                    .unwrap_or_else(|e| panic!("{template}: {e}"));
            }
        }
    }

    #[test]
    fn the_mail_lists_every_red_flag_the_pages_do() {
        let clinic = ClinicSnapshot::new(clinic::demo(), 1);
        let care = aftercare(&clinic);
        let all: Vec<&String> = care.emergency.iter().chain(&care.call_today).collect();
        for s in protocol::Symptoms::builtin().all() {
            let listed = all.iter().any(|line| line.starts_with(&s.text));
            assert_eq!(listed, s.triage != protocol::Triage::Expected, "{}", s.id);
        }
        assert!(
            care.emergency
                .iter()
                .any(|l| l.starts_with("Swelling of your lips"))
        );
        assert!(!care.normal.contains("{{"), "{}", care.normal);
    }
}
