//! The booking flow's markup: the treatment list, the day-and-time page and
//! the refusal after a closed screening.

use clinic::{ClinicSnapshot, rfc3339};
use jiff::civil::Date;
use maud::{Markup, html};

use super::BookQuery;
use crate::pages::people::avatar;
use crate::pages::site::money;
use crate::state::AppState;
use crate::ui::forms::query;
use crate::ui::layout::{PageMeta, page};
use crate::ui::picker::{Pick, Picker, by_date};
use crate::ui::steps::{BookingStep, booking_steps};

pub(super) fn choose_service(state: &AppState, clinic: &ClinicSnapshot, q: &BookQuery) -> Markup {
    let setup = &clinic.setup;
    let chosen_practitioner = setup.practitioner(&q.practitioner);
    let services: Vec<_> = setup
        .services
        .iter()
        .filter(|s| chosen_practitioner.is_none_or(|p| p.services.contains(&s.id)))
        .collect();
    let body = html! {
        (booking_steps(BookingStep::Treatment, false))
        h1 { "Schedule an Appointment" }
        @if !q.service.is_empty() { div.notice.warn role="alert" { p { "We don't offer that treatment; please choose one below." } } }
        p { "Choose a treatment. Microneedling treatments start with a few safety questions, so we know it is right for you. Not sure? Book a consultation, or call us on " (crate::ui::layout::phone_link(&setup.clinic.phone)) "." }
        @if let Some(p) = chosen_practitioner { p { "Showing what " (p.name) " offers. " a href="/book" { "See everyone's treatments" } } }
        div.grid {
            @for s in services {
                div.card {
                    h2 { (s.name) }
                    p.price { (money(&setup.clinic.currency, &s.price)) }
                    p.muted { (s.duration_minutes()) " minutes" @if s.requires_screening { " · includes safety questions" } }
                    @if !s.description.is_empty() { p.small { (s.description) } }
                    a.button href=(format!("/book{}", query(&[("service", &s.id), ("practitioner", &q.practitioner), ("screening", &q.screening)]))) { "Choose " span.visually-hidden { (s.name) } }
                }
            }
        }
    };
    page(
        state,
        PageMeta::new(
            "Schedule an Appointment",
            "Book a microneedling treatment or consultation online.",
            "/book",
        ),
        body,
    )
}

pub(super) fn screening_closed(state: &AppState, message: &str, again: &str) -> Markup {
    let body = html! {
        h1 { "Let's talk first" }
        div.notice.warn { p { (message) } }
        p.cta-inline {
            a.button href="/book?service=consultation" { "Book a consultation" }
            a.button.secondary href=(again) { "Answer the questions again" }
        }
    };
    page(
        state,
        PageMeta::new(
            "Let's talk first",
            "Your answers suggest a consultation first.",
            "/book",
        )
        .private(),
        body,
    )
}

/// What the day-and-time step shows.
pub(super) struct DayTime<'a> {
    pub service: &'a clinic::ServiceSetup,
    pub practitioner: Option<&'a str>,
    pub screening: &'a str,
    pub month: Date,
    pub selected: Option<Date>,
    pub slots: &'a [scheduling::Slot],
    pub not_before: Option<Date>,
    pub review: bool,
    /// The next day with times after an empty chosen day or month.
    pub next_available: Option<Date>,
}

/// The day-and-time step of a chosen treatment.
pub(super) fn day_time(state: &AppState, clinic: &ClinicSnapshot, v: &DayTime<'_>) -> Markup {
    let service = v.service;
    let p = v.practitioner.unwrap_or_default();
    let screening = v.screening;
    let days = by_date(v.slots);
    let month_text = v.month.strftime("%Y-%m").to_string();
    let day_link = |date: Date| {
        format!(
            "/book{}#times",
            query(&[
                ("service", &service.id),
                ("practitioner", p),
                ("screening", screening),
                ("date", &date.to_string())
            ])
        )
    };
    let month_link = |m: Date| {
        format!(
            "/book{}",
            query(&[
                ("service", &service.id),
                ("practitioner", p),
                ("screening", screening),
                ("month", &m.strftime("%Y-%m").to_string())
            ])
        )
    };
    let time_link = |slot: &scheduling::Slot| {
        format!(
            "/book/details{}",
            query(&[
                ("service", &service.id),
                ("practitioner", p),
                ("screening", screening),
                ("start", &rfc3339(&slot.start))
            ])
        )
    };
    let offering: Vec<_> = clinic
        .setup
        .practitioners
        .iter()
        .filter(|pr| pr.services.contains(&service.id))
        .collect();
    let chosen = v.practitioner;
    let picker = Picker {
        month: v.month,
        today: clinic.today(),
        last_bookable: clinic.last_bookable_date(),
        selected: v.selected,
        days: &days,
        timezone: &clinic.zone_name(),
        clock_24: clinic.setup.clinic.uses_24_hour_clock(),
        phone: &clinic.setup.clinic.phone,
        day_link: &day_link,
        month_link: &month_link,
        pick: Pick::Link(&time_link),
        next_available: v.next_available,
    };
    let body = html! {
        (booking_steps(BookingStep::DayAndTime, service.requires_screening))
        h1 { "Choose a day and time" }
        p { strong { (service.name) } " · " (service.duration_minutes()) " minutes · " (money(&clinic.setup.clinic.currency, &service.price)) " · " a href="/book" { "change treatment" } }
        @if v.review { div.notice.warn { p { "A practitioner will review your safety answers before confirming; the time you choose is held for you meanwhile." } } }
        @if let Some(date) = v.not_before { div.notice.warn { p { "Because of your safety answers, the earliest date we can treat you is " strong { (date.strftime("%A %-d %B %Y")) } ". Only times from then on are shown." } } }
        nav aria-label="Practitioner" {
            h2 { "Who would you like to see?" }
            ul.people role="list" {
                li.person.chosen[chosen.is_none()] {
                    span.avatar.initials aria-hidden="true" { "·" }
                    div {
                        a href=(format!("/book{}", query(&[("service", &service.id), ("screening", screening), ("month", &month_text)]))) aria-current=[chosen.is_none().then_some("true")] { "Anyone available" }
                        p.muted.small { "The first free time with any of us." }
                    }
                }
                @for pr in &offering {
                    li.person.chosen[chosen == Some(pr.id.as_str())] {
                        (avatar(state, pr))
                        div {
                            a href=(format!("/book{}", query(&[("service", &service.id), ("practitioner", &pr.id), ("screening", screening), ("month", &month_text)]))) aria-current=[(chosen == Some(pr.id.as_str())).then_some("true")] { (pr.name) }
                            @if !pr.title.is_empty() { p.muted.small { (pr.title) } }
                            @if !pr.bio.is_empty() { p.bio.small { (pr.bio) } }
                        }
                    }
                }
            }
        }
        (picker.render())
        section aria-labelledby="waitlist-title" {
            h2 #waitlist-title { "No time that suits you, or want an earlier date?" }
            p { "Join the waitlist: when a time frees up on the days you choose, we email you and hold it for you." }
            p { a.button.secondary href=(format!("/waitlist{}", query(&[
                ("service", &service.id),
                ("practitioner", p),
                ("screening", screening),
                ("from", &v.selected.unwrap_or_else(|| clinic.today()).to_string()),
            ]))) { "Join the waitlist" } }
        }
    };
    page(
        state,
        PageMeta::new(
            "Choose a day and time",
            "Pick a day and time for your appointment.",
            "/book",
        )
        .private(),
        body,
    )
}
