//! The fast engine's own corners: chunks, the reference fallback, the buffer's reuse and
//! the borrowed views. Everyday semantics are the reference's tests, which run both.

use jiff::civil::Time;
use jiff::{SignedDuration, Timestamp};

use crate::testkit::availability;
use crate::testkit::*;
use crate::*;

const NY: &str = "America/New_York";

fn two_month_clinic() -> (Schedule, Vec<Hold>, Query<'static>) {
    let mut s = clinic(
        NY,
        vec![
            practitioner("ana", every_day(&["09:00-12:30", "22:00-02:00"])),
            practitioner("bob", every_day(&["08:00-17:00"])),
        ],
        &["room-1", "room-2"],
    );
    s.horizon_days = 200;
    s.practitioners[1].time_off = vec![TimeOff::Between {
        from: "2027-03-20T10:00:30".parse().unwrap(),
        to: "2027-03-21T11:15".parse().unwrap(),
    }];
    s.closures = vec![(date("2027-04-10"), date("2027-04-11"))];
    let svc = full_face();
    let mut holds = Vec::new();
    for (i, day) in ["2027-03-02", "2027-03-14", "2027-03-29", "2027-04-20"]
        .iter()
        .enumerate()
    {
        let who = if i % 2 == 0 { "ana" } else { "bob" };
        holds.extend(holds_for(
            &svc,
            at(&s, &format!("{day}T09:15")),
            &Assignment {
                practitioner: who.into(),
                room: "room-1".into(),
            },
        ));
    }
    let mut q = on(&s, "2027-03-01");
    q.to = date("2027-04-30");
    (s, holds, q)
}

#[test]
fn chunks_of_any_size_give_the_same_answers() {
    let (s, holds, q) = two_month_clinic();
    let svc = full_face();
    let want = reference::availability(&s, &svc, &holds, &q);
    assert!(want.len() > 1000, "{}", want.len());
    for days in [1, 2, 7, 30, 35, 100] {
        let got = Availability::new()
            .with_chunk_days(days)
            .compute(&s, &svc, &holds, &q)
            .to_slots();
        assert_eq!(got, want, "chunks of {days} days");
    }
}

#[test]
fn one_buffer_answers_query_after_query() {
    let (s, holds, q) = two_month_clinic();
    let mut buffer = Availability::new();
    for (svc, holds) in [
        (full_face(), &holds[..]),
        (plain(30), &[][..]),
        (full_face(), &holds[..1]),
        (plain(240), &holds[..]),
    ] {
        let got = buffer.compute(&s, &svc, holds, &q).to_slots();
        assert_eq!(got, reference::availability(&s, &svc, holds, &q));
    }
}

#[test]
fn views_borrow_what_to_slots_owns() {
    let (s, holds, q) = two_month_clinic();
    let svc = full_face();
    let mut buffer = Availability::new();
    let answers = buffer.compute(&s, &svc, &holds, &q);
    let slots = answers.to_slots();
    assert_eq!(answers.len(), slots.len());
    assert!(!answers.is_empty());
    for (view, slot) in answers.iter().zip(&slots) {
        assert_eq!(view.start, slot.start.timestamp());
        assert_eq!(view.end, slot.end.timestamp());
        let options: Vec<_> = view.options().collect();
        let want: Vec<_> = slot
            .options
            .iter()
            .map(|o| (o.practitioner.as_str(), o.room.as_str()))
            .collect();
        assert_eq!(options, want);
    }
    assert!(answers.get(slots.len()).is_none());
}

#[test]
fn spans_off_the_minute_are_answered_by_the_reference() {
    let mut s = clinic(
        NY,
        vec![practitioner("ana", every_day(&["09:00:30-12:00"]))],
        &["room-1"],
    );
    s.practitioners[0].weekly[1] = vec![DaySpan::new(
        Time::new(9, 0, 0, 5).unwrap(),
        Time::new(12, 0, 0, 0).unwrap(),
    )];
    let q = on(&s, "2027-06-01");
    let slots = availability(&s, &plain(60), &[], &q);
    assert_eq!(slots.len(), 8);
    assert_eq!(slots[0].start.timestamp().subsec_nanosecond(), 5);
}

#[test]
fn local_mean_time_is_answered_by_the_reference() {
    // New York kept its own mean time, 4:56:02 behind UTC, until 1883.
    let s = clinic(
        NY,
        vec![practitioner("ana", every_day(&["09:00-12:00"]))],
        &["room-1"],
    );
    let slots = availability(&s, &plain(60), &[], &on(&s, "1850-06-01"));
    assert_eq!(slots.len(), 9);
    assert_eq!(slots[0].start.timestamp().as_second().rem_euclid(60), 2);
}

