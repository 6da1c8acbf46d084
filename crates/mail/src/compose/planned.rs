//! The messages planned ahead of time: the reminder with its preparation, the same-day
//! note, the aftercare timeline and the next-session note. Each is optional for the client,
//! so each says how to stop them; every clinical figure comes through a placeholder.

use clinic::ClinicSnapshot;
use maud::{Markup, html};
use store::{Booking, Mail};

use super::texts::MessageTexts;
use super::{EMERGENCY_LEAD, OUT_OF_HOURS, aftercare, details, fill, phone_link};

/// Where a planned message sends the client.
#[derive(Clone, Copy, Debug)]
pub struct Links<'a> {
    /// The booking's manage page.
    pub manage: &'a str,
    /// The one-click unsubscribe page (also in the `List-Unsubscribe` header).
    pub unsubscribe: &'a str,
}

/// For a client whose screening found a history of cold sores (§2: herpes simplex).
pub(super) const ANTIVIRAL: &str = "Your screening mentioned cold sores. If your practitioner agreed a course of antiviral medicine with you, take it as prescribed: it usually starts {{fact:antiviral_lead}} before treatment ([21], [40]).";
/// The reminder says plainly that tanning counts as sun (§3: no sun before treatment).
pub(super) const TANNING: &str = "Sunbeds and tanning count as sun exposure: none for {{fact:sun_before}} before either (clinic practice; [40]).";
pub(super) const SAME_DAY: &str = "Please arrive without make-up. We start with a numbing cream, which takes {{fact:numbing}} to work ([6]), so the first part of your visit is for that.";

/// One step of the aftercare timeline (§4), each sent at its own moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AftercareStep {
    /// The evening of the treatment.
    Evening,
    /// The day after.
    Day1,
    /// The third day.
    Day3,
    /// The seventh day.
    Day7,
}

impl AftercareStep {
    /// Every step, in order.
    pub const ALL: [AftercareStep; 4] = [Self::Evening, Self::Day1, Self::Day3, Self::Day7];

    /// Whole days after the treatment day.
    pub fn days_after(self) -> i64 {
        match self {
            Self::Evening => 0,
            Self::Day1 => 1,
            Self::Day3 => 3,
            Self::Day7 => 7,
        }
    }

    /// The name of the clinic's file for this step under `messages/`, without `.md`.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Evening => "aftercare-evening",
            Self::Day1 => "aftercare-day1",
            Self::Day3 => "aftercare-day3",
            Self::Day7 => "aftercare-day7",
        }
    }

    pub(super) fn subject(self) -> &'static str {
        match self {
            Self::Evening => "This evening: caring for your skin after treatment",
            Self::Day1 => "The day after your treatment",
            Self::Day3 => "Day three after your treatment",
            Self::Day7 => "One week after your treatment",
        }
    }

    /// (what is normal, what to do, what to avoid), each a template with placeholders.
    pub(super) fn texts(self) -> [&'static str; 3] {
        match self {
            Self::Evening => [
                "Redness like a moderate sunburn is normal: {{normal:redness}} ([17]). Swelling and tenderness usually {{normal:swelling}} ([21]).",
                "For the first {{fact:first_hours}}, wash with lukewarm water only and use just the hydrating gel we gave you (clinic practice).",
                "No make-up for the first {{fact:first_hours}}, and no sweating or strenuous exercise for {{fact:no_sweat}} (clinic practice).",
            ],
            Self::Day1 => [
                "Redness is normally {{normal:redness}} ([17]); swelling and soreness {{normal:swelling}} ([21]).",
                "From today, put on sunscreen ({{fact:spf}}) every morning for {{fact:spf_weeks}} ([21], clinic practice). In the evening, a hyaluronic acid, growth-factor or peptide serum helps ([21]); use it on days {{fact:serum_days}}.",
                "On days {{fact:no_actives_days}}: no retinoids and no glycolic, salicylic or lactic acid; no heat, sauna, hot tubs or hard exercise; and no picking (clinic practice).",
            ],
            Self::Day3 => [
                "Flaking {{normal:flaking}} ([43]) and is part of healing. Small breakouts {{normal:breakouts}} (clinic practice).",
                "Keep up the morning sunscreen ({{fact:spf}}) and a gentle moisturiser ([21], clinic practice).",
                "Let flakes come away on their own: no picking, scrubs or acids yet (clinic practice).",
            ],
            Self::Day7 => [
                "Expected reactions can last {{fact:expected_reactions}} ([7]); by now your skin is usually settling.",
                "Keep the morning sunscreen ({{fact:spf}}) going for the {{fact:spf_weeks}} after treatment ([21], clinic practice). You can return to your usual skincare gradually.",
                "If redness is growing rather than fading, or anything below appears, do not wait for it to pass.",
            ],
        }
    }
}

