//! `/book`: choose a treatment, a practitioner, a day and a time, then give your details.
//! Each step is a plain link or form, so the whole flow works without JavaScript.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use maud::{Markup, html};
use serde::Deserialize;

use super::forms::{FieldErrors, Input, hidden, query};
use super::layout::{PageMeta, page};
use super::picker::{by_date, month_start, month_view, time_label, zone_note};
use super::site::money;
use crate::booking::{self, Actor, BookingInput, check_client, format_local, parse_start};
use crate::error::ApiError;
use crate::extract::ClientAddr;
use crate::problem::ProblemKind;
use crate::snapshot::ClinicSnapshot;
use crate::state::AppState;

/// The choices so far, carried in the query string.
#[derive(Debug, Default, Deserialize)]
pub struct BookQuery {
    #[serde(default)]
    service: String,
    #[serde(default)]
    practitioner: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    screening: String,
    #[serde(default)]
    start: String,
}

fn steps(current: usize, with_screening: bool) -> Markup {
    let mut names = vec!["Treatment"];
    if with_screening {
        names.push("Safety questions");
    }
    names.extend(["Day and time", "Your details", "Confirmed"]);
    html! {
        ol.steps aria-label="Booking steps" {
            @for (i, name) in names.iter().enumerate() {
                li aria-current=[(i == current).then_some("step")] { (i + 1) ". " (name) }
            }
        }
    }
}

/// What a stored screening allows for booking: the earliest date, or why not at all.
pub enum ScreeningGate {
    Open {
        not_before: Option<Date>,
        review: bool,
    },
    Closed(String),
}

/// Judges a stored screening for booking from today.
pub async fn screening_gate(state: &AppState, clinic: &ClinicSnapshot, id: &str) -> ScreeningGate {
    let Ok(Some(record)) = state.store.screening(id).await else {
        return ScreeningGate::Closed(
            "We could not find your safety questions; please answer them again.".into(),
        );
    };
    let Ok(answers) = serde_json::from_str::<protocol::Answers>(&record.answers) else {
        return ScreeningGate::Closed("Please answer the safety questions again.".into());
    };
    let today = clinic.today();
    let result = clinic.rules.screen(&answers, today, today);
    match result.outcome {
        protocol::Outcome::Eligible => ScreeningGate::Open { not_before: None, review: false },
        protocol::Outcome::Consult => ScreeningGate::Open { not_before: None, review: true },
        protocol::Outcome::Defer => match result.earliest_date {
            Some(date) => ScreeningGate::Open { not_before: Some(date), review: false },
            None => ScreeningGate::Closed("Your answers mean we should wait until the condition has cleared before treating you. You are welcome to book a free consultation meanwhile.".into()),
        },
        protocol::Outcome::NotSuitable => ScreeningGate::Closed("Your answers mean microneedling is not right for you at the moment. Please book a consultation so a practitioner can advise you.".into()),
    }
}

