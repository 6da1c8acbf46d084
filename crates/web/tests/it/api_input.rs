//! Bad input to the JSON API is a 4xx problem naming the field, never a 500 and never
//! half-written data; the read-only endpoints and the OpenAPI description keep their shape.

use crate::common;

use common::TestApp;
use jiff::civil::{Date, Weekday};
use jiff::{SignedDuration, Span, Timestamp};
use serde_json::{Value, json};
use store::Engine;

const TZ: &str = "America/New_York";

/// One answer: status, content type, Retry-After and the body as JSON (Null if none).
#[derive(Debug)]
struct Answer {
    status: u16,
    content_type: String,
    retry_after: Option<String>,
    body: Value,
}

impl Answer {
    /// Asserts a problem document of `status` and `type`, naming `field` (if given).
    #[track_caller]
    fn problem(&self, status: u16, kind: &str, field: Option<&str>) {
        assert_eq!(self.status, status, "status: {self:?}");
        assert_eq!(
            self.content_type, "application/problem+json",
            "problem content type: {self:?}"
        );
        assert_eq!(
            self.body["type"],
            format!("/problems/{kind}"),
            "type: {self:?}"
        );
        assert_eq!(self.body["status"], status, "status member: {self:?}");
        assert!(
            self.body["title"].as_str().is_some_and(|t| !t.is_empty()),
            "a title: {self:?}"
        );
        assert!(
            self.body["detail"].as_str().is_some_and(|t| !t.is_empty()),
            "a detail: {self:?}"
        );
        if let Some(field) = field {
            assert_eq!(self.body["field"], field, "field: {self:?}");
        }
    }

    /// Like [`Answer::problem`] for invalid input, also checking the detail mentions `words`.
    #[track_caller]
    fn invalid(&self, field: &str, words: &str) {
        self.problem(422, "invalid-input", Some(field));
        let detail = self.body["detail"].as_str().unwrap().to_lowercase();
        assert!(
            detail.contains(&words.to_lowercase()),
            "detail should mention {words:?}: {self:?}"
        );
    }
}

/// A request body and its content type (empty for none).
type Body = Option<(&'static str, String)>;

async fn send(app: &TestApp, method: &str, path: &str, body: Body) -> Answer {
    let url = format!("{}{path}", app.base);
    let mut request = app.http.request(method.parse().unwrap(), url);
    if let Some((content_type, body)) = body {
        if !content_type.is_empty() {
            request = request.header("content-type", content_type);
        }
        request = request.body(body);
    }
    let res = request.send().await.expect("request");
    let status = res.status().as_u16();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let content_type = header("content-type").unwrap_or_default();
    let retry_after = header("retry-after");
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        content_type,
        retry_after,
        body,
    }
}

async fn post(app: &TestApp, path: &str, body: &Value) -> Answer {
    send(
        app,
        "POST",
        path,
        Some(("application/json", body.to_string())),
    )
    .await
}

async fn get(app: &TestApp, path: &str) -> Answer {
    send(app, "GET", path, None).await
}

