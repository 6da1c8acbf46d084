//! Courses end to end over real HTTP, on SQLite and on PostgreSQL: the proposal, booking
//! all sessions at once, a lost session answered with a new proposal, the pages without
//! JavaScript, and a move that would break the minimum interval refused with its reason.

use crate::common;

use common::{TestApp, answer, screening};
use serde_json::{Value, json};

const FACE: &str = "microneedling-face";

/// The demo clinic with a course price, and a horizon long enough for a whole course.
fn priced() -> clinic::ClinicSetup {
    let mut setup = clinic::demo();
    setup.booking.horizon_days = 180;
    let face = setup.services.iter_mut().find(|s| s.id == FACE).unwrap();
    face.course_price = Some("900.00".into());
    setup
}

async fn proposal(app: &TestApp, start: &str, extra: &str) -> (u16, Value) {
    let start = start.replace('+', "%2B");
    app.get_json(&format!(
        "/api/v1/courses/proposal?service={FACE}&start={start}{extra}"
    ))
    .await
}

fn starts(proposal: &Value) -> Vec<Value> {
    proposal["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!({"start": s["start"]}))
        .collect()
}

async fn bookings_count(app: &TestApp) -> usize {
    let from = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24);
    let to = from + jiff::SignedDuration::from_hours(24 * 200);
    app.store.bookings_between(from, to).await.unwrap().len()
}