/// `GET /book`: the step the query has reached.
pub async fn start(State(state): State<AppState>, Query(q): Query<BookQuery>) -> Response {
    let clinic = state.clinic();
    let Some(service) = clinic.setup.service(&q.service).cloned() else {
        return choose_service(&state, &clinic, &q).into_response();
    };
    let mut not_before = None;
    let mut review_note = None;
    if service.requires_screening {
        if q.screening.is_empty() {
            let target = format!(
                "/book/screening{}",
                query(&[("service", &q.service), ("practitioner", &q.practitioner)])
            );
            return Redirect::to(&target).into_response();
        }
        match screening_gate(&state, &clinic, &q.screening).await {
            ScreeningGate::Closed(message) => {
                return screening_closed(&state, &message).into_response();
            }
            ScreeningGate::Open {
                not_before: nb,
                review,
            } => {
                not_before = nb;
                if review {
                    review_note = Some(
                        "A practitioner will review your safety answers before confirming; the time you choose is held for you meanwhile.",
                    );
                }
            }
        }
    }
    let practitioner = clinic
        .setup
        .practitioner(&q.practitioner)
        .filter(|p| p.services.contains(&service.id))
        .map(|p| p.id.clone());
    let today = clinic.today();
    let horizon = clinic.last_bookable_date();
    let selected: Option<Date> = q.date.parse().ok();
    let month = if q.month.is_empty() && selected.is_none() {
        // Open on the first month with a free time.
        let from = not_before.unwrap_or(today).max(today);
        let all = booking::availability(
            &state,
            &clinic,
            &service.id,
            from,
            horizon,
            practitioner.as_deref(),
            not_before,
        )
        .await
        .unwrap_or_default();
        all.first()
            .map_or(today.first_of_month(), |s| s.start.date().first_of_month())
    } else {
        month_start(
            Some(q.month.as_str()).filter(|m| !m.is_empty()),
            selected.unwrap_or(today),
        )
    };
    let from = month.max(today);
    let to = month.last_of_month().min(horizon);
    let slots = if from <= to {
        booking::availability(
            &state,
            &clinic,
            &service.id,
            from,
            to,
            practitioner.as_deref(),
            not_before,
        )
        .await
        .unwrap_or_default()
    } else {
        Vec::new()
    };
    let days = by_date(&slots);
    let p = practitioner.clone().unwrap_or_default();
    let link = |date: Date| {
        format!(
            "/book{}#times",
            query(&[
                ("service", &service.id),
                ("practitioner", &p),
                ("screening", &q.screening),
                ("date", &date.to_string())
            ])
        )
    };
    let month_link = |m: Date| {
        format!(
            "/book{}",
            query(&[
                ("service", &service.id),
                ("practitioner", &p),
                ("screening", &q.screening),
                ("month", &m.strftime("%Y-%m").to_string())
            ])
        )
    };
    let offering: Vec<_> = clinic
        .setup
        .practitioners
        .iter()
        .filter(|pr| pr.services.contains(&service.id))
        .collect();
    let body = html! {
        (steps(if service.requires_screening { 2 } else { 1 }, service.requires_screening))
        h1 { "Choose a day and time" }
        p { strong { (service.name) } " · " (service.duration_minutes()) " minutes · " (money(&clinic.setup.clinic.currency, &service.price)) " · " a href="/book" { "change treatment" } }
        @if let Some(note) = review_note { div.notice.warn { p { (note) } } }
        @if let Some(date) = not_before { div.notice.warn { p { "Because of your safety answers, the earliest date we can treat you is " strong { (date.strftime("%A %-d %B %Y")) } ". Only times from then on are shown." } } }
        nav aria-label="Practitioner" {
            h2 { "Who would you like to see?" }
            ul.cta-inline role="list" {
                li { a.button.small.secondary[practitioner.is_some()] href=(format!("/book{}", query(&[("service", &service.id), ("screening", &q.screening), ("month", &month.strftime("%Y-%m").to_string())]))) aria-current=[practitioner.is_none().then_some("true")] { "Anyone available" } }
                @for pr in &offering {
                    li { a.button.small.secondary[practitioner.as_deref() != Some(pr.id.as_str())] href=(format!("/book{}", query(&[("service", &service.id), ("practitioner", &pr.id), ("screening", &q.screening), ("month", &month.strftime("%Y-%m").to_string())]))) aria-current=[(practitioner.as_deref() == Some(pr.id.as_str())).then_some("true")] { (pr.name) } }
                }
            }
        }
        h2 { "Pick a day" }
        @if days.is_empty() { p.notice { "No free times this month. Try the next month, or call us on " (clinic.setup.clinic.phone) "." } }
        (month_view(month, &days, selected, link, month_link, month > today.first_of_month(), month.last_of_month() < horizon))
        @if let Some(date) = selected {
            section #times aria-labelledby="times-title" {
                h2 #times-title { "Times on " (date.strftime("%A %-d %B")) }
                (zone_note(&clinic.setup.clinic.timezone))
                @match days.get(&date) {
                    None => p { "No free times on this day; please pick another." },
                    Some(day) => ul.times {
                        @for slot in day {
                            li { a href=(format!("/book/details{}", query(&[("service", &service.id), ("practitioner", &p), ("screening", &q.screening), ("start", &booking::rfc3339(&slot.start))]))) { (time_label(slot)) } }
                        }
                    },
                }
            }
        }
    };
    page(
        &state,
        PageMeta::new(
            "Choose a day and time",
            "Pick a day and time for your appointment.",
            "/book",
        )
        .private(),
        body,
    )
    .into_response()
}