#[test]
fn holds_and_time_off_between_minutes_block_the_minutes_they_touch() {
    let mut s = clinic(
        "UTC",
        vec![practitioner("ana", every_day(&["09:00-12:00"]))],
        &["room-1"],
    );
    let q = on(&s, "2027-06-01");
    let nine = at(&s, "2027-06-01T09:00");
    // Ends a nanosecond into 10:00, so the 10:00 start is held; 10:15 is free.
    let hold = Hold {
        resource: Resource::Room("room-1".into()),
        start: nine + SignedDuration::from_nanos(1),
        end: at(&s, "2027-06-01T10:00") + SignedDuration::from_nanos(1),
    };
    let got = times(&availability(&s, &plain(15), &[hold], &q));
    assert_eq!(got[0], "10:15");
    // An empty hold between minutes holds nothing.
    let empty = Hold {
        resource: Resource::Room("room-1".into()),
        start: nine + SignedDuration::from_secs(30),
        end: nine + SignedDuration::from_secs(30),
    };
    assert_eq!(availability(&s, &plain(15), &[empty], &q).len(), 12);
    s.practitioners[0].time_off = vec![TimeOff::Between {
        from: "2027-06-01T10:59:59.5".parse().unwrap(),
        to: "2027-06-01T11:00:00.5".parse().unwrap(),
    }];
    let got = times(&availability(&s, &plain(15), &[], &q));
    assert!(!got.contains(&"10:45".to_string()) && !got.contains(&"11:00".to_string()));
    assert!(got.contains(&"10:30".to_string()) && got.contains(&"11:15".to_string()));
}

#[test]
fn repeated_ids_share_holds_and_unknown_resources_are_ignored() {
    let mut s = clinic(
        NY,
        vec![
            practitioner("ana", every_day(&["09:00-12:00"])),
            practitioner("ana", every_day(&["10:00-13:00"])),
        ],
        &["room-1", "room-1", "room-2"],
    );
    s.practitioners[1].time_off = vec![TimeOff::Days {
        from: date("2027-06-02"),
        to: date("2027-06-02"),
    }];
    let holds = vec![
        hold(
            &s,
            Resource::Practitioner("ana".into()),
            "2027-06-01T11:00",
            "2027-06-01T11:30",
        ),
        hold(
            &s,
            Resource::Room("room-1".into()),
            "2027-06-01T09:00",
            "2027-06-01T10:00",
        ),
        hold(
            &s,
            Resource::Room("room-9".into()),
            "2027-06-01T09:00",
            "2027-06-02T10:00",
        ),
        hold(
            &s,
            Resource::Practitioner("room-2".into()),
            "2027-06-01T09:00",
            "2027-06-02T10:00",
        ),
    ];
    let mut q = on(&s, "2027-06-01");
    q.to = date("2027-06-02");
    let slots = availability(&s, &plain(30), &holds, &q);
    assert!(!slots.is_empty());
    let q = Query {
        practitioner: Some("ana"),
        ..q
    };
    assert!(!availability(&s, &plain(30), &holds, &q).is_empty());
}

#[test]
fn huge_steps_durations_and_horizons_answer_without_trouble() {
    let mut s = clinic(
        NY,
        vec![practitioner("ana", every_day(&["00:00-00:00"]))],
        &["room-1"],
    );
    s.horizon_days = u32::MAX;
    s.step_minutes = u32::MAX;
    let mut q = on(&s, "2027-06-01");
    q.to = date("9999-12-31");
    q.from = date("9999-12-01");
    assert!(!availability(&s, &plain(60), &[], &q).is_empty());
    s.step_minutes = 0;
    assert!(availability(&s, &plain(u32::MAX), &[], &q).is_empty());
    let far = Query {
        now: Timestamp::MAX,
        ..q
    };
    assert!(availability(&s, &plain(60), &[], &far).is_empty());
}

#[test]
fn more_practitioners_than_a_word_holds() {
    let mut s = clinic(NY, vec![], &["room-1", "room-2"]);
    for i in 0..70 {
        let hours = if i % 2 == 0 {
            "09:00-12:00"
        } else {
            "10:00-14:00"
        };
        s.practitioners
            .push(practitioner(&format!("p{i}"), every_day(&[hours])));
    }
    let svc = full_face();
    let mut holds = Vec::new();
    for (i, wall) in ["2027-06-01T09:00", "2027-06-01T10:15", "2027-06-01T11:00"]
        .iter()
        .enumerate()
    {
        holds.extend(holds_for(
            &svc,
            at(&s, wall),
            &Assignment {
                practitioner: format!("p{}", 60 + i),
                room: "room-1".into(),
            },
        ));
    }
    let slots = availability(&s, &svc, &holds, &on(&s, "2027-06-01"));
    assert!(slots.iter().any(|slot| slot.options.len() > 64));
}
