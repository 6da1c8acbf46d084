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

/// Free cells link to the booking form every quarter hour: the usual start step, and few
/// enough links to tab through. A start the service cannot take there gets the nearest
/// free times on the form.
const FREE_LINK_MINUTES: i64 = 15;

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
    date: Date,
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
                    from_min: wall_minute(clinic, date, at),
                    to_min: wall_minute(clinic, date, end),
                    room_only: !uses_practitioner,
                });
            }
            at = end;
        }
    }
    out
}

/// Where instant `t` falls on the wall clock of `date` in the clinic's zone, as minutes past
/// midnight: the rows are the day's clock times, so a booking is placed by its zoned start
/// and end, and a booking at 10:00 sits in the 10:00 row on a DST changeover day too (when
/// elapsed time and clock time disagree by the hour the clocks skip or repeat). Before the
/// day is 0, after it the end of the day.
fn wall_minute(clinic: &ClinicSnapshot, date: Date, t: jiff::Timestamp) -> i64 {
    let z = t.to_zoned_datetime(clinic.timezone.clone());
    match z.date().cmp(&date) {
        std::cmp::Ordering::Less => 0,
        std::cmp::Ordering::Greater => 24 * 60,
        std::cmp::Ordering::Equal => i64::from(z.hour()) * 60 + i64::from(z.minute()),
    }
}

/// On a day the clocks change in the clinic's zone, what happens and at which clock time:
/// the grid's rows keep the wall clock, so the skipped hour shows as rows nothing can use
/// and the repeated hour's bookings share its rows.
fn clock_change(clinic: &ClinicSnapshot, date: Date) -> Option<String> {
    let (start, end) = super::day_bounds(clinic, date);
    let tz = &clinic.timezone;
    let change = tz.following(start).next().filter(|c| c.timestamp() < end)?;
    let before = tz.to_offset(change.timestamp() - jiff::SignedDuration::from_secs(1));
    let after = change.offset();
    let at = change
        .timestamp()
        .to_zoned_datetime(jiff::tz::TimeZone::fixed(before));
    let at = format!("{:02}:{:02}", at.hour(), at.minute());
    Some(if after > before {
        format!("Clocks go forward at {at} today: the hour after it does not happen.")
    } else {
        format!(
            "Clocks go back at {at} today: the hour before it happens twice, and its bookings share its rows."
        )
    })
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
        .map(|(_, c)| blocks(clinic, date, bookings, c))
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
    // A free practitioner cell on the quarter hour, not yet past, links to the desk's booking
    // form for that practitioner, day and time; the form checks the service fits there.
    let now_minute = {
        let now = jiff::Timestamp::now().to_zoned_datetime(clinic.timezone.clone());
        match now.date().cmp(&date) {
            std::cmp::Ordering::Less => i64::MIN,
            std::cmp::Ordering::Equal => i64::from(now.hour()) * 60 + i64::from(now.minute()),
            std::cmp::Ordering::Greater => i64::MAX,
        }
    };
    let free_link = |column: &Column, minute: i64| match column {
        Column::Practitioner(id, _) if minute % FREE_LINK_MINUTES == 0 && minute > now_minute => {
            Some(format!(
                "/admin/bookings/new?practitioner={id}&date={date}&time={}&cell=1",
                clock(minute)
            ))
        }
        _ => None,
    };
    let off = |column: &Column, minute: i64| match column {
        Column::Practitioner(_, spans) => !spans.iter().any(|&(a, b)| a <= minute && minute < b),
        Column::Room(_) => false,
    };
    html! {
        p.small.muted {
            "Solid blocks hold the practitioner; striped blocks are room-only time (numbing, cleanup); shaded cells are outside a practitioner's hours; choose a free cell in a practitioner's column to book there. Times in " (clinic.zone_name()) "."
            @if let Some(row) = now_row {
                @if (0..rows).contains(&row) { " The red line marks now (" (clock(top + row * ROW_MINUTES)) ")." }
            }
        }
        @if let Some(note) = clock_change(clinic, date) { p.notice.clock-change { (note) } }
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
                                    @if let Some(href) = free_link(column, minute).filter(|_| !off(column, minute)) {
                                        td.free { a.free-slot href=(href) { span.visually-hidden { "Book " (columns[i].0) " at " (clock(minute)) } } }
                                    } @else {
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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn clinic_in(zone: &str) -> std::sync::Arc<ClinicSnapshot> {
        let mut setup = clinic::demo();
        setup.clinic.timezone = zone.to_owned();
        ClinicSnapshot::new(setup, 1)
    }

    fn at(clinic: &ClinicSnapshot, day: Date, h: i8, m: i8) -> jiff::Timestamp {
        day.at(h, m, 0, 0)
            .to_zoned_datetime(clinic.timezone.clone())
            .unwrap()
            .timestamp()
    }

    /// A booking at 10:00 sits in the 10:00 row and an hour lasts an hour of rows, on the
    /// days the clocks go forward and back, in New York and London, and on a plain day.
    #[test]
    fn bookings_keep_the_wall_clock_on_changeover_days() {
        for (zone, day) in [
            ("America/New_York", date(2026, 3, 8)),
            ("America/New_York", date(2026, 11, 1)),
            ("Europe/London", date(2026, 3, 29)),
            ("Europe/London", date(2026, 10, 25)),
            ("Europe/London", date(2026, 6, 1)),
        ] {
            let clinic = clinic_in(zone);
            let ten = at(&clinic, day, 10, 0);
            assert_eq!(wall_minute(&clinic, day, ten), 600, "{zone} {day}");
            let eleven = ten + jiff::SignedDuration::from_hours(1);
            assert_eq!(wall_minute(&clinic, day, eleven), 660, "{zone} {day}");
            assert_eq!(wall_minute(&clinic, day, at(&clinic, day, 17, 30)), 1050);
        }
    }

    #[test]
    fn a_changeover_day_says_when_and_which_way() {
        let ny = clinic_in("America/New_York");
        assert_eq!(
            clock_change(&ny, date(2026, 3, 8)).unwrap(),
            "Clocks go forward at 02:00 today: the hour after it does not happen."
        );
        assert!(
            clock_change(&ny, date(2026, 11, 1))
                .unwrap()
                .starts_with("Clocks go back at 02:00")
        );
        assert_eq!(clock_change(&ny, date(2026, 11, 2)), None);
        let london = clinic_in("Europe/London");
        assert!(
            clock_change(&london, date(2026, 3, 29))
                .unwrap()
                .starts_with("Clocks go forward at 01:00")
        );
        assert!(
            clock_change(&london, date(2026, 10, 25))
                .unwrap()
                .starts_with("Clocks go back at 02:00")
        );
    }
}