fn choose_service(state: &AppState, clinic: &ClinicSnapshot, q: &BookQuery) -> Markup {
    let setup = &clinic.setup;
    let chosen_practitioner = setup.practitioner(&q.practitioner);
    let services: Vec<_> = setup
        .services
        .iter()
        .filter(|s| chosen_practitioner.is_none_or(|p| p.services.contains(&s.id)))
        .collect();
    let body = html! {
        (steps(0, false))
        h1 { "Schedule an Appointment" }
        @if !q.service.is_empty() { div.notice.warn role="alert" { p { "We don't offer that treatment; please choose one below." } } }
        p { "Choose a treatment. Microneedling treatments start with a few safety questions, so we know it is right for you. Not sure? Book a consultation, or call us on " (setup.clinic.phone) "." }
        @if let Some(p) = chosen_practitioner { p { "Showing what " (p.name) " offers. " a href="/book" { "See everyone's treatments" } } }
        div.grid {
            @for s in services {
                div.card {
                    h2 { (s.name) }
                    p.price { (money(&setup.clinic.currency, &s.price)) }
                    p.muted { (s.duration_minutes()) " minutes" @if s.requires_screening { " · includes safety questions" } }
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

fn screening_closed(state: &AppState, message: &str) -> Markup {
    let body = html! {
        h1 { "Let's talk first" }
        div.notice.warn { p { (message) } }
        p.cta-inline {
            a.button href="/book?service=consultation" { "Book a consultation" }
            a.button.secondary href="/suitability" { "Answer the questions again" }
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

/// The details form's fields as typed.
#[derive(Debug, Default, Deserialize)]
pub struct DetailsForm {
    #[serde(default)]
    service: String,
    #[serde(default)]
    practitioner: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    screening: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    notes: String,
}

/// `GET /book/details`: who the appointment is for.
pub async fn details(State(state): State<AppState>, Query(q): Query<BookQuery>) -> Response {
    let form = DetailsForm {
        service: q.service,
        practitioner: q.practitioner,
        start: q.start,
        screening: q.screening,
        ..Default::default()
    };
    details_page(&state, &form, &FieldErrors::default(), None, &[]).await
}

async fn details_page(
    state: &AppState,
    form: &DetailsForm,
    errors: &FieldErrors,
    problem: Option<&str>,
    alternatives: &[scheduling::Slot],
) -> Response {
    let clinic = state.clinic();
    let Some(service) = clinic.setup.service(&form.service) else {
        return Redirect::to("/book").into_response();
    };
    let Ok(start) = parse_start(&form.start) else {
        return Redirect::to(&format!(
            "/book{}",
            query(&[("service", &form.service), ("screening", &form.screening)])
        ))
        .into_response();
    };
    let local = start.to_zoned_datetime(clinic.timezone.clone());
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
        other => other.to_owned(),
    };
    let body = html! {
        (steps(if service.requires_screening { 3 } else { 2 }, service.requires_screening))
        h1 { "Your details" }
        @if let Some(message) = problem {
            div.notice.danger role="alert" {
                p { (message) }
                @if !alternatives.is_empty() {
                    p { "The nearest free times:" }
                    ul.times {
                        @for slot in alternatives {
                            li { a href=(format!("/book/details{}", query(&[("service", &form.service), ("practitioner", &form.practitioner), ("screening", &form.screening), ("start", &booking::rfc3339(&slot.start))]))) { (slot.start.strftime("%a %-d %b, ")) (time_label(slot)) } }
                        }
                    }
                }
                p { a href=(format!("/book{}", query(&[("service", &form.service), ("practitioner", &form.practitioner), ("screening", &form.screening), ("date", &local.date().to_string())]))) { "See all times" } }
            }
        }
        (errors.summary(label))
        dl.summary {
            dt { "Treatment" } dd { (service.name) " (" (service.duration_minutes()) " minutes, " (money(&clinic.setup.clinic.currency, &service.price)) ")" }
            dt { "When" } dd { time datetime=(booking::rfc3339(&local)) data-instant=(booking::rfc3339(&local)) { (format_local(&local)) } " (" (clinic.setup.clinic.timezone) ")" }
            dt { "With" } dd { (practitioner) }
        }
        p { a href=(format!("/book{}", query(&[("service", &form.service), ("practitioner", &form.practitioner), ("screening", &form.screening), ("date", &local.date().to_string())]))) { "Choose a different time" } }
        form method="post" action="/book" novalidate {
            (hidden(&[("service", &form.service), ("practitioner", &form.practitioner), ("start", &form.start), ("screening", &form.screening)]))
            input type="hidden" name="client_zone" value="";
            (Input { name: "name", label: "Full name", kind: "text", value: &form.name, hint: None, required: true, autocomplete: Some("name") }.render(errors))
            (Input { name: "email", label: "Email", kind: "email", value: &form.email, hint: Some("We send your confirmation and a link to change or cancel here."), required: true, autocomplete: Some("email") }.render(errors))
            (Input { name: "phone", label: "Phone", kind: "tel", value: &form.phone, hint: Some("So we can reach you if something changes."), required: false, autocomplete: Some("tel") }.render(errors))
            (Input { name: "notes", label: "Anything we should know?", kind: "textarea", value: &form.notes, hint: None, required: false, autocomplete: None }.render(errors))
            button type="submit" { "Confirm booking" }
        }
    };
    let status = if problem.is_some() || !errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (
        status,
        page(
            state,
            PageMeta::new("Your details", "Confirm your appointment.", "/book/details").private(),
            body,
        ),
    )
        .into_response()
}

/// `POST /book`: makes the booking, or shows the form again with what is wrong.
pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Form(form): Form<DetailsForm>,
) -> Response {
    let mut errors = FieldErrors::default();
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let client = match check_client(opt(&form.name), opt(&form.email), opt(&form.phone), "") {
        Ok(client) => Some(client),
        Err(found) => {
            errors.add_all(found);
            None
        }
    };
    if form.notes.chars().count() > 2000 {
        errors.add("notes", "Please keep notes under 2,000 characters.");
    }
    let (Some(client), true) = (client, errors.is_empty()) else {
        return details_page(&state, &form, &errors, None, &[]).await;
    };
    let Ok(start) = parse_start(&form.start) else {
        return Redirect::to("/book").into_response();
    };
    if let Err(wait) = state.booking_limiter.check(addr) {
        let message = format!(
            "We have received many bookings from your connection; please try again in {} minutes or call us.",
            wait.div_ceil(60)
        );
        return details_page(&state, &form, &errors, Some(&message), &[]).await;
    }
    let input = BookingInput {
        service_id: form.service.clone(),
        start,
        practitioner: opt(&form.practitioner),
        client,
        screening_id: opt(&form.screening),
        notes: form.notes.trim().to_owned(),
    };
    match booking::book(&state, input, Actor::Client).await {
        Ok(booked) => {
            Redirect::to(&format!("/manage/{}?booked=1", booked.manage_token)).into_response()
        }
        Err(err) => booking_failed(&state, &form, err).await,
    }
}

async fn booking_failed(state: &AppState, form: &DetailsForm, err: ApiError) -> Response {
    let mut errors = FieldErrors::default();
    match err.kind {
        ProblemKind::SlotUnavailable => {
            let clinic = state.clinic();
            let start = parse_start(&form.start).unwrap_or_else(|_| jiff::Timestamp::now());
            let practitioner = Some(form.practitioner.as_str()).filter(|p| !p.is_empty());
            let nearest =
                booking::nearest_free(state, &clinic, &form.service, start, practitioner).await;
            let message = "Sorry, someone booked that time a moment before you. Your details are kept below: pick one of the nearest free times, or choose another day.";
            details_page(state, form, &errors, Some(message), &nearest).await
        }
        ProblemKind::Internal => details_page(state, form, &errors, Some(&err.detail), &[]).await,
        _ => match err.field.as_deref() {
            Some(field @ ("name" | "email" | "phone" | "notes")) => {
                errors.add(field, err.detail);
                details_page(state, form, &errors, None, &[]).await
            }
            _ => details_page(state, form, &errors, Some(&err.detail), &[]).await,
        },
    }
}
