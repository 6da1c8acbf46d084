//! The setup page as a whole: notices, the table of contents, each section's forms in
//! order, and the whole-setup document at the end for power users.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::sections::{
    dates_form, hours_form, hours_table, policy_section, problems_summary, time_off_form,
};
use super::{View, clinic_details, devices, document, practitioners, rooms, services};
use crate::admin::layout::{admin_page, csrf_field};
use crate::auth::StaffSession;
use crate::error::ApiError;
use crate::state::AppState;

/// How the document is written, beside the editor, so admins need not look it up.
pub(super) fn guide() -> Markup {
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

/// The whole page: notices, the smaller forms, and the document editor holding `text`.
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
        p { "Set up the clinic with the forms below: its details, the booking policy, rooms, services and their phases, devices, "
            "and each practitioner's details, photo, hours, time off and date overrides. "
            "Every change is checked exactly like the clinic file before anything is saved, so a mistake is shown beside it and changes nothing. "
            "The whole setup is also one document, at the end, for changes no form covers (closures, courses, the screening and plan settings)." }
        nav.setup-toc aria-label="Setup sections" {
            ul {
                li { a href="#clinic-title" { "Clinic details" } }
                li { a href="#policy-title" { "Booking policy" } }
                li { a href="#rooms-title" { "Rooms" } }
                li { a href="#services-title" { "Services" } }
                li { a href="#devices-title" { "Devices" } }
                li { a href="#hours-title" { "Weekly hours at a glance" } }
                @for p in &setup.practitioners { li { a href=(format!("#p-{}", p.id)) { (p.name) } } }
                li { a href="#practitioner-new-title" { "Add a practitioner" } }
                li { a href="#document-title" { "The whole setup" } }
            }
        }
        (clinic_details::section(session, setup, view))
        (policy_section(session, setup, view))
        (rooms::section(session, setup, view))
        (services::section(session, setup, view))
        (devices::section(session, setup, view))
        section.setup-section aria-labelledby="hours-title" {
            h2 #hours-title { "Weekly hours at a glance" }
            p.muted { "As saved now. Each practitioner's hours, time off and date overrides can be changed below." }
            (hours_table(setup))
        }
        @for p in &setup.practitioners {
            section.setup-section.setup-practitioner aria-labelledby=(format!("p-{}", p.id)) {
                h2 id=(format!("p-{}", p.id)) { (p.name) @if !p.title.is_empty() { span.muted.small { ", " (p.title) } } }
                (practitioners::details_form(session, state, setup, p, view))
                (hours_form(session, p, view))
                (time_off_form(session, p, view))
                (dates_form(session, p, view))
            }
        }
        (practitioners::add_form(session, view))
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
pub(super) fn render(
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
pub(super) fn refuse(state: &AppState, session: &StaffSession, view: &View<'_>) -> Response {
    render(state, session, view, StatusCode::UNPROCESSABLE_ENTITY)
}
