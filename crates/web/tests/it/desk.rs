//! The front desk's safety and speed: cancel and no-show ask first, every change says it
//! was saved, a client's reschedule asks before it moves; on SQLite and PostgreSQL.

use crate::common;

use common::{Answer, TestApp, add_staff, answer, post_sign_in, set_cookie_pair};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use store::BookingStatus;

pub const PASSWORD: &str = "ochre lantern drifts slowly 47";

/// A signed-in staff member's cookie and CSRF token.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// Adds a front-desk login and signs it in.
pub async fn desk(app: &TestApp) -> Session {
    let hash = web::hash_password(PASSWORD);
    add_staff(app, "frontdesk@clinic.example", &hash, "front-desk", None).await;
    sign_in(app, "frontdesk@clinic.example").await
}

/// Signs a login in and reads its CSRF token from the first back-office page.
pub async fn sign_in(app: &TestApp, email: &str) -> Session {
    let a = post_sign_in(app, &[("email", email), ("password", PASSWORD)], &[], &[]).await;
    assert_eq!(a.status, 303, "sign-in of {email} failed: {}", a.body);
    let cookie = set_cookie_pair(&a, "collagen_session").expect("a session cookie");
    let mut s = Session {
        cookie,
        csrf: String::new(),
    };
    let page = get(app, &s, "/admin").await;
    let marker = "name=\"csrf\" value=\"";
    let at = page.body.find(marker).expect("a csrf field on /admin") + marker.len();
    s.csrf = page.body[at..].split('"').next().unwrap().to_owned();
    s
}

