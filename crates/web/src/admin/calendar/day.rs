//! The day view as a table on an even time scale: a row per five minutes, all rows of one
//! height (the stylesheet fixes it and keeps cell contents out of the row's size), a column
//! per practitioner and per room, each phase a cell spanning its rows. A table needs no
//! inline styles (the CSP forbids them) and reads in order to a screen reader.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use maud::{Markup, html};
use store::Booking;

use super::{clock, minute_of, shown_practitioners, status_label};
use crate::auth::StaffSession;
use clinic::ClinicSnapshot;

/// Minutes per row of the day view's table.
const ROW_MINUTES: i64 = 5;

/// One drawn block: a phase of a booking in a column.
struct Block<'a> {
    booking: &'a Booking,
    service: &'a str,
    phase: &'a str,
    from_min: i64,
    to_min: i64,
    room_only: bool,
}

enum Column {
    /// A practitioner and their opening spans that day, as minutes past midnight.
    Practitioner(String, Vec<(i64, i64)>),
    Room(String),
}

fn blocks<'a>(
    clinic: &'a ClinicSnapshot,
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
                Column::Practitioner(id, _) => uses_practitioner && &b.practitioner_id == id,
                Column::Room(id) => uses_room && &b.room_id == id,
            };
            if shown {
                out.push(Block {
                    booking: b,
                    service: &service.name,
                    phase: &phase.name,
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

/// The hours the grid spans: the earliest opening to the latest closing over every
/// practitioner that day (so late hours are never cut off), widened to any booking outside
/// them, on whole hours; 09:00-17:00 on a day nobody works and nothing is booked.
fn span_of(columns: &[(String, Column)], all: &[Vec<Block>]) -> (i64, i64) {
    let open = columns.iter().flat_map(|(_, c)| match c {
        Column::Practitioner(_, spans) => spans.clone(),
        Column::Room(_) => Vec::new(),
    });
    let booked = all.iter().flatten().map(|b| (b.from_min, b.to_min));
    let (first, last) = open
        .chain(booked)
        .fold(None, |acc: Option<(i64, i64)>, (a, b)| {
            Some(acc.map_or((a, b), |(x, y)| (x.min(a), y.max(b))))
        })
        .unwrap_or((9 * 60, 17 * 60));
    ((first / 60) * 60, (last + 59) / 60 * 60)
}

/// The day view of `date`.
pub(super) fn view(
    clinic: &ClinicSnapshot,
    session: &StaffSession,
    date: Date,
    bookings: &[Booking],
) -> Markup {
    let (day_start, _) = super::day_bounds(clinic, date);
    let setup = &clinic.setup;
    let mut columns: Vec<(String, Column)> = shown_practitioners(clinic, session)
        .into_iter()
        .map(|p| {
            let spans = clinic
                .schedule
                .open_spans_on(&p.id, date)
                .iter()
                .map(|s| (minute_of(s.start, false), minute_of(s.end, true)))
                .collect();
            (p.name.clone(), Column::Practitioner(p.id.clone(), spans))
        })
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
    let (top, bottom) = span_of(&columns, &all);
    let row_of = |minute: i64| (minute - top).div_euclid(ROW_MINUTES);
    let rows = row_of(bottom);
    let now_row = (date == clinic.today()).then(|| {
        let now = jiff::Timestamp::now().to_zoned_datetime(clinic.timezone.clone());
        row_of(i64::from(now.hour()) * 60 + i64::from(now.minute()))
    });
    // For each column: the block starting at each row, and the rows blocks cover.
    let starts: Vec<BTreeMap<i64, &Block>> = all
        .iter()
        .map(|col| col.iter().map(|b| (row_of(b.from_min), b)).collect())
        .collect();
    let covered: Vec<BTreeSet<i64>> = all
        .iter()
        .map(|col| {
            col.iter()
                .flat_map(|b| row_of(b.from_min)..row_of(b.to_min).max(row_of(b.from_min) + 1))
                .collect()
        })
        .collect();
    let off = |column: &Column, minute: i64| match column {
        Column::Practitioner(_, spans) => !spans.iter().any(|&(a, b)| a <= minute && minute < b),
        Column::Room(_) => false,
    };
    html! {
        p.small.muted {
            "Solid blocks hold the practitioner; striped blocks are room-only time (numbing, cleanup); shaded cells are outside a practitioner's hours. Times in " (clinic.zone_name()) "."
            @if let Some(row) = now_row {
                @if (0..rows).contains(&row) { " The red line marks now (" (clock(top + row * ROW_MINUTES)) ")." }
            }
        }
        @if bookings.is_empty() { p.notice { "No appointments on this day." } }
        div.table-scroll {
            table.day-table data-from=(clock(top)) data-to=(clock(bottom)) {
                caption.visually-hidden { "Appointments by practitioner and room, " (clock(top)) " to " (clock(bottom)) }
                thead { tr { th scope="col" { "Time" } @for (name, _) in &columns { th scope="col" { (name) } } } }
                tbody {
                    @for row in 0..rows {
                        @let minute = top + row * ROW_MINUTES;
                        @let class = [(minute % 60 == 0).then_some("hour"), (now_row == Some(row)).then_some("now")]
                            .into_iter().flatten().collect::<Vec<_>>().join(" ");
                        tr class=[(!class.is_empty()).then_some(class)] {
                            @if minute % 30 == 0 {
                                th scope="row" rowspan=(30 / ROW_MINUTES) data-slot=(clock(minute)) { (clock(minute)) }
                            }
                            @for (i, (_, column)) in columns.iter().enumerate() {
                                @if let Some(block) = starts[i].get(&row) {
                                    (block_cell(block, (row_of(block.to_min) - row).max(1), clinic))
                                } @else if !covered[i].contains(&row) {
                                    td class=[off(column, minute).then_some("off")] {}
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A phase's cell: client, service and phase, its status when not plainly confirmed, and
/// for a screen reader the times it runs.
fn block_cell(block: &Block, span: i64, clinic: &ClinicSnapshot) -> Markup {
    let b = block.booking;
    let start = b.start.to_zoned_datetime(clinic.timezone.clone());
    let status = status_label(b.status);
    let kind = if block.room_only {
        "room-only"
    } else {
        "practitioner"
    };
    html! {
        td class=(format!("block {kind} {}", b.status.as_str())) rowspan=(span) {
            a href=(format!("/admin/bookings/{}", b.id)) {
                span.visually-hidden { (clinic.clock(&start)) ", " }
                strong { (b.client.name) }
                @if let Some(s) = status { " " span.status.(b.status.as_str()) { (s) } }
                br;
                (block.service) " · " (block.phase)
            }
        }
    }
}