/// RFC 3339 with the clinic's offset, as the API writes times.
fn rfc3339(t: Timestamp) -> String {
    t.in_tz(TZ)
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

fn today() -> Date {
    Timestamp::now().in_tz(TZ).unwrap().date()
}

fn local(date: Date, hour: i8, minute: i8) -> String {
    rfc3339(date.at(hour, minute, 0, 0).in_tz(TZ).unwrap().timestamp())
}

fn client() -> Value {
    json!({"name": "Ana Input", "email": "ana@example.com", "phone": "+1 555 0142"})
}

/// An eligible screening: every required question answered "no" or "never".
async fn eligible_screening(app: &TestApp) -> String {
    let (status, questions) = app.get_json("/api/v1/screening/questions").await;
    assert_eq!(status, 200);
    let mut answers = serde_json::Map::new();
    for q in questions.as_array().unwrap() {
        let value = match q["kind"].as_str().unwrap() {
            "yes_no" => json!(false),
            // A date of birth has no "never": an adult's.
            "date" if q["accepts_never"] == false => json!("1980-06-15"),
            "date" => Value::Null,
            _ => q["options"][0].clone(),
        };
        answers.insert(q["id"].as_str().unwrap().to_owned(), value);
    }
    let (status, screening) = app
        .post_json("/api/v1/screenings", &json!({"answers": answers}))
        .await;
    assert_eq!(status, 201, "{screening}");
    assert_eq!(screening["outcome"], "eligible", "{screening}");
    screening["id"].as_str().unwrap().to_owned()
}

/// A free consultation slot whose next step is free too, so `start + 7 min` lies inside hours.
async fn slot_with_room_after(app: &TestApp) -> Timestamp {
    let slots = app.free_slots("consultation", None).await;
    let starts: Vec<Timestamp> = slots
        .iter()
        .map(|s| s["start"].as_str().unwrap().parse().unwrap())
        .collect();
    *starts
        .iter()
        .find(|t| starts.contains(&(**t + SignedDuration::from_mins(15))))
        .expect("two consecutive free slots")
}

async fn assert_no_bookings(app: &TestApp) {
    let now = Timestamp::now() - SignedDuration::from_hours(24);
    let bookings = app
        .store
        .bookings_between(now, now + SignedDuration::from_hours(24 * 121))
        .await
        .unwrap();
    assert!(bookings.is_empty(), "nothing was written: {bookings:?}");
}

/// Every malformed or invalid booking request is a problem naming its field, and none of
/// them leaves anything in the database.
async fn bad_booking_requests_name_the_field_and_write_nothing(app: TestApp) {
    let path = "/api/v1/bookings";
    let free = slot_with_room_after(&app).await;
    let start = rfc3339(free);
    let body = |patch: Value| {
        let mut b = json!({"service": "consultation", "start": start, "client": client()});
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                b.as_object_mut().unwrap().remove(k);
            } else {
                b[k] = v.clone();
            }
        }
        b
    };

    // The body itself.
    let a = send(
        &app,
        "POST",
        path,
        Some(("application/json", String::new())),
    )
    .await;
    a.problem(400, "malformed-request", Some("body"));
    let a = send(
        &app,
        "POST",
        path,
        Some(("application/json", "   \n".into())),
    )
    .await;
    a.problem(400, "malformed-request", Some("body"));
    let a = send(
        &app,
        "POST",
        path,
        Some(("application/json", "{\"service\": \"consultation\",".into())),
    )
    .await;
    a.problem(400, "malformed-request", Some("body"));
    let a = send(
        &app,
        "POST",
        path,
        Some(("application/json", "service=consultation".into())),
    )
    .await;
    a.problem(400, "malformed-request", Some("body"));
    let a = send(
        &app,
        "POST",
        path,
        Some(("text/plain", body(json!({})).to_string())),
    )
    .await;
    assert!(
        matches!(a.status, 400 | 415),
        "wrong content type is refused: {a:?}"
    );
    assert_eq!(a.body["field"], "body", "{a:?}");
    let a = send(&app, "POST", path, Some(("", body(json!({})).to_string()))).await;
    assert!(
        matches!(a.status, 400 | 415),
        "no content type is refused: {a:?}"
    );
    assert_eq!(a.body["field"], "body", "{a:?}");
    let a = post(&app, path, &json!([body(json!({}))])).await;
    assert!(
        matches!(a.status, 400 | 422),
        "a JSON array is refused: {a:?}"
    );
    assert_eq!(a.body["field"], "body", "{a:?}");
    assert_eq!(a.content_type, "application/problem+json");
    let a = post(&app, path, &json!("consultation")).await;
    assert!(
        matches!(a.status, 400 | 422),
        "a JSON string is refused: {a:?}"
    );
    assert_eq!(a.body["field"], "body", "{a:?}");

    // Service.
    post(&app, path, &body(json!({"service": null})))
        .await
        .problem(422, "invalid-input", Some("service"));
    post(&app, path, &body(json!({"service": ""})))
        .await
        .problem(422, "invalid-input", Some("service"));
    post(&app, path, &body(json!({"service": 42})))
        .await
        .problem(422, "invalid-input", Some("service"));
    post(&app, path, &body(json!({"service": "botox"})))
        .await
        .invalid("service", "botox");

    // Start.
    post(&app, path, &body(json!({"start": null})))
        .await
        .problem(422, "invalid-input", Some("start"));
    post(&app, path, &body(json!({"start": "tomorrow at 3"})))
        .await
        .invalid("start", "tomorrow at 3");
    post(&app, path, &body(json!({"start": 1_900_000_000})))
        .await
        .problem(422, "invalid-input", Some("start"));
    post(&app, path, &body(json!({"start": "2027-03-15T09:00:00"})))
        .await
        .problem(422, "invalid-input", Some("start"));
    let off_step = rfc3339(free + SignedDuration::from_mins(7));
    post(&app, path, &body(json!({"start": off_step})))
        .await
        .invalid("start", "not one of the offered start times");
    let night = local(today().checked_add(Span::new().days(7)).unwrap(), 3, 0);
    post(&app, path, &body(json!({"start": night})))
        .await
        .invalid("start", "outside");
    let mut far = today().checked_add(Span::new().days(120)).unwrap();
    while matches!(far.weekday(), Weekday::Saturday | Weekday::Sunday) {
        far = far.tomorrow().unwrap();
    }
    post(&app, path, &body(json!({"start": local(far, 10, 0)})))
        .await
        .invalid("start", "up to");
    let soon = Timestamp::now() + SignedDuration::from_hours(1);
    let soon = Timestamp::from_second(soon.as_second() - soon.as_second().rem_euclid(900)).unwrap();
    post(&app, path, &body(json!({"start": rfc3339(soon)})))
        .await
        .invalid("start", "too soon");
    let past = rfc3339(Timestamp::now() - SignedDuration::from_hours(24 * 7));
    post(&app, path, &body(json!({"start": past})))
        .await
        .problem(422, "invalid-input", Some("start"));

    // Client.
    post(&app, path, &body(json!({"client": null})))
        .await
        .problem(422, "invalid-input", Some("client"));
    post(&app, path, &body(json!({"client": "Ana"})))
        .await
        .problem(422, "invalid-input", Some("client"));
    post(&app, path, &body(json!({"client": ["Ana"]})))
        .await
        .problem(422, "invalid-input", Some("client"));
    let c = json!({"email": "ana@example.com"});
    post(&app, path, &body(json!({"client": c}))).await.problem(
        422,
        "invalid-input",
        Some("client.name"),
    );
    let c = json!({"name": "   ", "email": "ana@example.com"});
    post(&app, path, &body(json!({"client": c}))).await.problem(
        422,
        "invalid-input",
        Some("client.name"),
    );
    let c = json!({"name": "Ana"});
    post(&app, path, &body(json!({"client": c}))).await.problem(
        422,
        "invalid-input",
        Some("client.email"),
    );
    let c = json!({"name": "Ana", "email": "not-an-email"});
    post(&app, path, &body(json!({"client": c})))
        .await
        .invalid("client.email", "not-an-email");
    let c = json!({"name": "Ana", "email": {"address": "ana@example.com"}});
    post(&app, path, &body(json!({"client": c}))).await.problem(
        422,
        "invalid-input",
        Some("client.email"),
    );
    let c = json!({"name": "Ana", "email": "ana@example.com", "phone": "call me maybe"});
    post(&app, path, &body(json!({"client": c})))
        .await
        .invalid("client.phone", "call me maybe");

    // Notes, practitioner, screening.
    let notes = "n".repeat(2001);
    post(&app, path, &body(json!({"notes": notes})))
        .await
        .problem(422, "invalid-input", Some("notes"));
    post(&app, path, &body(json!({"notes": 7})))
        .await
        .problem(422, "invalid-input", Some("notes"));
    post(&app, path, &body(json!({"practitioner": "dr-nobody"})))
        .await
        .invalid("practitioner", "dr-nobody");
    post(&app, path, &body(json!({"practitioner": 3})))
        .await
        .problem(422, "invalid-input", Some("practitioner"));
    let screening = eligible_screening(&app).await;
    let acne = app.free_slots("microneedling-acne-scars", None).await;
    let acne_start = acne[0]["start"].as_str().unwrap();
    let b = json!({"service": "microneedling-acne-scars", "start": acne_start, "practitioner": "sam-ortiz",
        "screening": screening, "client": client()});
    post(&app, path, &b)
        .await
        .invalid("practitioner", "sam-ortiz");
    let b = json!({"service": "microneedling-acne-scars", "start": acne_start, "client": client()});
    post(&app, path, &b)
        .await
        .problem(422, "screening-required", Some("screening"));
    let b = json!({"service": "microneedling-acne-scars", "start": acne_start, "screening": "no-such-screening", "client": client()});
    post(&app, path, &b)
        .await
        .problem(422, "invalid-input", Some("screening"));

    // Nothing above left a trace; the same body made valid still books.
    assert_no_bookings(&app).await;
    let a = post(&app, path, &body(json!({}))).await;
    assert_eq!(a.status, 201, "{a:?}");
    assert_eq!(a.content_type, "application/json");
}
on_both_engines!(bad_booking_requests_name_the_field_and_write_nothing);

