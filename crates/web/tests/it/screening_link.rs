//! The screening link over HTTP, on SQLite and PostgreSQL: the desk sends it from a booking
//! with no screening on file, the client answers on the public page without signing in, the
//! booking's status follows the answers, and the link works once. A phone-only client's
//! button is disabled with the reason.

use crate::common;

use common::TestApp;
use serde_json::Value;
use store::BookingStatus;

use crate::desk::{Session, desk, get, local, post};

/// The screening-link tokens mailed so far, from the queued mail.
async fn link_tokens(app: &TestApp) -> Vec<String> {
    let far = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 400);
    let mail = app.store.claim_due(far, "email", 500).await.expect("mail");
    mail.into_iter()
        .filter(|m| m.kind == "screening_link")
        .map(|m| {
            m.body_text
                .split("/screening-link/")
                .nth(1)
                .expect("the link")
                .split_whitespace()
                .next()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// Every question answered so that nothing applies, as form pairs.
async fn clear_pairs(app: &TestApp) -> Vec<(String, String)> {
    let (_, questions) = app.get_json("/api/v1/screening/questions").await;
    let mut pairs = Vec::new();
    for q in questions.as_array().unwrap() {
        if q.get("replaced_by").is_some() {
            continue;
        }
        let id = q["id"].as_str().unwrap();
        match q["kind"].as_str().unwrap() {
            "yes_no" => pairs.push((format!("answers.{id}"), "no".to_owned())),
            "date" if q["accepts_never"] == Value::Bool(false) => {
                pairs.push((format!("answers.{id}"), "1980-06-15".to_owned()))
            }
            "date" => pairs.push((format!("answers.{id}.never"), "yes".to_owned())),
            _ => {}
        }
    }
    pairs
}

/// A face treatment booked at the desk, with `email` or phone-only; its id.
async fn desk_treatment(app: &TestApp, s: &Session, email: Option<&str>) -> String {
    let slots = app.free_slots("microneedling-face", None).await;
    let (date, time) = local(slots[0]["start"].as_str().unwrap());
    let mut form = vec![
        ("service", "microneedling-face"),
        ("date", date.as_str()),
        ("time", time.as_str()),
        ("name", "Linked Client"),
        ("phone", "+1 555 0142"),
    ];
    if let Some(email) = email {
        form.push(("email", email));
    }
    let a = post(app, s, "/admin/bookings", &form).await;
    assert_eq!(a.status, 303, "{}", a.body);
    a.location
        .strip_prefix("/admin/bookings/")
        .and_then(|r| r.strip_suffix("?done=booked"))
        .unwrap()
        .to_owned()
}

async fn the_desk_sends_the_link_and_the_answers_confirm_the_booking(app: TestApp) {
    let desk = desk(&app).await;
    let id = desk_treatment(&app, &desk, Some("linked@example.com")).await;
    let page = get(&app, &desk, &format!("/admin/bookings/{id}")).await;
    assert!(
        page.body.contains("Send the screening link"),
        "{}",
        page.body
    );
    let sent = post(
        &app,
        &desk,
        &format!("/admin/bookings/{id}/screening-link"),
        &[],
    )
    .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert!(sent.location.ends_with("?done=screening-link"));
    let shown = get(&app, &desk, &sent.location).await;
    assert!(shown.body.contains("Screening link sent"), "{}", shown.body);

    let tokens = link_tokens(&app).await;
    assert_eq!(tokens.len(), 1);
    let path = format!("/screening-link/{}", tokens[0]);
    let form = app
        .http
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let html = form.text().await.unwrap();
    assert!(
        html.contains("Safety questions for your appointment"),
        "{html}"
    );

    // A missing answer keeps the form and what was typed.
    let mut pairs = clear_pairs(&app).await;
    let last = pairs.pop().unwrap();
    let res = app
        .http
        .post(format!("{}{path}", app.base))
        .form(&pairs)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(
        app.store.booking(&id).await.unwrap().unwrap().screening_id,
        None
    );

    pairs.push(last);
    let res = app
        .http
        .post(format!("{}{path}", app.base))
        .form(&pairs)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Your appointment is confirmed"), "{html}");
    let after = app.store.booking(&id).await.unwrap().unwrap();
    assert_eq!(after.status, BookingStatus::Confirmed);
    assert!(after.screening_id.is_some());
    let page = get(&app, &desk, &format!("/admin/bookings/{id}")).await;
    assert!(
        !page.body.contains("No screening on file."),
        "{}",
        page.body
    );

    // Used once: the link no longer opens.
    let again = app
        .http
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 404);
}

async fn a_phone_only_client_gets_a_disabled_button_with_the_reason(app: TestApp) {
    let desk = desk(&app).await;
    let id = desk_treatment(&app, &desk, None).await;
    let page = get(&app, &desk, &format!("/admin/bookings/{id}")).await;
    assert!(
        page.body
            .contains("disabled aria-describedby=\"screening-link-why\""),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("No email address on file, so no link can be sent")
    );
    let sent = post(
        &app,
        &desk,
        &format!("/admin/bookings/{id}/screening-link"),
        &[],
    )
    .await;
    assert_eq!(sent.status, 409, "{}", sent.body);
    assert!(link_tokens(&app).await.is_empty());
}

on_both_engines!(the_desk_sends_the_link_and_the_answers_confirm_the_booking);
on_both_engines!(a_phone_only_client_gets_a_disabled_button_with_the_reason);