async fn a_course_is_proposed_booked_and_kept_apart(app: TestApp) {
    let first = app.free_slots(FACE, Some("maya-lee")).await[0]["start"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = proposal(&app, &first, "&practitioner=maya-lee").await;
    assert_eq!(status, 200, "{body}");
    let sessions = body["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 4, "the course's own count by default");
    assert_eq!(sessions[0]["start"], first.as_str());
    assert!(sessions.iter().all(|s| s["practitioner"] == "maya-lee"));

    let screening_id = screening(&app, json!({})).await;
    let client = json!({"name": "Ada Client", "email": "ada@example.com"});
    let (status, course) = app
        .post_json(
            "/api/v1/courses",
            &json!({"service": FACE, "sessions": starts(&body), "practitioner": "maya-lee",
                    "client": client, "screening": screening_id}),
        )
        .await;
    assert_eq!(status, 201, "{course}");
    let bookings = course["bookings"].as_array().unwrap();
    assert_eq!(bookings.len(), 4);
    assert_eq!(course["price"], "900.00");
    for (b, s) in bookings.iter().zip(sessions) {
        assert_eq!(b["start"], s["start"]);
        assert_eq!(b["status"], "confirmed");
        assert!(b["manage_token"].as_str().is_some_and(|t| !t.is_empty()));
    }

    // The course page: sessions done and left, the price, each session's own link.
    let token = course["manage_token"].as_str().unwrap();
    let page = answer(
        app.http
            .get(format!("{}/courses/{token}", app.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("0 done, 4 left, of 4"), "{}", page.body);
    assert!(page.body.contains("$900.00"), "{}", page.body);
    let second = bookings[1]["manage_token"].as_str().unwrap();
    assert!(
        page.body.contains(&format!("/manage/{second}")),
        "{}",
        page.body
    );
    assert_eq!(page.headers["cache-control"], "no-store");

    // Moving the second session to ten days before the third is refused with the reason.
    let third: jiff::Timestamp = bookings[2]["start"].as_str().unwrap().parse().unwrap();
    let tz = jiff::tz::TimeZone::get(&app.state.clinic().setup.clinic.timezone).unwrap();
    let near = third
        .to_zoned_datetime(tz)
        .checked_sub(jiff::Span::new().days(10))
        .unwrap();
    let (status, problem) = app
        .post_json(
            &format!("/api/v1/bookings/{second}/reschedule"),
            &json!({"start": clinic::rfc3339(&near)}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["field"], "start");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("at least 14 days") && detail.contains("[6][25][26]"),
        "{detail}"
    );
}
on_both_engines!(a_course_is_proposed_booked_and_kept_apart, super::priced());

async fn a_taken_session_books_nothing_and_proposes_again(app: TestApp) {
    let first = app.free_slots(FACE, Some("maya-lee")).await[0]["start"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, body) = proposal(&app, &first, "&practitioner=maya-lee").await;
    let third = body["sessions"][2]["start"].as_str().unwrap().to_owned();
    // Someone else takes the third session's time with the same practitioner, for the
    // same treatment (a consultation could share it: the numbing phase needs no one).
    let other_screening = screening(&app, json!({})).await;
    let (status, taken) = app
        .post_json(
            "/api/v1/bookings",
            &json!({"service": FACE, "start": third, "practitioner": "maya-lee",
                    "screening": other_screening,
                    "client": {"name": "Other", "email": "other@example.com"}}),
        )
        .await;
    assert_eq!(status, 201, "{taken}");
    let before = bookings_count(&app).await;
    let screening_id = screening(&app, json!({})).await;
    let (status, problem) = app
        .post_json(
            "/api/v1/courses",
            &json!({"service": FACE, "sessions": starts(&body), "practitioner": "maya-lee",
                    "client": {"name": "Ada", "email": "ada@example.com"}, "screening": screening_id}),
        )
        .await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["type"], "/problems/slot-unavailable");
    assert_eq!(problem["field"], "sessions[2].start");
    assert_eq!(problem["index"], 2);
    let again = problem["proposal"]["sessions"].as_array().unwrap();
    assert_eq!(again.len(), 4);
    assert_ne!(again[2]["start"], third.as_str());
    assert_eq!(
        bookings_count(&app).await,
        before,
        "nothing of the course was booked"
    );
}
on_both_engines!(
    a_taken_session_books_nothing_and_proposes_again,
    super::priced()
);

async fn bad_courses_name_the_field(app: TestApp) {
    let first = app.free_slots(FACE, Some("maya-lee")).await[0]["start"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, body) = proposal(&app, &first, "&practitioner=maya-lee").await;
    let client = json!({"name": "Ada", "email": "ada@example.com"});
    let screening_id = screening(&app, json!({})).await;
    let mut close = starts(&body);
    close[1] = close[0].clone();
    let too_many = [starts(&body), starts(&body)[..1].to_vec()].concat();
    let cases = [
        (
            json!({"service": FACE, "sessions": close, "client": client, "screening": screening_id}),
            "sessions[1].start",
        ),
        (
            json!({"service": FACE, "sessions": too_many, "client": client, "screening": screening_id}),
            "sessions",
        ),
        (
            json!({"service": FACE, "sessions": [], "client": client}),
            "sessions",
        ),
        (
            json!({"service": FACE, "sessions": [{"start": "soon"}], "client": client}),
            "sessions[0].start",
        ),
        (
            json!({"service": "consultation", "sessions": starts(&body), "client": client}),
            "service",
        ),
        (
            json!({"service": FACE, "sessions": starts(&body), "client": {"name": "Ada", "email": "ada\u{0}@x.com"}}),
            "client.email",
        ),
    ];
    for (request, field) in cases {
        let (status, problem) = app.post_json("/api/v1/courses", &request).await;
        assert_eq!(status, 422, "{field}: {problem}");
        assert_eq!(problem["field"], field, "{problem}");
    }
    for (extra, field) in [("&sessions=9", "sessions"), ("&sessions=x", "sessions")] {
        let (status, problem) = proposal(&app, &first, extra).await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(problem["field"], field);
    }
    assert_eq!(bookings_count(&app).await, 0);
}
on_both_engines!(bad_courses_name_the_field, super::priced());

/// Without JavaScript: the proposal page lists the sessions with a link to change each,
/// changing one keeps the others, and the form books them all.
async fn the_pages_book_a_course(app: TestApp) {
    let first = app.free_slots(FACE, Some("maya-lee")).await[0]["start"]
        .as_str()
        .unwrap()
        .to_owned();
    let screening_id = screening(&app, json!({})).await;
    let url = format!(
        "{}/book/course?service={FACE}&practitioner=maya-lee&screening={screening_id}&start={}",
        app.base,
        first.replace('+', "%2B")
    );
    let page = answer(app.http.get(&url).send().await.unwrap()).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Change session 4"), "{}", page.body);
    assert!(page.body.contains("Book all 4 sessions"));
    let sessions = hidden(&page.body, "sessions");
    assert_eq!(sessions.split(',').count(), 4);
    // Change session 2: the page lists only times that keep the interval.
    let change = answer(
        app.http
            .get(format!(
                "{}/book/course/change?service={FACE}&practitioner=maya-lee&sessions={}&index=1",
                app.base,
                urlencode(&sessions)
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(change.status, 200, "{}", change.body);
    assert!(
        change.body.contains("at least 14 days apart"),
        "{}",
        change.body
    );
    assert!(page.body.contains("Cancellation policy"), "{}", page.body);
    assert!(page.body.contains("name=\"agree_policy\""), "{}", page.body);
    let fields = [
        ("service", FACE.to_owned()),
        ("practitioner", "maya-lee".to_owned()),
        ("screening", screening_id.clone()),
        ("sessions", sessions.clone()),
        ("name", "Ada Client".to_owned()),
        ("email", "ada@example.com".to_owned()),
    ];
    let post = |extra: Vec<(&'static str, String)>| {
        let mut form = fields.to_vec();
        form.extend(extra);
        app.http
            .post(format!("{}/book/course", app.base))
            .header("user-agent", "Course Browser")
            .form(&form)
            .send()
    };
    // Not ticked: asked again next to the box, with what was typed kept, nothing booked.
    let unticked = answer(post(Vec::new()).await.unwrap()).await;
    assert_eq!(unticked.status, 422, "{}", unticked.body);
    assert!(
        unticked.body.contains("tick the box to agree to it"),
        "{}",
        unticked.body
    );
    assert!(
        unticked.body.contains("value=\"Ada Client\""),
        "{}",
        unticked.body
    );
    // A policy that changed since the page was shown: refused on the box, unticked.
    let mut stale = app.agreed_policy().await.to_vec();
    stale[2].1 = "0".repeat(64);
    let changed = answer(post(stale).await.unwrap()).await;
    assert_eq!(changed.status, 422, "{}", changed.body);
    assert!(changed.body.contains("has changed"), "{}", changed.body);
    assert_eq!(bookings_count(&app).await, 0);

    let done = answer(post(app.agreed_policy().await.to_vec()).await.unwrap()).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(done.location.starts_with("/courses/"), "{}", done.location);
    let course = answer(
        app.http
            .get(format!("{}{}", app.base, done.location))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(course.body.contains("0 done, 4 left"), "{}", course.body);
    assert_eq!(bookings_count(&app).await, 4);
    // Every session keeps the evidence, as a single booking does.
    let policy = service::CancellationPolicy::of(&app.state.clinic());
    for booking in all_bookings(&app).await {
        let kept = app
            .store
            .policy_agreement(&booking.id)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no agreement kept for {}", booking.reference));
        assert_eq!(
            (kept.sha256.as_str(), kept.text.as_str()),
            (policy.sha256.as_str(), policy.text.as_str())
        );
        assert_eq!(kept.user_agent, "Course Browser");
        assert_eq!(kept.address, "127.0.0.1");
    }
}

async fn all_bookings(app: &TestApp) -> Vec<store::Booking> {
    let from = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24);
    let to = from + jiff::SignedDuration::from_hours(24 * 200);
    app.store.bookings_between(from, to).await.unwrap()
}

/// The API takes the agreement as `POST /bookings` does: optional, kept with every session
/// when sent, a stale one refused on its field with nothing booked.
async fn the_api_keeps_a_courses_policy_agreement(app: TestApp) {
    let first = app.free_slots(FACE, Some("maya-lee")).await[0]["start"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = proposal(&app, &first, "&practitioner=maya-lee").await;
    assert_eq!(status, 200, "{body}");
    let screening_id = screening(&app, json!({})).await;
    let (_, clinic) = app.get_json("/api/v1/clinic").await;
    let policy = &clinic["cancellation_policy"];
    let request = |sha: &str| {
        json!({"service": FACE, "sessions": starts(&body), "practitioner": "maya-lee",
               "client": {"name": "Ada Client", "email": "ada@example.com"},
               "screening": screening_id,
               "cancellation_policy": {"version": policy["version"], "sha256": sha}})
    };
    let (status, problem) = app
        .post_json("/api/v1/courses", &request(&"0".repeat(64)))
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["field"], "cancellation_policy");
    assert_eq!(bookings_count(&app).await, 0);
    let (status, course) = app
        .post_json(
            "/api/v1/courses",
            &request(policy["sha256"].as_str().unwrap()),
        )
        .await;
    assert_eq!(status, 201, "{course}");
    let bookings = all_bookings(&app).await;
    assert_eq!(bookings.len(), 4);
    for booking in bookings {
        let kept = app.store.policy_agreement(&booking.id).await.unwrap();
        assert_eq!(
            kept.map(|k| k.sha256),
            policy["sha256"].as_str().map(str::to_owned),
            "{}",
            booking.reference
        );
    }
}
on_both_engines!(the_api_keeps_a_courses_policy_agreement, super::priced());
on_both_engines!(the_pages_book_a_course, super::priced());

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name}: {body}"))
        + marker.len();
    body[at..at + body[at..].find('"').unwrap()].replace("&amp;", "&")
}

fn urlencode(text: &str) -> String {
    text.replace('+', "%2B")
        .replace(':', "%3A")
        .replace(',', "%2C")
}