/// Availability queries with a missing or wrong parameter name it.
async fn bad_availability_queries_name_the_field(app: TestApp) {
    let from = today().checked_add(Span::new().days(1)).unwrap();
    let to = from.checked_add(Span::new().days(6)).unwrap();
    let q = |query: &str| format!("/api/v1/availability?{query}");
    get(&app, &q(&format!("from={from}&to={to}")))
        .await
        .problem(422, "invalid-input", Some("service"));
    get(&app, &q(&format!("service=&from={from}&to={to}")))
        .await
        .problem(422, "invalid-input", Some("service"));
    get(&app, &q(&format!("service=botox&from={from}&to={to}")))
        .await
        .invalid("service", "botox");
    get(&app, &q(&format!("service=consultation&to={to}")))
        .await
        .problem(422, "invalid-input", Some("from"));
    get(
        &app,
        &q(&format!("service=consultation&from=next-monday&to={to}")),
    )
    .await
    .invalid("from", "next-monday");
    get(
        &app,
        &q(&format!("service=consultation&from=2027-02-30&to={to}")),
    )
    .await
    .problem(422, "invalid-input", Some("from"));
    get(&app, &q(&format!("service=consultation&from={from}")))
        .await
        .problem(422, "invalid-input", Some("to"));
    get(
        &app,
        &q(&format!("service=consultation&from={to}&to={from}")),
    )
    .await
    .problem(422, "invalid-input", Some("to"));
    let far = from.checked_add(Span::new().days(365)).unwrap();
    get(
        &app,
        &q(&format!("service=consultation&from={from}&to={far}")),
    )
    .await
    .problem(422, "invalid-input", Some("to"));
    get(
        &app,
        &q(&format!(
            "service=consultation&from={from}&to={to}&practitioner=dr-nobody"
        )),
    )
    .await
    .invalid("practitioner", "dr-nobody");
    let ok = get(
        &app,
        &q(&format!(
            "service=consultation&from={from}&to={to}&practitioner=maya-lee"
        )),
    )
    .await;
    assert_eq!(ok.status, 200, "{ok:?}");
    assert_eq!(ok.body["service"], "consultation");
    assert_eq!(ok.body["timezone"], TZ);
    assert!(!ok.body["slots"].as_array().unwrap().is_empty());
}
on_both_engines!(bad_availability_queries_name_the_field);