/// A block of plain text and its HTML twin.
struct Section {
    text: String,
    html: Markup,
}

fn red_flags(clinic: &ClinicSnapshot) -> Section {
    let care = aftercare(clinic);
    let mut text = format!("{EMERGENCY_LEAD}\n");
    for line in &care.emergency {
        text.push_str(&format!("- {line}\n"));
    }
    text.push_str(&format!("\n{}\n", care.call_today_lead));
    for line in &care.call_today {
        text.push_str(&format!("- {line}\n"));
    }
    text.push_str(&format!("\n{OUT_OF_HOURS}\n"));
    let html = html! {
        p { strong { (EMERGENCY_LEAD) } }
        ul { @for line in &care.emergency { li { (line) } } }
        p { strong { (care.call_today_lead) } }
        ul { @for line in &care.call_today { li { (line) } } }
        p { (OUT_OF_HOURS) }
    };
    Section { text, html }
}

/// The frame every planned message shares: greeting, body, clinic, and how to opt out.
fn frame(
    clinic: &ClinicSnapshot,
    booking: &Booking,
    kind: &str,
    subject: String,
    body: Section,
    unsubscribe: &str,
) -> Mail {
    let info = &clinic.setup.clinic;
    let stop = "You receive this because you booked with us. To stop reminders and aftercare notes (your booking confirmations still come):";
    let text = format!(
        "Hello {},\n\n{}\n{}\n{}\n{}\n\n{stop} {unsubscribe}\n",
        booking.client.name, body.text, info.name, info.phone, info.address
    );
    let html = html! {
        p { "Hello " (booking.client.name) "," }
        (body.html)
        p { (info.name) br; (phone_link(&info.phone)) br; (info.address) }
        p { small { (stop) " " a href=(unsubscribe) { "unsubscribe" } } }
    }
    .into_string();
    Mail {
        kind: kind.into(),
        recipient: booking.client.email.clone(),
        subject,
        body_text: text,
        body_html: html,
        ics: None,
        plan: None,
    }
}

/// The consent line of a reminder: true whether or not the client has signed by the time it
/// is read, since a signature made after planning does not re-plan the reminder.
const CONSENT_LEAD: &str = "We ask every client to read and sign our consent form before their treatment. If you have not signed it yet, you can do it now, or at the clinic before we start:";

/// The reminder before an appointment: when and where, until when it can be changed
/// online, how to prepare (with the antiviral note only after a cold-sore history), and,
/// for a treatment the clinic wants consent for, the consent page (`consent_url`).
pub fn reminder(
    clinic: &ClinicSnapshot,
    words: &MessageTexts,
    booking: &Booking,
    links: Links<'_>,
    cold_sores: bool,
    consent_url: Option<&str>,
) -> Mail {
    let d = details(clinic, booking);
    let info = &clinic.setup.clinic;
    let texts = protocol::Placeholders::new(&clinic.rules, &clinic.plans);
    let preparation: Vec<String> = words.preparation.iter().map(|p| fill(p, &texts)).collect();
    let mut preparation = super::preparation_for(clinic, booking, Some(links.manage), preparation);
    if cold_sores {
        preparation.push(fill(ANTIVIRAL, &texts));
    }
    let deadline =
        booking.start - jiff::SignedDuration::from_hours(i64::from(clinic.cancel_notice_hours()));
    let deadline = clinic.when(&deadline.to_zoned_datetime(clinic.timezone.clone()));
    let lead = format!(
        "A reminder of your appointment: {} with {} on {} ({}), reference {}.",
        d.service,
        d.practitioner,
        d.when,
        clinic.zone_name(),
        d.reference
    );
    let change = format!(
        "You can change or cancel it online until {deadline}: {}. After that, please call us on {}.",
        links.manage, info.phone
    );
    let place = format!("Where: {}, {}.", info.name, info.address);
    let mut text = format!("{lead}\n\n{place}\n\n{change}\n\nBefore your appointment:\n");
    for line in &preparation {
        text.push_str(&format!("- {line}\n"));
    }
    if let Some(url) = consent_url {
        text.push_str(&format!("\n{CONSENT_LEAD} {url}\n"));
    }
    let html = html! {
        p { (lead) }
        p { (place) }
        p { "You can " a href=(links.manage) { "change or cancel it online" } " until " (deadline) ". After that, please call us on " (phone_link(&info.phone)) "." }
        h2 { "Before your appointment" }
        ul { @for line in &preparation { li { (line) } } }
        @if let Some(url) = consent_url {
            p { (CONSENT_LEAD) " " a href=(url) { "Read and sign the consent form" } }
        }
    };
    frame(
        clinic,
        booking,
        "reminder",
        format!("Reminder: {}", d.when),
        Section { text, html },
        links.unsubscribe,
    )
}

