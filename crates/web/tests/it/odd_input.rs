//! Odd input is a clear 4xx (or an empty answer), never a panic or a 500, and the same on
//! both engines: dates at the ends of the calendar, NUL characters, CR/LF in `next`,
//! offsets of a day or more, oversized bodies. Also: malformed bookings do not use up an
//! address's allowance, and private pages are never cached.

use crate::common;

use common::{Answer, TestApp, add_staff, answer, post_sign_in, set_cookie_pair};
use jiff::{SignedDuration, Timestamp};
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER};
use serde_json::{Value, json};

const PASSWORD: &str = "ochre lantern drifts slowly 47";

async fn get(app: &TestApp, cookie: Option<&str>, path: &str) -> Answer {
    let mut req = app.http.get(format!("{}{path}", app.base));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    answer(req.send().await.expect("request")).await
}

async fn post_json(app: &TestApp, path: &str, body: &Value) -> Answer {
    answer(
        app.http
            .post(format!("{}{path}", app.base))
            .json(body)
            .send()
            .await
            .expect("request"),
    )
    .await
}

async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> Answer {
    answer(
        app.http
            .post(format!("{}{path}", app.base))
            .form(form)
            .send()
            .await
            .expect("request"),
    )
    .await
}

fn json_of(a: &Answer) -> Value {
    serde_json::from_str(&a.body).unwrap_or(Value::Null)
}

/// Asserts a problem document of `status` and `kind`, naming `field` when given.
#[track_caller]
fn problem(a: &Answer, status: u16, kind: &str, field: Option<&str>) {
    assert_eq!(a.status, status, "{}", a.body);
    let content_type = a.headers.get(CONTENT_TYPE).unwrap().to_str().unwrap();
    assert_eq!(content_type, "application/problem+json", "{}", a.body);
    let body = json_of(a);
    assert_eq!(body["type"], format!("/problems/{kind}"), "{body}");
    assert_eq!(body["status"], status, "{body}");
    if let Some(field) = field {
        assert_eq!(body["field"], field, "{body}");
    }
}

