//! Healing check-ins over HTTP: the symptom list, the API's answers and refusals, the page
//! without JavaScript, and the alert reaching the back office's Today page and alert list.

use crate::common;

use common::TestApp;
use serde_json::{Value, json};

async fn booked(app: &TestApp, email: &str) -> Value {
    let slots = app.free_slots("consultation", Some("maya-lee")).await;
    let body = json!({"service": "consultation", "start": slots[0]["start"], "practitioner": "maya-lee",
        "client": {"name": "Healing Client", "email": email}});
    let (status, booked) = app.post_json("/api/v1/bookings", &body).await;
    assert_eq!(status, 201, "{booked}");
    booked
}

/// Moves a booking's start `hours` into the past, as if the treatment had happened.
async fn started_hours_ago(app: &TestApp, id: &str, hours: i64) {
    let start = jiff::Timestamp::now().as_second() - hours * 3600;
    let sql = "UPDATE bookings SET start_at = $1, end_at = $1 + 1800 WHERE id = $2";
    if app.db_url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&app.db_url).await.unwrap();
        sqlx::query(sql)
            .bind(start)
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(&app.db_url).await.unwrap();
        sqlx::query(sql)
            .bind(start)
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
}

async fn post_form(app: &TestApp, path: &str, pairs: &[(&str, &str)]) -> (u16, String) {
    let res = app
        .http
        .post(format!("{}{path}", app.base))
        .form(pairs)
        .send()
        .await
        .expect("request");
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn get_text(app: &TestApp, path: &str) -> (u16, String) {
    let res = app
        .http
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .expect("request");
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn the_api_takes_and_refuses_checkins(app: TestApp) {
    let (status, list) = app.get_json("/api/v1/checkin/symptoms").await;
    assert_eq!(status, 200);
    let list = list.as_array().unwrap();
    let pus = list.iter().find(|s| s["id"] == "pus").expect("pus listed");
    assert_eq!(pus["triage"], "call_today");
    assert!(pus["source"].as_str().is_some_and(|s| !s.is_empty()));
    let breathing = list
        .iter()
        .find(|s| s["id"] == "breathing_trouble")
        .unwrap();
    assert_eq!(breathing["triage"], "emergency");

    let b = booked(&app, "heal@example.com").await;
    let id = b["id"].as_str().unwrap();
    let path = format!(
        "/api/v1/bookings/{}/checkins",
        b["manage_token"].as_str().unwrap()
    );
    // Before the start: refused, nothing written.
    let (status, problem) = app
        .post_json(&path, &json!({"symptoms": ["pus"], "pain": 3}))
        .await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["type"], "/problems/booking-closed");
    started_hours_ago(&app, id, 20).await;
    for (body, field) in [
        (
            json!({"symptoms": ["pus", "itchy_toes"], "pain": 3}),
            "symptoms",
        ),
        (json!({"symptoms": ["pus"], "pain": 11}), "pain"),
        (json!({"symptoms": ["pus"]}), "pain"),
        (
            json!({"symptoms": ["pus"], "pain": 2, "note": "x".repeat(2001)}),
            "note",
        ),
        (
            json!({"symptoms": ["pus"], "pain": 2, "note": "a\u{0}b"}),
            "note",
        ),
    ] {
        let (status, problem) = app.post_json(&path, &body).await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(problem["field"], field, "{problem}");
    }
    assert_eq!(app.store.checkin_count(id).await.unwrap(), 0);
    let (status, answer) = app
        .post_json(
            &path,
            &json!({"symptoms": ["breathing_trouble", "redness"], "pain": 7}),
        )
        .await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["triage"], "emergency");
    assert_eq!(answer["clinic_phone"], "+1 555 0100");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .starts_with("Call your local emergency number now.")
    );
    let (status, problem) = app
        .post_json(&path, &json!({"symptoms": ["pus"], "pain": 3}))
        .await;
    assert_eq!(status, 429, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("last hour"));
    assert_eq!(app.store.checkin_count(id).await.unwrap(), 1);
    let mail = app.store.mail_for_booking(id).await.unwrap();
    assert!(
        mail.iter()
            .any(|(kind, to, _)| kind == "checkin_alert" && to == "hello@northside.example"),
        "{mail:?}"
    );
}
on_both_engines!(the_api_takes_and_refuses_checkins);

async fn the_page_keeps_what_was_typed_and_answers_plainly(app: TestApp) {
    let b = booked(&app, "page@example.com").await;
    let id = b["id"].as_str().unwrap();
    let manage = format!("/manage/{}", b["manage_token"].as_str().unwrap());
    let (_, html) = get_text(&app, &manage).await;
    assert!(
        !html.contains("/checkin\""),
        "no check-in link before the start"
    );
    started_hours_ago(&app, id, 3).await;
    let (_, html) = get_text(&app, &manage).await;
    assert!(
        html.contains(&format!("{manage}/checkin")),
        "the manage page links to the check-in"
    );
    let (status, form) = get_text(&app, &format!("{manage}/checkin")).await;
    assert_eq!(status, 200);
    assert!(form.contains("How is your skin today?"));
    let usual = form.find("Usual after treatment").unwrap();
    let warning = form.find("Warning signs").unwrap();
    let redness = form.find("value=\"redness\"").unwrap();
    let pus = form.find("value=\"pus\"").unwrap();
    assert!(
        usual < redness && redness < warning && warning < pus,
        "grouped"
    );

    let path = format!("{manage}/checkin");
    let (status, html) = post_form(
        &app,
        &path,
        &[("symptoms", "pus"), ("pain", "lots"), ("note", "kept note")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"f-pain-error\""), "{html}");
    assert!(html.contains("kept note"));
    assert!(
        html.contains("value=\"pus\" id=\"s-pus\" checked"),
        "{html}"
    );
    let (status, html) = post_form(&app, &path, &[("symptoms", "pus"), ("pain", "4")]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Please call us today"));
    assert!(html.contains("href=\"tel:+15550100\""), "{html}");
    assert!(html.contains("We have been told"));
    assert_eq!(app.store.open_alert_count().await.unwrap(), 1);
}
on_both_engines!(the_page_keeps_what_was_typed_and_answers_plainly);
