//! What the client sees after answering: the outcome in kind words, the next step, and the
//! findings behind it; or, rarely, that the answers could not be saved.

use axum::response::{IntoResponse, Response};
use clinic::ClinicSnapshot;
use maud::{Markup, html};
use protocol::{Finding, Outcome, Screening};

use super::Carry;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::layout::{PageMeta, page as layout_page};

/// A date as clients read it: "Tuesday 4 May 2027".
pub(super) fn long_date(date: jiff::civil::Date) -> String {
    date.strftime("%A %-d %B %Y").to_string()
}

/// The page shown after answering: the outcome in kind words, the next step, and the findings.
pub(super) fn result_page(
    state: &AppState,
    clinic: &ClinicSnapshot,
    carry: &Carry,
    (id, areas): (&str, &[String]),
    screening: &Screening,
) -> Markup {
    let body = html! {
        (outcome_message(clinic, carry, (id, areas), screening))
        @if !screening.findings.is_empty() { (findings_list(&screening.findings)) }
        p.small.muted { "Your answers are saved for our clinical staff only. Want to change an answer? " a href="/suitability" { "Start the questions again" } "." }
    };
    let meta = PageMeta::new(
        "Your result",
        "Your microneedling safety questionnaire result.",
        "/suitability",
    )
    .private();
    layout_page(state, meta, body)
}

/// The outcome and what to do next: book, or talk to us first.
fn outcome_message(
    clinic: &ClinicSnapshot,
    carry: &Carry,
    (id, areas): (&str, &[String]),
    screening: &Screening,
) -> Markup {
    match (screening.outcome, screening.earliest_date) {
        (Outcome::Eligible, _) => html! {
            div.notice.ok.outcome {
                h1 { "Good news: microneedling looks right for you" }
                p { "Nothing in your answers stands in the way of treatment. Your practitioner will have a quick chat with you before starting, as always." }
            }
            (booking_links(clinic, carry, id, areas))
        },
        (Outcome::Consult, _) => html! {
            div.notice.warn.outcome {
                h1 { "A practitioner will look at your answers first" }
                p { "Some of your answers need a practitioner's review before we confirm treatment. You can still book now: your booking is held as " strong { "pending review" } ", and we will be in touch before your visit." }
            }
            (booking_links(clinic, carry, id, areas))
        },
        (Outcome::Defer, Some(date)) => html! {
            div.notice.warn.outcome {
                h1 { "Let's give your skin a little more time" }
                p { "The earliest date we can treat you is " strong { (long_date(date)) } ". You can book now; we will only offer you dates from then on." }
                @if screening.review {
                    p { "A practitioner will also review your answers: your booking is held as " strong { "pending review" } " until they have, and we will be in touch before your visit." }
                }
            }
            (booking_links(clinic, carry, id, areas))
        },
        (Outcome::Defer, None) => html! {
            div.notice.warn.outcome {
                h1 { "Let's wait until your skin is ready" }
                p { "For now it is safer to wait. Once the reasons below have cleared up, answer the questions again and book your treatment. If you would like advice in the meantime, we are happy to see you." }
            }
            (consultation_link(clinic))
        },
        (Outcome::NotSuitable, _) => html! {
            div.notice.danger.outcome {
                h1 { "Microneedling isn't the right treatment for you" }
                p { "We're sorry: from your answers, microneedling would not be safe for you. This is about keeping you well, and there may be other ways we can help with your skin." }
            }
            (consultation_link(clinic))
        },
    }
}

/// Links that continue to booking with the screening: the carried service, or each treatment.
/// Only treatments of the areas the answers were given for are offered.
fn booking_links(clinic: &ClinicSnapshot, carry: &Carry, id: &str, areas: &[String]) -> Markup {
    let practitioner = clinic.setup.practitioner(&carry.practitioner);
    let covered = |service: &clinic::ServiceSetup| {
        service::service_areas(service)
            .iter()
            .all(|a| areas.contains(a))
    };
    let offered = |service: &clinic::ServiceSetup| {
        covered(service) && practitioner.is_none_or(|p| p.services.contains(&service.id))
    };
    let chosen = clinic
        .setup
        .service(&carry.service)
        .filter(|s| s.requires_screening);
    html! {
        section.next-step aria-labelledby="next-title" {
            h2 #next-title { "Book your treatment" }
            @if let Some(s) = chosen {
                p.cta-inline { a.button href=(carry.book_url(&s.id, id)) { "Continue booking " (s.name.to_lowercase()) } }
            } @else {
                ul.book-links {
                    @for s in clinic.setup.services.iter().filter(|s| s.requires_screening && offered(s)) {
                        li { a.button.secondary href=(carry.book_url(&s.id, id)) { "Book " (s.name.to_lowercase()) } }
                    }
                }
                p { a href=(carry.book_url("", id)) { "Choose a treatment" } }
            }
        }
    }
}

/// The suggestion to book a consultation (free when it costs nothing).
fn consultation_link(clinic: &ClinicSnapshot) -> Markup {
    let consultation = clinic.setup.service("consultation");
    let free = consultation.is_some_and(|s| {
        s.price
            .trim_start_matches('0')
            .trim_start_matches('.')
            .trim_matches('0')
            .is_empty()
    });
    let href = if consultation.is_some() {
        "/book?service=consultation"
    } else {
        "/book"
    };
    html! {
        section.next-step aria-labelledby="next-title" {
            h2 #next-title { "Talk it through with us" }
            p { "A practitioner can look at your skin, explain what is possible and suggest what might suit you instead or later." }
            p.cta-inline {
                a.button href=(href) { @if free { "Book a free consultation" } @else { "Book a consultation" } }
                " "
                a.button.secondary href=(crate::ui::layout::tel_href(&clinic.setup.clinic.phone)) { "Call us on " (clinic.setup.clinic.phone) }
            }
        }
    }
}

/// Each finding: what and why, until when, and its source in small print.
fn findings_list(findings: &[Finding]) -> Markup {
    html! {
        section aria-labelledby="findings-title" {
            h2 #findings-title { "What we found in your answers" }
            ul.findings {
                @for f in findings {
                    li {
                        p { (f.message) }
                        @if let Some(until) = f.until { p { "This applies until " strong { (long_date(until)) } "." } }
                        p.small.muted {
                            "Source: " (f.source)
                            @if f.clinic_override { " (our clinic's rule)" }
                        }
                    }
                }
            }
        }
    }
}

/// A kind page for the rare case the answers could not be saved.
pub(super) fn failure_page(state: &AppState, clinic: &ClinicSnapshot, e: &ApiError) -> Response {
    let body = html! {
        h1 { "Sorry, we could not save your answers" }
        p { "Something went wrong on our side and nothing was saved. Please go back and try again, or call us on " (crate::ui::layout::phone_link(&clinic.setup.clinic.phone)) "." }
        p { a href="/suitability" { "Back to the questions" } }
    };
    let meta = PageMeta::new(
        "Something went wrong",
        "Your answers could not be saved.",
        "/suitability",
    )
    .private();
    (e.kind.status(), layout_page(state, meta, body)).into_response()
}
