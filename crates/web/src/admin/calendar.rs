//! `/admin/calendar`: the day view (a column per practitioner and per room, with each phase
//! drawn so numbing and cleanup show as room-only time) and the week view.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use maud::{Markup, html};
use serde::Deserialize;
use store::Booking;

use super::layout::admin_page;
use super::today::{day_bounds, visible};
use crate::auth::StaffSession;
use crate::state::AppState;
use clinic::ClinicSnapshot;

#[derive(Debug, Default, Deserialize)]
pub struct CalendarQuery {
    #[serde(default)]
    date: String,
    #[serde(default)]
    view: String,
}

/// One drawn block: a phase of a booking in a column.
struct Block<'a> {
    booking: &'a Booking,
    phase: String,
    from_min: i64,
    to_min: i64,
    room_only: bool,
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
    let (from, to) = if week {
        let monday = date
            .checked_sub(jiff::Span::new().days(i64::from(date.weekday().to_monday_zero_offset())))
            .unwrap_or(date);
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
    let nav = html! {
        form.cta-inline method="get" action="/admin/calendar" {
            label for="cal-date" { "Jump to date" }
            input #cal-date type="date" name="date" value=(date.to_string());
            input type="hidden" name="view" value=(if week { "week" } else { "day" });
            button.small type="submit" { "Go" }
            @let prev = date.checked_sub(jiff::Span::new().days(if week { 7 } else { 1 })).unwrap_or(date);
            @let next = date.checked_add(jiff::Span::new().days(if week { 7 } else { 1 })).unwrap_or(date);
            a href=(format!("/admin/calendar?date={prev}&view={}", if week { "week" } else { "day" })) { "← Previous" }
            a href=(format!("/admin/calendar?date={next}&view={}", if week { "week" } else { "day" })) { "Next →" }
            @if week { a href=(format!("/admin/calendar?date={date}")) { "Day view" } } @else { a href=(format!("/admin/calendar?date={date}&view=week")) { "Week view" } }
        }
    };
    let body = if week {
        week_view(&clinic, date, &bookings)
    } else {
        day_view(&clinic, &session, date, &bookings)
    };
    let title = if week {
        format!("Week of {}", date.strftime("%-d %B %Y"))
    } else {
        date.strftime("%A %-d %B %Y").to_string()
    };
    let page_body = html! { h1 { (title) } (nav) (body) };
    admin_page(&state, &session, &title, "/admin/calendar", page_body).into_response()
}

fn blocks<'a>(
    clinic: &ClinicSnapshot,
    day_start: jiff::Timestamp,
    bookings: &'a [Booking],
    column: &Column,
) -> Vec<Block<'a>> {
    let mut out = Vec::new();
    for b in bookings {
        let Some(service) = clinic.setup.service(&b.service_id) else {
            continue;
        };
        let mut at = b.start;
        for phase in &service.phases {
            let end = at + jiff::SignedDuration::from_mins(i64::from(phase.minutes));
            let uses_practitioner = phase.uses.iter().any(|u| u == "practitioner");
            let uses_room = phase.uses.iter().any(|u| u == "room");
            let shown = match column {
                Column::Practitioner(id) => uses_practitioner && &b.practitioner_id == id,
                Column::Room(id) => uses_room && &b.room_id == id,
            };
            if shown {
                out.push(Block {
                    booking: b,
                    phase: phase.name.clone(),
                    from_min: (at - day_start).as_secs() / 60,
                    to_min: (end - day_start).as_secs() / 60,
                    room_only: !uses_practitioner,
                });
            }
            at = end;
        }
    }
    out
}

enum Column {
    Practitioner(String),
    Room(String),
}

/// Minutes per row of the day view's table.
const ROW_MINUTES: i64 = 5;

