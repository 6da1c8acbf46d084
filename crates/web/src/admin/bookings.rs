//! One booking in the back office: details, status, moving it, and booking on a client's
//! behalf. Staff go through the same engine and database guarantees as clients; they may
//! skip the notice window but never an overlap.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use clinic::ClinicSnapshot;
use maud::{Markup, html};
use serde::Deserialize;
use service::{Actor, Refusal, StaffStatus};
use store::{Booking, BookingStatus};

use super::flash::{self, DoneQuery};
use super::layout::{admin_page, csrf_field};
use crate::auth::{Role, StaffSession};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::refusal::FormRefusal;

/// Loads a booking the staff member may see, or the answer to send instead.
pub async fn load(state: &AppState, session: &StaffSession, id: &str) -> Result<Booking, Response> {
    let booking = match state.store.booking(id).await {
        Ok(Some(b)) => b,
        Ok(None) => {
            return Err((
                StatusCode::NOT_FOUND,
                admin_page(
                    state,
                    session,
                    "Not found",
                    "",
                    html! { h1 { "No such booking" } },
                ),
            )
                .into_response());
        }
        Err(err) => return Err(ApiError::internal(err).into_response()),
    };
    if !may_see(session, &booking) {
        return Err(crate::auth::forbidden());
    }
    Ok(booking)
}

/// A practitioner sees their own bookings; the desk and admins see every booking.
pub fn may_see(session: &StaffSession, booking: &Booking) -> bool {
    session.role != Role::Practitioner
        || session.staff.practitioner_id.as_deref() == Some(booking.practitioner_id.as_str())
}

fn local_start(clinic: &ClinicSnapshot, date: &str, time: &str) -> Result<jiff::Timestamp, String> {
    let date: jiff::civil::Date = date.parse().map_err(|_| "Choose a date.".to_owned())?;
    let time: jiff::civil::Time = time
        .parse()
        .map_err(|_| "Choose a time, e.g. 09:30.".to_owned())?;
    date.to_datetime(time)
        .to_zoned_datetime(clinic.timezone.clone())
        .map(|z| z.timestamp())
        .map_err(|e| e.to_string())
}

/// A refusal in the desk's words: for staff a clash is a clash, not a race, and the
/// nearest free times come with it.
fn staff_words(err: &FormRefusal, clinic: &ClinicSnapshot) -> String {
    match &err.lost_race {
        Some(nearest) if !nearest.is_empty() => {
            let times: Vec<String> = nearest
                .iter()
                .map(|s| clinic.when(&s.start))
                .collect();
            format!(
                "that time overlaps another booking for the practitioner, or every room is in use then. The nearest free times: {}.",
                times.join("; ")
            )
        }
        Some(_) => "that time overlaps another booking for the practitioner, or every room is in use then, and nothing is free nearby.".into(),
        None => err.message.clone(),
    }
}