pub async fn get(app: &TestApp, s: &Session, path: &str) -> Answer {
    answer(
        app.http
            .get(format!("{}{path}", app.base))
            .header("cookie", &s.cookie)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// POSTs a form with the session's CSRF token.
pub async fn post(app: &TestApp, s: &Session, path: &str, form: &[(&str, &str)]) -> Answer {
    let mut fields: Vec<(&str, &str)> = vec![("csrf", &s.csrf)];
    fields.extend_from_slice(form);
    answer(
        app.http
            .post(format!("{}{path}", app.base))
            .header("cookie", &s.cookie)
            .form(&fields)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// `(date, time)` in the clinic's zone of an RFC 3339 start from the API.
pub fn local(start: &str) -> (String, String) {
    (start[..10].to_owned(), start[11..16].to_owned())
}

/// Books a consultation through the desk's form and returns the booking id.
pub async fn desk_book(app: &TestApp, s: &Session, start: &str, email: &str) -> String {
    let (date, time) = local(start);
    let a = post(
        app,
        s,
        "/admin/bookings",
        &[
            ("service", "consultation"),
            ("practitioner", ""),
            ("date", &date),
            ("time", &time),
            ("name", "Desk Client"),
            ("email", email),
            ("phone", "+1 555 0142"),
        ],
    )
    .await;
    assert_eq!(a.status, 303, "booking refused: {}", a.body);
    let id = a
        .location
        .strip_prefix("/admin/bookings/")
        .and_then(|rest| rest.strip_suffix("?done=booked"))
        .unwrap_or_else(|| panic!("redirected to {}", a.location))
        .to_owned();
    let shown = get(app, s, &a.location).await;
    assert!(
        shown.body.contains("role=\"status\"") && shown.body.contains("Booked."),
        "no saved notice after booking: {}",
        shown.body
    );
    id
}

async fn status_of(app: &TestApp, id: &str) -> BookingStatus {
    app.store.booking(id).await.unwrap().unwrap().status
}

/// Cancel and no-show each answer a confirm page first and change nothing; the confirmed
/// post does the change and the booking page then says so, once, from a fixed sentence.
async fn cancel_and_no_show_ask_first(app: TestApp) {
    let desk = desk(&app).await;
    let slots = app.free_slots("consultation", None).await;
    let start = slots[0]["start"].as_str().unwrap();
    let id = desk_book(&app, &desk, start, "asked@example.com").await;
    let path = format!("/admin/bookings/{id}/status");

    for (status, question) in [
        ("cancelled", "Cancel this booking?"),
        ("no_show", "Mark as a no-show?"),
    ] {
        let a = post(&app, &desk, &path, &[("status", status)]).await;
        assert_eq!(a.status, 200, "{status} without confirming: {}", a.body);
        assert!(a.body.contains(question), "{}", a.body);
        assert!(
            a.body.contains("name=\"confirm\" value=\"yes\"")
                && a.body
                    .contains(&format!("name=\"status\" value=\"{status}\"")),
            "the confirm page does not carry the decision: {}",
            a.body
        );
        assert!(a.body.contains("name=\"csrf\""), "{}", a.body);
        assert_eq!(
            status_of(&app, &id).await,
            BookingStatus::Confirmed,
            "{status} without the confirm step changed the booking"
        );
    }
    // Confirming still needs the CSRF token.
    let forged = answer(
        app.http
            .post(format!("{}{path}", app.base))
            .header("cookie", &desk.cookie)
            .form(&[("status", "cancelled"), ("confirm", "yes")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    assert_eq!(status_of(&app, &id).await, BookingStatus::Confirmed);

    let a = post(
        &app,
        &desk,
        &path,
        &[("status", "cancelled"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(a.location, format!("/admin/bookings/{id}?done=cancelled"));
    assert_eq!(status_of(&app, &id).await, BookingStatus::Cancelled);
    let shown = get(&app, &desk, &a.location).await;
    assert!(
        shown
            .body
            .contains("Booking cancelled; its time is free again."),
        "{}",
        shown.body
    );
    // Only the fixed sentences show; anything else in `done` is ignored.
    let crafted = get(
        &app,
        &desk,
        &format!("/admin/bookings/{id}?done=%3Cb%3Ecall%20us%3C%2Fb%3E"),
    )
    .await;
    assert_eq!(crafted.status, 200);
    assert!(
        !crafted.body.contains("call us") && !crafted.body.contains("notice ok flash"),
        "{}",
        crafted.body
    );

    // A no-show on another booking, confirmed, then shown as saved.
    let start = slots
        .iter()
        .map(|s| s["start"].as_str().unwrap())
        .find(|s| {
            s.parse::<Timestamp>().unwrap()
                >= start.parse::<Timestamp>().unwrap() + SignedDuration::from_hours(2)
        })
        .expect("a second free time");
    let other = desk_book(&app, &desk, start, "missed@example.com").await;
    let a = post(
        &app,
        &desk,
        &format!("/admin/bookings/{other}/status"),
        &[("status", "no_show"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(status_of(&app, &other).await, BookingStatus::NoShow);
    let shown = get(&app, &desk, &a.location).await;
    assert!(
        shown.body.contains("Marked as a no-show."),
        "{}",
        shown.body
    );
    // Arrived needs no confirm step: it is what the desk does all day.
    let third = slots
        .iter()
        .map(|s| s["start"].as_str().unwrap())
        .find(|s| {
            s.parse::<Timestamp>().unwrap()
                >= start.parse::<Timestamp>().unwrap() + SignedDuration::from_hours(2)
        })
        .expect("a third free time");
    let third = desk_book(&app, &desk, third, "arrives@example.com").await;
    let a = post(
        &app,
        &desk,
        &format!("/admin/bookings/{third}/status"),
        &[("status", "arrived")],
    )
    .await;
    assert_eq!(a.location, format!("/admin/bookings/{third}?done=arrived"));
    assert_eq!(status_of(&app, &third).await, BookingStatus::Arrived);
}
on_both_engines!(cancel_and_no_show_ask_first);

/// A client's tap on a new time shows the old and new time and moves nothing; "Yes, move
/// it" moves the booking.
async fn a_clients_reschedule_asks_before_moving(app: TestApp) {
    // Online changes close 24 hours ahead: use times well beyond that.
    let later = Timestamp::now() + SignedDuration::from_hours(30);
    let starts: Vec<String> = app
        .free_slots("consultation", Some("maya-lee"))
        .await
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .filter(|s| s.parse::<Timestamp>().unwrap() > later)
        .collect();
    let (first, second) = (&starts[0], starts.last().unwrap());
    let mut body = TestApp::booking_body("consultation", first, "mover@example.com");
    body["practitioner"] = json!("maya-lee");
    let (status, booked) = app.post_json("/api/v1/bookings", &body).await;
    assert_eq!(status, 201, "{booked}");
    let token = booked["manage_token"].as_str().unwrap();
    let id = booked["id"].as_str().unwrap();
    let path = format!("{}/manage/{token}/reschedule", app.base);

    let asked = answer(
        app.http
            .post(&path)
            .form(&[("start", second.as_str())])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert!(
        asked.body.contains("Move your appointment?"),
        "{}",
        asked.body
    );
    assert!(
        asked.body.contains("name=\"confirm\" value=\"yes\"") && asked.body.contains(second),
        "{}",
        asked.body
    );
    let unchanged = app.store.booking(id).await.unwrap().unwrap();
    assert_eq!(
        unchanged.start,
        first.parse::<Timestamp>().unwrap(),
        "a tap moved the booking"
    );

    let moved = answer(
        app.http
            .post(&path)
            .form(&[("start", second.as_str()), ("confirm", "yes")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    assert!(moved.location.ends_with("?moved=1"), "{}", moved.location);
    let after = app.store.booking(id).await.unwrap().unwrap();
    assert_eq!(after.start, second.parse::<Timestamp>().unwrap());
}
on_both_engines!(a_clients_reschedule_asks_before_moving);

/// A treatment the desk books by phone has no screening: its page says so and offers to
/// screen now, and Today says why the client is held rather than leaving the row bare.
async fn a_desk_booking_without_a_screening_says_so(app: TestApp) {
    let desk = desk(&app).await;
    let slots = app.free_slots("microneedling-face", None).await;
    let start = slots[0]["start"].as_str().unwrap();
    let (date, time) = local(start);
    let a = post(
        &app,
        &desk,
        "/admin/bookings",
        &[
            ("service", "microneedling-face"),
            ("date", &date),
            ("time", &time),
            ("name", "Unscreened Client"),
            ("email", "unscreened@example.com"),
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
    assert_eq!(booked.status, BookingStatus::PendingReview);
    assert_eq!(booked.screening_id, None);
    let shown = get(&app, &desk, &format!("/admin/bookings/{id}")).await;
    assert!(
        shown.body.contains("No screening on file."),
        "{}",
        shown.body
    );
    assert!(
        shown
            .body
            .contains(&format!("href=\"/admin/bookings/{id}/reconfirm\"")),
        "{}",
        shown.body
    );
    // A booking with a screening on file carries no such notice.
    let consult = desk_book(
        &app,
        &desk,
        app.free_slots("consultation", None).await[0]["start"]
            .as_str()
            .unwrap(),
        "consult@example.com",
    )
    .await;
    let shown = get(&app, &desk, &format!("/admin/bookings/{consult}")).await;
    assert!(
        !shown.body.contains("No screening on file."),
        "{}",
        shown.body
    );

    // On its day, Today says why the row has no "Mark arrived".
    let today = Timestamp::now().in_tz("America/New_York").unwrap().date();
    if date == today.to_string() {
        let page = get(&app, &desk, "/admin").await;
        assert!(
            page.body
                .contains("No screening on file: the client answers"),
            "{}",
            page.body
        );
    }
}
on_both_engines!(a_desk_booking_without_a_screening_says_so);
