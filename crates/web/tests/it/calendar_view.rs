//! The back office's day and week views tell the truth about the day: the day view spans
//! the practitioners' real hours (a late Thursday runs to 20:00, not a fixed 17:00) and
//! shades the hours a practitioner is off; the week view starts on its Monday, says so,
//! and shows days off.

use crate::common;

use common::{Answer, TestApp, add_staff, answer, post_sign_in, set_cookie_pair};
use jiff::civil::{Date, Weekday};
use jiff::{Span, Timestamp};

const PASSWORD: &str = "ochre lantern drifts slowly 47";

async fn sign_in(app: &TestApp) -> String {
    add_staff(
        app,
        "owner@clinic.example",
        &web::hash_password(PASSWORD),
        "admin",
        None,
    )
    .await;
    let a = post_sign_in(
        app,
        &[("email", "owner@clinic.example"), ("password", PASSWORD)],
        &[],
        &[],
    )
    .await;
    assert_eq!(a.status, 303, "sign-in failed: {}", a.body);
    set_cookie_pair(&a, "collagen_session").expect("a session cookie")
}

async fn get(app: &TestApp, cookie: &str, path: &str) -> Answer {
    answer(
        app.http
            .get(format!("{}{path}", app.base))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Whether the demo clinic keeps its weekly hours on `d` (no date override, closure or
/// whole days off).
fn plain(setup: &clinic::ClinicSetup, d: Date) -> bool {
    setup.practitioners.iter().all(|p| {
        !p.dates.contains_key(&d)
            && p.time_off.iter().all(|t| {
                let (Ok(from), Ok(to)) = (t.from.parse::<Date>(), t.to.parse::<Date>()) else {
                    return true;
                };
                d < from || to < d
            })
    }) && setup.closures.iter().all(|c| d < c.from || c.to < d)
}

/// The next `weekday` at least a week away whose whole week (Monday to Sunday) keeps the
/// demo clinic's weekly hours.
fn next_plain(weekday: Weekday) -> Date {
    let setup = clinic::demo();
    let mut d = Timestamp::now()
        .in_tz("America/New_York")
        .unwrap()
        .date()
        .checked_add(Span::new().days(7))
        .unwrap();
    loop {
        let monday = d
            .checked_sub(Span::new().days(i64::from(d.weekday().to_monday_zero_offset())))
            .unwrap();
        let week_plain =
            (0..7).all(|i| plain(&setup, monday.checked_add(Span::new().days(i)).unwrap()));
        if d.weekday() == weekday && week_plain {
            return d;
        }
        d = d.tomorrow().unwrap();
    }
}

/// The `data-slot` labels of the day view's half-hour rows, in order.
fn slots(body: &str) -> Vec<String> {
    body.split("data-slot=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect()
}

async fn day_view_spans_the_days_real_hours(app: TestApp) {
    let cookie = sign_in(&app).await;

    // Thursday: only Dr. Lee works, 12:00-20:00.
    let thursday = next_plain(Weekday::Thursday);
    let cal = get(&app, &cookie, &format!("/admin/calendar?date={thursday}")).await;
    assert_eq!(cal.status, 200, "{}", cal.body);
    let s = slots(&cal.body);
    assert_eq!(s.first().map(String::as_str), Some("12:00"), "{s:?}");
    assert_eq!(s.last().map(String::as_str), Some("19:30"), "{s:?}");
    assert_eq!(s.len(), 16, "a half-hour row for every half hour: {s:?}");
    assert!(cal.body.contains("data-to=\"20:00\""));

    // Tuesday: Dr. Lee 09:00-17:00 and Sam Ortiz 10:00-18:00 give 09:00-18:00, with the
    // hours each is off shaded.
    let tuesday = next_plain(Weekday::Tuesday);
    let cal = get(&app, &cookie, &format!("/admin/calendar?date={tuesday}")).await;
    let s = slots(&cal.body);
    assert_eq!(s.first().map(String::as_str), Some("09:00"), "{s:?}");
    assert_eq!(s.last().map(String::as_str), Some("17:30"), "{s:?}");
    // Sam's 09:00-10:00 and Dr. Lee's 17:00-18:00: twelve five-minute cells each.
    assert_eq!(cal.body.matches("<td class=\"off\">").count(), 24);

    // The week view names its real Monday and shows who is off.
    let cal = get(
        &app,
        &cookie,
        &format!("/admin/calendar?date={thursday}&view=week"),
    )
    .await;
    let monday = thursday.checked_sub(Span::new().days(3)).unwrap();
    let title = format!("Week of {}", monday.strftime("%A %-d %B %Y"));
    assert!(cal.body.contains(&title), "no \"{title}\" in the week view");
    // Sam Ortiz works Tuesday, Wednesday and Saturday: four days off; Dr. Lee two.
    assert_eq!(cal.body.matches("Day off").count(), 6, "{}", cal.body);
    assert!(
        cal.body.contains("12:00–20:00"),
        "Thursday's hours are not shown"
    );
}
on_both_engines!(day_view_spans_the_days_real_hours);

/// A booking shows in the day and week views with its service and status; a cancelled one
/// gives its place back and is not drawn.
async fn bookings_show_service_and_status(app: TestApp) {
    let cookie = sign_in(&app).await;
    let slot = app.free_slots("consultation", None).await[0]["start"]
        .as_str()
        .unwrap()
        .to_owned();
    let day = &slot[..10];
    let (status, booked) = app
        .post_json(
            "/api/v1/bookings",
            &TestApp::booking_body("consultation", &slot, "status@example.com"),
        )
        .await;
    assert_eq!(status, 201, "{booked}");
    let id = booked["id"].as_str().unwrap();
    let set = |s: store::BookingStatus| {
        let store = app.store.clone();
        let id = id.to_owned();
        async move {
            store
                .set_booking_status(&id, s, None, |_| Ok::<(), ()>(()), |_| Vec::new())
                .await
                .unwrap();
        }
    };
    set(store::BookingStatus::NoShow).await;
    for path in [
        format!("/admin/calendar?date={day}"),
        format!("/admin/calendar?date={day}&view=week"),
    ] {
        let cal = get(&app, &cookie, &path).await;
        for text in ["Test Client", "Skin consultation", "No-show"] {
            assert!(cal.body.contains(text), "{path}: no \"{text}\"");
        }
    }
    set(store::BookingStatus::Cancelled).await;
    let cal = get(&app, &cookie, &format!("/admin/calendar?date={day}")).await;
    assert!(
        !cal.body.contains("Test Client"),
        "a cancelled booking is drawn"
    );
}
on_both_engines!(bookings_show_service_and_status);
