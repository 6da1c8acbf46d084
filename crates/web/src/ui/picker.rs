//! Choosing a day and a time: a month view that marks days with free times, and the
//! day's times in the clinic's zone (the visitor's own zone is added by script when it differs).

use std::collections::BTreeMap;

use jiff::civil::Date;
use maud::{Markup, html};
use scheduling::Slot;

use clinic::rfc3339;

/// Slots grouped by the clinic-local date they start on.
pub fn by_date(slots: &[Slot]) -> BTreeMap<Date, Vec<&Slot>> {
    let mut days: BTreeMap<Date, Vec<&Slot>> = BTreeMap::new();
    for slot in slots {
        days.entry(slot.start.date()).or_default().push(slot);
    }
    days
}

/// The first day of `month` ("2026-12"), or of today's month when absent or malformed.
pub fn month_start(month: Option<&str>, today: Date) -> Date {
    month
        .and_then(|m| format!("{m}-01").parse::<Date>().ok())
        .unwrap_or_else(|| today.first_of_month())
}

/// A month grid; days with times link to `link(date)`, the chosen day is marked.
pub fn month_view(
    month: Date,
    days: &BTreeMap<Date, Vec<&Slot>>,
    selected: Option<Date>,
    link: impl Fn(Date) -> String,
    month_link: impl Fn(Date) -> String,
    can_go_back: bool,
    can_go_forward: bool,
) -> Markup {
    let first = month.first_of_month();
    let last = month.last_of_month();
    let lead = first.weekday().to_monday_zero_offset();
    let title = first.strftime("%B %Y").to_string();
    let mut cells: Vec<Option<Date>> = (0..lead).map(|_| None).collect();
    // Checked steps: December 9999 is the last month jiff can hold.
    let mut day = Some(first);
    while let Some(d) = day.filter(|d| *d <= last) {
        cells.push(Some(d));
        day = d.tomorrow().ok();
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }
    let prev = first
        .checked_sub(jiff::Span::new().months(1))
        .unwrap_or(first);
    let next = first
        .checked_add(jiff::Span::new().months(1))
        .unwrap_or(first);
    html! {
        div.month-nav {
            @if can_go_back { a href=(month_link(prev)) { "← " (prev.strftime("%B")) } } @else { span {} }
            h3 #month-title { (title) }
            @if can_go_forward { a href=(month_link(next)) { (next.strftime("%B")) " →" } } @else { span {} }
        }
        table.month aria-labelledby="month-title" {
            thead { tr { @for day in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] { th scope="col" { abbr title=(full_day(day)) { (day) } } } } }
            tbody {
                @for week in cells.chunks(7) {
                    tr {
                        @for cell in week {
                            td {
                                @match cell {
                                    None => {}
                                    Some(date) => {
                                        @let count = days.get(date).map_or(0, Vec::len);
                                        @let label = format!("{}, {} time{}", date.strftime("%A %-d %B"), count, if count == 1 { "" } else { "s" });
                                        @if count > 0 {
                                            a href=(link(*date)) aria-label=(label) aria-current=[(selected == Some(*date)).then_some("date")] { (date.day()) }
                                        } @else {
                                            span aria-label=(format!("{}, no times", date.strftime("%A %-d %B"))) { (date.day()) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn full_day(short: &str) -> &'static str {
    match short {
        "Mon" => "Monday",
        "Tue" => "Tuesday",
        "Wed" => "Wednesday",
        "Thu" => "Thursday",
        "Fri" => "Friday",
        "Sat" => "Saturday",
        _ => "Sunday",
    }
}

/// A time as shown on a button, on the clinic's clock (`clock_24`), with the instant for
/// the visitor-zone script.
pub fn time_label(slot: &Slot, clock_24: bool) -> Markup {
    html! { time datetime=(rfc3339(&slot.start)) data-instant=(rfc3339(&slot.start)) { (clinic::clock_time(&slot.start, clock_24)) } }
}

/// The line that says which zone times are in, by its human name ("New York time"); the
/// script adds the visitor's own.
pub fn zone_note(zone_name: &str) -> Markup {
    html! { p.hint data-visitor-zone { "Times are in " (zone_name) ", the clinic's time zone." } }
}

/// How a chosen time moves on: a link to the next step, or a button that posts it.
pub enum Pick<'a> {
    /// Each time links to the address this gives for it.
    Link(&'a dyn Fn(&Slot) -> String),
    /// Each time is a submit button named `start` in a form posting to this address.
    Post(&'a str),
}

/// The day-and-time picker that booking and rescheduling share: the month grid, then the
/// chosen day's times.
pub struct Picker<'a> {
    pub month: Date,
    pub today: Date,
    pub last_bookable: Date,
    pub selected: Option<Date>,
    pub days: &'a BTreeMap<Date, Vec<&'a Slot>>,
    /// The clinic's zone as people name it ("New York time").
    pub timezone: &'a str,
    /// Times on a 24-hour clock (the clinic's `locale` or `clock`).
    pub clock_24: bool,
    /// Said when the month has no free time at all.
    pub phone: &'a str,
    pub day_link: &'a dyn Fn(Date) -> String,
    pub month_link: &'a dyn Fn(Date) -> String,
    pub pick: Pick<'a>,
    /// The first day with times after an empty chosen day (or an empty month), so the
    /// client jumps to it in one step rather than paging through the calendar.
    pub next_available: Option<Date>,
}

impl Picker<'_> {
    /// The picker's markup.
    pub fn render(&self) -> Markup {
        let month = self.month;
        html! {
            h2 { "Pick a day" }
            @if self.days.is_empty() {
                @if let Some(next) = self.next_available.filter(|_| self.selected.is_none()) {
                    p.notice { "No free times this month. " a.next-available href=((self.day_link)(next)) { "Next available: " (next.strftime("%A %-d %B")) " →" } }
                } @else if self.selected.is_none() {
                    p.notice { "No free times this month. Try the next month, or call us on " (crate::ui::layout::phone_link(self.phone)) "." }
                }
            }
            (month_view(month, self.days, self.selected, self.day_link, self.month_link, month > self.today.first_of_month(), month.last_of_month() < self.last_bookable))
            @if let Some(date) = self.selected {
                section #times aria-labelledby="times-title" {
                    h2 #times-title { "Times on " (date.strftime("%A %-d %B")) }
                    (zone_note(self.timezone))
                    @match (self.days.get(&date), &self.pick) {
                        (None, _) => @match self.next_available {
                            Some(next) => p.notice { "No free times on this day. " a.next-available href=((self.day_link)(next)) { "Next available: " (next.strftime("%A %-d %B")) " →" } },
                            None => p { "No free times on this day; please pick another." },
                        },
                        (Some(day), Pick::Link(link)) => ul.times {
                            @for slot in day { li { a href=(link(slot)) { (time_label(slot, self.clock_24)) } } }
                        },
                        (Some(day), Pick::Post(action)) => form method="post" action=(action) {
                            ul.times {
                                @for slot in day {
                                    li { button type="submit" name="start" value=(rfc3339(&slot.start)) { (time_label(slot, self.clock_24)) } }
                                }
                            }
                        },
                    }
                }
            }
        }
    }
}
