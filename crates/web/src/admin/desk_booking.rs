//! Booking by phone: the desk picks the service, the practitioner and the day, sees that
//! day's free times from the engine (without the online notice period, as its bookings
//! have none), types the client's details and taps a time. A client without email is
//! booked by phone number; a clash offers the nearest free times as buttons.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use clinic::{ClinicSnapshot, rfc3339};
use jiff::civil::Date;
use maud::{Markup, html};
use scheduling::Slot;
use serde::Deserialize;
use service::{Actor, BookingInput, check_desk_client, parse_start};

use super::layout::{admin_page, csrf_field};
use crate::auth::StaffSession;
use crate::state::AppState;
use crate::ui::forms::{FieldErrors, Input, query};
use crate::ui::picker::by_date;
use crate::ui::refusal::FormRefusal;

/// How many days ahead the page looks for free times, and offers as other days.
const DAYS_AHEAD: i64 = 14;

/// The new-booking page's choices, from its "find a time" form and from the booking form.
#[derive(Debug, Default, Deserialize)]
pub struct NewBookingForm {
    #[serde(default)]
    service: String,
    #[serde(default)]
    practitioner: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    /// A free time tapped in the list, as an RFC 3339 start; wins over `date` and `time`.
    #[serde(default)]
    pick: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    notes: String,
    /// `1` when the desk came from a free cell of the day view: `time` was chosen there, so
    /// the form keeps it through a change of service and says whether the service fits.
    #[serde(default)]
    cell: String,
}

fn local_start(clinic: &ClinicSnapshot, date: &str, time: &str) -> Result<jiff::Timestamp, String> {
    let date: Date = date.parse().map_err(|_| "Choose a date.".to_owned())?;
    let time: jiff::civil::Time = time
        .parse()
        .map_err(|_| "Choose a time from the list, or type one, e.g. 09:30.".to_owned())?;
    date.to_datetime(time)
        .to_zoned_datetime(clinic.timezone.clone())
        .map(|z| z.timestamp())
        .map_err(|e| e.to_string())
}

/// The day's free times and the next days that have any, for the page to offer.
struct Offer {
    day: Date,
    times: Vec<Slot>,
    other_days: Vec<(Date, usize)>,
}

/// Looks up free times from `wanted` (today when unset) over the next fortnight; when the
/// desk named no day, the first day with a free time is shown.
async fn offer(
    state: &AppState,
    session: &StaffSession,
    form: &NewBookingForm,
    day_chosen: bool,
) -> Offer {
    let clinic = state.clinic();
    let today = clinic.today();
    let wanted: Date = form.date.parse().unwrap_or(today).max(today);
    let to = wanted
        .checked_add(jiff::Span::new().days(DAYS_AHEAD))
        .unwrap_or(wanted);
    let actor = Actor::Staff {
        id: session.staff.id.clone(),
    };
    let practitioner = Some(form.practitioner.as_str()).filter(|p| !p.is_empty());
    let slots = state
        .flows
        .availability_for(&actor, &form.service, wanted, to, practitioner, None)
        .await
        .unwrap_or_default();
    let days = by_date(&slots);
    let day = if day_chosen {
        wanted
    } else {
        days.keys().next().copied().unwrap_or(wanted)
    };
    let times = days
        .get(&day)
        .map(|d| d.iter().map(|s| (*s).clone()).collect())
        .unwrap_or_default();
    let other_days = days
        .iter()
        .filter(|(d, _)| **d != day)
        .take(7)
        .map(|(d, s)| (*d, s.len()))
        .collect();
    Offer {
        day,
        times,
        other_days,
    }
}

/// A free time as a button that books it with the details typed above.
fn time_button(clinic: &ClinicSnapshot, slot: &Slot, with_day: bool) -> Markup {
    let label = if with_day {
        format!(
            "{}, {}",
            slot.start.strftime("%a %-d %b"),
            clinic.clock(&slot.start)
        )
    } else {
        clinic.clock(&slot.start)
    };
    html! {
        li { button.secondary type="submit" name="pick" value=(rfc3339(&slot.start)) {
            span.visually-hidden { "Book at " } (label)
        } }
    }
}

