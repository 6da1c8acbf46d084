//! `/admin/setup`: forms for the common changes (booking policy, weekly hours, time off and
//! date overrides) above the clinic's whole setup as one editable document. Every change is
//! checked by exactly the validation the clinic file goes through (`clinic::validate`, which
//! `clinic::parse` ends in) before anything is saved. Admins only.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use clinic::{ClinicSetup, PractitionerSetup, SetupError, TimeOffSetup};
use jiff::civil::Date;
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{admin_page, csrf_field};
use crate::auth::{Role, StaffSession};
use crate::error::ApiError;
use crate::pages::forms::field_id;
use crate::state::AppState;

const WEEKDAYS: [(&str, &str); 7] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
];

/// A unit a policy number is counted in, and the words accepted after the number.
struct Unit {
    plural: &'static str,
    words: &'static [&'static str],
}

const MINUTES: Unit = Unit {
    plural: "minutes",
    words: &["minutes", "minute", "mins", "min", "m"],
};
const HOURS: Unit = Unit {
    plural: "hours",
    words: &["hours", "hour", "hrs", "hr", "h"],
};
const DAYS: Unit = Unit {
    plural: "days",
    words: &["days", "day", "d"],
};

/// The booking policy's fields: form name (as in `[booking]`), label, hint and unit.
const POLICY: [(&str, &str, &str, &Unit); 4] = [
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
const GENERAL: &str = "general";

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    saved: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    document: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    slot_step_minutes: String,
    #[serde(default)]
    min_notice_minutes: String,
    #[serde(default)]
    horizon_days: String,
    #[serde(default)]
    cancel_notice_hours: String,
}

