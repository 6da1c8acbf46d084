//! `/admin`: today at a glance for the front desk: arrivals in order, with one-tap status.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use store::{Booking, BookingStatus};

use super::layout::admin_page;
use crate::auth::{Role, StaffSession};
use crate::state::AppState;
use clinic::ClinicSnapshot;

/// The clinic-local day `date` as an instant range.
pub fn day_bounds(
    clinic: &ClinicSnapshot,
    date: jiff::civil::Date,
) -> (jiff::Timestamp, jiff::Timestamp) {
    let start = date
        .to_zoned_datetime(clinic.timezone.clone())
        .map(|z| z.timestamp())
        .unwrap_or_else(|_| jiff::Timestamp::now());
    let end = date
        .tomorrow()
        .ok()
        .and_then(|d| d.to_zoned_datetime(clinic.timezone.clone()).ok())
        .map_or(start + jiff::SignedDuration::from_hours(24), |z| {
            z.timestamp()
        });
    (start, end)
}

/// Bookings a staff member may see: practitioners see their own.
pub fn visible(session: &StaffSession, bookings: Vec<Booking>) -> Vec<Booking> {
    match (session.role, &session.staff.practitioner_id) {
        (Role::Practitioner, Some(p)) => bookings
            .into_iter()
            .filter(|b| &b.practitioner_id == p)
            .collect(),
        (Role::Practitioner, None) => Vec::new(),
        _ => bookings,
    }
}

/// A booking's line on Today: a treatment whose consent is missing says so, arriving goes
/// through the arrival check, and clinical roles (`clinical`) open an arrived treatment's
/// record from it.
pub fn booking_row_flagged(
    clinic: &ClinicSnapshot,
    b: &Booking,
    consent_missing: bool,
    clinical: bool,
) -> Markup {
    let setup = &clinic.setup;
    let start = b.start.to_zoned_datetime(clinic.timezone.clone());
    html! {
        tr {
            td { (clinic.clock(&start)) }
            td { a href=(format!("/admin/bookings/{}", b.id)) { (b.client.name) } }
            td { (setup.service(&b.service_id).map_or(b.service_id.as_str(), |s| s.name.as_str())) }
            td { (setup.practitioner(&b.practitioner_id).map_or(b.practitioner_id.as_str(), |p| p.name.as_str())) }
            td { (setup.room(&b.room_id).map_or(b.room_id.as_str(), |r| r.name.as_str())) }
            td {
                span class=(format!("status {}", b.status.as_str())) { (b.status.as_str().replace('_', " ")) }
                @if consent_missing { " " strong.blocker { "Consent missing" } }
            }
            td { (action_cell(clinic, b, clinical)) }
        }
    }
}

/// Whether a booking's treatment needs a screening and none is on file: the desk booked it
/// by phone and nobody has gone through the questions with the client yet.
pub fn no_screening_on_file(clinic: &ClinicSnapshot, b: &Booking) -> bool {
    b.screening_id.is_none()
        && clinic
            .setup
            .service(&b.service_id)
            .is_some_and(|s| s.requires_screening)
}

/// What the desk can do with a booking today, and when there is nothing, why not: a row is
/// never left with an empty Action cell.
fn action_cell(clinic: &ClinicSnapshot, b: &Booking, clinical: bool) -> Markup {
    let who = html! { span.visually-hidden { ": " (b.client.name) } };
    html! {
        @match b.status {
            BookingStatus::Confirmed | BookingStatus::PendingReview => {
                a.button.small href=(format!("/admin/bookings/{}/arrival", b.id)) { "Arrival check" (who) }
                @if b.status == BookingStatus::PendingReview {
                    br;
                    span.small {
                        @if no_screening_on_file(clinic, b) {
                            "No screening on file: the client answers the questions at the arrival check, and a practitioner confirms before treatment."
                        } @else {
                            "Held for a practitioner's review before treatment."
                        }
                    }
                }
            }
            BookingStatus::Arrived => {
                @if clinical && service::is_treatment(clinic, &b.service_id) {
                    a.button.small href=(format!("/admin/bookings/{}/record", b.id)) { "Treatment record" (who) }
                } @else {
                    span.small { "Already arrived." }
                }
            }
            BookingStatus::Completed => span.small { "Visit completed." },
            BookingStatus::NoShow => span.small { "Marked as a no-show." },
            BookingStatus::Cancelled | BookingStatus::Declined => span.small { "Not going ahead." },
        }
    }
}

/// The table header matching [`booking_row_flagged`].
pub fn booking_table(rows: Markup) -> Markup {
    html! {
        div.table-scroll {
            table {
                thead { tr { th scope="col" { "Time" } th scope="col" { "Client" } th scope="col" { "Service" } th scope="col" { "Practitioner" } th scope="col" { "Room" } th scope="col" { "Status" } th scope="col" { "Action" } } }
                tbody { (rows) }
            }
        }
    }
}

/// `GET /admin`.
pub async fn page(State(state): State<AppState>, session: StaffSession) -> Response {
    let clinic = state.clinic();
    let today = clinic.today();
    let (from, to) = day_bounds(&clinic, today);
    let bookings = match state.store.bookings_between(from, to).await {
        Ok(b) => visible(&session, b),
        Err(err) => return crate::error::ApiError::internal(err).into_response(),
    };
    let live: Vec<&Booking> = bookings.iter().filter(|b| b.status.is_live()).collect();
    let arrived = live
        .iter()
        .filter(|b| matches!(b.status, BookingStatus::Arrived | BookingStatus::Completed))
        .count();
    let pending = if session.role.sees_clinical() {
        state
            .store
            .bookings_pending_review()
            .await
            .map(|v| v.len())
            .unwrap_or(0)
    } else {
        0
    };
    // Every role sees which treatments still lack a signed consent, never more.
    let mut consent_missing = Vec::with_capacity(live.len());
    for b in &live {
        let consent = state.flows.consent_state(b).await;
        consent_missing.push(consent.is_ok_and(|c| {
            c.blocks_treatment()
                && matches!(
                    b.status,
                    BookingStatus::Confirmed
                        | BookingStatus::PendingReview
                        | BookingStatus::Arrived
                )
        }));
    }
    // Every role learns that an alert is open; only clinical roles open its details.
    let open_alerts = state.flows.open_alert_count().await.unwrap_or(0);
    let body = html! {
        h1 { "Today, " (today.strftime("%A %-d %B")) }
        @if open_alerts > 0 {
            div.notice.danger role="alert" { p { strong {
                @if session.role.sees_clinical() {
                    a href="/admin/alerts" { (open_alerts) " aftercare alert(s) not yet acknowledged" }
                } @else {
                    (open_alerts) " aftercare alert(s) not yet acknowledged: tell a practitioner"
                }
            } } }
        }
        p { (live.len()) " appointments, " (arrived) " arrived. "
            a href=(format!("/admin/calendar?date={today}")) { "Open the day view" } }
        @if pending > 0 { div.notice.warn { p { a href="/admin/review" { (pending) " booking(s) waiting for screening review" } } } }
        @if live.is_empty() { p.notice { "No appointments today." } } @else {
            (booking_table(html! { @for (b, missing) in live.iter().zip(&consent_missing) { (booking_row_flagged(&clinic, b, *missing, session.role.sees_clinical())) } }))
        }
        p.cta-inline { a.button href="/admin/bookings/new" { "New booking for a client" } }
    };
    admin_page(&state, &session, "Today", "/admin", body).into_response()
}