fn page(
    state: &AppState,
    session: &StaffSession,
    form: &NewBookingForm,
    offer: &Offer,
    errors: &FieldErrors,
    problem: Option<(&str, &[Slot])>,
) -> Markup {
    let clinic = state.clinic();
    let setup = &clinic.setup;
    let day_link = |d: Date| {
        format!(
            "/admin/bookings/new{}",
            query(&[
                ("service", &form.service),
                ("practitioner", &form.practitioner),
                ("date", &d.to_string()),
            ])
        )
    };
    let body = html! {
        h1 { "New booking for a client" }
        p.muted { "Same rules as online booking, except the notice period. Treatments booked without an online screening are held for review." }
        @if let Some((message, alternatives)) = problem {
            div.notice.danger role="alert" {
                p { (message) }
                @if !alternatives.is_empty() {
                    p { "The nearest free times: tap one to book it with the details below." }
                }
            }
        }
        (errors.summary(|f| f.to_owned()))
        h2 { "1. Find a time" }
        form.find-time method="get" action="/admin/bookings/new" {
            div.field {
                label for="nb-service" { "Service" }
                select #nb-service name="service" { @for s in &setup.services { option value=(s.id) selected[s.id == form.service] { (s.name) " (" (s.duration_minutes()) " min)" } } }
            }
            div.field {
                label for="nb-practitioner" { "Practitioner" }
                select #nb-practitioner name="practitioner" {
                    option value="" { "First available" }
                    @for p in &setup.practitioners { option value=(p.id) selected[p.id == form.practitioner] { (p.name) } }
                }
            }
            div.field {
                label for="nb-day" { "Day" }
                input #nb-day type="date" name="date" value=(offer.day.to_string());
            }
            @if form.cell == "1" {
                input type="hidden" name="time" value=(form.time);
                input type="hidden" name="cell" value="1";
            }
            button.secondary type="submit" { "Show free times" }
        }
        @if !offer.other_days.is_empty() {
            nav aria-label="Other days with free times" {
                p.small { "Other days: "
                    @for (i, (d, n)) in offer.other_days.iter().enumerate() {
                        @if i > 0 { " · " }
                        a href=(day_link(*d)) { (d.strftime("%a %-d %b")) " (" (n) " free)" }
                    }
                }
            }
        }
        form method="post" action="/admin/bookings" {
            (csrf_field(session))
            input type="hidden" name="service" value=(form.service);
            input type="hidden" name="practitioner" value=(form.practitioner);
            input type="hidden" name="date" value=(offer.day.to_string());
            h2 { "2. The client" }
            (Input { name: "name", label: "Client name", kind: "text", value: &form.name, hint: None, required: true, autocomplete: None }.render(errors))
            (Input { name: "phone", label: "Client phone", kind: "tel", value: &form.phone, hint: Some("Needed when there is no email address."), required: false, autocomplete: None }.render(errors))
            (Input { name: "email", label: "Client email", kind: "email", value: &form.email, hint: Some("Optional. Without it nothing is mailed: read the confirmation out or print the booking page."), required: false, autocomplete: None }.render(errors))
            (Input { name: "notes", label: "Notes", kind: "textarea", value: &form.notes, hint: None, required: false, autocomplete: None }.render(errors))
            @if let Some((_, alternatives)) = problem.filter(|(_, a)| !a.is_empty()) {
                h2 { "The nearest free times" }
                p.hint { "Or pick another time on this day below." }
                ul.times { @for slot in alternatives { (time_button(&clinic, slot, true)) } }
            }
            h2 #free-times { "3. Free times on " (offer.day.strftime("%A %-d %B")) }
            @if offer.times.is_empty() {
                p.notice { "No free time on this day for this choice. Try another day above." }
            } @else {
                p.hint { "Tap a time to book it. Times are in the clinic's time zone (" (setup.clinic.timezone) ")." }
                ul.times { @for slot in &offer.times { (time_button(&clinic, slot, false)) } }
            }
            details open[errors.get("time").is_some() || form.cell == "1"] {
                summary { "Another time" }
                (Input { name: "time", label: "Start time", kind: "time", value: &form.time, hint: Some("In the clinic's time zone, on the day above."), required: false, autocomplete: None }.render(errors))
                button type="submit" { "Book" }
            }
        }
    };
    admin_page(state, session, "New booking", "/admin/bookings/new", body)
}

/// The service shown when the desk has not chosen one: the first on the list.
fn default_service(clinic: &ClinicSnapshot, form: &mut NewBookingForm) {
    if clinic.setup.service(&form.service).is_none() {
        form.service = clinic
            .setup
            .services
            .first()
            .map(|s| s.id.clone())
            .unwrap_or_default();
    }
}

