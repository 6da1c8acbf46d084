//! Booking by phone: the desk sees the day's free times and books one with a tap, a client
//! without email is booked by phone number and mailed nothing, a clash offers the nearest
//! free times, and a time already past is called that; on SQLite and PostgreSQL.

use std::collections::BTreeMap;

use crate::desk::{desk, get, post};
use common::TestApp;
use jiff::{SignedDuration, Timestamp, ToSpan};

use crate::common;

/// The values of every `name="pick"` button on a page, in order.
fn picks(body: &str) -> Vec<String> {
    body.split("name=\"pick\" value=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

/// The value of the input named `name`, as rendered.
fn input_value(body: &str, name: &str) -> Option<String> {
    let at = body.find(&format!("name=\"{name}\""))?;
    let tag_start = body[..at].rfind('<')?;
    let tag = &body[tag_start..at + body[at..].find('>')?];
    let v = tag.split("value=\"").nth(1)?;
    Some(v.split('"').next()?.to_owned())
}

async fn a_phone_only_client_is_booked_from_the_free_times(app: TestApp) {
    let desk = desk(&app).await;
    let page = get(
        &app,
        &desk,
        "/admin/bookings/new?service=consultation&practitioner=maya-lee",
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let times = picks(&page.body);
    assert!(!times.is_empty(), "no free times offered: {}", page.body);
    let now = Timestamp::now();
    for t in &times {
        assert!(
            t.parse::<Timestamp>().unwrap() > now,
            "a past time is offered: {t}"
        );
    }
    // The time box starts on the first free time, not on 09:00 of a day that may be over.
    assert_eq!(
        input_value(&page.body, "time").as_deref(),
        Some(&times[0][11..16]),
        "{}",
        page.body
    );
    let day = &times[0][..10];

    // No email: the phone number is enough, and nothing is mailed.
    let a = post(
        &app,
        &desk,
        "/admin/bookings",
        &[
            ("service", "consultation"),
            ("practitioner", "maya-lee"),
            ("date", day),
            ("time", ""),
            ("pick", &times[0]),
            ("name", "Rosa Phone"),
            ("email", ""),
            ("phone", "+1 555 0177"),
        ],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let id = a
        .location
        .strip_prefix("/admin/bookings/")
        .and_then(|r| r.strip_suffix("?done=booked"))
        .unwrap()
        .to_owned();
    let booked = app.store.booking(&id).await.unwrap().unwrap();
    assert_eq!(booked.start, times[0].parse::<Timestamp>().unwrap());
    assert_eq!(booked.client.email_address(), None);
    assert_eq!(booked.client.phone.as_deref(), Some("+1 555 0177"));
    assert!(
        app.store
            .messages_for_booking(&id)
            .await
            .unwrap()
            .is_empty(),
        "mail was queued for a client without an email address"
    );
    let shown = get(&app, &desk, &a.location).await;
    assert!(
        shown.body.contains("No email address on file."),
        "{}",
        shown.body
    );
    assert!(!shown.body.contains("no-email.invalid"), "{}", shown.body);

    // The same phone, spelled another way, is the same client.
    let second = times.get(times.len() / 2).filter(|t| *t != &times[0]);
    if let Some(second) = second {
        let a = post(
            &app,
            &desk,
            "/admin/bookings",
            &[
                ("service", "consultation"),
                ("practitioner", ""),
                ("date", day),
                ("pick", second),
                ("name", "Rosa Phone"),
                ("phone", "15550177"),
            ],
        )
        .await;
        assert_eq!(a.status, 303, "{}", a.body);
        let other = a
            .location
            .strip_prefix("/admin/bookings/")
            .and_then(|r| r.strip_suffix("?done=booked"))
            .unwrap();
        let other = app.store.booking(other).await.unwrap().unwrap();
        assert_eq!(other.client.id, booked.client.id);
    }

    // Neither phone nor email: refused beside the phone field, with what was typed kept.
    let a = post(
        &app,
        &desk,
        "/admin/bookings",
        &[
            ("service", "consultation"),
            ("date", day),
            ("pick", times.last().unwrap()),
            ("name", "Nobody Reachable"),
        ],
    )
    .await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert!(
        a.body.contains("Give a phone number or an email address"),
        "{}",
        a.body
    );
    assert!(a.body.contains("Nobody Reachable"), "{}", a.body);

    // A clash offers the nearest free times as buttons, not "check the day view".
    let a = post(
        &app,
        &desk,
        "/admin/bookings",
        &[
            ("service", "consultation"),
            ("practitioner", "maya-lee"),
            ("date", day),
            ("pick", &times[0]),
            ("name", "Late Caller"),
            ("phone", "555 0188"),
        ],
    )
    .await;
    assert_eq!(a.status, 409, "{}", a.body);
    assert!(a.body.contains("The nearest free times"), "{}", a.body);
    assert!(!a.body.contains("day view"), "{}", a.body);
    assert!(
        picks(&a.body).iter().all(|p| p != &times[0]),
        "the taken time is offered again"
    );
    assert!(a.body.contains("Late Caller"), "{}", a.body);
}
on_both_engines!(a_phone_only_client_is_booked_from_the_free_times);

/// A clinic open around the clock every day, so a time two hours ago is within hours.
fn open_all_day() -> clinic::ClinicSetup {
    let mut setup = clinic::demo();
    setup.closures.clear();
    let days: BTreeMap<String, Vec<String>> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| (d.to_string(), vec!["00:00-24:00".to_string()]))
        .collect();
    for p in &mut setup.practitioners {
        p.hours = days.clone();
        p.dates.clear();
        p.time_off.clear();
    }
    setup
}

/// The desk is told a past time has passed, never that it is "too soon to book online".
async fn a_past_time_is_called_past(app: TestApp) {
    let desk = desk(&app).await;
    let past = (Timestamp::now() - SignedDuration::from_hours(2))
        .in_tz("America/New_York")
        .unwrap()
        .round(jiff::Unit::Hour)
        .unwrap()
        .checked_sub(1.hour())
        .unwrap();
    let a = post(
        &app,
        &desk,
        "/admin/bookings",
        &[
            ("service", "consultation"),
            ("date", &past.date().to_string()),
            ("time", &past.strftime("%H:%M").to_string()),
            ("name", "Too Late"),
            ("phone", "555 0199"),
        ],
    )
    .await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert!(a.body.contains("has already passed"), "{}", a.body);
    assert!(!a.body.contains("too soon to book online"), "{}", a.body);
}
on_both_engines!(a_past_time_is_called_past, super::open_all_day());
