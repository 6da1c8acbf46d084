//! The details step: who the appointment is for, with what went wrong kept beside it.

use clinic::{ClinicSnapshot, rfc3339};
use jiff::Timestamp;
use maud::{Markup, html};

use service::CancellationPolicy;

use super::DetailsForm;
use crate::pages::site::money;
use crate::ui::forms::{FieldAria, FieldErrors, Input, hidden, query};
use crate::ui::picker::time_label;
use crate::ui::steps::{BookingStep, booking_steps};

/// The details form for a chosen service and start, with errors, a problem above the form
/// and, after a lost race, the nearest free times.
pub(super) struct Details<'a> {
    pub service: &'a clinic::ServiceSetup,
    pub start: Timestamp,
    pub form: &'a DetailsForm,
    pub errors: &'a FieldErrors,
    pub problem: Option<&'a str>,
    pub alternatives: &'a [scheduling::Slot],
    /// The problem is with the screening: offer to answer the questions again.
    pub ask_again: bool,
}

/// The details step's main content.
pub(super) fn details(clinic: &ClinicSnapshot, v: &Details<'_>) -> Markup {
    let (service, form, errors, problem, alternatives) =
        (v.service, v.form, v.errors, v.problem, v.alternatives);
    let local = v.start.to_zoned_datetime(clinic.timezone.clone());
    let practitioner = clinic
        .setup
        .practitioner(&form.practitioner)
        .map_or("the first available practitioner".to_owned(), |p| {
            p.name.clone()
        });
    let label = |f: &str| match f {
        "name" => "Name".to_owned(),
        "email" => "Email".to_owned(),
        "phone" => "Phone".to_owned(),
        "notes" => "Notes".to_owned(),
        "agree_policy" => "Cancellation policy".to_owned(),
        other => other.to_owned(),
    };
    html! {
        (booking_steps(BookingStep::Details, service.requires_screening))
        h1 { "Your details" }
        @if let Some(message) = problem {
            div.notice.danger role="alert" {
                p { (message) }
                @if !alternatives.is_empty() {
                    p { "The nearest free times:" }
                    ul.times {
                        @for slot in alternatives {
                            li { a href=(format!("/book/details{}", query(&[("service", &form.service), ("practitioner", &form.practitioner), ("screening", &form.screening), ("start", &rfc3339(&slot.start))]))) { (slot.start.strftime("%a %-d %b, ")) (time_label(slot, clinic.setup.clinic.uses_24_hour_clock())) } }
                        }
                    }
                }
                @if v.ask_again {
                    p { a href=(format!("/book/screening{}", query(&[("service", &form.service), ("practitioner", &form.practitioner)]))) { "Answer the safety questions again" } }
                } @else {
                    p { a href=(format!("/book{}", query(&[("service", &form.service), ("practitioner", &form.practitioner), ("screening", &form.screening), ("date", &local.date().to_string())]))) { "See all times" } }
                }
            }
        }
        (errors.summary(label))
        dl.summary {
            dt { "Treatment" } dd { (service.name) " (" (service.duration_minutes()) " minutes, " (money(&clinic.setup.clinic.currency, &service.price)) ")" }
            dt { "When" } dd { time datetime=(rfc3339(&local)) data-instant=(rfc3339(&local)) { (clinic.when(&local)) } " (" (clinic.zone_name()) ")" }
            dt { "With" } dd { (practitioner) }
        }
        p { a href=(format!("/book{}", query(&[("service", &form.service), ("practitioner", &form.practitioner), ("screening", &form.screening), ("date", &local.date().to_string())]))) { "Choose a different time" } }
        @if let Some(course) = service.course {
            p.notice { "This treatment is given as a course of " (course.sessions) " sessions, " (course.interval_weeks) " weeks apart. "
                a href=(format!("/book/course{}", query(&[("service", &form.service), ("practitioner", &form.practitioner), ("screening", &form.screening), ("start", &form.start)]))) { "Book the whole course from this time" } }
        }
        form method="post" action="/book" novalidate {
            (hidden(&[("service", &form.service), ("practitioner", &form.practitioner), ("start", &form.start), ("screening", &form.screening)]))
            input type="hidden" name="client_zone" value="";
            (Input { name: "name", label: "Full name", kind: "text", value: &form.name, hint: None, required: true, autocomplete: Some("name") }.render(errors))
            (Input { name: "email", label: "Email", kind: "email", value: &form.email, hint: Some("We send your confirmation and a link to change or cancel here."), required: true, autocomplete: Some("email") }.render(errors))
            (Input { name: "phone", label: "Phone", kind: "tel", value: &form.phone, hint: Some("So we can reach you if something changes."), required: false, autocomplete: Some("tel") }.render(errors))
            (Input { name: "notes", label: "Anything we should know?", kind: "textarea", value: &form.notes, hint: None, required: false, autocomplete: None }.render(errors))
            (policy_agreement(&CancellationPolicy::of(clinic), form.agree_policy == "yes", errors))
            button type="submit" { "Confirm booking" }
        }
    }
}

/// The cancellation policy as the client reads it, and the box that agrees to it (ticked
/// when `agreed`); the version and hash of exactly this text go with the form. The single
/// booking's form and the course's both ask with it.
pub(crate) fn policy_agreement(
    policy: &CancellationPolicy,
    agreed: bool,
    errors: &FieldErrors,
) -> Markup {
    let aria = FieldAria::new("agree_policy", None, errors);
    html! {
        section.policy aria-labelledby="policy-title" {
            h2 #policy-title { (policy.title) }
            @for paragraph in policy.paragraphs() { p { (paragraph) } }
            input type="hidden" name="policy_version" value=(policy.version);
            input type="hidden" name="policy_sha256" value=(policy.sha256);
            @if let Some(message) = aria.error { p.error-text id=(aria.error_id) { (message) } }
            div.check.agree {
                input type="checkbox" id=(aria.id) name="agree_policy" value="yes" required checked[agreed]
                    aria-invalid=[aria.error.map(|_| "true")] aria-describedby=[aria.described.as_deref()];
                label for=(aria.id) { "I have read and agree to the cancellation policy." }
            }
        }
    }
}