/// `GET /admin/bookings/new`: the free times of the chosen (or first free) day, with the
/// time box on the next free time, never on a time already past.
pub async fn new_form(
    State(state): State<AppState>,
    session: StaffSession,
    Query(mut form): Query<NewBookingForm>,
) -> Response {
    let clinic = state.clinic();
    default_service(&clinic, &mut form);
    let day_chosen = !form.date.is_empty();
    let offer = offer(&state, &session, &form, day_chosen).await;
    if form.time.is_empty()
        && let Some(first) = offer.times.first()
    {
        form.time = first.start.strftime("%H:%M").to_string();
    }
    let chosen = match (
        form.cell.as_str(),
        local_start(&clinic, &form.date, &form.time),
    ) {
        ("1", Ok(start)) => Some(start),
        _ => None,
    };
    let misfit = match chosen {
        Some(start) if !offer.times.iter().any(|s| s.start.timestamp() == start) => {
            let practitioner = Some(form.practitioner.as_str()).filter(|p| !p.is_empty());
            let nearest = state
                .flows
                .nearest_free(&form.service, start, practitioner)
                .await;
            Some((misfit_words(&clinic, &form), nearest))
        }
        _ => None,
    };
    page(
        &state,
        &session,
        &form,
        &offer,
        &FieldErrors::default(),
        misfit.as_ref().map(|(m, n)| (m.as_str(), n.as_slice())),
    )
    .into_response()
}

/// `POST /admin/bookings`.
pub async fn create(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<NewBookingForm>,
) -> Response {
    let clinic = state.clinic();
    let mut errors = FieldErrors::default();
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let start = if form.pick.is_empty() {
        local_start(&clinic, &form.date, &form.time)
            .map_err(|m| errors.add("time", m))
            .ok()
    } else {
        parse_start(&form.pick)
            .map_err(|e| errors.add("time", e.to_string()))
            .ok()
    };
    let client = match check_desk_client(opt(&form.name), opt(&form.email), opt(&form.phone)) {
        Ok(client) => Some(client),
        Err(found) => {
            errors.add_all(found);
            None
        }
    };
    let (Some(start), Some(client), true) = (start, client, errors.is_empty()) else {
        let offer = offer(&state, &session, &form, true).await;
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            page(&state, &session, &form, &offer, &errors, None),
        )
            .into_response();
    };
    let input = BookingInput {
        service_id: form.service.clone(),
        start,
        practitioner: opt(&form.practitioner),
        client,
        screening_id: None,
        notes: form.notes.trim().to_owned(),
        policy: None,
    };
    let actor = Actor::Staff {
        id: session.staff.id.clone(),
    };
    match state.flows.book(input, actor).await {
        Ok(booked) => Redirect::to(&format!(
            "/admin/bookings/{}?done=booked",
            booked.booking.id
        ))
        .into_response(),
        Err(err) => {
            let refusal = FormRefusal::from(err);
            let alternatives = refusal.lost_race.clone().unwrap_or_default();
            if let Some(field) = refusal.field.as_deref().filter(|f| *f != "start") {
                errors.add(field, refusal.message.clone());
            } else if refusal.lost_race.is_none() {
                errors.add("time", refusal.message.clone());
            }
            let message = staff_words(&refusal, start, &clinic);
            let mut shown = form;
            shown.date = start
                .to_zoned_datetime(clinic.timezone.clone())
                .date()
                .to_string();
            let offer = offer(&state, &session, &shown, true).await;
            (
                refusal.status,
                page(
                    &state,
                    &session,
                    &shown,
                    &offer,
                    &errors,
                    Some((message.as_str(), alternatives.as_slice())),
                ),
            )
                .into_response()
        }
    }
}

/// A refusal in the desk's words: for staff a clash is a clash, not a race.
fn staff_words(err: &FormRefusal, start: jiff::Timestamp, clinic: &ClinicSnapshot) -> String {
    if err.lost_race.is_some() {
        format!(
            "Not booked: {} overlaps another booking for the practitioner, or every room is in use then.",
            clinic.when(&start.to_zoned_datetime(clinic.timezone.clone()))
        )
    } else {
        format!("Not booked: {}", err.message)
    }
}

/// Why the service chosen cannot start at the time picked on the calendar.
fn misfit_words(clinic: &ClinicSnapshot, form: &NewBookingForm) -> String {
    let service = clinic
        .setup
        .service(&form.service)
        .map_or(form.service.as_str(), |s| s.name.as_str());
    let with = clinic
        .setup
        .practitioner(&form.practitioner)
        .map(|p| format!(" with {}", p.name))
        .unwrap_or_default();
    format!(
        "{service} cannot start at {}{with} on this day: it would overlap another booking, run past their hours, need a room that is in use, or fall off the clinic's time step. Choose another service above, or one of the nearest free times below.",
        form.time
    )
}