/// An unknown manage token is a 404 problem for every action; a known one with a bad
/// start is a 422 naming `start` and leaves the booking alone.
async fn unknown_tokens_and_bad_reschedules(app: TestApp) {
    let free = app.free_slots("consultation", None).await;
    let later = &free[free.len() - 1]["start"];
    for token in [
        "nope",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        &"x".repeat(500),
    ] {
        get(&app, &format!("/api/v1/bookings/{token}"))
            .await
            .problem(404, "not-found", None);
        post(
            &app,
            &format!("/api/v1/bookings/{token}/cancel"),
            &json!({}),
        )
        .await
        .problem(404, "not-found", None);
        post(
            &app,
            &format!("/api/v1/bookings/{token}/reschedule"),
            &json!({"start": later}),
        )
        .await
        .problem(404, "not-found", None);
        get(&app, &format!("/api/v1/bookings/{token}/calendar.ics"))
            .await
            .problem(404, "not-found", None);
    }

    // Far enough ahead to be outside the 24-hour cancel window.
    let outside = Timestamp::now() + SignedDuration::from_hours(48);
    let start = free
        .iter()
        .map(|s| s["start"].as_str().unwrap())
        .find(|s| s.parse::<Timestamp>().unwrap() > outside)
        .expect("a slot two days ahead");
    let (status, booked) = app
        .post_json(
            "/api/v1/bookings",
            &TestApp::booking_body("consultation", start, "token@example.com"),
        )
        .await;
    assert_eq!(status, 201, "{booked}");
    let token = booked["manage_token"].as_str().unwrap();
    let reschedule = format!("/api/v1/bookings/{token}/reschedule");
    post(&app, &reschedule, &json!({}))
        .await
        .problem(422, "invalid-input", Some("start"));
    post(&app, &reschedule, &json!({"start": "next tuesday"}))
        .await
        .invalid("start", "next tuesday");
    post(&app, &reschedule, &json!({"start": 5})).await.problem(
        422,
        "invalid-input",
        Some("start"),
    );
    let off_step = rfc3339(start.parse::<Timestamp>().unwrap() + SignedDuration::from_mins(7));
    post(&app, &reschedule, &json!({"start": off_step}))
        .await
        .problem(422, "invalid-input", Some("start"));
    send(
        &app,
        "POST",
        &reschedule,
        Some(("application/json", String::new())),
    )
    .await
    .problem(400, "malformed-request", Some("body"));
    let (_, shown) = app.get_json(&format!("/api/v1/bookings/{token}")).await;
    assert_eq!(shown["start"], start, "the booking did not move");
    assert_eq!(shown["status"], "confirmed");
}
on_both_engines!(unknown_tokens_and_bad_reschedules);

