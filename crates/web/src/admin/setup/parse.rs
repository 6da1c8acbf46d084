//! Reading what admins type: counts with units, spans of hours, moments of time off.

use jiff::civil::Date;

/// Weekday keys as the clinic file writes them, with the names the page shows, Monday first.
pub(super) const WEEKDAYS: [(&str, &str); 7] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
];

/// A unit a policy number is counted in, and the words accepted after the number.
pub(super) struct Unit {
    /// The unit's name in messages (`Enter a number of minutes.`).
    pub(super) plural: &'static str,
    /// The ways people write the unit after the number (`15 min`, `24h`).
    pub(super) words: &'static [&'static str],
}

/// For the slot step and the minimum notice.
pub(super) const MINUTES: Unit = Unit {
    plural: "minutes",
    words: &["minutes", "minute", "mins", "min", "m"],
};
/// For the cancellation notice.
pub(super) const HOURS: Unit = Unit {
    plural: "hours",
    words: &["hours", "hour", "hrs", "hr", "h"],
};
/// For the booking horizon.
pub(super) const DAYS: Unit = Unit {
    plural: "days",
    words: &["days", "day", "d"],
};

/// The booking policy's fields: form name (as in `[booking]`), label, hint and unit.
pub(super) const POLICY: [(&str, &str, &str, &Unit); 4] = [
    (
        "slot_step_minutes",
        "Slot step (minutes)",
        "How far apart the start times offered are: 1 to 240 minutes.",
        &MINUTES,
    ),
    (
        "min_notice_minutes",
        "Minimum notice (minutes)",
        "The shortest notice for an online booking; 720 is 12 hours.",
        &MINUTES,
    ),
    (
        "horizon_days",
        "Booking horizon (days)",
        "How far ahead clients can book: 1 to 730 days.",
        &DAYS,
    ),
    (
        "cancel_notice_hours",
        "Cancellation notice (hours)",
        "Clients may cancel or move a booking themselves until this long before it starts.",
        &HOURS,
    ),
];

/// The key of problems that belong to no field, shown only at the top.
pub(super) const GENERAL: &str = "general";

/// A validation message as a sentence: `must be ...` reads `Must be ....`.
pub(super) fn sentence(message: &str) -> String {
    let mut chars = message.trim().chars();
    let mut text: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

/// A refusal about a field this form does not show (it should not happen: only the change
/// is new), named so it can be found in the whole-setup document.
pub(super) fn elsewhere(path: &str, message: &str) -> String {
    format!("Not saved: field {path}: {message}.")
}

/// Reads a count leniently: spaces, a leading `+`, digit grouping (`1,440`), a zero
/// fraction (`15.0`) and the field's unit (`15 min`, `24h`) are fine; anything else is
/// refused with a sentence saying what to enter.
pub(super) fn parse_count(text: &str, unit: &Unit) -> Result<u32, String> {
    let plural = unit.plural;
    let mut t = text.trim().to_lowercase();
    if t.is_empty() {
        return Err(format!("Enter a number of {plural}."));
    }
    for word in unit.words {
        if let Some(rest) = t.strip_suffix(word)
            && rest.trim_end().ends_with(|c: char| c.is_ascii_digit())
        {
            t = rest.trim_end().to_owned();
            break;
        }
    }
    let other_unit = [&MINUTES, &HOURS, &DAYS]
        .iter()
        .filter(|u| u.plural != plural)
        .flat_map(|u| u.words.iter())
        .any(|word| {
            t.strip_suffix(word)
                .is_some_and(|rest| rest.trim_end().ends_with(|c: char| c.is_ascii_digit()))
        });
    if other_unit {
        return Err(format!(
            "Enter this in {plural}: \u{201c}{}\u{201d} is in other units.",
            text.trim()
        ));
    }
    let t = t.strip_prefix('+').unwrap_or(&t);
    if let Some(rest) = t.strip_prefix('-')
        && rest.starts_with(|c: char| c.is_ascii_digit())
    {
        return Err(format!("Enter 0 or more {plural}, not a negative number."));
    }
    let (whole, fraction) = t.split_once('.').unwrap_or((t, ""));
    let not_a_number = || {
        format!(
            "Enter a whole number of {plural}, such as 15: \u{201c}{}\u{201d} is not a number.",
            text.trim()
        )
    };
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_a_number());
    }
    if fraction.bytes().any(|b| b != b'0') {
        return Err(format!(
            "Enter a whole number of {plural}, without a fraction."
        ));
    }
    let groups: Vec<&str> = whole.split([',', '_', ' ']).collect();
    let grouped = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    if whole.is_empty() || !grouped || !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(not_a_number());
    }
    groups
        .concat()
        .parse::<u32>()
        .map_err(|_| format!("That is far too many {plural}."))
}

/// A day's spans as typed (`"09:00-12:30, 13:30-17:00"`) as the setup stores them. Spans
/// the clinic file accepts are written the file's way; others are kept as typed, for
/// `clinic::validate` to refuse.
pub(super) fn spans_of(text: &str) -> Vec<String> {
    text.replace(['\u{2013}', '\u{2014}'], "-")
        .split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            clinic::parse_span(s).map_or_else(|_| s.to_owned(), |span| clinic::format_span(&span))
        })
        .collect()
}

/// A day's spans as the hours form shows them.
pub(super) fn spans_text(spans: Option<&Vec<String>>) -> String {
    spans.map(|s| s.join(", ")).unwrap_or_default()
}

/// A time-off moment as typed, tidied: `2027-01-04 13:00` reads as `2027-01-04T13:00`.
pub(super) fn moment_text(text: &str) -> String {
    let text = text.trim();
    match text.split_whitespace().collect::<Vec<_>>()[..] {
        [date, time] if date.parse::<Date>().is_ok() => format!("{date}T{time}"),
        _ => text.to_owned(),
    }
}

/// Why a form naming no practitioner, or one since removed, changed nothing.
pub(super) fn unknown_practitioner(id: &str) -> String {
    if id.trim().is_empty() {
        "Choose a practitioner: the form did not say whose schedule to change.".into()
    } else {
        format!(
            "There is no practitioner \u{201c}{id}\u{201d} any more; reload the page and try again."
        )
    }
}