/// Signs in a new front-desk account and returns its session cookie pair.
async fn desk_session(app: &TestApp) -> String {
    let hash = web::hash_password(PASSWORD);
    add_staff(app, "desk@clinic.example", &hash, "front-desk", None).await;
    let a = post_sign_in(
        app,
        &[("email", "desk@clinic.example"), ("password", PASSWORD)],
        &[],
        &[],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    set_cookie_pair(&a, "collagen_session").expect("a session cookie")
}

/// A confirmed consultation booked online: its JSON (with `manage_token`).
async fn booked(app: &TestApp, email: &str) -> Value {
    let slots = app.free_slots("consultation", None).await;
    let body = TestApp::booking_body("consultation", slots[0]["start"].as_str().unwrap(), email);
    let a = post_json(app, "/api/v1/bookings", &body).await;
    assert_eq!(a.status, 201, "{}", a.body);
    json_of(&a)
}

async fn booking_count(app: &TestApp) -> usize {
    let now = Timestamp::now();
    app.store
        .bookings_between(now, now + SignedDuration::from_hours(24 * 120))
        .await
        .unwrap()
        .len()
}

/// The booking page's day picker at the last (and first) month jiff can hold shows a
/// page without times instead of panicking.
async fn booking_page_at_the_ends_of_the_calendar_shows_no_times(app: TestApp) {
    for query in [
        "date=9999-12-31",
        "month=9999-12",
        "month=9999-12&date=9999-12-31",
        "date=-009999-01-01",
        "month=-009999-01",
    ] {
        let a = get(&app, None, &format!("/book?service=consultation&{query}")).await;
        assert_eq!(a.status, 200, "{query}: {}", a.body);
        assert!(a.body.contains("No free times"), "{query}: {}", a.body);
    }
}
on_both_engines!(booking_page_at_the_ends_of_the_calendar_shows_no_times);

/// The manage page's picker at December 9999 answers too.
async fn manage_page_at_the_end_of_the_calendar_shows_no_times(app: TestApp) {
    let b = booked(&app, "far@example.com").await;
    let token = b["manage_token"].as_str().unwrap();
    for query in ["month=9999-12", "date=9999-12-31"] {
        let a = get(&app, None, &format!("/manage/{token}/reschedule?{query}")).await;
        assert!(a.status < 500, "{query}: {} {}", a.status, a.body);
    }
}
on_both_engines!(manage_page_at_the_end_of_the_calendar_shows_no_times);

/// Availability at the ends of jiff's calendar is an empty list, and a range spanning it
/// is refused on `to`; never a 500.
async fn availability_at_the_ends_of_the_calendar_is_empty(app: TestApp) {
    for (from, to) in [
        ("9999-12-01", "9999-12-31"),
        ("9999-12-31", "9999-12-31"),
        ("-009999-01-01", "-009999-01-31"),
    ] {
        let path = format!("/api/v1/availability?service=consultation&from={from}&to={to}");
        let a = get(&app, None, &path).await;
        assert_eq!(a.status, 200, "{from}..{to}: {}", a.body);
        assert_eq!(json_of(&a)["slots"], json!([]), "{from}..{to}");
    }
    let a = get(
        &app,
        None,
        "/api/v1/availability?service=consultation&from=-009999-01-01&to=9999-12-31",
    )
    .await;
    problem(&a, 422, "invalid-input", Some("to"));
}
on_both_engines!(availability_at_the_ends_of_the_calendar_is_empty);

/// A NUL in any text of a booking is refused on its field, and nothing is stored.
async fn nul_in_a_booking_body_is_refused_on_its_field(app: TestApp) {
    let slots = app.free_slots("consultation", None).await;
    let start = slots[0]["start"].as_str().unwrap();
    let client = json!({"name": "Nul Client", "email": "nul@example.com", "phone": "+1 555 0199"});
    let cases = [
        ("client.name", "/client/name", json!("Nul\u{0}Client")),
        (
            "client.email",
            "/client/email",
            json!("nul\u{0}@example.com"),
        ),
        ("client.phone", "/client/phone", json!("+1 555\u{0} 0199")),
        ("notes", "/notes", json!("allergic\u{0}to nothing")),
        ("screening", "/screening", json!("abc\u{0}def")),
        ("practitioner", "/practitioner", json!("maya\u{0}lee")),
    ];
    for (field, pointer, value) in cases {
        let mut body = json!({"service": "consultation", "start": start, "client": client});
        if pointer.starts_with("/client/") {
            *body.pointer_mut(pointer).unwrap() = value;
        } else {
            body[&pointer[1..]] = value;
        }
        let a = post_json(&app, "/api/v1/bookings", &body).await;
        problem(&a, 422, "invalid-input", Some(field));
        assert!(
            json_of(&a)["detail"].as_str().unwrap().contains("NUL"),
            "{}",
            a.body
        );
    }
    assert_eq!(booking_count(&app).await, 0, "nothing was booked");
}
on_both_engines!(nul_in_a_booking_body_is_refused_on_its_field);

/// The booking form refuses a NUL in the name or the notes with the form shown again.
async fn nul_in_the_booking_form_is_refused_on_its_field(app: TestApp) {
    let slots = app.free_slots("consultation", None).await;
    let start = slots[0]["start"].as_str().unwrap();
    for (field, name, notes) in [
        ("name", "Nul\0Client", "fine"),
        ("notes", "Nul Client", "allergic\0to nothing"),
    ] {
        let a = post_form(
            &app,
            "/book",
            &[
                ("service", "consultation"),
                ("start", start),
                ("name", name),
                ("email", "nul@example.com"),
                ("notes", notes),
            ],
        )
        .await;
        assert_eq!(a.status, 422, "{field}: {}", a.body);
        assert!(a.body.contains("NUL character"), "{field}: {}", a.body);
        assert!(!a.body.contains('\0'), "{field}: the NUL is not echoed raw");
    }
    let a = post_form(
        &app,
        "/book",
        &[
            ("service", "consultation"),
            ("start", start),
            ("screening", "abc\0def"),
            ("name", "Nul Client"),
            ("email", "nul@example.com"),
        ],
    )
    .await;
    assert_eq!(
        a.status, 303,
        "a NUL in a hidden choice starts over: {}",
        a.body
    );
    assert_eq!(a.location, "/book");
    assert_eq!(booking_count(&app).await, 0, "nothing was booked");
}
on_both_engines!(nul_in_the_booking_form_is_refused_on_its_field);

/// A NUL in the sign-in e-mail is refused on the field, not a 500.
async fn nul_in_the_login_email_is_refused(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    let a = post_sign_in(
        &app,
        &[("email", "desk@clinic.example\0"), ("password", PASSWORD)],
        &[],
        &[],
    )
    .await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert!(a.body.contains("NUL character"), "{}", a.body);
    assert_eq!(set_cookie_pair(&a, "collagen_session"), None, "no session");
}
on_both_engines!(nul_in_the_login_email_is_refused);

/// A `%00` in a path or query that reaches the database is a 400, signed in or not.
async fn nul_in_an_address_is_a_400(app: TestApp) {
    let cookie = desk_session(&app).await;
    let paths = [
        "/admin/clients/abc%00def",
        "/admin/bookings/abc%00def",
        "/admin/clients?q=a%00b",
        "/admin/calendar?date=2030-01-02%00",
        "/manage/abc%00def",
        "/api/v1/bookings/abc%00def",
        "/book?service=microneedling-face&screening=abc%00def",
    ];
    for path in paths {
        for session in [None, Some(cookie.as_str())] {
            let a = get(&app, session, path).await;
            problem(&a, 400, "malformed-request", None);
        }
    }
}
on_both_engines!(nul_in_an_address_is_a_400);

/// CR/LF (or any control character) in `next` falls back to `/admin` instead of a 500.
async fn control_characters_in_next_fall_back_to_the_back_office(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    for next in [
        "/admin\r\nSet-Cookie: evil=1",
        "/admin/calendar\n",
        "/admin\t",
    ] {
        let a = post_sign_in(
            &app,
            &[
                ("email", "desk@clinic.example"),
                ("password", PASSWORD),
                ("next", next),
            ],
            &[],
            &[],
        )
        .await;
        assert_eq!(a.status, 303, "{next:?}: {}", a.body);
        assert_eq!(a.location, "/admin", "{next:?}");
    }
}
on_both_engines!(control_characters_in_next_fall_back_to_the_back_office);

/// Malformed bookings do not count against the address's allowance; good ones still do,
/// and the refusal still says how long to wait.
async fn malformed_bookings_leave_the_allowance_alone(app: TestApp) {
    for i in 0..5 {
        let a = post_json(
            &app,
            "/api/v1/bookings",
            &json!({"service": "consultation"}),
        )
        .await;
        problem(&a, 422, "invalid-input", Some("start"));
        let a = post_json(&app, "/api/v1/bookings", &json!({"client": i})).await;
        assert_eq!(a.status, 422, "{}", a.body);
    }
    let starts = app.starts_an_hour_apart("consultation").await;
    for (i, start) in starts.iter().take(2).enumerate() {
        let body = TestApp::booking_body("consultation", &start.to_string(), "real@example.com");
        let a = post_json(&app, "/api/v1/bookings", &body).await;
        assert_eq!(
            a.status, 201,
            "booking {i} is within the allowance: {}",
            a.body
        );
    }
    let body = TestApp::booking_body("consultation", &starts[2].to_string(), "real@example.com");
    let a = post_json(&app, "/api/v1/bookings", &body).await;
    problem(&a, 429, "rate-limited", None);
    let wait: u64 = a.headers[RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
}
mod malformed_bookings_leave_the_allowance_alone {
    async fn run(engine: store::Engine) {
        let app =
            crate::common::spawn_with(engine, clinic::demo(), |c| c.bookings_per_hour = 2).await;
        super::malformed_bookings_leave_the_allowance_alone(app).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        run(store::Engine::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    #[ignore = "needs PostgreSQL; run with --ignored"]
    async fn postgres() {
        run(store::Engine::Postgres).await
    }
}

/// A JSON body over the limit is 413 with a problem document, not 400.
async fn a_body_over_the_limit_is_413(app: TestApp) {
    let notes = "x".repeat(3 * 1024 * 1024);
    let body = json!({"service": "consultation", "notes": notes});
    for path in ["/api/v1/bookings", "/api/v1/screenings"] {
        // The server answers before reading the whole body and drops the connection, so
        // each oversized request gets a connection of its own rather than a pooled one.
        let fresh = reqwest::Client::new();
        let res = fresh
            .post(format!("{}{path}", app.base))
            .json(&body)
            .send()
            .await
            .expect("request");
        problem(&answer(res).await, 413, "payload-too-large", Some("body"));
    }
    let page = answer(
        reqwest::Client::new()
            .get(format!("{}/problems/payload-too-large", app.base))
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(page.status, 200);
}
on_both_engines!(a_body_over_the_limit_is_413);

/// A start whose offset is a day or more is refused on `start`.
async fn offsets_of_a_day_or_more_are_refused(app: TestApp) {
    for start in [
        "2030-03-15T09:00:00+24:00",
        "2030-03-15T09:00:00-24:00",
        "2030-03-15T09:00:00+25:59",
    ] {
        let body = TestApp::booking_body("consultation", start, "offset@example.com");
        let a = post_json(&app, "/api/v1/bookings", &body).await;
        problem(&a, 422, "invalid-input", Some("start"));
        let detail = json_of(&a)["detail"].as_str().unwrap().to_owned();
        assert!(
            detail.contains("24 hours"),
            "refused for its offset: {detail}"
        );
    }
    // The largest real offset still reads as a time (and is then judged as one).
    let body = TestApp::booking_body(
        "consultation",
        "2030-03-15T09:00:00+23:59",
        "offset@example.com",
    );
    let a = post_json(&app, "/api/v1/bookings", &body).await;
    assert!(
        !json_of(&a)["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("is not a time"),
        "{}",
        a.body
    );
    assert!(
        !json_of(&a)["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("24 hours"),
        "{}",
        a.body
    );
}
on_both_engines!(offsets_of_a_day_or_more_are_refused);

/// Back-office, sign-in and manage answers carry `Cache-Control: no-store`; public pages
/// are left to cache as before.
async fn private_pages_are_not_stored(app: TestApp) {
    let cookie = desk_session(&app).await;
    let b = booked(&app, "cache@example.com").await;
    let token = b["manage_token"].as_str().unwrap().to_owned();
    let no_store = |a: &Answer, what: &str| {
        let value = a
            .headers
            .get(CACHE_CONTROL)
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(value.as_deref(), Some("no-store"), "{what}: {}", a.status);
    };
    for path in [
        "/admin".to_owned(),
        "/admin/calendar".to_owned(),
        "/admin/clients".to_owned(),
        "/api/v1/admin/bookings".to_owned(),
        format!("/admin/bookings/{}", b["id"].as_str().unwrap()),
    ] {
        let a = get(&app, Some(&cookie), &path).await;
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        no_store(&a, &path);
    }
    no_store(&get(&app, None, "/admin").await, "/admin signed out");
    no_store(&get(&app, None, "/login").await, "/login");
    for path in [
        format!("/manage/{token}"),
        format!("/api/v1/bookings/{token}"),
        format!("/bookings/{token}/calendar.ics"),
    ] {
        let a = get(&app, None, &path).await;
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        no_store(&a, &path);
    }
    let slots = app.free_slots("consultation", None).await;
    let body = TestApp::booking_body(
        "consultation",
        slots[1]["start"].as_str().unwrap(),
        "cache2@example.com",
    );
    let a = post_json(&app, "/api/v1/bookings", &body).await;
    assert_eq!(a.status, 201, "{}", a.body);
    no_store(&a, "POST /api/v1/bookings (carries the manage token)");
    let home = get(&app, None, "/services").await;
    assert_ne!(
        home.headers
            .get(CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "public pages keep their caching"
    );
}
on_both_engines!(private_pages_are_not_stored);
