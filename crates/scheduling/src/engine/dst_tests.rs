//! Daylight-saving days and odd offsets: wall-clock steps, skipped and repeated hours,
//! and durations in real time.

use jiff::{SignedDuration, Timestamp};

use crate::testkit::availability;
use crate::testkit::*;
use crate::*;

/// A clinic open 00:00-06:00 (or `hours`) every day in `zone`, one room.
fn night_clinic(zone: &str, hours: &str) -> Schedule {
    clinic(
        zone,
        vec![practitioner("ana", every_day(&[hours]))],
        &["room-1"],
    )
}

/// `"HH:MM"` wall times on `day` with a fixed UTC offset, as `stamps` prints them.
fn local(day: &str, wall: Vec<String>, offset: &str) -> Vec<String> {
    wall.into_iter()
        .map(|t| format!("{day}T{t}{offset}"))
        .collect()
}

/// Every slot lasts the service's real duration and ends within the span's real end.
fn assert_real_time(slots: &[Slot], minutes: i64, span_end: Timestamp) {
    for slot in slots {
        assert_eq!(
            slot.end.timestamp() - slot.start.timestamp(),
            SignedDuration::from_mins(minutes),
            "{slot:?}"
        );
        assert!(
            slot.end.timestamp() <= span_end,
            "{slot:?} ends after {span_end}"
        );
    }
}

fn day(zone: &str, day: &str, hours: &str, minutes: u32) -> (Schedule, Vec<Slot>) {
    let s = night_clinic(zone, hours);
    let slots = availability(&s, &plain(minutes), &[], &on(&s, day));
    (s, slots)
}

#[test]
fn new_york_spring_skips_the_missing_hour() {
    let (s, slots) = day("America/New_York", "2027-03-14", "00:00-06:00", 60);
    let d = "2027-03-14";
    assert_eq!(
        stamps(&slots),
        [
            local(d, grid("00:00", "01:45", 15), "-05:00"),
            local(d, grid("03:00", "05:00", 15), "-04:00"),
        ]
        .concat()
    );
    assert_real_time(&slots, 60, at(&s, "2027-03-14T06:00"));
    // Across the gap the wall clock jumps an hour but the step is still 15 real minutes.
    let gap = slots[8].start.timestamp() - slots[7].start.timestamp();
    assert_eq!(gap, SignedDuration::from_mins(15));
}

#[test]
fn new_york_autumn_offers_the_repeated_hour_once() {
    let (s, slots) = day("America/New_York", "2027-11-07", "00:00-06:00", 60);
    let d = "2027-11-07";
    assert_eq!(
        stamps(&slots),
        [
            local(d, grid("00:00", "01:45", 15), "-04:00"),
            local(d, grid("02:00", "05:00", 15), "-05:00"),
        ]
        .concat()
    );
    assert_real_time(&slots, 60, at(&s, "2027-11-07T06:00"));

    let now = on(&s, d).now;
    let svc = plain(60);
    let first: Timestamp = "2027-11-07T05:30:00Z".parse().unwrap(); // 01:30 EDT
    let second: Timestamp = "2027-11-07T06:30:00Z".parse().unwrap(); // 01:30 EST
    assert!(check(&s, &svc, &[], first, None, now, None).is_ok());
    assert_eq!(
        check(&s, &svc, &[], second, None, now, None),
        Err(Unavailable::NotOnStep(second))
    );
}

#[test]
fn span_edges_in_the_gap_and_the_fold_resolve_compatibly() {
    // 02:30 does not exist; the span starts at the moment after the gap, 03:30 EDT.
    let (_, slots) = day("America/New_York", "2027-03-14", "02:30-04:00", 30);
    assert_eq!(stamps(&slots), ["2027-03-14T03:30-04:00"]);
    // 01:30 happens twice; the span ends at the first.
    let (_, slots) = day("America/New_York", "2027-11-07", "00:00-01:30", 30);
    assert_eq!(
        stamps(&slots),
        local("2027-11-07", grid("00:00", "01:00", 15), "-04:00")
    );
}

#[test]
fn midnight_span_into_the_autumn_change() {
    let s = night_clinic("America/New_York", "22:00-02:00");
    let svc = plain(60);
    let slots = availability(&s, &svc, &[], &on(&s, "2027-11-07"));
    // From 11-06's span: the repeated hour once, and nothing starting after 01:00 EST
    // (= 02:00 EST end - 60 min), which the wall clock only reaches at its second pass.
    let early: Vec<String> = stamps(&slots).into_iter().take(8).collect();
    assert_eq!(
        early,
        local("2027-11-07", grid("00:00", "01:45", 15), "-04:00")
    );
    assert_eq!(
        stamps(&slots)[8..],
        local("2027-11-07", grid("22:00", "23:45", 15), "-05:00")
    );
    assert_real_time(&slots[..8], 60, at(&s, "2027-11-07T02:00"));
}

#[test]
fn london_spring_and_autumn() {
    let (s, slots) = day("Europe/London", "2027-03-28", "00:00-06:00", 60);
    let d = "2027-03-28";
    assert_eq!(
        stamps(&slots),
        [
            local(d, grid("00:00", "00:45", 15), "+00:00"),
            local(d, grid("02:00", "05:00", 15), "+01:00"),
        ]
        .concat()
    );
    assert_real_time(&slots, 60, at(&s, "2027-03-28T06:00"));

    let (s, slots) = day("Europe/London", "2027-10-31", "00:00-06:00", 60);
    let d = "2027-10-31";
    assert_eq!(
        stamps(&slots),
        [
            local(d, grid("00:00", "01:45", 15), "+01:00"),
            local(d, grid("02:00", "05:00", 15), "+00:00"),
        ]
        .concat()
    );
    assert_real_time(&slots, 60, at(&s, "2027-10-31T06:00"));
}

#[test]
fn adelaide_half_hour_offsets_both_changes() {
    // Autumn: 03:00 ACDT (+10:30) falls back to 02:00 ACST (+09:30).
    let (s, slots) = day("Australia/Adelaide", "2027-04-04", "00:00-06:00", 60);
    let d = "2027-04-04";
    assert_eq!(
        stamps(&slots),
        [
            local(d, grid("00:00", "02:45", 15), "+10:30"),
            local(d, grid("03:00", "05:00", 15), "+09:30"),
        ]
        .concat()
    );
    assert_real_time(&slots, 60, at(&s, "2027-04-04T06:00"));

    // Spring: 02:00 ACST (+09:30) jumps to 03:00 ACDT (+10:30).
    let (s, slots) = day("Australia/Adelaide", "2027-10-03", "00:00-06:00", 60);
    let d = "2027-10-03";
    assert_eq!(
        stamps(&slots),
        [
            local(d, grid("00:00", "01:45", 15), "+09:30"),
            local(d, grid("03:00", "05:00", 15), "+10:30"),
        ]
        .concat()
    );
    assert_real_time(&slots, 60, at(&s, "2027-10-03T06:00"));
}

#[test]
fn kolkata_half_hour_offset_without_dst() {
    let (_, slots) = day("Asia/Kolkata", "2027-06-01", "09:00-12:00", 60);
    assert_eq!(
        stamps(&slots),
        local("2027-06-01", grid("09:00", "11:00", 15), "+05:30")
    );
    assert_eq!(
        slots[0].start.timestamp(),
        "2027-06-01T03:30:00Z".parse::<Timestamp>().unwrap()
    );
}
