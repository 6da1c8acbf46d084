//! The back office end to end: the front desk books, moves and checks in; a practitioner
//! reviews a screening; each role sees what it should, on SQLite and PostgreSQL.

use crate::common;

use std::collections::BTreeMap;

use common::{Answer, TestApp, add_staff, answer, post_sign_in, screening, set_cookie_pair};
use jiff::civil::Date;
use jiff::{SignedDuration, Span, Timestamp};
use serde_json::{Value, json};
use store::BookingStatus;

const PASSWORD: &str = "ochre lantern drifts slowly 47";
const TZ: &str = "America/New_York";

struct Session {
    cookie: String,
    csrf: String,
}

fn today() -> Date {
    Timestamp::now().in_tz(TZ).unwrap().date()
}

async fn sign_in(app: &TestApp, email: &str) -> Session {
    let a = post_sign_in(app, &[("email", email), ("password", PASSWORD)], &[], &[]).await;
    assert_eq!(a.status, 303, "sign-in of {email} failed: {}", a.body);
    let cookie = set_cookie_pair(&a, "collagen_session").expect("a session cookie");
    let page = get(
        app,
        &Session {
            cookie: cookie.clone(),
            csrf: String::new(),
        },
        "/admin",
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let marker = "name=\"csrf\" value=\"";
    let at = page.body.find(marker).expect("a csrf field on /admin") + marker.len();
    let csrf = page.body[at..].split('"').next().unwrap().to_owned();
    Session { cookie, csrf }
}

async fn get(app: &TestApp, s: &Session, path: &str) -> Answer {
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

async fn get_json(app: &TestApp, s: &Session, path: &str) -> (u16, Value) {
    let res = app
        .http
        .get(format!("{}{path}", app.base))
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();
    (
        res.status().as_u16(),
        res.json().await.unwrap_or(Value::Null),
    )
}

/// POSTs a form with the session's CSRF token.
async fn post(app: &TestApp, s: &Session, path: &str, form: &[(&str, &str)]) -> Answer {
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
fn local(start: &str) -> (String, String) {
    (start[..10].to_owned(), start[11..16].to_owned())
}

fn instant(start: &str) -> Timestamp {
    start.parse().unwrap_or_else(|e| panic!("{start}: {e}"))
}

/// Books on a client's behalf through the back-office form.
async fn staff_book(
    app: &TestApp,
    s: &Session,
    practitioner: &str,
    date: &str,
    time: &str,
    name: &str,
    email: &str,
) -> Answer {
    post(
        app,
        s,
        "/admin/bookings",
        &[
            ("service", "consultation"),
            ("practitioner", practitioner),
            ("date", date),
            ("time", time),
            ("name", name),
            ("email", email),
            ("phone", "+1 555 0142"),
            ("notes", "Booked by phone."),
        ],
    )
    .await
}

/// The booking id a successful form post redirects to.
fn booked_id(a: &Answer) -> String {
    assert_eq!(a.status, 303, "booking refused: {}", a.body);
    a.location
        .strip_prefix("/admin/bookings/")
        .and_then(|rest| rest.strip_suffix("?done=booked"))
        .unwrap_or_else(|| panic!("redirected to {}", a.location))
        .to_owned()
}

/// Books online through the public API.
async fn book_online(
    app: &TestApp,
    service: &str,
    start: &str,
    practitioner: Option<&str>,
    screening: Option<&str>,
    name: &str,
    email: &str,
) -> Value {
    let mut body =
        json!({"service": service, "start": start, "client": {"name": name, "email": email}});
    if let Some(p) = practitioner {
        body["practitioner"] = json!(p);
    }
    if let Some(s) = screening {
        body["screening"] = json!(s);
    }
    let (status, booked) = app.post_json("/api/v1/bookings", &body).await;
    assert_eq!(status, 201, "{booked}");
    booked
}

/// The front desk books a client by phone, is refused an overlap, moves the booking and
/// marks the client arrived.
async fn front_desk_books_moves_and_checks_in(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    let desk_staff = add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    let desk = sign_in(&app, "desk@clinic.example").await;
    let page = get(&app, &desk, "/admin").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Today"), "{}", page.body);
    let form = get(&app, &desk, "/admin/bookings/new").await;
    assert_eq!(form.status, 200);

    let slots = app.free_slots("consultation", Some("maya-lee")).await;
    let first = slots[0]["start"].as_str().unwrap().to_owned();
    let (date, time) = local(&first);
    let a = staff_book(
        &app,
        &desk,
        "",
        &date,
        &time,
        "Phone Client",
        "phone@example.com",
    )
    .await;
    let id = booked_id(&a);
    let booked = app.store.booking(&id).await.unwrap().expect("stored");
    assert_eq!(booked.status, BookingStatus::Confirmed);
    assert_eq!(booked.start, instant(&first));
    assert_eq!(booked.client.name, "Phone Client");
    assert_eq!(booked.created_by, format!("staff:{}", desk_staff.id));
    let practitioner = booked.practitioner_id.clone();
    let shown = get(&app, &desk, &format!("/admin/bookings/{id}")).await;
    assert_eq!(shown.status, 200);
    assert!(
        shown.body.contains("Phone Client") && shown.body.contains(&booked.reference),
        "{}",
        shown.body
    );

    // Never an overlap: the same practitioner at the same time, or 15 minutes into it.
    let plus15 = (instant(&first) + SignedDuration::from_mins(15))
        .in_tz(TZ)
        .unwrap()
        .strftime("%H:%M")
        .to_string();
    for t in [time.as_str(), plus15.as_str()] {
        let a = staff_book(
            &app,
            &desk,
            &practitioner,
            &date,
            t,
            "Second Client",
            "second@example.com",
        )
        .await;
        assert!(
            !(200..400).contains(&a.status),
            "an overlapping booking at {t} was accepted: {} {}",
            a.status,
            a.location
        );
        assert!(
            a.body.contains("role=\"alert\""),
            "the refusal shows no error: {}",
            a.body
        );
    }
    let day = app
        .store
        .bookings_between(
            instant(&first) - SignedDuration::from_hours(12),
            instant(&first) + SignedDuration::from_hours(12),
        )
        .await
        .unwrap();
    assert!(
        day.iter().all(|b| b.client.email != "second@example.com"),
        "the refused booking was stored"
    );
    let still = app.store.booking(&id).await.unwrap().unwrap();
    assert_eq!(
        (still.status, still.start, &still.practitioner_id),
        (BookingStatus::Confirmed, booked.start, &practitioner)
    );

    // Move it to another day with the same practitioner.
    let theirs = app.free_slots("consultation", Some(&practitioner)).await;
    let target = theirs
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .find(|s| s[..10] != date[..])
        .expect("a slot on another day");
    let (new_date, new_time) = local(&target);
    let a = post(
        &app,
        &desk,
        &format!("/admin/bookings/{id}/move"),
        &[
            ("date", &new_date),
            ("time", &new_time),
            ("practitioner", &practitioner),
        ],
    )
    .await;
    assert_eq!(a.status, 303, "move refused: {}", a.body);
    assert_eq!(a.location, format!("/admin/bookings/{id}?done=moved"));
    let moved = app.store.booking(&id).await.unwrap().unwrap();
    assert_eq!(moved.start, instant(&target), "the booking did not move");
    assert_eq!(moved.practitioner_id, practitioner);
    assert_eq!(moved.status, BookingStatus::Confirmed);
    let freed = app.free_slots("consultation", Some(&practitioner)).await;
    assert!(
        freed.iter().any(|s| s["start"] == first.as_str()),
        "the old time was not released"
    );

    // Moving onto another booking is refused and leaves it where it was.
    let other = freed
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .find(|s| s[..10] == new_date[..])
        .expect("another free slot that day");
    let (od, ot) = local(&other);
    booked_id(
        &staff_book(
            &app,
            &desk,
            &practitioner,
            &od,
            &ot,
            "Blocking Client",
            "blocking@example.com",
        )
        .await,
    );
    let a = post(
        &app,
        &desk,
        &format!("/admin/bookings/{id}/move"),
        &[
            ("date", &od),
            ("time", &ot),
            ("practitioner", &practitioner),
        ],
    )
    .await;
    assert!(
        !(200..400).contains(&a.status),
        "a move onto another booking was accepted"
    );
    assert!(a.body.contains("role=\"alert\""), "{}", a.body);
    assert_eq!(
        app.store.booking(&id).await.unwrap().unwrap().start,
        instant(&target),
        "a refused move changed the booking"
    );

    // The client arrives.
    let a = post(
        &app,
        &desk,
        &format!("/admin/bookings/{id}/status"),
        &[("status", "arrived")],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(
        app.store.booking(&id).await.unwrap().unwrap().status,
        BookingStatus::Arrived
    );
}
on_both_engines!(front_desk_books_moves_and_checks_in);

/// A clinic open around the clock every day, so "an hour from now" is always within hours.
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

/// Staff may book inside the online notice window (the client may not), but never an overlap.
async fn staff_book_inside_the_notice_window(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    let desk = sign_in(&app, "desk@clinic.example").await;
    // An hour from now, on the 15-minute step: well inside the demo's 12-hour notice.
    let now = Timestamp::now().in_tz(TZ).unwrap();
    let soon = now
        .checked_add(Span::new().minutes(60 + (15 - i64::from(now.minute()) % 15)))
        .unwrap();
    let start = soon.with().second(0).subsec_nanosecond(0).build().unwrap();
    let rfc = start.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
    let (date, time) = local(&rfc);

    let body = json!({"service": "consultation", "start": rfc, "practitioner": "maya-lee", "client": {"name": "Online", "email": "online@example.com"}});
    let (status, refused) = app.post_json("/api/v1/bookings", &body).await;
    assert_eq!(
        status, 422,
        "a client booked inside the notice window: {refused}"
    );
    assert_eq!(refused["field"], "start", "{refused}");

    let id = booked_id(
        &staff_book(
            &app,
            &desk,
            "maya-lee",
            &date,
            &time,
            "Walk In",
            "walkin@example.com",
        )
        .await,
    );
    let b = app.store.booking(&id).await.unwrap().unwrap();
    assert_eq!(b.start, start.timestamp());
    assert_eq!(b.status, BookingStatus::Confirmed);
    let a = staff_book(
        &app,
        &desk,
        "maya-lee",
        &date,
        &time,
        "Walk In Two",
        "walkin2@example.com",
    )
    .await;
    assert!(
        !(200..400).contains(&a.status),
        "staff double-booked Dr. Lee inside the notice window"
    );
}
on_both_engines!(staff_book_inside_the_notice_window, super::open_all_day());

/// A keloid history holds a treatment for review: the booking's practitioner, a prescriber,
/// sees the screening and confirms; the front desk never sees the answers and cannot review.
async fn practitioner_reviews_a_pending_booking(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    let screening_id = screening(&app, json!({"keloid_history": true})).await;
    let slots = app.free_slots("microneedling-face", Some("maya-lee")).await;
    let start = slots[0]["start"].as_str().unwrap();
    let booked = book_online(
        &app,
        "microneedling-face",
        start,
        Some("maya-lee"),
        Some(&screening_id),
        "Held Client",
        "held@example.com",
    )
    .await;
    assert_eq!(booked["status"], "pending_review", "{booked}");
    let id = booked["id"].as_str().unwrap().to_owned();
    let theirs = booked["practitioner"].as_str().unwrap().to_owned();
    let other = if theirs == "maya-lee" {
        "sam-ortiz"
    } else {
        "maya-lee"
    };

    add_staff(
        &app,
        "mine@clinic.example",
        &hash,
        "practitioner",
        Some(&theirs),
    )
    .await;
    add_staff(
        &app,
        "other@clinic.example",
        &hash,
        "practitioner",
        Some(other),
    )
    .await;
    add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    let mine = sign_in(&app, "mine@clinic.example").await;
    let colleague = sign_in(&app, "other@clinic.example").await;
    let desk = sign_in(&app, "desk@clinic.example").await;

    // The front desk: the booking, but not the screening's answers; no review.
    let page = get(&app, &desk, &format!("/admin/bookings/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Held Client"), "{}", page.body);
    assert!(
        !page.body.to_lowercase().contains("keloid"),
        "the front desk sees the screening answers:\n{}",
        page.body
    );
    let client_id = app.store.booking(&id).await.unwrap().unwrap().client.id;
    let client_page = get(&app, &desk, &format!("/admin/clients/{client_id}")).await;
    assert_eq!(client_page.status, 200);
    assert!(
        client_page.body.contains("Held Client"),
        "{}",
        client_page.body
    );
    assert!(
        !client_page.body.to_lowercase().contains("keloid"),
        "the front desk sees screening detail on the client page:\n{}",
        client_page.body
    );
    let client_page = get(&app, &mine, &format!("/admin/clients/{client_id}")).await;
    assert!(
        client_page.body.to_lowercase().contains("keloid"),
        "the practitioner does not see the screening on the client page"
    );
    let a = post(
        &app,
        &desk,
        &format!("/admin/bookings/{id}/review"),
        &[("decision", "confirm")],
    )
    .await;
    assert_eq!(a.status, 403, "{}", a.body);
    // Another practitioner cannot open or review it either.
    assert_eq!(
        get(&app, &colleague, &format!("/admin/bookings/{id}"))
            .await
            .status,
        403
    );
    let a = post(
        &app,
        &colleague,
        &format!("/admin/bookings/{id}/review"),
        &[("decision", "confirm")],
    )
    .await;
    assert_eq!(a.status, 403, "{}", a.body);
    assert_eq!(
        app.store.booking(&id).await.unwrap().unwrap().status,
        BookingStatus::PendingReview
    );

    // The booking's practitioner sees it queued, with the screening, and confirms.
    let queue = get(&app, &mine, "/admin/review").await;
    assert_eq!(queue.status, 200);
    assert!(queue.body.contains("Held Client"), "{}", queue.body);
    // The queue reads as a person would: the date with the time, each answer as its
    // question with Yes or No, and a way to act in the row.
    assert!(
        queue.body.contains(
            "Does your skin form keloids or raised, thick scars when it heals?</dt><dd>Yes</dd>"
        ),
        "the queue does not show the answer as question and Yes: {}",
        queue.body
    );
    assert!(!queue.body.contains("keloid_history"), "{}", queue.body);
    assert!(
        queue
            .body
            .contains(&format!("href=\"/admin/bookings/{id}#review\"")),
        "{}",
        queue.body
    );
    let page = get(&app, &mine, &format!("/admin/bookings/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(
            "Does your skin form keloids or raised, thick scars when it heals?</dt><dd>Yes</dd>"
        ),
        "the practitioner does not see the answers: {}",
        page.body
    );
    assert!(
        page.body
            .contains("Who may confirm: <strong>Dr. Maya Lee</strong>"),
        "the screen says who may confirm: {}",
        page.body
    );
    assert!(page.body.contains("A prescriber must approve this."));
    let a = post(
        &app,
        &mine,
        &format!("/admin/bookings/{id}/review"),
        &[
            ("decision", "confirm"),
            ("note", "Patch test first, please."),
        ],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let after = app.store.booking(&id).await.unwrap().unwrap();
    assert_eq!(after.status, BookingStatus::Confirmed);
    assert_eq!(
        after.review_note.as_deref(),
        Some("Patch test first, please.")
    );
    let mail = app.store.mail_for_booking(&id).await.unwrap();
    assert!(
        mail.iter()
            .any(|(kind, to, _)| kind == "confirmed" && to == "held@example.com"),
        "no confirmation mail queued: {mail:?}"
    );
    let queue = get(&app, &mine, "/admin/review").await;
    assert!(
        !queue.body.contains("Held Client"),
        "a reviewed booking is still queued"
    );
    let again = post(
        &app,
        &mine,
        &format!("/admin/bookings/{id}/review"),
        &[("decision", "decline")],
    )
    .await;
    assert!(
        !(200..400).contains(&again.status),
        "a booking was reviewed twice"
    );
    assert_eq!(
        app.store.booking(&id).await.unwrap().unwrap().status,
        BookingStatus::Confirmed
    );

    // The JSON API: another pending booking, declined with the X-CSRF-Token header.
    let second = screening(&app, json!({"keloid_history": true})).await;
    let slots = app.free_slots("microneedling-face", Some(&theirs)).await;
    let booked = book_online(
        &app,
        "microneedling-face",
        slots[0]["start"].as_str().unwrap(),
        Some(&theirs),
        Some(&second),
        "Api Client",
        "api@example.com",
    )
    .await;
    let id2 = booked["id"].as_str().unwrap().to_owned();
    let res = app
        .http
        .post(format!("{}/api/v1/admin/bookings/{id2}/review", app.base))
        .header("cookie", &desk.cookie)
        .header("x-csrf-token", &desk.csrf)
        .json(&json!({"decision": "confirm"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        403,
        "the front desk reviewed over the API"
    );
    let res = app
        .http
        .post(format!("{}/api/v1/admin/bookings/{id2}/review", app.base))
        .header("cookie", &mine.cookie)
        .header("x-csrf-token", &mine.csrf)
        .json(&json!({"decision": "decline", "note": "Consultation first."}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "declined", "{body}");
    assert_eq!(
        app.store.booking(&id2).await.unwrap().unwrap().status,
        BookingStatus::Declined
    );
    let mail = app.store.mail_for_booking(&id2).await.unwrap();
    assert!(
        mail.iter()
            .any(|(kind, to, _)| kind == "declined" && to == "api@example.com"),
        "{mail:?}"
    );
}
on_both_engines!(practitioner_reviews_a_pending_booking);

/// A finding a doctor must approve (keloid) on a booking with a practitioner who is not a
/// prescriber: their screen offers no confirm button and says who may, and a confirmation
/// they send anyway is refused with the reason; they may still decline.
async fn only_a_prescriber_confirms_a_keloid_finding(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(
        &app,
        "sam@clinic.example",
        &hash,
        "practitioner",
        Some("sam-ortiz"),
    )
    .await;
    let sam = sign_in(&app, "sam@clinic.example").await;
    let screening_id = screening(&app, json!({"keloid_history": true})).await;
    let slots = app
        .free_slots("microneedling-face", Some("sam-ortiz"))
        .await;
    let booked = book_online(
        &app,
        "microneedling-face",
        slots[0]["start"].as_str().unwrap(),
        Some("sam-ortiz"),
        Some(&screening_id),
        "Keloid Client",
        "keloid@example.com",
    )
    .await;
    assert_eq!(booked["status"], "pending_review", "{booked}");
    let id = booked["id"].as_str().unwrap().to_owned();
    let page = get(&app, &sam, &format!("/admin/bookings/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("Who may confirm: <strong>Dr. Maya Lee</strong>"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("value=\"confirm\""), "{}", page.body);
    assert!(page.body.contains("value=\"decline\""));
    let refused = post(
        &app,
        &sam,
        &format!("/admin/bookings/{id}/review"),
        &[("decision", "confirm")],
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(
        refused.body.contains("Only a prescriber may confirm"),
        "{}",
        refused.body
    );
    assert_eq!(
        app.store.booking(&id).await.unwrap().unwrap().status,
        BookingStatus::PendingReview
    );
    let declined = post(
        &app,
        &sam,
        &format!("/admin/bookings/{id}/review"),
        &[("decision", "decline")],
    )
    .await;
    assert_eq!(declined.status, 303, "{}", declined.body);
}
on_both_engines!(only_a_prescriber_confirms_a_keloid_finding);

/// A practitioner's calendar and API show only their own bookings; the admin's show all.
async fn practitioners_see_only_their_own_schedule(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(
        &app,
        "maya@clinic.example",
        &hash,
        "practitioner",
        Some("maya-lee"),
    )
    .await;
    add_staff(&app, "owner@clinic.example", &hash, "admin", None).await;
    add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    let maya_slots = app.free_slots("consultation", Some("maya-lee")).await;
    let sam_slots = app.free_slots("consultation", Some("sam-ortiz")).await;
    let day = maya_slots
        .iter()
        .map(|s| s["start"].as_str().unwrap()[..10].to_owned())
        .find(|d| {
            sam_slots
                .iter()
                .any(|s| s["start"].as_str().unwrap().starts_with(d.as_str()))
        })
        .expect("a day both practitioners work");
    let on_day = |slots: &[Value]| {
        slots
            .iter()
            .map(|s| s["start"].as_str().unwrap().to_owned())
            .find(|s| s.starts_with(&day))
            .unwrap()
    };
    let alma = book_online(
        &app,
        "consultation",
        &on_day(&maya_slots),
        Some("maya-lee"),
        None,
        "Alma Mayaclient",
        "alma@example.com",
    )
    .await;
    let bert = book_online(
        &app,
        "consultation",
        &on_day(&sam_slots),
        Some("sam-ortiz"),
        None,
        "Bert Samclient",
        "bert@example.com",
    )
    .await;

    let maya = sign_in(&app, "maya@clinic.example").await;
    for path in [
        format!("/admin/calendar?date={day}"),
        format!("/admin/calendar?date={day}&view=week"),
    ] {
        let cal = get(&app, &maya, &path).await;
        assert_eq!(cal.status, 200);
        assert!(
            cal.body.contains("Alma Mayaclient"),
            "{path}: Dr. Lee does not see her booking"
        );
        assert!(
            !cal.body.contains("Bert Samclient"),
            "{path}: Dr. Lee sees Sam Ortiz's booking"
        );
    }
    let (status, list) = get_json(&app, &maya, &format!("/api/v1/admin/bookings?date={day}")).await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = list["bookings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![alma["id"].as_str().unwrap()], "{list}");
    assert_eq!(
        get(
            &app,
            &maya,
            &format!("/admin/bookings/{}", bert["id"].as_str().unwrap())
        )
        .await
        .status,
        403
    );

    for email in ["owner@clinic.example", "desk@clinic.example"] {
        let s = sign_in(&app, email).await;
        let cal = get(&app, &s, &format!("/admin/calendar?date={day}")).await;
        assert!(
            cal.body.contains("Alma Mayaclient") && cal.body.contains("Bert Samclient"),
            "{email} does not see both bookings"
        );
    }
    let owner = sign_in(&app, "owner@clinic.example").await;
    let (status, list) =
        get_json(&app, &owner, &format!("/api/v1/admin/bookings?date={day}")).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["date"], day.as_str());
    assert_eq!(list["timezone"], TZ);
    let bookings = list["bookings"].as_array().unwrap();
    assert_eq!(bookings.len(), 2, "{list}");
    for (b, name, practitioner) in [
        (&alma, "Alma Mayaclient", "maya-lee"),
        (&bert, "Bert Samclient", "sam-ortiz"),
    ] {
        let found = bookings
            .iter()
            .find(|x| x["id"] == b["id"])
            .unwrap_or_else(|| panic!("{name} missing: {list}"));
        assert_eq!(found["client"]["name"], name);
        assert_eq!(found["practitioner"], practitioner);
        assert_eq!(found["status"], "confirmed");
        assert!(
            found["start"].as_str().unwrap().starts_with(&day),
            "{found}"
        );
    }
    let (status, other_day) =
        get_json(&app, &owner, "/api/v1/admin/bookings?date=2030-01-01").await;
    assert_eq!(status, 200);
    assert_eq!(other_day["bookings"], json!([]));
    let (status, bad) = get_json(&app, &owner, "/api/v1/admin/bookings?date=tomorrow").await;
    assert_eq!(status, 422, "{bad}");
    assert_eq!(bad["field"], "date");
}
on_both_engines!(practitioners_see_only_their_own_schedule);

/// The demo clinic with a third practitioner offering consultations, everyone working
/// 07:00-22:00 every day, and no notice period: the busy day of the day-view check.
fn busy_clinic() -> clinic::ClinicSetup {
    let mut setup = clinic::demo();
    setup.closures.clear();
    setup.booking.min_notice_minutes = 0;
    let mut third = setup.practitioners[1].clone();
    third.id = "ava-chen".into();
    third.name = "Ava Chen".into();
    third.services = vec!["consultation".into()];
    setup.practitioners.push(third);
    let days: BTreeMap<String, Vec<String>> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| (d.to_string(), vec!["07:00-22:00".to_string()]))
        .collect();
    for p in &mut setup.practitioners {
        p.hours = days.clone();
        p.dates.clear();
        p.time_off.clear();
    }
    assert_eq!(setup.rooms.len(), 2);
    setup
}

/// A busy day (30 bookings, 3 practitioners, 2 rooms) renders every booking in the day view.
async fn the_busy_day_view_shows_every_booking(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(&app, "owner@clinic.example", &hash, "admin", None).await;
    let day = today().checked_add(Span::new().days(2)).unwrap();
    let practitioners = ["maya-lee", "sam-ortiz", "ava-chen"];
    for i in 0..30 {
        // Two at a time (one per room), each pair with two different practitioners.
        let start = day
            .at(7, 0, 0, 0)
            .in_tz(TZ)
            .unwrap()
            .checked_add(Span::new().minutes(30 * (i / 2)))
            .unwrap();
        let rfc = start.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
        book_online(
            &app,
            "consultation",
            &rfc,
            Some(practitioners[i as usize % 3]),
            None,
            &format!("Busy Client {:02}", i + 1),
            &format!("busy{i}@example.com"),
        )
        .await;
    }
    let owner = sign_in(&app, "owner@clinic.example").await;
    let cal = get(&app, &owner, &format!("/admin/calendar?date={day}")).await;
    assert_eq!(cal.status, 200);
    for i in 1..=30 {
        assert!(
            cal.body.contains(&format!("Busy Client {i:02}")),
            "the day view lacks Busy Client {i:02}"
        );
    }
    let table = cal
        .body
        .split("<table class=\"day-table\"")
        .nth(1)
        .expect("the day view's table");
    let header = table.split("</thead>").next().unwrap();
    assert_eq!(
        header.matches("<th scope=\"col\">").count(),
        6,
        "a time column, then 3 practitioner and 2 room columns"
    );
    for name in [
        "Dr. Maya Lee",
        "Sam Ortiz",
        "Ava Chen",
        "Treatment room 1",
        "Treatment room 2",
    ] {
        assert!(cal.body.contains(name), "no column for {name}");
    }
    let (status, list) =
        get_json(&app, &owner, &format!("/api/v1/admin/bookings?date={day}")).await;
    assert_eq!(status, 200);
    assert_eq!(list["bookings"].as_array().unwrap().len(), 30);
}
on_both_engines!(the_busy_day_view_shows_every_booking, super::busy_clinic());

/// The setup screen's weekly-hours form: an admin opens Sam Ortiz on Sundays and online
/// booking offers Sunday slots at once; malformed hours are refused beside the field, with
/// what was typed kept, and change nothing.
async fn admin_sets_weekly_hours_through_the_setup_form(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(&app, "owner@clinic.example", &hash, "admin", None).await;
    let owner = sign_in(&app, "owner@clinic.example").await;
    let page = get(&app, &owner, "/admin/setup").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("action=\"/admin/setup/hours\""),
        "no weekly-hours form on the setup page"
    );
    let on_sunday = |slot: &Value| {
        let (date, _) = local(slot["start"].as_str().unwrap());
        date.parse::<Date>().unwrap().weekday() == jiff::civil::Weekday::Sunday
    };
    let before = app.free_slots("consultation", Some("sam-ortiz")).await;
    assert!(!before.is_empty(), "Sam Ortiz has no slots at all");
    assert!(
        !before.iter().any(on_sunday),
        "Sam Ortiz already works on Sundays"
    );

    let hours = |sun: &'static str| {
        [
            ("practitioner", "sam-ortiz"),
            ("mon", ""),
            ("tue", "10:00-18:00"),
            ("wed", "10:00-18:00"),
            ("thu", ""),
            ("fri", ""),
            ("sat", "09:00-14:00"),
            ("sun", sun),
        ]
    };
    // Hours as people type them are understood and kept in the canonical form.
    let saved = post(
        &app,
        &owner,
        "/admin/setup/hours",
        &hours("10am\u{2013}2pm"),
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.location, "/admin/setup?saved=1");
    let sam = app
        .state
        .clinic()
        .setup
        .practitioner("sam-ortiz")
        .cloned()
        .expect("Sam Ortiz");
    assert_eq!(sam.hours.get("sun"), Some(&vec!["10:00-14:00".to_owned()]));
    assert_eq!(sam.hours.get("tue"), Some(&vec!["10:00-18:00".to_owned()]));
    let sunday: Vec<Value> = app
        .free_slots("consultation", Some("sam-ortiz"))
        .await
        .into_iter()
        .filter(on_sunday)
        .collect();
    assert!(!sunday.is_empty(), "no Sunday slots after the change");
    for slot in &sunday {
        let (_, time) = local(slot["start"].as_str().unwrap());
        assert!(
            ("10:00".."13:31").contains(&time.as_str()),
            "a Sunday slot at {time}, outside 10:00-14:00"
        );
    }
    let page = get(&app, &owner, "/admin/setup?saved=1").await;
    assert!(page.body.contains("Saved."), "{}", page.body);

    // Malformed hours: refused beside Sunday's field, what was typed kept, nothing saved.
    let version = app.store.setup_version().await.unwrap();
    let refused = post(&app, &owner, "/admin/setup/hours", &hours("9 till 5")).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("id=\"f-hours-sam-ortiz-sun-error\""),
        "the error is not beside Sunday's field: {}",
        refused.body
    );
    assert!(
        refused.body.contains("are not a time span"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("value=\"9 till 5\""),
        "what was typed is lost"
    );
    assert_eq!(app.store.setup_version().await.unwrap(), version);
    assert_eq!(
        app.state.clinic().setup.practitioner("sam-ortiz"),
        Some(&sam),
        "the refused hours changed the setup"
    );
    let (status, listed) = app.get_json("/api/v1/practitioners").await;
    assert_eq!(status, 200);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "sam-ortiz"),
        "{listed}"
    );
    assert!(
        app.free_slots("consultation", Some("sam-ortiz"))
            .await
            .iter()
            .any(on_sunday),
        "the refused hours removed the Sunday slots"
    );
}
on_both_engines!(admin_sets_weekly_hours_through_the_setup_form);

/// A public booking with an existing client's email (in another case) renames no one: the
/// API answers with what was typed, the back office shows "booked as" next to the client
/// record, and only when staff choose does the record take the new details.
async fn a_public_booking_never_renames_a_client(app: TestApp) {
    let starts = app.starts_an_hour_apart("consultation").await;
    let body = |start: &Timestamp, name: &str, email: &str, phone: &str| {
        json!({"service": "consultation", "start": start.to_string(),
               "client": {"name": name, "email": email, "phone": phone}})
    };
    let (status, first) = app
        .post_json(
            "/api/v1/bookings",
            &body(&starts[0], "Ann Lee", "ann@example.com", "+1 555 0101"),
        )
        .await;
    assert_eq!(status, 201, "{first}");
    let (status, second) = app
        .post_json(
            "/api/v1/bookings",
            &body(
                &starts[1],
                "Mallory Stranger",
                "ANN@Example.com",
                "+1 555 0666",
            ),
        )
        .await;
    assert_eq!(status, 201, "{second}");
    // The answer shows what was typed, never the stored client's name or phone.
    assert_eq!(second["client"]["name"], "Mallory Stranger");
    assert_eq!(second["client"]["phone"], "+1 555 0666");
    let token = first["manage_token"].as_str().unwrap();
    let (_, shown) = app.get_json(&format!("/api/v1/bookings/{token}")).await;
    assert_eq!(shown["client"]["name"], "Ann Lee");

    let hash = web::hash_password(PASSWORD);
    add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    let desk = sign_in(&app, "desk@clinic.example").await;
    let second_id = second["id"].as_str().unwrap();
    let page = get(&app, &desk, &format!("/admin/bookings/{second_id}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Ann Lee"),
        "client record on the booking"
    );
    assert!(page.body.contains("Booked as"), "{}", page.body);
    assert!(page.body.contains("Mallory Stranger \u{b7} +1 555 0666"));
    let first_id = first["id"].as_str().unwrap();
    let page = get(&app, &desk, &format!("/admin/bookings/{first_id}")).await;
    assert!(page.body.contains("Ann Lee"));
    assert!(
        !page.body.contains("Booked as"),
        "the first booking matches the record"
    );
    let client_id = app
        .store
        .booking(first_id)
        .await
        .unwrap()
        .unwrap()
        .client
        .id;
    let record = app.store.client(&client_id).await.unwrap().unwrap();
    assert_eq!(
        (record.name.as_str(), record.phone.as_deref()),
        ("Ann Lee", Some("+1 555 0101"))
    );
    let page = get(&app, &desk, &format!("/admin/clients/{client_id}")).await;
    assert!(
        page.body.contains("booked as Mallory Stranger"),
        "{}",
        page.body
    );

    // Staff decide the new details are the client's: the record takes them.
    let done = post(
        &app,
        &desk,
        &format!("/admin/bookings/{second_id}/update-client"),
        &[],
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location, format!("/admin/clients/{client_id}"));
    let record = app.store.client(&client_id).await.unwrap().unwrap();
    assert_eq!(
        (record.name.as_str(), record.phone.as_deref()),
        ("Mallory Stranger", Some("+1 555 0666"))
    );
    let page = get(&app, &desk, &format!("/admin/bookings/{second_id}")).await;
    assert!(!page.body.contains("Booked as"));
}
on_both_engines!(a_public_booking_never_renames_a_client);
