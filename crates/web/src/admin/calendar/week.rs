//! The week view: a row per day from Monday, a column per practitioner; each cell gives the
//! practitioner's hours that day (or says it is a day off) and lists the bookings with time,
//! client, service and status.

use jiff::civil::Date;
use maud::{Markup, html};
use store::Booking;

use super::{clock, minute_of, shown_practitioners, status_label};
use crate::auth::StaffSession;
use clinic::ClinicSnapshot;

/// The week starting on `monday`.
pub(super) fn view(
    clinic: &ClinicSnapshot,
    session: &StaffSession,
    monday: Date,
    bookings: &[Booking],
) -> Markup {
    let days: Vec<Date> = (0..7)
        .filter_map(|i| monday.checked_add(jiff::Span::new().days(i)).ok())
        .collect();
    let practitioners = shown_practitioners(clinic, session);
    let today = clinic.today();
    html! {
        div.table-scroll {
            table.week-table {
                caption.visually-hidden { "Appointments by day and practitioner" }
                thead { tr { th scope="col" { "Day" } @for p in &practitioners { th scope="col" { (p.name) } } } }
                tbody {
                    @for day in &days {
                        tr class=[(*day == today).then_some("today")] {
                            th scope="row" {
                                a href=(format!("/admin/calendar?date={day}")) { (day.strftime("%a %-d %b")) }
                                @if *day == today { " " span.status { "Today" } }
                            }
                            @for p in &practitioners {
                                @let spans = clinic.schedule.open_spans_on(&p.id, *day);
                                @let mine: Vec<&Booking> = bookings.iter()
                                    .filter(|b| b.practitioner_id == p.id && b.start.to_zoned_datetime(clinic.timezone.clone()).date() == *day)
                                    .collect();
                                td class=[spans.is_empty().then_some("day-off")] {
                                    @if spans.is_empty() {
                                        p.small.muted { "Day off" }
                                    } @else {
                                        p.small.muted {
                                            @for (i, s) in spans.iter().enumerate() {
                                                @if i > 0 { ", " }
                                                (clock(minute_of(s.start, false))) "–" (clock(minute_of(s.end, true)))
                                            }
                                        }
                                    }
                                    @if !mine.is_empty() {
                                        ul.week-bookings {
                                            @for b in mine { li { (line(clinic, b)) } }
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
}

/// One booking in a week cell.
fn line(clinic: &ClinicSnapshot, b: &Booking) -> Markup {
    let start = b.start.to_zoned_datetime(clinic.timezone.clone());
    let service = clinic
        .setup
        .service(&b.service_id)
        .map_or(b.service_id.as_str(), |s| s.name.as_str());
    html! {
        a href=(format!("/admin/bookings/{}", b.id)) {
            (clinic.clock(&start)) " " strong { (b.client.name) }
        }
        br;
        span.small { (service) }
        @if let Some(s) = status_label(b.status) { " " span.status.(b.status.as_str()) { (s) } }
    }
}