impl PolicyForm {
    fn get(&self, name: &str) -> &str {
        match name {
            "slot_step_minutes" => &self.slot_step_minutes,
            "min_notice_minutes" => &self.min_notice_minutes,
            "horizon_days" => &self.horizon_days,
            "cancel_notice_hours" => &self.cancel_notice_hours,
            _ => "",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct HoursForm {
    #[serde(default)]
    practitioner: String,
    #[serde(default)]
    mon: String,
    #[serde(default)]
    tue: String,
    #[serde(default)]
    wed: String,
    #[serde(default)]
    thu: String,
    #[serde(default)]
    fri: String,
    #[serde(default)]
    sat: String,
    #[serde(default)]
    sun: String,
}

impl HoursForm {
    fn day(&self, key: &str) -> &str {
        match key {
            "mon" => &self.mon,
            "tue" => &self.tue,
            "wed" => &self.wed,
            "thu" => &self.thu,
            "fri" => &self.fri,
            "sat" => &self.sat,
            "sun" => &self.sun,
            _ => "",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TimeOffForm {
    #[serde(default)]
    practitioner: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct TimeOffRemoveForm {
    #[serde(default)]
    practitioner: String,
    #[serde(default)]
    index: String,
    /// The entry as the page showed it, so a stale page cannot remove another one.
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct DatesForm {
    #[serde(default)]
    practitioner: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    spans: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct DatesRemoveForm {
    #[serde(default)]
    practitioner: String,
    #[serde(default)]
    date: String,
}

/// A refused setup in one line: `Line 12, field practitioners[0].hours.mon[1]: ...`.
fn describe(error: &SetupError) -> String {
    match error.line {
        Some(line) => format!("Line {line}, field {}: {}", error.field, error.message),
        None => format!("Field {}: {}", error.field, error.message),
    }
}

/// The setup as the document the screen edits.
fn document(setup: &ClinicSetup) -> Result<String, toml::ser::Error> {
    toml::to_string_pretty(setup)
}

/// A practitioner's hours on one weekday, as the summary shows them.
fn day_hours(spans: Option<&Vec<String>>) -> String {
    match spans {
        Some(spans) if !spans.is_empty() => spans
            .iter()
            .map(|s| s.replace('-', "\u{2013}"))
            .collect::<Vec<_>>()
            .join(", "),
        _ => "Off".to_owned(),
    }
}

fn guide() -> Markup {
    html! {
        details.setup-guide {
            summary { "How the setup is written" }
            ul {
                li { code { "[clinic]" } ": name, contact details and " code { "timezone" } " (an IANA name such as " code { "\"America/New_York\"" } "). Every time in the setup is local to it." }
                li { code { "[booking]" } ": the booking policy. " code { "slot_step_minutes" } " (1\u{2013}240) spaces the start times offered; "
                    code { "min_notice_minutes" } " is the shortest notice for an online booking; " code { "horizon_days" } " (1\u{2013}730) is how far ahead clients can book; "
                    code { "cancel_notice_hours" } " is how late clients may cancel or move a booking themselves." }
                li { code { "[[closures]]" } ": dates the whole clinic is closed, " code { "from" } " and " code { "to" } " inclusive, e.g. " code { "from = \"2026-12-25\"" } "." }
                li { code { "[[rooms]]" } ": an " code { "id" } " and a " code { "name" } " per treatment room." }
                li { code { "[[practitioners]]" } ": " code { "id" } ", " code { "name" } ", " code { "title" } " and the " code { "services" } " they offer (service ids). "
                    "Weekly hours go under " code { "[practitioners.hours]" } " by weekday " code { "mon" } " to " code { "sun" } ", as " code { "\"HH:MM-HH:MM\"" } " spans, e.g. "
                    code { "mon = [\"09:00-12:30\", \"13:30-17:00\"]" } "; a day left out is a day off. "
                    "Date overrides go under " code { "[practitioners.dates]" } ", e.g. " code { "\"2026-12-24\" = [\"09:00-12:00\"]" } ", replacing that day's weekly hours (" code { "[]" } " closes the day). "
                    "Time off is " code { "[[practitioners.time_off]]" } " with " code { "from" } " and " code { "to" } " as dates or local date-times such as " code { "\"2027-01-04T13:00\"" } "." }
                li { code { "[[services]]" } ": " code { "id" } ", " code { "name" } ", " code { "price" } " (e.g. " code { "\"250.00\"" } "), " code { "requires_screening" } " and " code { "description" } ". "
                    "Each service runs in back-to-back " code { "phases" } ", each with a " code { "name" } ", " code { "minutes" } " and what it " code { "uses" } ": "
                    code { "[\"practitioner\", \"room\"]" } " for the treatment itself, " code { "[\"room\"]" } " alone for numbing or cleanup, so the practitioner is free meanwhile." }
                li { "Ids use letters, digits, " code { "-" } " and " code { "_" } ". Keep them stable: bookings refer to them. Anything you remove is retired, and past bookings keep their names." }
                li { code { "[screening.rules]" } " and " code { "[plans]" } " hold the clinic's own changes to the screening rules and treatment-plan limits; leave them out to use the defaults." }
            }
        }
    }
}

/// Why a form was refused: by key (see [`field_id`]), what the field is called and what is
/// wrong, in the order found.
#[derive(Debug, Default)]
struct Problems {
    list: Vec<(String, String, String)>,
}

impl Problems {
    fn add(
        &mut self,
        key: impl Into<String>,
        label: impl Into<String>,
        message: impl Into<String>,
    ) {
        let key = key.into();
        if self.get(&key).is_none() {
            self.list.push((key, label.into(), message.into()));
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, m)| m.as_str())
    }

    fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// What a refused form had typed, so the page shows it again.
#[derive(Debug, Default)]
enum Typed<'a> {
    #[default]
    Nothing,
    Policy(&'a PolicyForm),
    Hours(&'a HoursForm),
    TimeOff(&'a TimeOffForm),
    Dates(&'a DatesForm),
}

/// Everything the page shows besides the saved setup.
#[derive(Debug, Default)]
struct View<'a> {
    saved: bool,
    /// A refused document and why, for the whole-setup editor.
    document: Option<(&'a str, String)>,
    typed: Typed<'a>,
    problems: Problems,
}

/// A validation message as a sentence: `must be ...` reads `Must be ....`.
fn sentence(message: &str) -> String {
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
fn elsewhere(path: &str, message: &str) -> String {
    format!("Not saved: field {path}: {message}.")
}

/// Reads a count leniently: spaces, a leading `+`, digit grouping (`1,440`), a zero
/// fraction (`15.0`) and the field's unit (`15 min`, `24h`) are fine; anything else is
/// refused with a sentence saying what to enter.
fn parse_count(text: &str, unit: &Unit) -> Result<u32, String> {
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
fn spans_of(text: &str) -> Vec<String> {
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
fn spans_text(spans: Option<&Vec<String>>) -> String {
    spans.map(|s| s.join(", ")).unwrap_or_default()
}

/// A time-off moment as typed, tidied: `2027-01-04 13:00` reads as `2027-01-04T13:00`.
fn moment_text(text: &str) -> String {
    let text = text.trim();
    match text.split_whitespace().collect::<Vec<_>>()[..] {
        [date, time] if date.parse::<Date>().is_ok() => format!("{date}T{time}"),
        _ => text.to_owned(),
    }
}

fn unknown_practitioner(id: &str) -> String {
    if id.trim().is_empty() {
        "Choose a practitioner: the form did not say whose schedule to change.".into()
    } else {
        format!(
            "There is no practitioner \u{201c}{id}\u{201d} any more; reload the page and try again."
        )
    }
}

/// One labelled text input with its hint and error, keyed for [`field_id`].
struct Field<'a> {
    key: &'a str,
    name: &'a str,
    label: Markup,
    value: &'a str,
    hint: Option<&'a str>,
    /// The id of a hint shown once for several fields.
    shared_hint: Option<&'a str>,
    kind: &'a str,
    numeric: bool,
}

impl<'a> Field<'a> {
    fn text(key: &'a str, name: &'a str, label: Markup, value: &'a str) -> Field<'a> {
        Field {
            key,
            name,
            label,
            value,
            hint: None,
            shared_hint: None,
            kind: "text",
            numeric: false,
        }
    }

    fn hint(self, hint: &'a str) -> Field<'a> {
        Field {
            hint: Some(hint),
            ..self
        }
    }

    fn render(&self, problems: &Problems) -> Markup {
        let id = field_id(self.key);
        let hint_id = format!("{id}-hint");
        let error_id = format!("{id}-error");
        let error = problems.get(self.key);
        let described: Vec<&str> = [
            self.shared_hint,
            self.hint.map(|_| hint_id.as_str()),
            error.map(|_| error_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let described = (!described.is_empty()).then(|| described.join(" "));
        html! {
            div.field {
                label for=(id) { (self.label) }
                @if let Some(hint) = self.hint { p.hint id=(hint_id) { (hint) } }
                @if let Some(message) = error { p.error-text id=(error_id) { (message) } }
                input id=(id) type=(self.kind) name=(self.name) value=(self.value) autocomplete="off"
                    spellcheck=[(self.kind == "text").then_some("false")] inputmode=[self.numeric.then_some("numeric")]
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[described.as_deref()];
            }
        }
    }
}

/// A form-wide refusal (or none), where the summary's link lands.
fn form_error(problems: &Problems, key: &str) -> Markup {
    html! {
        @if let Some(message) = problems.get(key) {
            p.error-text id=(field_id(key)) tabindex="-1" { (message) }
        }
    }
}

fn problems_summary(problems: &Problems) -> Markup {
    html! {
        @if !problems.is_empty() {
            div.errors-summary role="alert" aria-labelledby="setup-problems-title" tabindex="-1" {
                h2 #setup-problems-title { "Not saved: please check the following" }
                ul {
                    @for (key, label, message) in &problems.list {
                        li {
                            @if key == GENERAL { (label) ": " (message) }
                            @else { a href=(format!("#{}", field_id(key))) { (label) ": " (message) } }
                        }
                    }
                }
            }
        }
    }
}

fn hours_table(setup: &ClinicSetup) -> Markup {
    html! {
        @if setup.practitioners.is_empty() {
            p.notice { "No practitioners yet." }
        } @else {
            div.table-scroll {
                table.hours-summary {
                    thead {
                        tr {
                            th scope="col" { "Practitioner" }
                            @for (_, day) in WEEKDAYS { th scope="col" { (day) } }
                        }
                    }
                    tbody {
                        @for p in &setup.practitioners {
                            tr {
                                th scope="row" { a href=(format!("#p-{}", p.id)) { (p.name) } }
                                @for (key, _) in WEEKDAYS {
                                    @let hours = day_hours(p.hours.get(key));
                                    td { @if hours == "Off" { span.muted { (hours) } } @else { (hours) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn policy_section(session: &StaffSession, setup: &ClinicSetup, view: &View<'_>) -> Markup {
    let b = &setup.booking;
    let saved = |name: &str| match name {
        "slot_step_minutes" => b.slot_step_minutes,
        "min_notice_minutes" => b.min_notice_minutes,
        "horizon_days" => b.horizon_days,
        _ => b.cancel_notice_hours,
    };
    html! {
        section.setup-section aria-labelledby="policy-title" {
            h2 #policy-title { "Booking policy" }
            form.setup-form method="post" action="/admin/setup/policy" aria-labelledby="policy-title" {
                (csrf_field(session))
                (form_error(&view.problems, "policy.form"))
                div.setup-grid {
                    @for (name, label, hint, _) in POLICY {
                        @let key = format!("policy.{name}");
                        @let value = match view.typed {
                            Typed::Policy(form) => form.get(name).to_owned(),
                            _ => saved(name).to_string(),
                        };
                        (Field { numeric: true, ..Field::text(&key, name, html! { (label) }, &value).hint(hint) }.render(&view.problems))
                    }
                }
                button type="submit" { "Save booking policy" }
            }
        }
    }
}

fn hours_form(session: &StaffSession, p: &PractitionerSetup, view: &View<'_>) -> Markup {
    let title = format!("p-{}-hours", p.id);
    let hint_id = format!("{title}-hint");
    let typed = match view.typed {
        Typed::Hours(form) if form.practitioner == p.id => Some(form),
        _ => None,
    };
    html! {
        h3 id=(title) { "Weekly hours" span.visually-hidden { ", " (p.name) } }
        form.setup-form method="post" action="/admin/setup/hours" aria-labelledby=(title) {
            (csrf_field(session))
            input type="hidden" name="practitioner" value=(p.id);
            p.hint id=(hint_id) { "Times as \u{201c}HH:MM-HH:MM\u{201d}, several separated by commas, e.g. \u{201c}09:00-12:30, 13:30-17:00\u{201d}. Leave a day empty for a day off." }
            (form_error(&view.problems, &format!("hours.{}.form", p.id)))
            div.setup-grid {
                @for (key, day) in WEEKDAYS {
                    @let field_key = format!("hours.{}.{key}", p.id);
                    @let value = typed.map_or_else(|| spans_text(p.hours.get(key)), |f| f.day(key).to_owned());
                    (Field { shared_hint: Some(&hint_id), ..Field::text(&field_key, key, html! { (day) span.visually-hidden { " hours, " (p.name) } }, &value) }
                        .render(&view.problems))
                }
            }
            button type="submit" { "Save weekly hours" span.visually-hidden { " for " (p.name) } }
        }
    }
}

fn time_off_form(session: &StaffSession, p: &PractitionerSetup, view: &View<'_>) -> Markup {
    let title = format!("p-{}-time-off", p.id);
    let (from, to) = match view.typed {
        Typed::TimeOff(form) if form.practitioner == p.id => (form.from.as_str(), form.to.as_str()),
        _ => ("", ""),
    };
    html! {
        h3 id=(title) { "Time off" span.visually-hidden { ", " (p.name) } }
        (form_error(&view.problems, &format!("timeoff.{}.list", p.id)))
        @if p.time_off.is_empty() {
            p.muted { "No time off." }
        } @else {
            div.table-scroll {
                table.setup-table {
                    thead { tr { th scope="col" { "From" } th scope="col" { "To" } th scope="col" { span.visually-hidden { "Actions" } } } }
                    tbody {
                        @for (index, off) in p.time_off.iter().enumerate() {
                            tr {
                                th scope="row" { (off.from) }
                                td { (off.to) }
                                td {
                                    form method="post" action="/admin/setup/time-off/remove" {
                                        (csrf_field(session))
                                        input type="hidden" name="practitioner" value=(p.id);
                                        input type="hidden" name="index" value=(index);
                                        input type="hidden" name="from" value=(off.from);
                                        input type="hidden" name="to" value=(off.to);
                                        button.small.secondary type="submit" { "Remove" span.visually-hidden { " time off from " (off.from) " to " (off.to) ", " (p.name) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        form.setup-form method="post" action="/admin/setup/time-off" aria-label=(format!("Add time off for {}", p.name)) {
            (csrf_field(session))
            input type="hidden" name="practitioner" value=(p.id);
            (form_error(&view.problems, &format!("timeoff.{}.form", p.id)))
            div.setup-grid {
                (Field::text(&format!("timeoff.{}.from", p.id), "from", html! { "From" span.visually-hidden { " (time off, " (p.name) ")" } }, from)
                    .hint("A date (2027-01-04) or a date and time (2027-01-04T13:00).").render(&view.problems))
                (Field::text(&format!("timeoff.{}.to", p.id), "to", html! { "To" span.visually-hidden { " (time off, " (p.name) ")" } }, to)
                    .hint("Inclusive; leave empty for that one day.").render(&view.problems))
            }
            button type="submit" { "Add time off" span.visually-hidden { " for " (p.name) } }
        }
    }
}

fn dates_form(session: &StaffSession, p: &PractitionerSetup, view: &View<'_>) -> Markup {
    let title = format!("p-{}-dates", p.id);
    let (date, spans) = match view.typed {
        Typed::Dates(form) if form.practitioner == p.id => {
            (form.date.as_str(), form.spans.as_str())
        }
        _ => ("", ""),
    };
    html! {
        h3 id=(title) { "Date overrides" span.visually-hidden { ", " (p.name) } }
        p.hint { "Hours for one date, replacing that weekday's usual hours." }
        (form_error(&view.problems, &format!("dates.{}.list", p.id)))
        @if p.dates.is_empty() {
            p.muted { "No date overrides." }
        } @else {
            div.table-scroll {
                table.setup-table {
                    thead { tr { th scope="col" { "Date" } th scope="col" { "Hours" } th scope="col" { span.visually-hidden { "Actions" } } } }
                    tbody {
                        @for (day, spans) in &p.dates {
                            tr {
                                th scope="row" { (day.strftime("%a %Y-%m-%d")) }
                                td { @if spans.is_empty() { "Closed" } @else { (day_hours(Some(spans))) } }
                                td {
                                    form method="post" action="/admin/setup/dates/remove" {
                                        (csrf_field(session))
                                        input type="hidden" name="practitioner" value=(p.id);
                                        input type="hidden" name="date" value=(day);
                                        button.small.secondary type="submit" { "Remove" span.visually-hidden { " override on " (day) ", " (p.name) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        form.setup-form method="post" action="/admin/setup/dates" aria-label=(format!("Set hours for a date for {}", p.name)) {
            (csrf_field(session))
            input type="hidden" name="practitioner" value=(p.id);
            (form_error(&view.problems, &format!("dates.{}.form", p.id)))
            div.setup-grid {
                (Field { kind: "date", ..Field::text(&format!("dates.{}.date", p.id), "date", html! { "Date" span.visually-hidden { " (override, " (p.name) ")" } }, date) }
                    .render(&view.problems))
                (Field::text(&format!("dates.{}.spans", p.id), "spans", html! { "Hours that day" span.visually-hidden { " (" (p.name) ")" } }, spans)
                    .hint("e.g. \u{201c}09:00-12:00\u{201d}; empty closes the day. An existing override on the date is replaced.").render(&view.problems))
            }
            button type="submit" { "Set hours for the date" span.visually-hidden { " for " (p.name) } }
        }
    }
}

fn page_body(state: &AppState, session: &StaffSession, text: &str, view: &View<'_>) -> Markup {
    let clinic = state.clinic();
    let setup = &clinic.setup;
    let error = view.document.as_ref().map(|(_, message)| message.as_str());
    let described = if error.is_some() {
        "setup-hint setup-error"
    } else {
        "setup-hint"
    };
    html! {
        h1 { "Clinic setup" }
        @if let Some(message) = error {
            div.errors-summary role="alert" aria-labelledby="setup-error-title" tabindex="-1" {
                h2 #setup-error-title { "Not saved: the setup has a mistake" }
                p { a href="#setup-document" { (message) } }
            }
        }
        (problems_summary(&view.problems))
        @if view.saved { div.notice.ok role="status" { p { "Saved. Online booking uses the new setup now." } } }
        p { "Change the booking policy and each practitioner's hours, time off and date overrides with the forms below. "
            "The whole setup (clinic details, closures, rooms, practitioners, services) is one document, at the end. "
            "Every change is checked exactly like the clinic file before anything is saved, so a mistake is shown beside it and changes nothing." }
        nav.setup-toc aria-label="Setup sections" {
            ul {
                li { a href="#policy-title" { "Booking policy" } }
                li { a href="#hours-title" { "Weekly hours at a glance" } }
                @for p in &setup.practitioners { li { a href=(format!("#p-{}", p.id)) { (p.name) } } }
                li { a href="#document-title" { "The whole setup" } }
            }
        }
        (policy_section(session, setup, view))
        section.setup-section aria-labelledby="hours-title" {
            h2 #hours-title { "Weekly hours at a glance" }
            p.muted { "As saved now. Each practitioner's hours, time off and date overrides can be changed below." }
            (hours_table(setup))
        }
        @for p in &setup.practitioners {
            section.setup-section.setup-practitioner aria-labelledby=(format!("p-{}", p.id)) {
                h2 id=(format!("p-{}", p.id)) { (p.name) @if !p.title.is_empty() { span.muted.small { ", " (p.title) } } }
                (hours_form(session, p, view))
                (time_off_form(session, p, view))
                (dates_form(session, p, view))
            }
        }
        section.setup-section aria-labelledby="document-title" {
            h2 #document-title { "The whole setup (advanced)" }
            (guide())
            form method="post" action="/admin/setup" {
                (csrf_field(session))
                div.field.setup-field {
                    label for="setup-document" { "Setup document (TOML)" }
                    p.hint #setup-hint { "Times are \u{201c}HH:MM-HH:MM\u{201d}, weekdays mon to sun, dates YYYY-MM-DD." }
                    @if let Some(message) = error { p.error-text #setup-error { (message) } }
                    textarea #setup-document.setup-document name="document" rows="32" spellcheck="false" autocapitalize="off"
                        autocomplete="off" aria-describedby=(described) aria-invalid=[error.map(|_| "true")] {
                        // A textarea drops one newline right after its start tag; keep the text's own.
                        "\n" (text)
                    }
                }
                button type="submit" { "Check and save" span.visually-hidden { " the whole setup" } }
            }
        }
    }
}

/// The page with `view`, answered with `status`.
fn render(
    state: &AppState,
    session: &StaffSession,
    view: &View<'_>,
    status: StatusCode,
) -> Response {
    let text = match &view.document {
        Some((text, _)) => (*text).to_owned(),
        None => match document(&state.clinic().setup) {
            Ok(text) => text,
            Err(err) => return ApiError::internal(err).into_response(),
        },
    };
    let body = page_body(state, session, &text, view);
    (
        status,
        admin_page(state, session, "Setup", "/admin/setup", body),
    )
        .into_response()
}

/// The page again with what was refused, nothing saved.
fn refuse(state: &AppState, session: &StaffSession, view: &View<'_>) -> Response {
    render(state, session, view, StatusCode::UNPROCESSABLE_ENTITY)
}

/// Saves a validated setup, makes it current and sends the admin back to the page.
async fn store_setup(
    state: &AppState,
    session: &StaffSession,
    setup: &ClinicSetup,
    what: &str,
) -> Response {
    match state.store.save_setup(setup).await {
        Ok(version) => {
            tracing::info!(by = %session.staff.email, version, what, "clinic setup saved")
        }
        Err(err) => return ApiError::internal(err).into_response(),
    }
    if let Err(err) = state.refresh_clinic().await {
        tracing::warn!(error = %err, "saved the setup but could not reload it yet; the periodic refresh will");
    }
    Redirect::to("/admin/setup?saved=1").into_response()
}

/// The index of practitioner `id` in `setup`, or the problem to show.
fn practitioner_index(setup: &ClinicSetup, id: &str, problems: &mut Problems) -> Option<usize> {
    let found = setup.practitioners.iter().position(|p| p.id == id);
    if found.is_none() {
        problems.add(GENERAL, "Practitioner", unknown_practitioner(id));
    }
    found
}

/// `GET /admin/setup`.
pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    Query(query): Query<PageQuery>,
) -> Response {
    if let Err(r) = session.require(&[Role::Admin]) {
        return r;
    }
    let view = View {
        saved: query.saved == "1",
        ..View::default()
    };
    render(&state, &session, &view, StatusCode::OK)
}

/// `POST /admin/setup`: the whole document.
pub async fn save(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<SetupForm>,
) -> Response {
    if let Err(r) = session.require(&[Role::Admin]) {
        return r;
    }
    match clinic::parse(&form.document, Some("setup")) {
        Ok(setup) => store_setup(&state, &session, &setup, "document").await,
        Err(err) => {
            let view = View {
                document: Some((&form.document, describe(&err))),
                ..View::default()
            };
            refuse(&state, &session, &view)
        }
    }
}

/// `POST /admin/setup/policy`.
pub async fn save_policy(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<PolicyForm>,
) -> Response {
    if let Err(r) = session.require(&[Role::Admin]) {
        return r;
    }
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    let mut values = [0; 4];
    for ((name, label, _, unit), value) in POLICY.iter().zip(&mut values) {
        match parse_count(form.get(name), unit) {
            Ok(n) => *value = n,
            Err(message) => problems.add(format!("policy.{name}"), *label, message),
        }
    }
    if problems.is_empty() {
        let [step, notice, horizon, cancel] = values;
        setup.booking.slot_step_minutes = step;
        setup.booking.min_notice_minutes = notice;
        setup.booking.horizon_days = horizon;
        setup.booking.cancel_notice_hours = cancel;
        match clinic::validate(&setup) {
            Ok(()) => return store_setup(&state, &session, &setup, "booking policy").await,
            Err((path, message)) => {
                match POLICY
                    .iter()
                    .find(|(name, ..)| path == format!("booking.{name}"))
                {
                    Some((name, label, ..)) => {
                        problems.add(format!("policy.{name}"), *label, sentence(&message))
                    }
                    None => {
                        problems.add("policy.form", "Booking policy", elsewhere(&path, &message))
                    }
                }
            }
        }
    }
    let view = View {
        typed: Typed::Policy(&form),
        problems,
        ..View::default()
    };
    refuse(&state, &session, &view)
}

/// `POST /admin/setup/hours`: one practitioner's weekly hours, all seven days.
pub async fn save_hours(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<HoursForm>,
) -> Response {
    if let Err(r) = session.require(&[Role::Admin]) {
        return r;
    }
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    if let Some(i) = practitioner_index(&setup, &form.practitioner, &mut problems) {
        let p = &mut setup.practitioners[i];
        let (id, name) = (p.id.clone(), p.name.clone());
        for (key, _) in WEEKDAYS {
            let spans = spans_of(form.day(key));
            if spans.is_empty() {
                p.hours.remove(key);
            } else {
                p.hours.insert(key.to_owned(), spans);
            }
        }
        let Err((path, message)) = clinic::validate(&setup) else {
            return store_setup(&state, &session, &setup, "weekly hours").await;
        };
        let prefix = format!("practitioners[{i}].hours.");
        let day = path.strip_prefix(&prefix).and_then(|rest| {
            WEEKDAYS
                .iter()
                .find(|(key, _)| rest == *key || rest.starts_with(&format!("{key}[")))
        });
        match day {
            Some((key, day)) => problems.add(
                format!("hours.{id}.{key}"),
                format!("{name}, {day}"),
                sentence(&message),
            ),
            None => problems.add(
                format!("hours.{id}.form"),
                format!("{name}, weekly hours"),
                elsewhere(&path, &message),
            ),
        }
    }
    let view = View {
        typed: Typed::Hours(&form),
        problems,
        ..View::default()
    };
    refuse(&state, &session, &view)
}

/// `POST /admin/setup/time-off`: adds one stretch of time off.
pub async fn add_time_off(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<TimeOffForm>,
) -> Response {
    if let Err(r) = session.require(&[Role::Admin]) {
        return r;
    }
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    if let Some(i) = practitioner_index(&setup, &form.practitioner, &mut problems) {
        let p = &mut setup.practitioners[i];
        let (id, name) = (p.id.clone(), p.name.clone());
        let from = moment_text(&form.from);
        let mut to = moment_text(&form.to);
        let (from_key, to_key) = (format!("timeoff.{id}.from"), format!("timeoff.{id}.to"));
        if from.is_empty() {
            problems.add(
                &from_key,
                format!("{name}, time off from"),
                "Enter when the time off starts: a date (2027-01-04) or a date and time \
                 (2027-01-04T13:00).",
            );
        } else if to.is_empty() {
            // One day off; or a start that is no moment at all, for validation to refuse.
            if from.parse::<jiff::civil::DateTime>().is_err() || from.parse::<Date>().is_ok() {
                to = from.clone();
            } else {
                problems.add(
                    &to_key,
                    format!("{name}, time off to"),
                    "Enter when the time off ends: after a start with a time, the end needs one \
                     too (2027-01-04T17:00).",
                );
            }
        }
        if problems.is_empty() {
            p.time_off.push(TimeOffSetup { from, to });
            let j = p.time_off.len() - 1;
            let Err((path, message)) = clinic::validate(&setup) else {
                return store_setup(&state, &session, &setup, "time off").await;
            };
            let at = format!("practitioners[{i}].time_off[{j}]");
            if path == format!("{at}.from") {
                problems.add(
                    &from_key,
                    format!("{name}, time off from"),
                    sentence(&message),
                );
            } else if path == format!("{at}.to") {
                problems.add(&to_key, format!("{name}, time off to"), sentence(&message));
            } else {
                problems.add(
                    format!("timeoff.{id}.form"),
                    format!("{name}, time off"),
                    elsewhere(&path, &message),
                );
            }
        }
    }
    let view = View {
        typed: Typed::TimeOff(&form),
        problems,
        ..View::default()
    };
    refuse(&state, &session, &view)
}

/// `POST /admin/setup/time-off/remove`: removes the entry the page showed at `index`.
pub async fn remove_time_off(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<TimeOffRemoveForm>,
) -> Response {
    if let Err(r) = session.require(&[Role::Admin]) {
        return r;
    }
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    if let Some(i) = practitioner_index(&setup, &form.practitioner, &mut problems) {
        let p = &mut setup.practitioners[i];
        let (id, name) = (p.id.clone(), p.name.clone());
        let key = format!("timeoff.{id}.list");
        let label = format!("{name}, time off");
        let index = form.index.trim().parse::<usize>().ok();
        let shown = index.filter(|&j| {
            p.time_off
                .get(j)
                .is_some_and(|off| off.from == form.from && off.to == form.to)
        });
        match shown {
            None => problems.add(
                &key,
                label,
                "That time off has changed since the page was shown; nothing was removed. \
                 Check the list and try again.",
            ),
            Some(j) => {
                p.time_off.remove(j);
                let Err((path, message)) = clinic::validate(&setup) else {
                    return store_setup(&state, &session, &setup, "time off removed").await;
                };
                problems.add(&key, label, elsewhere(&path, &message));
            }
        }
    }
    let view = View {
        problems,
        ..View::default()
    };
    refuse(&state, &session, &view)
}

/// `POST /admin/setup/dates`: sets (or replaces) one date's hours.
pub async fn save_date(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<DatesForm>,
) -> Response {
    if let Err(r) = session.require(&[Role::Admin]) {
        return r;
    }
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    if let Some(i) = practitioner_index(&setup, &form.practitioner, &mut problems) {
        let p = &mut setup.practitioners[i];
        let (id, name) = (p.id.clone(), p.name.clone());
        let date_text = form.date.trim();
        let date = if date_text.is_empty() {
            problems.add(
                format!("dates.{id}.date"),
                format!("{name}, date"),
                "Enter the date, as YYYY-MM-DD.",
            );
            None
        } else {
            let parsed = date_text.parse::<Date>();
            if parsed.is_err() {
                problems.add(
                    format!("dates.{id}.date"),
                    format!("{name}, date"),
                    format!(
                        "\u{201c}{date_text}\u{201d} is not a date: enter it as YYYY-MM-DD, \
                         e.g. 2027-01-04."
                    ),
                );
            }
            parsed.ok()
        };
        if let Some(date) = date {
            p.dates.insert(date, spans_of(&form.spans));
            let Err((path, message)) = clinic::validate(&setup) else {
                return store_setup(&state, &session, &setup, "date override").await;
            };
            if path.starts_with(&format!("practitioners[{i}].dates.")) {
                problems.add(
                    format!("dates.{id}.spans"),
                    format!("{name}, hours that day"),
                    sentence(&message),
                );
            } else {
                problems.add(
                    format!("dates.{id}.form"),
                    format!("{name}, date override"),
                    elsewhere(&path, &message),
                );
            }
        }
    }
    let view = View {
        typed: Typed::Dates(&form),
        problems,
        ..View::default()
    };
    refuse(&state, &session, &view)
}

/// `POST /admin/setup/dates/remove`: the date goes back to its weekday's hours.
pub async fn remove_date(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<DatesRemoveForm>,
) -> Response {
    if let Err(r) = session.require(&[Role::Admin]) {
        return r;
    }
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    if let Some(i) = practitioner_index(&setup, &form.practitioner, &mut problems) {
        let p = &mut setup.practitioners[i];
        let (id, name) = (p.id.clone(), p.name.clone());
        let key = format!("dates.{id}.list");
        let label = format!("{name}, date overrides");
        let removed = form
            .date
            .trim()
            .parse::<Date>()
            .ok()
            .and_then(|date| p.dates.remove(&date));
        match removed {
            None => problems.add(
                &key,
                label,
                "That date override has changed since the page was shown; nothing was removed. \
                 Check the list and try again.",
            ),
            Some(_) => {
                let Err((path, message)) = clinic::validate(&setup) else {
                    return store_setup(&state, &session, &setup, "date override removed").await;
                };
                problems.add(&key, label, elsewhere(&path, &message));
            }
        }
    }
    let view = View {
        problems,
        ..View::default()
    };
    refuse(&state, &session, &view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_line_and_field() {
        let error = SetupError {
            file: Some("setup".into()),
            line: Some(12),
            field: "practitioners[0].hours.mon[1]".into(),
            message: "hours \"09:00-12:00\" and \"11:00-13:00\" overlap".into(),
        };
        assert_eq!(
            describe(&error),
            "Line 12, field practitioners[0].hours.mon[1]: hours \"09:00-12:00\" and \"11:00-13:00\" overlap"
        );
        let no_line = SetupError {
            line: None,
            ..error
        };
        assert!(describe(&no_line).starts_with("Field practitioners[0].hours.mon[1]: "));
    }

    #[test]
    fn the_document_round_trips_through_the_clinic_file_checks() {
        let demo = clinic::demo();
        let text = document(&demo).expect("serializes");
        assert_eq!(
            clinic::parse(&text, Some("setup")).expect("parses back"),
            demo
        );
    }

    #[test]
    fn a_mistake_in_the_document_is_located() {
        let text =
            document(&clinic::demo())
                .expect("serializes")
                .replacen("09:00-12:30", "9am-12:30", 1);
        let error = clinic::parse(&text, Some("setup")).expect_err("refused");
        let line = text
            .lines()
            .position(|l| l.contains("9am-12:30"))
            .expect("edited line")
            + 1;
        assert_eq!(error.line, Some(line));
        assert!(
            describe(&error).starts_with(&format!(
                "Line {line}, field practitioners[0].hours.mon[0]: "
            )),
            "{}",
            describe(&error)
        );
    }

    #[test]
    fn weekly_hours_read_plainly() {
        assert_eq!(day_hours(None), "Off");
        assert_eq!(day_hours(Some(&vec![])), "Off");
        assert_eq!(
            day_hours(Some(&vec!["09:00-12:30".into(), "13:30-17:00".into()])),
            "09:00\u{2013}12:30, 13:30\u{2013}17:00"
        );
    }

    #[test]
    fn counts_are_read_leniently() {
        for (text, unit, n) in [
            ("15", &MINUTES, 15),
            (" 720 ", &MINUTES, 720),
            ("+30", &MINUTES, 30),
            ("1,440", &MINUTES, 1440),
            ("15.0", &MINUTES, 15),
            ("15 min", &MINUTES, 15),
            ("24h", &HOURS, 24),
            ("90 Days", &DAYS, 90),
            ("0", &HOURS, 0),
        ] {
            assert_eq!(parse_count(text, unit), Ok(n), "{text}");
        }
        for (text, says) in [
            ("", "Enter a number of minutes."),
            ("abc", "is not a number"),
            ("15 days", "Enter this in minutes"),
            ("12 h", "Enter this in minutes"),
            ("12 hm", "is not a number"),
            ("1,5", "is not a number"),
            ("-5", "not a negative number"),
            ("7.5", "without a fraction"),
            ("99999999999", "far too many"),
        ] {
            let refused = parse_count(text, &MINUTES).expect_err(text);
            assert!(refused.contains(says), "{text}: {refused}");
        }
    }

    #[test]
    fn typed_spans_are_split_and_tidied() {
        assert_eq!(
            spans_of(" 09:00 - 12:30,13:30\u{2013}17:00 ; "),
            vec!["09:00-12:30", "13:30-17:00"]
        );
        assert!(spans_of("  ").is_empty());
        // Kept as typed, for the clinic file's checks to refuse.
        assert_eq!(spans_of("9-5"), vec!["9-5"]);
        let mut setup = clinic::demo();
        setup.practitioners[1]
            .hours
            .insert("sun".into(), spans_of("9-5"));
        let (field, message) = clinic::validate(&setup).expect_err("refused");
        assert_eq!(field, "practitioners[1].hours.sun[0]");
        assert!(sentence(&message).starts_with("Malformed hours \"9-5\""));
    }

    #[test]
    fn time_off_moments_read_with_a_space_or_a_t() {
        assert_eq!(moment_text(" 2027-01-04 13:00 "), "2027-01-04T13:00");
        assert_eq!(moment_text("2027-01-04"), "2027-01-04");
        assert_eq!(moment_text(" next week "), "next week");
    }
}