/// Paths the API does not serve are a 404 problem, not an HTML page.
async fn unknown_api_paths_are_problem_json(app: TestApp) {
    let mut html = Vec::new();
    for path in [
        "/api/v1/nope",
        "/api/v1/bookings/abc/nope",
        "/api/v1/clinic/",
        "/api/v1/",
        "/api/v1",
    ] {
        let a = get(&app, path).await;
        assert_eq!(a.status, 404, "{path}: {a:?}");
        if a.content_type != "application/problem+json" {
            html.push((path, a.content_type));
            continue;
        }
        a.problem(404, "not-found", None);
    }
    assert!(
        html.is_empty(),
        "unknown API paths answered without problem JSON: {html:?}"
    );
    post(&app, "/api/v1/nope", &json!({}))
        .await
        .problem(404, "not-found", None);
}
on_both_engines!(unknown_api_paths_are_problem_json);

/// Every API answer, success or failure, is JSON or problem JSON.
async fn every_api_response_is_json(app: TestApp) {
    let free = app.free_slots("consultation", None).await;
    let start = free[free.len() - 1]["start"].as_str().unwrap();
    let (status, booked) = app
        .post_json(
            "/api/v1/bookings",
            &TestApp::booking_body("consultation", start, "ct@example.com"),
        )
        .await;
    assert_eq!(status, 201);
    let token = booked["manage_token"].as_str().unwrap();
    let from = today();
    let to = from.checked_add(Span::new().days(3)).unwrap();
    let json_body = |v: Value| Some(("application/json", v.to_string()));
    let requests: Vec<(&str, String, Body)> = vec![
        ("GET", "/api/v1/clinic".into(), None),
        ("GET", "/api/v1/services".into(), None),
        ("GET", "/api/v1/practitioners".into(), None),
        (
            "GET",
            format!("/api/v1/availability?service=consultation&from={from}&to={to}"),
            None,
        ),
        ("GET", "/api/v1/availability".into(), None),
        (
            "GET",
            "/api/v1/availability?service=consultation&from=x&to=y&from=z".into(),
            None,
        ),
        ("GET", "/api/v1/screening/questions".into(), None),
        ("GET", "/api/v1/openapi.json".into(), None),
        ("GET", format!("/api/v1/bookings/{token}"), None),
        ("GET", "/api/v1/bookings/unknown".into(), None),
        ("GET", "/api/v1/nope".into(), None),
        ("POST", "/api/v1/bookings".into(), json_body(json!({}))),
        (
            "POST",
            "/api/v1/bookings".into(),
            Some(("application/json", "{".into())),
        ),
        (
            "POST",
            "/api/v1/bookings".into(),
            json_body(TestApp::booking_body(
                "consultation",
                start,
                "again@example.com",
            )),
        ),
        (
            "POST",
            "/api/v1/screenings".into(),
            json_body(json!({"answers": {}})),
        ),
        (
            "POST",
            "/api/v1/plans".into(),
            json_body(json!({"concerns": ["acne_scars"], "areas": ["cheeks"], "fitzpatrick": 2})),
        ),
        (
            "POST",
            "/api/v1/plans".into(),
            json_body(json!({"concerns": ["acne_scars"], "areas": ["cheeks"], "fitzpatrick": -1})),
        ),
        (
            "POST",
            format!("/api/v1/bookings/{token}/reschedule"),
            json_body(json!({"start": "soon"})),
        ),
        (
            "POST",
            "/api/v1/bookings/unknown/cancel".into(),
            json_body(json!({})),
        ),
    ];
    for (method, path, body) in requests {
        let a = send(&app, method, &path, body).await;
        assert!(
            a.status < 500,
            "{method} {path} must not be a server error: {a:?}"
        );
        let expected = if a.status < 400 {
            "application/json"
        } else {
            "application/problem+json"
        };
        assert!(
            a.content_type.starts_with(expected),
            "{method} {path} answers {expected}: {a:?}"
        );
        assert!(!a.body.is_null(), "{method} {path} has a JSON body: {a:?}");
    }
}
on_both_engines!(every_api_response_is_json);

