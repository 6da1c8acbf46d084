//! Everyday semantics of `availability` (daylight saving lives in `dst_tests`).

use jiff::SignedDuration;

use crate::testkit::availability;
use crate::testkit::*;
use crate::*;

const NY: &str = "America/New_York";

fn concat(parts: &[Vec<String>]) -> Vec<String> {
    parts.concat()
}

fn ana_split() -> Schedule {
    clinic(
        NY,
        vec![practitioner(
            "ana",
            every_day(&["09:00-12:30", "13:30-17:00"]),
        )],
        &["room-1", "room-2"],
    )
}

fn book(schedule: &Schedule, service: &Service, start: &str, who: &str, room: &str) -> Vec<Hold> {
    holds_for(
        service,
        at(schedule, start),
        &Assignment {
            practitioner: who.into(),
            room: room.into(),
        },
    )
}

#[test]
fn split_hours_offer_both_spans_and_nothing_across_lunch() {
    let s = ana_split();
    let slots = availability(&s, &plain(60), &[], &on(&s, "2027-06-01"));
    assert_eq!(
        times(&slots),
        concat(&[grid("09:00", "11:30", 15), grid("13:30", "16:00", 15)])
    );
    let first = &slots[0];
    assert_eq!(
        first.end.timestamp() - first.start.timestamp(),
        SignedDuration::from_hours(1)
    );
    assert_eq!(first.start.time_zone(), &s.timezone);
    assert_eq!(
        first.options,
        vec![Assignment {
            practitioner: "ana".into(),
            room: "room-1".into()
        }]
    );
}

#[test]
fn step_counts_from_each_span_start() {
    let s = clinic(
        NY,
        vec![practitioner(
            "ana",
            every_day(&["09:10-10:30", "13:05-14:00"]),
        )],
        &["room-1"],
    );
    let slots = availability(&s, &plain(30), &[], &on(&s, "2027-06-01"));
    assert_eq!(
        times(&slots),
        ["09:10", "09:25", "09:40", "09:55", "13:05", "13:20"]
    );
}

#[test]
fn date_override_replaces_weekly_and_empty_override_closes() {
    let mut s = ana_split();
    let p = &mut s.practitioners[0];
    p.dates
        .insert(date("2027-06-01"), vec![span("10:00-11:00")]);
    p.dates.insert(date("2027-06-02"), vec![]);
    let svc = plain(60);
    assert_eq!(
        times(&availability(&s, &svc, &[], &on(&s, "2027-06-01"))),
        ["10:00"]
    );
    assert!(availability(&s, &svc, &[], &on(&s, "2027-06-02")).is_empty());
    assert_eq!(availability(&s, &svc, &[], &on(&s, "2027-06-03")).len(), 22);
}

#[test]
fn closures_skip_whole_dates_inclusive() {
    let mut s = ana_split();
    s.closures = vec![(date("2027-06-02"), date("2027-06-03"))];
    let mut q = on(&s, "2027-06-01");
    q.to = date("2027-06-04");
    let days: std::collections::BTreeSet<_> = availability(&s, &plain(60), &[], &q)
        .iter()
        .map(|slot| slot.start.date())
        .collect();
    assert_eq!(
        days.into_iter().collect::<Vec<_>>(),
        [date("2027-06-01"), date("2027-06-04")]
    );
}

