//! The page's forms: booking policy, and per practitioner weekly hours, time off and date overrides.

use clinic::{ClinicSetup, PractitionerSetup};
use maud::{Markup, html};

use super::parse::{GENERAL, POLICY, WEEKDAYS, spans_text};
use super::{Problems, Typed, View, day_hours};
use crate::admin::layout::csrf_field;
use crate::auth::StaffSession;
use crate::ui::forms::field_id;

/// One labelled text input with its hint and error, keyed for [`field_id`].
pub(super) struct Field<'a> {
    /// The key its problems are filed under; the input's id is made from it.
    pub(super) key: &'a str,
    /// The posted name.
    pub(super) name: &'a str,
    /// Markup, so a visually hidden part can say whose field it is.
    pub(super) label: Markup,
    pub(super) value: &'a str,
    pub(super) hint: Option<&'a str>,
    /// The id of a hint shown once for several fields.
    pub(super) shared_hint: Option<&'a str>,
    /// The input's `type`.
    pub(super) kind: &'a str,
    /// Asks phones for the number keyboard.
    pub(super) numeric: bool,
}

impl<'a> Field<'a> {
    /// A plain text input; the other settings are changed with struct update syntax.
    pub(super) fn text(key: &'a str, name: &'a str, label: Markup, value: &'a str) -> Field<'a> {
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

    /// The same field with its own hint.
    pub(super) fn hint(self, hint: &'a str) -> Field<'a> {
        Field {
            hint: Some(hint),
            ..self
        }
    }

    /// The field, wired to its hint and error for screen readers.
    pub(super) fn render(&self, problems: &Problems) -> Markup {
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
pub(super) fn form_error(problems: &Problems, key: &str) -> Markup {
    html! {
        @if let Some(message) = problems.get(key) {
            p.error-text id=(field_id(key)) tabindex="-1" { (message) }
        }
    }
}

/// Every refusal at the top of the page, each linking to its field, so none is missed.
pub(super) fn problems_summary(problems: &Problems) -> Markup {
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

/// Everyone's saved weekly hours in one table, to compare before changing one.
pub(super) fn hours_table(setup: &ClinicSetup) -> Markup {
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

/// The booking policy form: the typed values after a refusal, else the saved ones.
pub(super) fn policy_section(
    session: &StaffSession,
    setup: &ClinicSetup,
    view: &View<'_>,
) -> Markup {
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

/// One practitioner's weekly hours form.
pub(super) fn hours_form(session: &StaffSession, p: &PractitionerSetup, view: &View<'_>) -> Markup {
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
            p.hint id=(hint_id) { "Times as \u{201c}09:00-12:30\u{201d}, \u{201c}9-5\u{201d} or \u{201c}9am-5:30pm\u{201d}, several separated by commas, e.g. \u{201c}9-12:30, 1:30-5pm\u{201d}; they are saved as \u{201c}09:00-12:30, 13:30-17:00\u{201d}. Leave a day empty for a day off." }
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

/// One practitioner's time off: the list with a remove button each, and the form to add one.
pub(super) fn time_off_form(
    session: &StaffSession,
    p: &PractitionerSetup,
    view: &View<'_>,
) -> Markup {
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

/// One practitioner's date overrides: the list with a remove button each, and the form to set one.
pub(super) fn dates_form(session: &StaffSession, p: &PractitionerSetup, view: &View<'_>) -> Markup {
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