/// The day view as a table: a row per five minutes, a column per practitioner and per room,
/// each phase a cell spanning its rows. A table needs no inline styles (the CSP forbids them)
/// and reads in order to a screen reader.
fn day_view(
    clinic: &ClinicSnapshot,
    session: &StaffSession,
    date: Date,
    bookings: &[Booking],
) -> Markup {
    let (day_start, _) = day_bounds(clinic, date);
    let setup = &clinic.setup;
    let mut columns: Vec<(String, Column)> = setup
        .practitioners
        .iter()
        .filter(|p| {
            session.role != crate::auth::Role::Practitioner
                || session.staff.practitioner_id.as_deref() == Some(p.id.as_str())
        })
        .map(|p| (p.name.clone(), Column::Practitioner(p.id.clone())))
        .collect();
    columns.extend(
        setup
            .rooms
            .iter()
            .map(|r| (r.name.clone(), Column::Room(r.id.clone()))),
    );
    let all: Vec<Vec<Block>> = columns
        .iter()
        .map(|(_, c)| blocks(clinic, day_start, bookings, c))
        .collect();
    let first = all
        .iter()
        .flatten()
        .map(|b| b.from_min)
        .min()
        .unwrap_or(9 * 60)
        .min(9 * 60);
    let last = all
        .iter()
        .flatten()
        .map(|b| b.to_min)
        .max()
        .unwrap_or(17 * 60)
        .max(17 * 60);
    let (top, bottom) = ((first / 60) * 60, (last + 59) / 60 * 60);
    let row_of = |minute: i64| (minute - top).div_euclid(ROW_MINUTES);
    let rows = row_of(bottom);
    // For each column: the block starting at each row, and the rows blocks cover.
    let starts: Vec<std::collections::BTreeMap<i64, &Block>> = all
        .iter()
        .map(|col| col.iter().map(|b| (row_of(b.from_min), b)).collect())
        .collect();
    let covered: Vec<std::collections::BTreeSet<i64>> = all
        .iter()
        .map(|col| {
            col.iter()
                .flat_map(|b| row_of(b.from_min)..row_of(b.to_min).max(row_of(b.from_min) + 1))
                .collect()
        })
        .collect();
    html! {
        p.small.muted { "Solid blocks hold the practitioner; striped blocks are room-only time (numbing, cleanup). Times in " (clinic.zone_name()) "." }
        @if bookings.is_empty() { p.notice { "No appointments on this day." } }
        div.table-scroll {
            table.day-table {
                caption.visually-hidden { "Appointments by practitioner and room" }
                thead { tr { th scope="col" { "Time" } @for (name, _) in &columns { th scope="col" { (name) } } } }
                tbody {
                    @for row in 0..rows {
                        @let minute = top + row * ROW_MINUTES;
                        tr class=[(minute % 60 == 0).then_some("hour")] {
                            @if minute % 30 == 0 {
                                th scope="row" rowspan=(30 / ROW_MINUTES) { (format!("{:02}:{:02}", (minute / 60) % 24, minute % 60)) }
                            }
                            @for (i, _) in columns.iter().enumerate() {
                                @if let Some(block) = starts[i].get(&row) {
                                    @let span = (row_of(block.to_min) - row).max(1);
                                    @let start = block.booking.start.to_zoned_datetime(clinic.timezone.clone());
                                    td class=(if block.room_only { "block room-only" } else { "block practitioner" }) rowspan=(span) {
                                        a href=(format!("/admin/bookings/{}", block.booking.id)) {
                                            strong { (block.booking.client.name) }
                                            " · " (block.phase)
                                            span.visually-hidden { ", booking at " (clinic.clock(&start)) }
                                        }
                                    }
                                } @else if !covered[i].contains(&row) {
                                    td {}
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn week_view(clinic: &ClinicSnapshot, date: Date, bookings: &[Booking]) -> Markup {
    let monday = date
        .checked_sub(jiff::Span::new().days(i64::from(date.weekday().to_monday_zero_offset())))
        .unwrap_or(date);
    let days: Vec<Date> = (0..7)
        .filter_map(|i| monday.checked_add(jiff::Span::new().days(i)).ok())
        .collect();
    let setup = &clinic.setup;
    html! {
        div.table-scroll {
            table {
                thead { tr { th scope="col" { "Day" } @for p in &setup.practitioners { th scope="col" { (p.name) } } } }
                tbody {
                    @for day in &days {
                        tr {
                            th scope="row" { a href=(format!("/admin/calendar?date={day}")) { (day.strftime("%a %-d %b")) } }
                            @for p in &setup.practitioners {
                                td {
                                    @for b in bookings.iter().filter(|b| b.practitioner_id == p.id && b.start.to_zoned_datetime(clinic.timezone.clone()).date() == *day) {
                                        div { a href=(format!("/admin/bookings/{}", b.id)) { (clinic.clock(&b.start.to_zoned_datetime(clinic.timezone.clone()))) " " (b.client.name) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
