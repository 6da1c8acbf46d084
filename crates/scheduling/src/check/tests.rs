//! `check`: the assignment it gives, each refusal, and agreement with `availability`.

use jiff::{SignedDuration, Timestamp};

use crate::testkit::availability;
use crate::testkit::*;
use crate::*;

const DAY: &str = "2027-06-01";

fn two_practitioners() -> Schedule {
    let mut s = clinic(
        "America/New_York",
        vec![
            practitioner("ana", every_day(&["09:00-12:30", "13:30-17:00"])),
            practitioner("bob", every_day(&["09:00-17:00"])),
        ],
        &["room-1", "room-2"],
    );
    let mut cleo = practitioner("cleo", every_day(&["09:00-17:00"]));
    cleo.services = vec!["lips".into()];
    s.practitioners.push(cleo);
    s
}

fn now(s: &Schedule) -> Timestamp {
    on(s, DAY).now
}

fn ask(
    s: &Schedule,
    holds: &[Hold],
    wall: &str,
    who: Option<&str>,
) -> Result<Assignment, Unavailable> {
    check(s, &plain(60), holds, at(s, wall), who, now(s), None)
}

fn assignment(who: &str, room: &str) -> Assignment {
    Assignment {
        practitioner: who.into(),
        room: room.into(),
    }
}

#[test]
fn gives_first_practitioner_and_first_room_or_the_one_asked_for() {
    let s = two_practitioners();
    assert_eq!(
        ask(&s, &[], "2027-06-01T09:00", None),
        Ok(assignment("ana", "room-1"))
    );
    assert_eq!(
        ask(&s, &[], "2027-06-01T09:00", Some("bob")),
        Ok(assignment("bob", "room-1"))
    );
    // Ana is at lunch, so the first who can take it is Bob.
    assert_eq!(
        ask(&s, &[], "2027-06-01T12:30", None),
        Ok(assignment("bob", "room-1"))
    );
    let holds = vec![hold(
        &s,
        Resource::Room("room-1".into()),
        "2027-06-01T09:30",
        "2027-06-01T10:00",
    )];
    assert_eq!(
        ask(&s, &holds, "2027-06-01T09:00", None),
        Ok(assignment("ana", "room-2"))
    );
}

#[test]
fn refuses_unknown_and_non_offering_practitioners() {
    let s = two_practitioners();
    assert_eq!(
        ask(&s, &[], "2027-06-01T09:00", Some("zed")),
        Err(Unavailable::UnknownPractitioner("zed".into()))
    );
    assert_eq!(
        ask(&s, &[], "2027-06-01T09:00", Some("cleo")),
        Err(Unavailable::PractitionerDoesNotOffer {
            practitioner: "cleo".into(),
            service: "full-face".into()
        })
    );
    let mut lips = plain(60);
    lips.id = "nobody-does-this".into();
    assert_eq!(
        check(
            &s,
            &lips,
            &[],
            at(&s, "2027-06-01T09:00"),
            None,
            now(&s),
            None
        ),
        Err(Unavailable::NoPractitionerOffers("nobody-does-this".into()))
    );
}

#[test]
fn off_step_inside_hours_is_not_on_step() {
    let s = two_practitioners();
    let start = at(&s, "2027-06-01T09:05");
    assert_eq!(
        ask(&s, &[], "2027-06-01T09:05", None),
        Err(Unavailable::NotOnStep(start))
    );
    let start = start + SignedDuration::from_secs(1);
    assert_eq!(
        check(&s, &plain(60), &[], start, None, now(&s), None),
        Err(Unavailable::NotOnStep(start))
    );
}

#[test]
fn outside_hours_closures_and_time_off() {
    let mut s = two_practitioners();
    for wall in ["2027-06-01T08:45", "2027-06-01T16:15", "2027-06-01T20:00"] {
        assert_eq!(
            ask(&s, &[], wall, None),
            Err(Unavailable::OutsideHours(at(&s, wall)))
        );
    }
    // Ana's lunch: outside her hours even though Bob works then.
    let wall = "2027-06-01T12:30";
    assert_eq!(
        ask(&s, &[], wall, Some("ana")),
        Err(Unavailable::OutsideHours(at(&s, wall)))
    );

    s.practitioners[1].time_off = vec![TimeOff::Between {
        from: "2027-06-01T09:30".parse().unwrap(),
        to: "2027-06-01T10:00".parse().unwrap(),
    }];
    let wall = "2027-06-01T09:00";
    assert_eq!(
        ask(&s, &[], wall, Some("bob")),
        Err(Unavailable::OutsideHours(at(&s, wall)))
    );
    s.practitioners[0].time_off = vec![TimeOff::Days {
        from: date(DAY),
        to: date(DAY),
    }];
    assert_eq!(
        ask(&s, &[], wall, None),
        Err(Unavailable::OutsideHours(at(&s, wall)))
    );

    s.closures = vec![(date(DAY), date(DAY))];
    let wall = "2027-06-01T14:00";
    assert_eq!(
        ask(&s, &[], wall, None),
        Err(Unavailable::OutsideHours(at(&s, wall)))
    );
}