#[test]
fn closure_blocks_a_span_running_into_it() {
    let mut s = clinic(
        NY,
        vec![practitioner("ana", every_day(&["20:00-02:00"]))],
        &["room-1"],
    );
    s.closures = vec![(date("2027-06-02"), date("2027-06-02"))];
    let mut q = on(&s, "2027-06-01");
    q.to = date("2027-06-03");
    let got = stamps(&availability(&s, &plain(60), &[], &q));
    // 06-01: early hours from 05-31's span, then the evening only up to midnight.
    // 06-02: closed, including the early hours of 06-01's span. 06-03: 06-02's span is
    // skipped, so only the evening.
    let want: Vec<String> = [
        ("2027-06-01", grid("00:00", "01:00", 15)),
        ("2027-06-01", grid("20:00", "23:00", 15)),
        ("2027-06-03", grid("20:00", "23:45", 15)),
    ]
    .iter()
    .flat_map(|(d, ts)| ts.iter().map(move |t| format!("{d}T{t}-04:00")))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn time_off_days_hide_only_that_practitioner() {
    let mut s = ana_split();
    s.practitioners
        .push(practitioner("bob", every_day(&["09:00-10:00"])));
    s.practitioners[0].time_off = vec![TimeOff::Days {
        from: date("2027-06-01"),
        to: date("2027-06-02"),
    }];
    for day in ["2027-06-01", "2027-06-02"] {
        let slots = availability(&s, &plain(60), &[], &on(&s, day));
        assert_eq!(times(&slots), ["09:00"]);
        assert_eq!(slots[0].options[0].practitioner, "bob");
    }
    let slots = availability(&s, &plain(60), &[], &on(&s, "2027-06-03"));
    assert_eq!(slots.len(), 22);
    let names: Vec<_> = slots[0]
        .options
        .iter()
        .map(|o| o.practitioner.as_str())
        .collect();
    assert_eq!(names, ["ana", "bob"], "schedule order");
}

#[test]
fn time_off_between_blocks_the_whole_booking_not_just_practitioner_phases() {
    let mut s = clinic(
        NY,
        vec![practitioner("ana", every_day(&["09:00-17:00"]))],
        &["room-1"],
    );
    s.practitioners[0].time_off = vec![TimeOff::Between {
        from: "2027-06-01T11:30".parse().unwrap(),
        to: "2027-06-01T12:00".parse().unwrap(),
    }];
    let got = times(&availability(&s, &full_face(), &[], &on(&s, "2027-06-01")));
    // 10:00 ends at 11:30 (back to back). 10:15 only needs Ana 10:45-11:30, but its
    // cleanup runs into the time off, so it is out too.
    assert_eq!(
        got,
        concat(&[grid("09:00", "10:00", 15), grid("12:00", "15:30", 15)])
    );
}

#[test]
fn minimum_notice_counts_from_now() {
    let s = clinic(
        NY,
        vec![practitioner("ana", every_day(&["09:00-17:00"]))],
        &["room-1"],
    );
    let mut q = on(&s, "2027-06-01");
    q.now = at(&s, "2027-06-01T00:05");
    // Earliest 12:05, so the first on-step start is 12:15.
    assert_eq!(
        times(&availability(&s, &plain(60), &[], &q)),
        grid("12:15", "16:00", 15)
    );
    q.now = at(&s, "2027-06-01T06:00");
    assert!(availability(&s, &plain(60), &[], &q).is_empty());
}

#[test]
fn horizon_and_today_clip_the_query() {
    let mut s = ana_split();
    s.horizon_days = 2;
    s.min_notice = SignedDuration::ZERO;
    let q = Query {
        from: date("2027-05-20"),
        to: date("2027-06-30"),
        practitioner: None,
        now: at(&s, "2027-06-01T00:00"),
        not_before: None,
    };
    let slots = availability(&s, &plain(60), &[], &q);
    assert_eq!(slots.first().unwrap().start.date(), date("2027-06-01"));
    assert_eq!(slots.last().unwrap().start.date(), date("2027-06-03"));
    assert_eq!(slots.len(), 3 * 22);
}

#[test]
fn not_before_defers_the_first_date() {
    let s = ana_split();
    let mut q = on(&s, "2027-06-01");
    q.to = date("2027-06-05");
    q.not_before = Some(date("2027-06-03"));
    let slots = availability(&s, &plain(60), &[], &q);
    assert_eq!(slots.first().unwrap().start.date(), date("2027-06-03"));
    assert_eq!(slots.len(), 3 * 22);
}

#[test]
fn practitioner_treats_one_client_while_another_numbs() {
    let s = clinic(
        NY,
        vec![practitioner("ana", every_day(&["09:00-17:00"]))],
        &["room-1", "room-2"],
    );
    let svc = full_face();
    // Client A at 09:45 in room-1: numbing 09:45-10:15, Ana treats 10:15-11:00.
    let holds = book(&s, &svc, "2027-06-01T09:45", "ana", "room-1");
    let slots = availability(&s, &svc, &holds, &on(&s, "2027-06-01"));
    let nine = slots
        .iter()
        .find(|x| x.start.time() == "09:00".parse().unwrap());
    // Client B at 09:00: Ana treats 09:30-10:15 while A numbs in room-1; B is in room-2.
    assert_eq!(
        nine.unwrap().options,
        vec![Assignment {
            practitioner: "ana".into(),
            room: "room-2".into()
        }]
    );
    assert_eq!(
        check(
            &s,
            &svc,
            &holds,
            at(&s, "2027-06-01T09:00"),
            None,
            on(&s, "2027-06-01").now,
            None
        )
        .unwrap()
        .room,
        "room-2"
    );
    let got = times(&slots);
    // 09:15 would treat 09:45-10:30, into A's treatment; A's own start is gone too.
    assert!(!got.contains(&"09:15".to_string()));
    assert!(!got.contains(&"09:45".to_string()));
    // 10:30 numbs while Ana treats A and is treated from 11:00: back to back.
    assert!(got.contains(&"10:30".to_string()));
}

#[test]
fn every_room_taken_means_no_slot_and_check_says_taken() {
    let s = clinic(
        NY,
        vec![
            practitioner("ana", every_day(&["09:00-17:00"])),
            practitioner("bob", every_day(&["09:00-17:00"])),
        ],
        &["room-1"],
    );
    let svc = plain(60);
    let holds = book(&s, &svc, "2027-06-01T10:00", "ana", "room-1");
    let q = on(&s, "2027-06-01");
    let got = times(&availability(&s, &svc, &holds, &q));
    assert!(!got.contains(&"10:00".to_string()));
    assert!(!got.contains(&"09:15".to_string()));
    assert!(got.contains(&"09:00".to_string()) && got.contains(&"11:00".to_string()));
    let start = at(&s, "2027-06-01T10:00");
    assert_eq!(
        check(&s, &svc, &holds, start, Some("bob"), q.now, None),
        Err(Unavailable::Taken(start))
    );
}

#[test]
fn back_to_back_bookings_are_allowed() {
    let s = clinic(
        NY,
        vec![practitioner("ana", every_day(&["09:00-17:00"]))],
        &["room-1"],
    );
    let svc = plain(60);
    let holds = book(&s, &svc, "2027-06-01T10:00", "ana", "room-1");
    let got = times(&availability(&s, &svc, &holds, &on(&s, "2027-06-01")));
    assert_eq!(
        got,
        concat(&[grid("09:00", "09:00", 15), grid("11:00", "16:00", 15)])
    );
}

#[test]
fn span_to_midnight_offers_the_hour_ending_at_midnight() {
    let s = clinic(
        NY,
        vec![practitioner("ana", every_day(&["20:00-00:00"]))],
        &["room-1"],
    );
    let slots = availability(&s, &plain(60), &[], &on(&s, "2027-06-01"));
    assert_eq!(times(&slots), grid("20:00", "23:00", 15));
    let last = slots.last().unwrap();
    assert_eq!(
        last.end.to_string(),
        "2027-06-02T00:00:00-04:00[America/New_York]"
    );
}

#[test]
fn hold_crossing_midnight_blocks_next_days_early_starts() {
    let s = clinic(
        NY,
        vec![practitioner("ana", every_day(&["22:00-02:00"]))],
        &["room-1"],
    );
    let holds = vec![hold(
        &s,
        Resource::Practitioner("ana".into()),
        "2027-06-01T23:30",
        "2027-06-02T00:30",
    )];
    let svc = plain(60);
    assert_eq!(
        times(&availability(&s, &svc, &holds, &on(&s, "2027-06-02"))),
        concat(&[grid("00:30", "01:00", 15), grid("22:00", "23:45", 15)])
    );
    assert_eq!(
        times(&availability(&s, &svc, &holds, &on(&s, "2027-06-01"))),
        concat(&[grid("00:00", "01:00", 15), grid("22:00", "22:30", 15)])
    );
}

#[test]
fn practitioner_filter_and_services_offered() {
    let mut s = ana_split();
    s.practitioners
        .push(practitioner("bob", every_day(&["09:00-17:00"])));
    let mut cleo = practitioner("cleo", every_day(&["09:00-17:00"]));
    cleo.services.clear();
    s.practitioners.push(cleo);
    let svc = plain(60);
    let mut q = on(&s, "2027-06-01");
    let all = availability(&s, &svc, &[], &q);
    assert!(
        all.iter()
            .all(|x| x.options.iter().all(|o| o.practitioner != "cleo"))
    );
    assert_eq!(times(&all), grid("09:00", "16:00", 15));
    q.practitioner = Some("ana");
    assert_eq!(availability(&s, &svc, &[], &q).len(), 22);
    q.practitioner = Some("cleo");
    assert!(availability(&s, &svc, &[], &q).is_empty());
    q.practitioner = Some("nobody");
    assert!(availability(&s, &svc, &[], &q).is_empty());
}

#[test]
fn overlapping_spans_give_each_start_once() {
    let s = clinic(
        NY,
        vec![practitioner(
            "ana",
            every_day(&["09:00-11:00", "10:00-12:00"]),
        )],
        &["room-1"],
    );
    let slots = availability(&s, &plain(60), &[], &on(&s, "2027-06-01"));
    assert_eq!(times(&slots), grid("09:00", "11:00", 15));
    assert!(slots.iter().all(|x| x.options.len() == 1));
}

#[test]
fn no_room_phase_means_no_room() {
    let s = ana_split();
    let svc = Service {
        id: "full-face".into(),
        phases: vec![Phase {
            minutes: 30,
            uses_practitioner: true,
            uses_room: false,
        }],
    };
    let slots = availability(&s, &svc, &[], &on(&s, "2027-06-01"));
    assert_eq!(slots[0].options[0].room, "");
}