/// The short note on the morning of the appointment.
pub fn same_day(
    clinic: &ClinicSnapshot,
    words: &MessageTexts,
    booking: &Booking,
    links: Links<'_>,
) -> Mail {
    let d = details(clinic, booking);
    let info = &clinic.setup.clinic;
    let texts = protocol::Placeholders::new(&clinic.rules, &clinic.plans);
    let time = clinic.clock(&booking.start.to_zoned_datetime(clinic.timezone.clone()));
    let lead = format!(
        "See you today at {time} for your {} with {}, at {}.",
        d.service, d.practitioner, info.address
    );
    let arrive = fill(&words.same_day, &texts);
    let text = format!(
        "{lead}\n\n{arrive}\n\nRunning late or unwell? Call us on {}. Your booking: {}\n",
        info.phone, links.manage
    );
    let html = html! {
        p { (lead) }
        p { (arrive) }
        p { "Running late or unwell? Call us on " (phone_link(&info.phone)) ". " a href=(links.manage) { "Your booking" } }
    };
    frame(
        clinic,
        booking,
        "same_day",
        format!("Today at {time}: {}", d.service),
        Section { text, html },
        links.unsubscribe,
    )
}

/// One step of the aftercare timeline, with a link to the healing check-in.
pub fn aftercare_step(
    clinic: &ClinicSnapshot,
    words: &MessageTexts,
    booking: &Booking,
    step: AftercareStep,
    checkin_url: &str,
    unsubscribe: &str,
) -> Mail {
    let texts = protocol::Placeholders::new(&clinic.rules, &clinic.plans);
    let words = words.aftercare(step);
    let [normal, todo, avoid] = words.parts.each_ref().map(|t| fill(t, &texts));
    let ask = "How is your skin today? Tell us in a minute, and we will say at once whether it is part of normal healing:";
    let flags = red_flags(clinic);
    let text = format!(
        "What is normal: {normal}\n\nWhat to do: {todo}\n\nWhat to avoid: {avoid}\n\n{ask} {checkin_url}\n\n{}",
        flags.text
    );
    let html = html! {
        p { strong { "What is normal: " } (normal) }
        p { strong { "What to do: " } (todo) }
        p { strong { "What to avoid: " } (avoid) }
        p { (ask) " " a href=(checkin_url) { "Check in on your healing" } }
        (flags.html)
    };
    frame(
        clinic,
        booking,
        "aftercare",
        fill(&words.subject, &texts),
        Section { text, html },
        unsubscribe,
    )
}

/// Time for the next session of a course: a link that opens booking on the same service,
/// practitioner and week.
pub fn next_session(
    clinic: &ClinicSnapshot,
    words: &MessageTexts,
    booking: &Booking,
    due: jiff::civil::Date,
    book_url: &str,
    unsubscribe: &str,
) -> Mail {
    let d = details(clinic, booking);
    let week = due.strftime("%A %-d %B").to_string();
    let lead = format!(
        "Your course of {} is ready for its next session: the week of {week} keeps to the interval your plan asks for.",
        d.service
    );
    let texts = protocol::Placeholders::new(&clinic.rules, &clinic.plans);
    let note = words.next_session.as_deref().map(|n| fill(n, &texts));
    let mut text = format!("{lead}\n\n");
    if let Some(note) = &note {
        text.push_str(&format!("{note}\n\n"));
    }
    text.push_str(&format!(
        "Book it with {} here: {book_url}\n",
        d.practitioner
    ));
    let html = html! {
        p { (lead) }
        @if let Some(note) = &note { p { (note) } }
        p { a href=(book_url) { "Book your next session with " (d.practitioner) } }
    };
    frame(
        clinic,
        booking,
        "next_session",
        format!("Time for your next session: {}", d.service),
        Section { text, html },
        unsubscribe,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every planned template: no clinical number written in it, every placeholder known.
    #[test]
    fn templates_take_every_figure_from_the_protocol() {
        let clinic = ClinicSnapshot::new(clinic::demo(), 1);
        let texts = protocol::Placeholders::new(&clinic.rules, &clinic.plans);
        MessageTexts::builtin().check(&texts).unwrap();
    }
}
