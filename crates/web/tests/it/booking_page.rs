//! The booking page as a client expects it: the cancellation policy read and agreed before
//! booking (and kept as evidence for staff), on SQLite and PostgreSQL.

use crate::common;

use common::{Answer, TestApp, add_staff, answer, post_sign_in, set_cookie_pair};
use serde_json::{Value, json};

const PASSWORD: &str = "ochre lantern drifts slowly 47";
const PHONE_BROWSER: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)";

async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> Answer {
    answer(
        app.http
            .post(format!("{}{path}", app.base))
            .header("user-agent", PHONE_BROWSER)
            .form(form)
            .send()
            .await
            .expect("request"),
    )
    .await
}

async fn get(app: &TestApp, cookie: Option<&str>, path: &str) -> Answer {
    let mut req = app.http.get(format!("{}{path}", app.base));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    answer(req.send().await.expect("request")).await
}

/// A signed-in admin's cookie.
async fn admin_cookie(app: &TestApp) -> String {
    let hash = web::hash_password(PASSWORD);
    add_staff(app, "owner@clinic.example", &hash, "admin", None).await;
    let a = post_sign_in(
        app,
        &[("email", "owner@clinic.example"), ("password", PASSWORD)],
        &[],
        &[],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    set_cookie_pair(&a, "collagen_session").expect("a session cookie")
}

/// The booking's id from its manage page's address.
async fn booking_of(app: &TestApp, location: &str) -> store::Booking {
    let token = location
        .trim_start_matches("/manage/")
        .split('?')
        .next()
        .unwrap();
    app.store
        .booking_by_token_hash(&store::hash_token(token))
        .await
        .unwrap()
        .expect("the booking")
}

/// The details form shows the policy with its box; without the tick nothing is booked and
/// the typed details stay; with it the agreement is kept and shown to staff.
async fn the_policy_must_be_agreed_and_is_kept(app: TestApp) {
    let slots = app.free_slots("consultation", None).await;
    let start = slots[0]["start"].as_str().unwrap().to_owned();
    let details = get(
        &app,
        None,
        &format!(
            "/book/details?service=consultation&start={}",
            common_encode(&start)
        ),
    )
    .await;
    assert_eq!(details.status, 200, "{}", details.body);
    let (_, clinic) = app.get_json("/api/v1/clinic").await;
    let policy = &clinic["cancellation_policy"];
    let sha = policy["sha256"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
    assert!(details.body.contains("Cancellation policy"));
    assert!(
        details.body.contains("name=\"agree_policy\""),
        "the box is on the form"
    );
    assert!(
        details.body.contains(sha),
        "the form carries the hash of the text shown"
    );
    assert!(
        details.body.contains("24 hours before it starts"),
        "the clinic's cancel window is in the words"
    );

    let typed = [
        ("service", "consultation"),
        ("start", start.as_str()),
        ("name", "Policy Client"),
        ("email", "policy@example.com"),
        ("notes", "kept as typed"),
    ];
    let a = post_form(&app, "/book", &typed).await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert!(
        a.body.contains("id=\"f-agree_policy-error\""),
        "the error sits by the box: {}",
        a.body
    );
    assert!(a.body.contains("policy@example.com") && a.body.contains("kept as typed"));
    let now = jiff::Timestamp::now();
    let ahead = now + jiff::SignedDuration::from_hours(24 * 120);
    assert!(
        app.store
            .bookings_between(now, ahead)
            .await
            .unwrap()
            .is_empty(),
        "nothing booked"
    );

    // A policy that changed under the form is refused beside the box, and the new one shown.
    let mut stale: Vec<(&str, &str)> = typed.to_vec();
    let zeros = "0".repeat(64);
    stale.extend([
        ("agree_policy", "yes"),
        ("policy_version", "1"),
        ("policy_sha256", zeros.as_str()),
    ]);
    let a = post_form(&app, "/book", &stale).await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert!(
        a.body.contains("has changed since it was shown"),
        "{}",
        a.body
    );
    assert!(a.body.contains(sha), "the current policy is shown again");

    let agreed = app.agreed_policy().await;
    let mut form: Vec<(&str, &str)> = typed.to_vec();
    form.extend(agreed.iter().map(|(k, v)| (*k, v.as_str())));
    let a = post_form(&app, "/book", &form).await;
    assert_eq!(a.status, 303, "{}", a.body);
    let booking = booking_of(&app, &a.location).await;
    let kept = app
        .store
        .policy_agreement(&booking.id)
        .await
        .unwrap()
        .expect("the agreement is kept");
    assert_eq!(kept.version, policy["version"].as_i64().unwrap());
    assert_eq!(kept.sha256, sha);
    assert_eq!(kept.text, policy["text"].as_str().unwrap());
    assert_eq!(kept.address, "127.0.0.1");
    assert_eq!(kept.user_agent, PHONE_BROWSER);
    let age = jiff::Timestamp::now().duration_since(kept.agreed_at);
    assert!(age.as_secs() < 60, "agreed just now: {age:?}");

    let cookie = admin_cookie(&app).await;
    let page = get(
        &app,
        Some(&cookie),
        &format!("/admin/bookings/{}", booking.id),
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(sha), "staff see the hash agreed to");
    assert!(page.body.contains("iPhone"), "and the browser");
}
on_both_engines!(the_policy_must_be_agreed_and_is_kept);

/// The API contract grows without breaking: a booking without the policy still books (with
/// no agreement kept); one with it keeps it; a stale or malformed one is a 422 on its field.
async fn the_api_takes_the_policy_when_sent(app: TestApp) {
    let starts = app.starts_an_hour_apart("consultation").await;
    let at = |i: usize| clinic::rfc3339(&starts[i].to_zoned_datetime(jiff::tz::TimeZone::UTC));
    let (status, body) = app
        .post_json(
            "/api/v1/bookings",
            &TestApp::booking_body("consultation", &at(0), "old@example.com"),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_str().unwrap();
    assert_eq!(app.store.policy_agreement(id).await.unwrap(), None);

    let (_, clinic) = app.get_json("/api/v1/clinic").await;
    let policy = clinic["cancellation_policy"].clone();
    let with = |email: &str, start: &str, policy: Value| {
        let mut body = TestApp::booking_body("consultation", start, email);
        body["cancellation_policy"] = policy;
        body
    };
    for (bad, field) in [
        (
            json!({"version": policy["version"], "sha256": "0".repeat(64)}),
            "cancellation_policy",
        ),
        (
            json!({"version": policy["version"], "sha256": "nope"}),
            "cancellation_policy.sha256",
        ),
        (
            json!({"sha256": policy["sha256"]}),
            "cancellation_policy.version",
        ),
        (json!("yes"), "cancellation_policy"),
    ] {
        let (status, body) = app
            .post_json("/api/v1/bookings", &with("bad@example.com", &at(1), bad))
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["field"], field, "{body}");
    }
    let sent = json!({"version": policy["version"], "sha256": policy["sha256"]});
    let (status, body) = app
        .post_json("/api/v1/bookings", &with("new@example.com", &at(1), sent))
        .await;
    assert_eq!(status, 201, "{body}");
    let kept = app
        .store
        .policy_agreement(body["id"].as_str().unwrap())
        .await
        .unwrap()
        .expect("kept");
    assert_eq!(kept.sha256, policy["sha256"].as_str().unwrap());
}
on_both_engines!(the_api_takes_the_policy_when_sent);

fn common_encode(value: &str) -> String {
    value.replace('+', "%2B").replace(':', "%3A")
}

/// The confirmation page says the price and offers Google and Outlook links beside the
/// `.ics`, with the booking's times in UTC and without the manage link's secret.
async fn the_confirmation_shows_the_price_and_calendar_links(app: TestApp) {
    let screening = common::screening(&app, json!({})).await;
    let slots = app.free_slots("microneedling-face", None).await;
    let start = slots[0]["start"].as_str().unwrap();
    let mut body = TestApp::booking_body("microneedling-face", start, "price@example.com");
    body["screening"] = json!(screening);
    let (status, booked) = app.post_json("/api/v1/bookings", &body).await;
    assert_eq!(status, 201, "{booked}");
    let token = booked["manage_token"].as_str().unwrap();
    let page = get(&app, None, &format!("/manage/{token}?booked=1")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("$250.00"), "the price is shown");
    let utc = |field: &str| {
        let t: jiff::Timestamp = booked[field].as_str().unwrap().parse().unwrap();
        t.strftime("%Y%m%dT%H%M%SZ").to_string()
    };
    let link = |host: &str| {
        let at = page
            .body
            .find(&format!("href=\"https://{host}"))
            .unwrap_or_else(|| panic!("a link to {host}: {}", page.body));
        page.body[at + 6..]
            .split('"')
            .next()
            .unwrap()
            .replace("&amp;", "&")
    };
    let google = link("calendar.google.com/");
    assert!(
        google.contains(&format!("dates={}/{}", utc("start"), utc("end"))),
        "{google}"
    );
    let outlook = link("outlook.live.com/");
    let start_utc: jiff::Timestamp = booked["start"].as_str().unwrap().parse().unwrap();
    assert!(
        outlook.contains(&format!(
            "startdt={}",
            start_utc.strftime("%Y-%m-%dT%H%%3A%M%%3A%SZ")
        )),
        "{outlook}"
    );
    for external in [&google, &outlook] {
        assert!(
            !external.contains(token),
            "no manage token leaves for another site"
        );
    }
    assert!(
        page.body
            .contains(&format!("/bookings/{token}/calendar.ics")),
        "the .ics stays"
    );
}
on_both_engines!(the_confirmation_shows_the_price_and_calendar_links);

/// The day-and-time page opens on the first day with a free time, selected with its
/// times; a day without times links straight to the next one that has some.
async fn the_page_opens_on_the_first_free_day_and_jumps_from_an_empty_one(app: TestApp) {
    let slots = app.free_slots("consultation", None).await;
    let day = |slot: &Value| slot["start"].as_str().unwrap()[..10].to_owned();
    let first = day(&slots[0]);
    let page = get(&app, None, "/book?service=consultation").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let first_date: jiff::civil::Date = first.parse().unwrap();
    assert!(
        page.body
            .contains(&format!("aria-current=\"date\">{}<", first_date.day())),
        "the first free day is selected: {}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("Times on {}", first_date.strftime("%A %-d %B"))),
        "its times show at once"
    );
    assert!(
        page.body.contains("/book/details?service=consultation"),
        "times link on"
    );

    // A day after the first free one, with no times, and the next day that has some.
    let free: std::collections::BTreeSet<String> = slots.iter().map(day).collect();
    let mut empty = first_date;
    while free.contains(&empty.to_string()) {
        empty = empty.tomorrow().unwrap();
    }
    let next = free
        .iter()
        .find(|d| d.as_str() > empty.to_string().as_str())
        .expect("a later free day");
    let page = get(
        &app,
        None,
        &format!("/book?service=consultation&date={empty}"),
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("No free times on this day."),
        "{}",
        page.body
    );
    let jump = format!("date={next}#times");
    let at = page
        .body
        .find("class=\"next-available\"")
        .expect("a next-available link");
    assert!(
        page.body[at..]
            .split("</a>")
            .next()
            .unwrap()
            .contains(&jump)
            || page.body[..at].rsplit("<a").next().unwrap().contains(&jump),
        "the jump goes to {next}: {}",
        &page.body[at.saturating_sub(300)..at + 200]
    );
}
on_both_engines!(the_page_opens_on_the_first_free_day_and_jumps_from_an_empty_one);

/// A tiny PNG, as a clinic's photo file would be.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89,
];

/// The demo clinic with a photo for Maya Lee (Sam Ortiz has none), a few lines about Sam
/// and a description of the full-face treatment.
fn with_a_photo() -> clinic::ClinicSetup {
    let mut setup = clinic::demo();
    setup.practitioners[0].photo = Some("maya-lee.png".into());
    for p in &mut setup.practitioners {
        if p.id == "sam-ortiz" {
            p.bio = "Sam looks after facial treatments and first visits.".into();
        }
    }
    for s in &mut setup.services {
        if s.id == "microneedling-face" {
            s.description = "For fine lines and uneven texture.".into();
        }
    }
    setup
}

/// The content folder beside the data, holding Maya Lee's photo.
fn content_with_photo(c: &mut web::Config) {
    let dir = c.data_dir.join("content");
    std::fs::create_dir_all(dir.join("practitioners")).unwrap();
    std::fs::write(dir.join("practitioners/maya-lee.png"), PNG).unwrap();
    c.content_dir = Some(dir);
}

/// The service picker says duration, price and a description; the practitioner choice
/// shows each face (a photo from the content folder, else initials) with a few lines.
async fn services_and_practitioners_show_what_clients_choose_by(app: TestApp) {
    let page = get(&app, None, "/book").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let face = with_a_photo()
        .services
        .into_iter()
        .find(|s| s.id == "microneedling-face")
        .unwrap();
    assert!(!face.description.is_empty());
    for shown in ["$250.00", "90 minutes", face.description.as_str()] {
        assert!(page.body.contains(shown), "the picker shows {shown}");
    }

    let page = get(&app, None, "/book?service=consultation").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("src=\"/practitioners/maya-lee/photo\""),
        "Maya's photo"
    );
    assert!(
        page.body.contains(">SO</span>"),
        "Sam's initials: {}",
        page.body
    );
    let sam = with_a_photo()
        .practitioners
        .into_iter()
        .find(|p| p.id == "sam-ortiz")
        .unwrap();
    assert!(page.body.contains(&sam.bio), "a few lines about Sam");

    let res = app
        .http
        .get(format!("{}/practitioners/maya-lee/photo", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    for missing in ["sam-ortiz", "nobody", "..%2F..%2Fetc%2Fpasswd"] {
        let a = get(&app, None, &format!("/practitioners/{missing}/photo")).await;
        assert_eq!(a.status, 404, "{missing}");
    }
}
on_both_engines!(
    services_and_practitioners_show_what_clients_choose_by,
    super::with_a_photo(),
    super::content_with_photo
);

/// A clinic whose locale reads the 24-hour clock.
fn twenty_four_hours() -> clinic::ClinicSetup {
    let mut setup = clinic::demo();
    setup.clinic.locale = "en-GB".into();
    setup
}

/// Times are on the clinic's one clock, and its zone is named as people say it.
async fn times_use_the_clinic_s_clock_and_zone_name(app: TestApp) {
    let page = get(&app, None, "/book?service=consultation").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let times = &page.body[page.body.find("id=\"times\"").expect("times shown")..];
    let times = times.split("</section>").next().unwrap();
    assert!(
        !times.contains(" AM") && !times.contains(" PM"),
        "no 12-hour times: {times}"
    );
    assert!(
        times.contains("New York time"),
        "the zone by its name: {times}"
    );
    let slots = app.free_slots("consultation", None).await;
    let first: jiff::Timestamp = slots[0]["start"].as_str().unwrap().parse().unwrap();
    let local = first
        .in_tz("America/New_York")
        .unwrap()
        .strftime("%H:%M")
        .to_string();
    assert!(
        times.contains(&format!(">{local}<")),
        "{local} on a 24-hour clock: {times}"
    );
}
on_both_engines!(
    times_use_the_clinic_s_clock_and_zone_name,
    super::twenty_four_hours()
);