/// A method the path does not serve is refused with problem JSON too.
async fn wrong_method_is_a_problem_too(app: TestApp) {
    for (method, path) in [
        ("GET", "/api/v1/bookings"),
        ("DELETE", "/api/v1/clinic"),
        ("PUT", "/api/v1/screenings"),
    ] {
        let a = send(&app, method, path, None).await;
        assert!(matches!(a.status, 404 | 405), "{method} {path}: {a:?}");
        assert_eq!(
            a.content_type, "application/problem+json",
            "{method} {path}: {a:?}"
        );
        assert_eq!(a.body["status"], a.status, "{method} {path}: {a:?}");
    }
}
on_both_engines!(wrong_method_is_a_problem_too);

/// Past the hourly limit a client is told to wait, with Retry-After.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn booking_rate_limit_answers_429_with_retry_after() {
    let app = common::spawn_with(Engine::Sqlite, clinic::demo(), |c| c.bookings_per_hour = 2).await;
    // Three free starts at least an hour apart, so the bookings cannot clash.
    let starts = app.starts_an_hour_apart("consultation").await;
    for (i, start) in starts.iter().take(2).enumerate() {
        let body = TestApp::booking_body("consultation", &rfc3339(*start), "busy@example.com");
        let a = post(&app, "/api/v1/bookings", &body).await;
        assert_eq!(a.status, 201, "booking {i} is within the limit: {a:?}");
    }
    let body = TestApp::booking_body("consultation", &rfc3339(starts[2]), "busy@example.com");
    let a = post(&app, "/api/v1/bookings", &body).await;
    a.problem(429, "rate-limited", None);
    let wait: u64 = a
        .retry_after
        .as_deref()
        .expect("Retry-After header")
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=3600).contains(&wait), "{wait}");
    let now = Timestamp::now();
    let bookings = app
        .store
        .bookings_between(now, now + SignedDuration::from_hours(24 * 30))
        .await
        .unwrap();
    assert_eq!(bookings.len(), 2, "the refused request booked nothing");
}

const SERVED_PATHS: [&str; 12] = [
    "/clinic",
    "/services",
    "/practitioners",
    "/availability",
    "/bookings",
    "/bookings/{token}",
    "/bookings/{token}/cancel",
    "/bookings/{token}/reschedule",
    "/bookings/{token}/calendar.ics",
    "/screening/questions",
    "/screenings",
    "/plans",
];

/// The OpenAPI description is served at both addresses and covers every route.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn openapi_describes_every_served_path() {
    let app = common::spawn(Engine::Sqlite).await;
    for path in ["/api/v1/openapi.json", "/openapi.json"] {
        let a = get(&app, path).await;
        assert_eq!(a.status, 200, "{path}");
        assert!(
            a.content_type.starts_with("application/json"),
            "{path}: {}",
            a.content_type
        );
        let spec = &a.body;
        assert_eq!(spec["openapi"], "3.1.0", "{path}");
        assert!(spec["info"]["title"].is_string(), "{path}");
        let paths = spec["paths"].as_object().expect("paths");
        for served in SERVED_PATHS {
            let described =
                paths.contains_key(served) || paths.contains_key(&format!("/api/v1{served}"));
            assert!(
                described,
                "{path} describes {served}: {:?}",
                paths.keys().collect::<Vec<_>>()
            );
        }
    }
    // And every path it describes is really served (not the API's 404).
    let (_, spec) = app.get_json("/openapi.json").await;
    for described in spec["paths"].as_object().unwrap().keys() {
        let path = described
            .trim_start_matches("/api/v1")
            .replace("{token}", "no-such-token");
        let url = format!("/api/v1{path}");
        let g = get(&app, &url).await;
        let p = post(&app, &url, &json!({})).await;
        let fallback = |r: &Answer| {
            r.status == 404
                && r.body["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("API endpoint"))
        };
        let routed = !fallback(&g) || !fallback(&p);
        assert!(routed, "{described} is served: {g:?} {p:?}");
    }
}

