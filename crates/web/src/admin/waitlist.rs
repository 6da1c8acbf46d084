//! `/admin/waitlist`: the front desk's list of clients waiting for a day, with the offer
//! each holds, and "offer this time" by hand. Admins and the front desk only: the list
//! spans every practitioner's clients.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use maud::{Markup, html};
use serde::Deserialize;
use service::parse_start;
use store::{OfferStatus, WaitlistEntry};

use super::layout::{admin_page, csrf_field};
use crate::auth::{Role, StaffSession, forbidden};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::forms::query;
use crate::ui::refusal::FormRefusal;

/// The day asked for.
#[derive(Debug, Default, Deserialize)]
pub struct DayQuery {
    #[serde(default)]
    date: String,
    #[serde(default)]
    offered: Option<String>,
}

/// The "offer this time" form.
#[derive(Debug, Default, Deserialize)]
pub struct OfferForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    start: String,
}

/// `GET /admin/waitlist?date=YYYY-MM-DD`.
pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    Query(q): Query<DayQuery>,
) -> Response {
    if session.role == Role::Practitioner {
        return forbidden();
    }
    let day = q.date.parse().unwrap_or_else(|_| state.clinic().today());
    let notice = q
        .offered
        .is_some()
        .then_some("Offer sent; the time is held for the client.");
    render(&state, &session, day, notice, None, StatusCode::OK).await
}

/// `POST /admin/waitlist/{id}/offer`: offers a time to one entry by hand.
pub async fn offer(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<OfferForm>,
) -> Response {
    if session.role == Role::Practitioner {
        return forbidden();
    }
    let clinic = state.clinic();
    let day = form.date.parse().unwrap_or_else(|_| clinic.today());
    let result = match parse_start(&form.start) {
        Ok(start) => {
            state
                .flows
                .offer_by_hand(&id, start, None, &session.staff.id)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Redirect::to(&format!(
            "/admin/waitlist{}",
            query(&[("date", &day.to_string()), ("offered", "1")])
        ))
        .into_response(),
        Err(err) => {
            let err = FormRefusal::from(err);
            let message = if err.lost_race.is_some() {
                "That time is no longer free; pick another.".to_owned()
            } else {
                err.message
            };
            render(&state, &session, day, None, Some((id, message)), err.status).await
        }
    }
}

async fn render(
    state: &AppState,
    session: &StaffSession,
    day: Date,
    notice: Option<&str>,
    failed: Option<(String, String)>,
    status: StatusCode,
) -> Response {
    let entries = match state.store.waitlist_for_day(day).await {
        Ok(e) => e,
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let mut rows = Vec::with_capacity(entries.len());
    for entry in &entries {
        let open = match state.store.offers_for_entry(&entry.id).await {
            Ok(offers) => offers.into_iter().find(|o| o.status == OfferStatus::Open),
            Err(err) => return ApiError::internal(err).into_response(),
        };
        let slots = if open.is_none() {
            state
                .flows
                .availability(
                    &entry.service_id,
                    day,
                    day,
                    entry.practitioner_id.as_deref(),
                    None,
                )
                .await
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        rows.push(row(
            state,
            session,
            entry,
            day,
            open,
            &slots,
            failed.as_ref(),
        ));
    }
    let (prev, next) = (
        day.yesterday().unwrap_or(day),
        day.tomorrow().unwrap_or(day),
    );
    let day_link = |d: Date| format!("/admin/waitlist{}", query(&[("date", &d.to_string())]));
    let body = html! {
        h1 { "Waitlist for " (day.strftime("%A %-d %B %Y")) }
        p.cta-inline {
            a.button.small.secondary href=(day_link(prev)) { "Previous day" }
            a.button.small.secondary href=(day_link(next)) { "Next day" }
        }
        p { "Clients waiting for a time on this day, first joined first. A freed time is offered to them automatically; offer one by hand here. An offered time is held for the client until the offer is accepted, declined or expires." }
        @if let Some(text) = notice { div.notice.ok role="status" { p { (text) } } }
        @if entries.is_empty() { p { "Nobody is waiting for this day." } }
        @for r in &rows { (r) }
    };
    (
        status,
        admin_page(state, session, "Waitlist", "/admin/waitlist", body),
    )
        .into_response()
}

fn row(
    state: &AppState,
    session: &StaffSession,
    entry: &WaitlistEntry,
    day: Date,
    open: Option<store::Offer>,
    slots: &[scheduling::Slot],
    failed: Option<&(String, String)>,
) -> Markup {
    let clinic = state.clinic();
    let tz = clinic.timezone.clone();
    let when = |t: jiff::Timestamp| clinic.when(&t.to_zoned_datetime(tz.clone()));
    let service = clinic
        .setup
        .service(&entry.service_id)
        .map_or(entry.service_id.as_str(), |s| s.name.as_str());
    let who = entry
        .practitioner_id
        .as_deref()
        .and_then(|p| clinic.setup.practitioner(p))
        .map_or("anyone", |p| p.name.as_str());
    let failed_here = failed.filter(|(id, _)| *id == entry.id);
    html! {
        section.waitlist-entry {
            h2 { (entry.joined_as.name) " · " (service) }
            p {
                (entry.client.email)
                @if let Some(phone) = &entry.joined_as.phone { " · " a href={"tel:" (phone)} { (phone) } }
            }
            p { "Wants " (entry.from) " to " (entry.to) ", "
                @if entry.times.is_empty() { "any time" } @else { (entry.times.join(", ")) }
                ", with " (who) ". Joined " (when(entry.joined_at)) "." }
            @if let Some((_, message)) = failed_here { p.error role="alert" { (message) } }
            @if let Some(offer) = &open {
                p { strong { "Offered: " } (when(offer.start)) ", held until " (when(offer.expires_at)) "." }
            } @else if slots.is_empty() {
                p { "No free time for this service on this day." }
            } @else {
                form method="post" action={"/admin/waitlist/" (entry.id) "/offer"} {
                    (csrf_field(session))
                    input type="hidden" name="date" value=(day.to_string());
                    label for={"start-" (entry.id)} { "Offer this time" }
                    select id={"start-" (entry.id)} name="start" {
                        @for s in slots {
                            option value=(clinic::rfc3339(&s.start)) { (clinic.clock(&s.start)) }
                        }
                    }
                    button type="submit" { "Offer" }
                }
            }
        }
    }
}
