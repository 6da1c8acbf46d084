//! What a client is told to do before a treatment and to watch for after it, with every
//! figure filled from the clinic's rules and plans: shared by the messages that carry it.

use maud::html;
use store::Booking;

use clinic::ClinicSnapshot;

/// Preparation advice, from section 3 of the clinical reference. Every figure is a
/// placeholder filled from the protocol's data, so the mail says what the pages say.
pub(super) const PREPARATION: &[&str] = &[
    "Stop retinoids and exfoliating acids {{fact:retinoid_pause}} beforehand; ask us if unsure (clinic practice).",
    "Avoid sun exposure for {{fact:sun_before}} before, and stop anti-inflammatory painkillers (NSAIDs) {{fact:nsaid_pause}} before unless your doctor says otherwise (clinic practice; InMode Optimas manual [40]).",
    "Arrive without make-up; we cleanse your skin and apply numbing cream, which takes {{fact:numbing}} to work ([6]).",
    "Tell us if anything in your health has changed since you answered our safety questions.",
];

/// The preparation line for a booking with no screening on file (the desk booked it by
/// phone): the questions' page instead of "since you answered".
const NOT_YET_SCREENED: &str = "You have not answered our safety questions yet. You can read them before your visit at {url}; we go through them with you before any treatment.";

/// The screening questions' page on the same site as `manage_url` (`…/manage/TOKEN`).
fn questions_url(manage_url: &str) -> Option<String> {
    manage_url
        .rsplit_once("/manage/")
        .map(|(base, _)| format!("{base}/suitability"))
}

/// A line with its first web address made a link, for the HTML part.
pub(super) fn with_link(line: &str) -> maud::Markup {
    let Some(at) = line.find("https://").or_else(|| line.find("http://")) else {
        return html! { (line) };
    };
    let rest = &line[at..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == ';' || c == ',')
        .unwrap_or(rest.len());
    let url = rest[..end].trim_end_matches('.');
    let after = &line[at + url.len()..];
    html! { (line[..at]) a href=(url) { (url) } (after) }
}

/// The preparation list for this booking: a booking without a screening is never told it
/// answered the questions; one for a treatment that needs them gets their address.
pub(super) fn preparation_for(
    clinic: &ClinicSnapshot,
    booking: &Booking,
    manage_url: Option<&str>,
    mut lines: Vec<String>,
) -> Vec<String> {
    if booking.screening_id.is_some() {
        return lines;
    }
    lines.retain(|l| !l.contains("since you answered our safety questions"));
    let needs_screening = clinic
        .setup
        .service(&booking.service_id)
        .is_some_and(|s| s.requires_screening);
    if needs_screening && let Some(url) = manage_url.and_then(questions_url) {
        lines.push(NOT_YET_SCREENED.replace("{url}", &url));
    }
    lines
}

/// What is normal afterwards; the red flags follow it as lists from the protocol's symptoms.
pub(super) const AFTERCARE: &str =
    "Redness like a moderate sunburn is normal: {{normal:redness}} ([17]).";
pub(super) const EMERGENCY_LEAD: &str =
    "Call your local emergency number first, then let us know, if you notice:";
/// The clinic's phone in a mail's HTML as a link a phone dials with one tap: only the `+`
/// and the digits go in the `tel:` address, whatever spacing the clinic typed.
pub(crate) fn phone_link(phone: &str) -> maud::Markup {
    let dial: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    maud::html! { a href=(format!("tel:{dial}")) { (phone) } }
}

pub(super) const CALL_TODAY_LEAD: &str = "Call us the same day on {phone} if you notice:";
pub(super) const OUT_OF_HOURS: &str = "If we are closed, don't wait for us to open: leave us a message and contact an out-of-hours doctor or urgent care service the same day.";

/// The texts of the mail's aftercare section, with every placeholder filled.
pub(super) struct Aftercare {
    pub(super) preparation: Vec<String>,
    pub(super) normal: String,
    pub(super) emergency: Vec<String>,
    pub(super) call_today: Vec<String>,
    pub(super) call_today_lead: String,
}

/// Fills a template from the clinic's rules and plans; an unknown placeholder is a bug a test
/// catches, and shows as its name rather than a blank.
pub(super) fn fill(template: &str, texts: &protocol::Placeholders<'_>) -> String {
    protocol::fill_placeholders(template, |name| texts.resolve(name).map(|f| f.inline()))
        .unwrap_or_else(|_| template.to_owned())
}

fn list(name: &str, texts: &protocol::Placeholders<'_>) -> Vec<String> {
    match texts.resolve(name) {
        Ok(protocol::Filling::List(items)) => items,
        Ok(other) => vec![other.inline()],
        Err(_) => vec![format!("{{{{{name}}}}}")],
    }
}

pub(super) fn aftercare(clinic: &ClinicSnapshot) -> Aftercare {
    let texts = protocol::Placeholders::new(&clinic.rules, &clinic.plans);
    Aftercare {
        preparation: PREPARATION.iter().map(|p| fill(p, &texts)).collect(),
        normal: fill(AFTERCARE, &texts),
        emergency: list("emergency", &texts),
        call_today: list("call_today", &texts),
        call_today_lead: CALL_TODAY_LEAD.replace("{phone}", &clinic.setup.clinic.phone),
    }
}