/// `GET /admin/bookings/{id}`.
pub async fn show(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Response {
    let b = match load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    if let Err(e) = crate::audit::record_reads(
        &state,
        &[crate::audit::read("booking", &b.id, &b.client.id)],
    )
    .await
    {
        return e.into_response();
    }
    let clinic = state.clinic();
    let screening = match (&b.screening_id, session.role.sees_clinical()) {
        (Some(sid), true) => state.store.screening(sid).await.ok().flatten(),
        _ => None,
    };
    let visit = super::visits::arrival::booking_panel(&state, &b).await;
    let overridden = state.store.completion_override(&b.id).await.ok().flatten();
    let agreement = state.store.policy_agreement(&b.id).await.ok().flatten();
    let messages = state
        .store
        .messages_for_booking(&b.id)
        .await
        .unwrap_or_default();
    let undo_until = state
        .flows
        .undo_until(&b, jiff::Timestamp::now())
        .await
        .ok()
        .flatten();
    let body = html! {
        (flash::notice(&done.done))
        @if let Some(until) = undo_until { (super::undo::offer(&clinic, &session, &b, until)) }
        (detail(&clinic, &session, &b, screening.as_ref(), None, visit))
        @if let Some(o) = overridden {
            p.notice { "Completed without a signed treatment record on "
                (clinic.when(&o.at.to_zoned_datetime(clinic.timezone.clone()))) ". Reason given: " (o.reason) }
        }
        (super::booking_policy::panel(&clinic, &b, agreement.as_ref()))
        (super::messages::panel(&clinic, &messages))
    };
    admin_page(
        &state,
        &session,
        &format!("Booking {}", b.reference),
        "",
        body,
    )
    .into_response()
}

fn detail(
    clinic: &ClinicSnapshot,
    session: &StaffSession,
    b: &Booking,
    screening: Option<&store::ScreeningRecord>,
    problem: Option<&str>,
    visit: Option<Markup>,
) -> Markup {
    let setup = &clinic.setup;
    let start = b.start.to_zoned_datetime(clinic.timezone.clone());
    html! {
        h1 { "Booking " (b.reference) }
        @if let Some(p) = problem { div.notice.danger role="alert" { p { (p) } } }
        dl.summary {
            dt { "Client" } dd { a href=(format!("/admin/clients/{}", b.client.id)) { (b.client.name) } @if let Some(e) = b.client.email_address() { " · " (e) } @else { " · no email" } @if let Some(p) = &b.client.phone { " · " a href=(format!("tel:{}", p.replace(' ', ""))) { (p) } } }
            @if let Some(typed) = b.booked_differently() {
                dt { "Booked as" } dd {
                    (super::clients::booked_as_text(typed))
                    form.cta-inline method="post" action=(format!("/admin/bookings/{}/update-client", b.id)) {
                        (csrf_field(session))
                        button.small.secondary type="submit" { "Use these details for the client" }
                    }
                }
            }
            dt { "Treatment" } dd { (setup.service(&b.service_id).map_or(b.service_id.as_str(), |s| s.name.as_str())) }
            dt { "When" } dd { (clinic.when(&start)) }
            dt { "Practitioner" } dd { (setup.practitioner(&b.practitioner_id).map_or(b.practitioner_id.as_str(), |p| p.name.as_str())) }
            dt { "Room" } dd { (setup.room(&b.room_id).map_or(b.room_id.as_str(), |r| r.name.as_str())) }
            dt { "Status" } dd { span class=(format!("status {}", b.status.as_str())) { (b.status.as_str().replace('_', " ")) } }
            @if !b.notes.is_empty() { dt { "Client's notes" } dd { (b.notes) } }
            @if let Some(note) = &b.review_note { dt { "Review note" } dd { (note) } }
        }
        @if b.client.email_address().is_none() && b.status.is_live() {
            p.notice.warn { strong { "No email address on file." } " Nothing is mailed to this client: read the reference, day and time out to them, or print this page." }
        }
        (super::screening_link::no_screening_panel(clinic, session, b))
        @if let Some(visit) = visit { (visit) }
        @if session.role.sees_clinical() { p { a href=(format!("/admin/bookings/{}/photos", b.id)) { "Before and after photos" } } }
        @if let Some(s) = screening { (screening_panel(clinic, s)) }
        @else if b.screening_id.is_some() && !session.role.sees_clinical() { p.muted { "A safety screening is on file; its answers are visible to practitioners only." } }
        @if b.status == BookingStatus::PendingReview && session.role.sees_clinical() {
            (super::review::review_form(session, b, &service::Approval::of(clinic, screening.map_or("", |s| s.findings.as_str()))))
        }
        @if session.role.sees_clinical() && service::is_treatment(clinic, &b.service_id) {
            p { a.button.secondary href=(format!("/admin/bookings/{}/record", b.id)) { "Treatment record" } }
        }
        @if b.status.is_live() {
            h2 { "Status" }
            form.cta-inline method="post" action=(format!("/admin/bookings/{}/status", b.id)) {
                (csrf_field(session))
                button.small.secondary type="submit" name="status" value="arrived" { "Arrived" }
                button.small.secondary type="submit" name="status" value="completed" { "Completed" }
                @if service::is_treatment(clinic, &b.service_id) {
                    div.field { label for="override-reason" { "Reason to complete without a signed treatment record" span.muted { " (only when there is none)" } } textarea #override-reason name="override_reason" {} }
                }
            }
            p.muted.small { "No-show and cancelling each ask you to confirm first." }
            form.cta-inline method="post" action=(format!("/admin/bookings/{}/status", b.id)) {
                (csrf_field(session))
                button.small.secondary type="submit" name="status" value="no_show" { "No-show…" }
                button.small.danger type="submit" name="status" value="cancelled" { "Cancel booking…" }
            }
            h2 { "Move" }
            form method="post" action=(format!("/admin/bookings/{}/move", b.id)) {
                (csrf_field(session))
                div.field { label for="move-date" { "Date" } input #move-date type="date" name="date" value=(start.date().to_string()) required; }
                div.field { label for="move-time" { "Time" } input #move-time type="time" name="time" value=(start.strftime("%H:%M").to_string()) step="300" required; }
                div.field {
                    label for="move-practitioner" { "Practitioner" }
                    select #move-practitioner name="practitioner" {
                        @for p in setup.practitioners.iter().filter(|p| p.services.contains(&b.service_id)) {
                            option value=(p.id) selected[p.id == b.practitioner_id] { (p.name) }
                        }
                    }
                }
                button type="submit" { "Move booking" }
            }
        }
    }
}

fn screening_panel(clinic: &ClinicSnapshot, s: &store::ScreeningRecord) -> Markup {
    let findings: Vec<serde_json::Value> = serde_json::from_str(&s.findings).unwrap_or_default();
    html! {
        h2 { "Safety screening" }
        p { "Outcome when answered: " strong { (s.outcome.replace('_', " ")) } @if let Some(d) = &s.earliest_date { " (earliest " (d) ")" } " · rule set " (s.ruleset_version) }
        @if !findings.is_empty() {
            ul { @for f in &findings { li { strong { (f["outcome"].as_str().unwrap_or("").replace('_', " ")) } ": " (f["message"].as_str().unwrap_or("")) " " span.small.muted { "(" (f["source"].as_str().unwrap_or("")) ")" } (super::review::finding_notes(clinic, f["rule"].as_str().unwrap_or(""))) } } }
        }
        details {
            summary { "Answers" }
            (super::answers::answers_list(clinic, &s.answers))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
    /// Completes a treatment without a signed record, with the reason kept.
    #[serde(default)]
    override_reason: String,
    /// `yes` once the confirm page has asked; a no-show or cancel without it only asks.
    #[serde(default)]
    confirm: String,
}

/// Whether a status takes a second, deliberate step: both tell the client something and
/// neither can be taken back from this page.
fn needs_confirming(status: StaffStatus) -> bool {
    matches!(status, StaffStatus::NoShow | StaffStatus::Cancelled)
}

/// "Are you sure?" for a no-show or a cancellation, with what will follow.
fn confirm_page(
    state: &AppState,
    session: &StaffSession,
    b: &Booking,
    status: StaffStatus,
) -> Response {
    let clinic = state.clinic();
    let setup = &clinic.setup;
    let start = b.start.to_zoned_datetime(clinic.timezone.clone());
    let service = setup
        .service(&b.service_id)
        .map_or(b.service_id.as_str(), |s| s.name.as_str());
    let (title, value, yes, consequence) = match status {
        StaffStatus::NoShow => (
            "Mark as a no-show?",
            "no_show",
            "Yes, mark as a no-show",
            "The booking is closed as missed.",
        ),
        _ => (
            "Cancel this booking?",
            "cancelled",
            "Yes, cancel the booking",
            "The time is freed for other clients, and the client is emailed that it is cancelled if we have their address.",
        ),
    };
    let body = html! {
        h1 { (title) }
        dl.summary {
            dt { "Client" } dd { (b.client.name) }
            dt { "Treatment" } dd { (service) }
            dt { "When" } dd { (clinic.when(&start)) }
            dt { "Reference" } dd { (b.reference) }
        }
        p { (consequence) }
        form.cta-inline method="post" action=(format!("/admin/bookings/{}/status", b.id)) {
            (csrf_field(session))
            input type="hidden" name="status" value=(value);
            input type="hidden" name="confirm" value="yes";
            button.danger type="submit" { (yes) }
            a.button.secondary href=(format!("/admin/bookings/{}", b.id)) { "Keep the booking" }
        }
    };
    admin_page(state, session, title, "", body).into_response()
}

/// `POST /admin/bookings/{id}/status`: arrived, completed, no-show or cancelled.
pub async fn set_status(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Response {
    let b = match load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let result = match StaffStatus::parse(&form.status) {
        Ok(status) if needs_confirming(status) && form.confirm != "yes" && b.status.is_live() => {
            return confirm_page(&state, &session, &b, status);
        }
        Ok(status) => {
            let reason = Some(form.override_reason.as_str()).filter(|r| !r.trim().is_empty());
            state
                .flows
                .set_status_overriding(&b, status, &session.staff.id, reason)
                .await
                .map(|_| status)
        }
        Err(refusal) => Err(refusal),
    };
    match result {
        Ok(status) => Redirect::to(&format!(
            "/admin/bookings/{id}?done={}",
            flash::status_done(status)
        ))
        .into_response(),
        Err(err) => {
            let err = FormRefusal::from(err);
            let clinic = state.clinic();
            let body = detail(&clinic, &session, &b, None, Some(&err.message), None);
            (
                err.status,
                admin_page(&state, &session, "Booking", "", body),
            )
                .into_response()
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    practitioner: String,
}

/// `POST /admin/bookings/{id}/move`.
pub async fn move_booking(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<MoveForm>,
) -> Response {
    let b = match load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let clinic = state.clinic();
    let result = match local_start(&clinic, &form.date, &form.time) {
        Err(message) => Err(Refusal::invalid("time", message)),
        Ok(start) => {
            let practitioner = Some(form.practitioner.as_str()).filter(|p| !p.is_empty());
            let actor = Actor::Staff {
                id: session.staff.id.clone(),
            };
            state
                .flows
                .reschedule(&b, start, practitioner, actor, None)
                .await
        }
    };
    match result {
        Ok(_) => Redirect::to(&format!("/admin/bookings/{id}?done=moved")).into_response(),
        Err(err) => {
            let err = FormRefusal::from(err);
            let body = detail(
                &clinic,
                &session,
                &b,
                None,
                Some(&format!("Not moved: {}", staff_words(&err, &clinic))),
                None,
            );
            (
                err.status,
                admin_page(&state, &session, "Booking", "", body),
            )
                .into_response()
        }
    }
}