#[test]
fn too_soon_beyond_horizon_and_before_earliest() {
    let s = two_practitioners();
    let svc = plain(60);
    let nine = at(&s, "2027-06-01T09:00");
    let late_now = at(&s, "2027-05-31T22:00");
    assert_eq!(
        check(&s, &svc, &[], nine, None, late_now, None),
        Err(Unavailable::TooSoon {
            start: nine,
            earliest: late_now + SignedDuration::from_hours(12)
        })
    );
    let far = at(&s, "2027-10-01T09:00");
    assert_eq!(
        check(&s, &svc, &[], far, None, now(&s), None),
        Err(Unavailable::BeyondHorizon {
            date: date("2027-10-01"),
            last: date("2027-08-23")
        })
    );
    let last_day = at(&s, "2027-08-23T09:00");
    assert!(check(&s, &svc, &[], last_day, None, now(&s), None).is_ok());
    assert_eq!(
        check(&s, &svc, &[], nine, None, now(&s), Some(date("2027-06-02"))),
        Err(Unavailable::BeforeEarliest {
            date: date(DAY),
            earliest: date("2027-06-02")
        })
    );
}

#[test]
fn taken_when_valid_but_held() {
    let s = two_practitioners();
    let wall = "2027-06-01T10:00";
    let ana_busy = vec![hold(
        &s,
        Resource::Practitioner("ana".into()),
        "2027-06-01T10:30",
        "2027-06-01T11:00",
    )];
    assert_eq!(
        ask(&s, &ana_busy, wall, Some("ana")),
        Err(Unavailable::Taken(at(&s, wall)))
    );
    assert_eq!(
        ask(&s, &ana_busy, wall, None),
        Ok(assignment("bob", "room-1"))
    );

    let rooms_busy: Vec<Hold> = ["room-1", "room-2"]
        .iter()
        .map(|r| {
            hold(
                &s,
                Resource::Room(r.to_string()),
                "2027-06-01T10:45",
                "2027-06-01T12:00",
            )
        })
        .collect();
    assert_eq!(
        ask(&s, &rooms_busy, wall, None),
        Err(Unavailable::Taken(at(&s, wall)))
    );

    // One practitioner away, the other held: the time is valid, someone got there first.
    let mut s = s;
    s.practitioners[1].time_off = vec![TimeOff::Days {
        from: date(DAY),
        to: date(DAY),
    }];
    assert_eq!(
        ask(&s, &ana_busy, wall, None),
        Err(Unavailable::Taken(at(&s, wall)))
    );
    assert!(Unavailable::Taken(at(&s, wall)).is_conflict());
    assert!(!Unavailable::NotOnStep(at(&s, wall)).is_conflict());
}

#[test]
fn agrees_with_availability_minute_by_minute() {
    let s = two_practitioners();
    let svc = full_face();
    let mut holds = holds_for(
        &svc,
        at(&s, "2027-06-01T10:00"),
        &assignment("ana", "room-1"),
    );
    holds.extend(holds_for(
        &svc,
        at(&s, "2027-06-01T10:15"),
        &assignment("bob", "room-2"),
    ));
    for who in [None, Some("ana"), Some("bob")] {
        let mut q = on(&s, DAY);
        q.practitioner = who;
        let slots = availability(&s, &svc, &holds, &q);
        let mut t = at(&s, "2027-06-01T00:00");
        while t < at(&s, "2027-06-02T00:00") {
            let got = check(&s, &svc, &holds, t, who, q.now, None);
            let offered = slots.iter().find(|x| x.start.timestamp() == t);
            match (got, offered) {
                (Ok(a), Some(slot)) => assert_eq!(a, slot.options[0], "{t}"),
                (Err(_), None) => {}
                (got, offered) => panic!("{t}: check {got:?} vs availability {offered:?}"),
            }
            t += SignedDuration::from_mins(5);
        }
    }
}
