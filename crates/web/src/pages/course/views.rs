//! The course pages' markup: the proposal with its booking form, changing one session, and
//! the client's view of a booked course.

use clinic::{ClinicSnapshot, ServiceSetup, rfc3339};
use jiff::Timestamp;
use maud::{Markup, html};
use scheduling::Slot;
use service::{CancellationPolicy, CourseRules, ProposedSession, manage_path, session_token};
use store::{BookingStatus, Course};

use super::{CourseForm, CourseQuery};
use crate::pages::book::details::policy_agreement;
use crate::pages::site::money;
use crate::ui::forms::{FieldErrors, Input, hidden, query};
use crate::ui::picker::time_label;

const NO_CARD: &str = "The course is paid at the clinic; we take no card payments online.";

fn practitioner_name(clinic: &ClinicSnapshot, id: &str) -> String {
    clinic
        .setup
        .practitioner(id)
        .map_or("the first available practitioner".to_owned(), |p| {
            p.name.clone()
        })
}

fn course_line(clinic: &ClinicSnapshot, service: &ServiceSetup) -> Markup {
    let currency = &clinic.setup.clinic.currency;
    html! {
        @if let Some(c) = service.course {
            p { (service.name) ": a course of " (c.sessions) " sessions, " (c.interval_weeks) " weeks apart. "
                "Each session costs " (money(currency, &service.price))
                @if let Some(price) = &service.course_price { ", or " (money(currency, price)) " for the whole course" }
                ". " (NO_CARD) }
        }
    }
}

/// A list of session starts for a link, replacing session `index` with `start` when given.
fn sessions_param(starts: &[String], replace: Option<(usize, String)>) -> String {
    let mut starts = starts.to_vec();
    if let Some((i, start)) = replace
        && let Some(slot) = starts.get_mut(i)
    {
        *slot = start;
    }
    starts.join(",")
}

/// The proposal, each session with a link to change it, and the form that books them all.
pub(super) fn proposal(
    clinic: &ClinicSnapshot,
    service: &ServiceSetup,
    form: &CourseForm,
    sessions: &[ProposedSession],
    errors: &FieldErrors,
    problem: Option<&str>,
) -> Markup {
    let starts: Vec<String> = sessions.iter().map(|s| rfc3339(&s.start)).collect();
    let all = sessions_param(&starts, None);
    let label = |f: &str| match f {
        "name" => "Name".to_owned(),
        "email" => "Email".to_owned(),
        "phone" => "Phone".to_owned(),
        "agree_policy" => "Cancellation policy".to_owned(),
        other => other.to_owned(),
    };
    html! {
        // The sessions and the client's details are one page: the details step of booking.
        (crate::ui::steps::booking_steps(crate::ui::steps::BookingStep::Details, service.requires_screening))
        h1 { "Your course" }
        @if let Some(message) = problem { div.notice.danger role="alert" { p { (message) } } }
        (errors.summary(label))
        (course_line(clinic, service))
        p { "We suggest these times, in " (clinic.zone_name()) ". Change any one of them; the others stay as they are." }
        table {
            thead { tr { th { "Session" } th { "When" } th { "With" } th { span.visually-hidden { "Change" } } } }
            tbody {
                @for (i, s) in sessions.iter().enumerate() {
                    tr {
                        td { (i + 1) }
                        td { time datetime=(rfc3339(&s.start)) { (clinic.when(&s.start)) } }
                        td { (practitioner_name(clinic, &s.practitioner)) }
                        td { a href=(format!("/book/course/change{}", query(&[("service", &form.service), ("practitioner", &form.practitioner), ("screening", &form.screening), ("sessions", &all), ("index", &i.to_string())]))) { "Change session " (i + 1) } }
                    }
                }
            }
        }
        form method="post" action="/book/course" novalidate {
            (hidden(&[("service", &form.service), ("practitioner", &form.practitioner), ("screening", &form.screening), ("sessions", &all)]))
            (Input { name: "name", label: "Full name", kind: "text", value: &form.name, hint: None, required: true, autocomplete: Some("name") }.render(errors))
            (Input { name: "email", label: "Email", kind: "email", value: &form.email, hint: Some("We send one confirmation listing every session, with a link to change or cancel any of them."), required: true, autocomplete: Some("email") }.render(errors))
            (Input { name: "phone", label: "Phone", kind: "tel", value: &form.phone, hint: Some("So we can reach you if something changes."), required: false, autocomplete: Some("tel") }.render(errors))
            p { "The policy below applies to each session of the course." }
            (policy_agreement(&CancellationPolicy::of(clinic), form.agree_policy == "yes", errors))
            button type="submit" { "Book all " (sessions.len()) " sessions" }
        }
        p { a href=(format!("/book{}", query(&[("service", &form.service), ("practitioner", &form.practitioner), ("screening", &form.screening)]))) { "Choose a different first session" } }
    }
}

/// Why no proposal could be made, with the way back.
pub(super) fn problem(service: &str, message: &str) -> Markup {
    html! {
        h1 { "Your course" }
        div.notice.danger role="alert" { p { (message) } }
        p { a href=(format!("/book{}", query(&[("service", service)]))) { "Choose another first session" } }
    }
}