/// `GET /clinic`, `/services` and `/practitioners` have the contract's shape.
async fn clinic_services_and_practitioners_have_the_contract_shape(app: TestApp) {
    let (status, c) = app.get_json("/api/v1/clinic").await;
    assert_eq!(status, 200);
    assert_eq!(c["name"], "Northside Skin Clinic");
    assert_eq!(c["timezone"], TZ);
    assert_eq!(c["email"], "hello@northside.example");
    assert_eq!(c["phone"], "+1 555 0100");
    let policy = &c["booking_policy"];
    assert_eq!(policy["slot_step_minutes"], 15);
    assert_eq!(policy["min_notice_minutes"], 720);
    assert_eq!(policy["horizon_days"], 90);
    assert_eq!(policy["cancel_notice_hours"], 24);

    let (status, services) = app.get_json("/api/v1/services").await;
    assert_eq!(status, 200);
    let services = services.as_array().expect("an array of services");
    let expected = [
        ("consultation", "0.00", 30, false, 1),
        ("microneedling-face", "250.00", 90, true, 3),
        ("microneedling-acne-scars", "300.00", 115, true, 3),
        ("microneedling-body", "280.00", 95, true, 3),
    ];
    assert_eq!(services.len(), expected.len(), "{services:?}");
    for (id, price, minutes, screening, phases) in expected {
        let s = services
            .iter()
            .find(|s| s["id"] == id)
            .unwrap_or_else(|| panic!("service {id}"));
        assert!(s["name"].as_str().is_some_and(|n| !n.is_empty()), "{s}");
        assert_eq!(s["price"], price, "price is a decimal string: {s}");
        assert_eq!(s["duration_minutes"], minutes, "{s}");
        assert_eq!(s["requires_screening"], screening, "{s}");
        let list = s["phases"].as_array().expect("phases");
        assert_eq!(list.len(), phases, "{s}");
        let total: u64 = list
            .iter()
            .map(|p| p["minutes"].as_u64().expect("phase minutes"))
            .sum();
        assert_eq!(total, minutes as u64, "phases add up to the duration: {s}");
        for p in list {
            assert!(p["name"].is_string(), "{p}");
            let uses = p["uses"].as_array().expect("uses");
            assert!(
                uses.iter().all(|u| u == "room" || u == "practitioner"),
                "{p}"
            );
            assert!(
                uses.contains(&json!("room")),
                "every demo phase holds the room: {p}"
            );
        }
    }
    let face = services
        .iter()
        .find(|s| s["id"] == "microneedling-face")
        .unwrap();
    let names: Vec<&str> = face["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["numbing", "treatment", "cleanup"]);
    assert_eq!(
        face["phases"][0]["uses"],
        json!(["room"]),
        "numbing does not hold the practitioner"
    );

    let (status, people) = app.get_json("/api/v1/practitioners").await;
    assert_eq!(status, 200);
    let people = people.as_array().expect("an array of practitioners");
    assert_eq!(people.len(), 2);
    let maya = people
        .iter()
        .find(|p| p["id"] == "maya-lee")
        .expect("maya-lee");
    assert_eq!(maya["name"], "Dr. Maya Lee");
    assert_eq!(maya["title"], "Dermatologist");
    assert_eq!(maya["services"].as_array().unwrap().len(), 4);
    let sam = people
        .iter()
        .find(|p| p["id"] == "sam-ortiz")
        .expect("sam-ortiz");
    assert_eq!(sam["name"], "Sam Ortiz");
    assert_eq!(sam["title"], "Licensed aesthetician");
    assert_eq!(
        sam["services"],
        json!(["consultation", "microneedling-face"])
    );
}
on_both_engines!(clinic_services_and_practitioners_have_the_contract_shape);
