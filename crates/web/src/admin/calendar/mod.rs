//! `/admin/calendar`: the day view (a column per practitioner and per room, on an even time
//! scale, with each phase drawn so numbing and cleanup show as room-only time) and the week
//! view (a grid of days by practitioners with each day's hours, bookings and days off).

mod day;
mod week;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use maud::html;
use serde::Deserialize;
use store::BookingStatus;

use super::layout::admin_page;
use super::today::{day_bounds, visible};
use crate::auth::StaffSession;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct CalendarQuery {
    #[serde(default)]
    date: String,
    #[serde(default)]
    view: String,
}

/// The Monday of `date`'s week: the week view always starts there, and its title says so.
fn monday_of(date: Date) -> Date {
    date.checked_sub(jiff::Span::new().days(i64::from(date.weekday().to_monday_zero_offset())))
        .unwrap_or(date)
}

/// What a booking's state means at the desk, in words; `None` for a plain confirmed booking,
/// which needs no label.
fn status_label(status: BookingStatus) -> Option<&'static str> {
    match status {
        BookingStatus::Confirmed => None,
        BookingStatus::PendingReview => Some("Pending review"),
        BookingStatus::Arrived => Some("Arrived"),
        BookingStatus::Completed => Some("Completed"),
        BookingStatus::NoShow => Some("No-show"),
        BookingStatus::Cancelled => Some("Cancelled"),
        BookingStatus::Declined => Some("Declined"),
    }
}

/// Minutes past midnight of a wall-clock time; an opening span's `24:00` end is written as
/// midnight and read here as the end of the day.
fn minute_of(time: jiff::civil::Time, is_end: bool) -> i64 {
    let m = i64::from(time.hour()) * 60 + i64::from(time.minute());
    if is_end && m == 0 { 24 * 60 } else { m }
}

/// `"09:00"`: the calendar writes times on the 24-hour clock like the clinic file's hours.
fn clock(minute: i64) -> String {
    format!("{:02}:{:02}", (minute / 60) % 24, minute % 60)
}

/// `GET /admin/calendar?date=YYYY-MM-DD[&view=week]`.
pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    Query(q): Query<CalendarQuery>,
) -> Response {
    let clinic = state.clinic();
    let date: Date = q.date.parse().unwrap_or_else(|_| clinic.today());
    let week = q.view == "week";
    let monday = monday_of(date);
    let (from, to) = if week {
        let sunday = monday
            .checked_add(jiff::Span::new().days(6))
            .unwrap_or(monday);
        (day_bounds(&clinic, monday).0, day_bounds(&clinic, sunday).1)
    } else {
        day_bounds(&clinic, date)
    };
    let bookings = match state.store.bookings_between(from, to).await {
        Ok(b) => visible(&session, b)
            .into_iter()
            .filter(|b| b.status.is_live())
            .collect::<Vec<_>>(),
        Err(err) => return crate::error::ApiError::internal(err).into_response(),
    };
    let view = if week { "week" } else { "day" };
    let step = if week { 7 } else { 1 };
    let prev = date
        .checked_sub(jiff::Span::new().days(step))
        .unwrap_or(date);
    let next = date
        .checked_add(jiff::Span::new().days(step))
        .unwrap_or(date);
    let nav = html! {
        form.cta-inline method="get" action="/admin/calendar" {
            label for="cal-date" { "Jump to date" }
            input #cal-date type="date" name="date" value=(date.to_string());
            input type="hidden" name="view" value=(view);
            button.small type="submit" { "Go" }
            a href=(format!("/admin/calendar?date={prev}&view={view}")) { (if week { "← Previous week" } else { "← Previous day" }) }
            a href=(format!("/admin/calendar?date={next}&view={view}")) { (if week { "Next week →" } else { "Next day →" }) }
            @if week { a href=(format!("/admin/calendar?date={date}")) { "Day view" } } @else { a href=(format!("/admin/calendar?date={date}&view=week")) { "Week view" } }
        }
    };
    let body = if week {
        week::view(&clinic, &session, monday, &bookings)
    } else {
        day::view(&clinic, &session, date, &bookings)
    };
    let title = if week {
        format!("Week of {}", monday.strftime("%A %-d %B %Y"))
    } else {
        date.strftime("%A %-d %B %Y").to_string()
    };
    let page_body = html! { h1 { (title) } (nav) (body) };
    admin_page(&state, &session, &title, "/admin/calendar", page_body).into_response()
}

/// The practitioners a session's calendar shows: a practitioner sees their own column only.
fn shown_practitioners<'a>(
    clinic: &'a clinic::ClinicSnapshot,
    session: &StaffSession,
) -> Vec<&'a clinic::PractitionerSetup> {
    clinic
        .setup
        .practitioners
        .iter()
        .filter(|p| {
            session.role != crate::auth::Role::Practitioner
                || session.staff.practitioner_id.as_deref() == Some(p.id.as_str())
        })
        .collect()
}