/// Free times for session `index`, each a link back to the proposal with it replaced.
pub(super) fn change(
    clinic: &ClinicSnapshot,
    q: &CourseQuery,
    starts: &[Timestamp],
    index: usize,
    rules: &CourseRules,
    slots: &[Slot],
) -> Markup {
    let tz = clinic.timezone.clone();
    let texts: Vec<String> = starts
        .iter()
        .map(|t| rfc3339(&t.to_zoned_datetime(tz.clone())))
        .collect();
    let back = |replace: Option<(usize, String)>| {
        format!(
            "/book/course{}",
            query(&[
                ("service", &q.service),
                ("practitioner", &q.practitioner),
                ("screening", &q.screening),
                ("sessions", &sessions_param(&texts, replace)),
            ])
        )
    };
    let current = starts[index].to_zoned_datetime(tz.clone());
    html! {
        h1 { "Change session " (index + 1) }
        p { "Now: " (clinic.when(&current)) ". Sessions stay at least " (rules.minimum.days()) " days apart, the shortest interval our clinical sources give " (rules.minimum.cite()) ", so only times that keep to it are listed." }
        @if slots.is_empty() {
            p.notice.warn { "There is no free time near this session that keeps the interval. Please keep it, or choose a different first session." }
        } @else {
            ul.times {
                @for slot in slots.iter().take(60) {
                    li { a href=(back(Some((index, rfc3339(&slot.start))))) { (slot.start.strftime("%a %-d %b, ")) (time_label(slot, clinic.setup.clinic.uses_24_hour_clock())) } }
                }
            }
        }
        p { a href=(back(None)) { "Keep the times as they are" } }
    }
}

/// The booked course: each session with its status, done and left, the price, and what
/// the client may change.
pub(super) fn course(
    clinic: &ClinicSnapshot,
    course: &Course,
    token: &str,
    booked: bool,
    cancelled: Option<usize>,
    problem: Option<&str>,
) -> Markup {
    let service = clinic.setup.service(&course.service_id);
    let name = service.map_or(course.service_id.as_str(), |s| s.name.as_str());
    let done = course
        .bookings
        .iter()
        .filter(|b| b.status == BookingStatus::Completed)
        .count();
    let left = course
        .bookings
        .iter()
        .filter(|b| b.status.is_live() && b.status != BookingStatus::Completed)
        .count();
    let now = Timestamp::now();
    let email = course
        .bookings
        .first()
        .map(|b| b.client.email.as_str())
        .unwrap_or("");
    html! {
        h1 { "Your course" }
        @if booked {
            div.notice.ok role="status" { p { "We've emailed one confirmation listing every session to " (email) ". Keep this page's link: it lets you change or cancel any session." } }
        }
        @if let Some(n) = cancelled {
            div.notice.ok role="status" { p { @if n == 1 { "One session was cancelled." } @else { (n) " sessions were cancelled." } " We've emailed each cancellation." } }
        }
        @if let Some(message) = problem { div.notice.danger role="alert" { p { (message) } } }
        dl.summary {
            dt { "Treatment" } dd { (name) }
            dt { "Sessions" } dd { (done) " done, " (left) " left, of " (course.bookings.len()) }
            @if let Some(price) = &course.price {
                dt { "Course price" } dd { (money(&clinic.setup.clinic.currency, price)) ". " (NO_CARD) }
            }
        }
        table {
            thead { tr { th { "Session" } th { "When" } th { "With" } th { "Status" } th { span.visually-hidden { "Actions" } } } }
            tbody {
                @for (i, b) in course.bookings.iter().enumerate() {
                    @let local = b.start.to_zoned_datetime(clinic.timezone.clone());
                    tr {
                        td { (i + 1) }
                        td { time datetime=(rfc3339(&local)) { (clinic.when(&local)) } }
                        td { (practitioner_name(clinic, &b.practitioner_id)) }
                        td { (status_words(b.status)) }
                        td {
                            @if b.status.is_live() && b.status != BookingStatus::Completed && b.start > now {
                                a href=(manage_path(&session_token(token, i))) { "Reschedule or cancel session " (i + 1) }
                                @if course.bookings[i..].iter().filter(|b| b.status.is_live() && b.start > now).count() > 1 {
                                    form method="post" action=(format!("/courses/{token}/cancel")) {
                                        input type="hidden" name="from" value=(i);
                                        button.secondary type="submit" { "Cancel session " (i + 1) " and the rest" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        p { "Moving a session keeps at least the interval our clinical sources give between sessions; a time closer than that to the session before or after is refused with the reason." }
    }
}

fn status_words(status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::Confirmed => "Booked",
        BookingStatus::PendingReview => "Held for review",
        BookingStatus::Cancelled => "Cancelled",
        BookingStatus::Declined => "Declined",
        BookingStatus::Arrived => "Arrived",
        BookingStatus::Completed => "Done",
        BookingStatus::NoShow => "Missed",
    }
}

/// The page for a link that opens no course.
pub(super) fn not_found(phone: &str) -> Markup {
    html! {
        h1 { "We couldn't find that course" }
        p { "The link may be incomplete. Please use the link in your confirmation email, or call us on " (crate::ui::layout::phone_link(phone)) "." }
    }
}
