//! The waitlist over HTTP: joining, the offer a cancellation sends, its one-tap acceptance
//! racing a direct booking for the same time (the booking loses with 409), and the pages
//! that work without JavaScript.

use crate::common;

use common::TestApp;
use serde_json::{Value, json};

/// The offer tokens mailed so far, by recipient, from the queued mail.
async fn offer_tokens(app: &TestApp) -> Vec<(String, String)> {
    let far = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 400);
    let mail = app.store.claim_due(far, "email", 500).await.expect("mail");
    mail.into_iter()
        .filter(|m| m.kind == "waitlist_offer")
        .map(|m| {
            let token = m
                .body_text
                .split("/waitlist/offers/")
                .nth(1)
                .expect("the offer link")
                .split_whitespace()
                .next()
                .unwrap()
                .to_owned();
            (m.recipient, token)
        })
        .collect()
}

fn join_body(start: &str, email: &str) -> Value {
    let day = &start[..10];
    json!({
        "service": "consultation",
        "from": day,
        "to": day,
        "practitioner": "maya-lee",
        "client": { "name": "Waiting Client", "email": email },
    })
}

async fn a_cancelled_time_goes_to_the_waitlist_and_beats_a_racing_booking(app: TestApp) {
    let slots = app.free_slots("consultation", Some("maya-lee")).await;
    // A time two days ahead or more, so the client may still cancel it online.
    let cutoff = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(48);
    let start = slots
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .find(|s| s.parse::<jiff::Timestamp>().unwrap() > cutoff)
        .expect("a free time two days ahead");
    let mut body = TestApp::booking_body("consultation", &start, "taken@example.com");
    body["practitioner"] = json!("maya-lee");
    let (status, booked) = app.post_json("/api/v1/bookings", &body).await;
    assert_eq!(status, 201, "{booked}");

    for email in [
        "first@example.com",
        "second@example.com",
        "third@example.com",
    ] {
        let (status, joined) = app
            .post_json("/api/v1/waitlist", &join_body(&start, email))
            .await;
        assert_eq!(status, 201, "{joined}");
        assert!(
            joined["manage_token"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        assert_eq!(joined["status"], "waiting");
    }
    let token = booked["manage_token"].as_str().unwrap();
    let (status, _) = app
        .post_json(&format!("/api/v1/bookings/{token}/cancel"), &json!({}))
        .await;
    assert_eq!(status, 200);

    let tokens = offer_tokens(&app).await;
    assert_eq!(tokens.len(), 1, "one offer for one freed time");
    assert_eq!(tokens[0].0, "first@example.com");
    let offer = &tokens[0].1;
    let (status, shown) = app
        .get_json(&format!("/api/v1/waitlist/offers/{offer}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(shown["status"], "open");
    assert_eq!(shown["start"], start.as_str());

    // The offer page works without JavaScript: a form whose one button posts the acceptance.
    let page = app
        .http
        .get(format!("{}/waitlist/offers/{offer}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("action=\"/waitlist/offers/{offer}/accept\"")));

    // The acceptance and a direct booking for the same time, at once.
    let mut direct = TestApp::booking_body("consultation", &start, "direct@example.com");
    direct["practitioner"] = json!("maya-lee");
    let accept_path = format!("/api/v1/waitlist/offers/{offer}/accept");
    let empty = json!({});
    let (accepted, racing) = tokio::join!(
        app.post_json(&accept_path, &empty),
        app.post_json("/api/v1/bookings", &direct),
    );
    assert_eq!(accepted.0, 201, "{}", accepted.1);
    assert_eq!(accepted.1["start"], start.as_str());
    assert_eq!(accepted.1["client"]["email"], "first@example.com");
    assert_eq!(racing.0, 409, "{}", racing.1);
    assert_eq!(racing.1["type"], "/problems/slot-unavailable");

    // Accepting again, or someone else's made-up token: a clear answer, nothing booked.
    let (status, problem) = app.post_json(&accept_path, &json!({})).await;
    assert_eq!(status, 409, "{problem}");
    let (status, _) = app
        .post_json("/api/v1/waitlist/offers/not-a-token/accept", &json!({}))
        .await;
    assert_eq!(status, 404);
}

async fn joining_names_the_field_at_fault(app: TestApp) {
    let today = app.state.flows.clinic().today();
    let yesterday = today.yesterday().unwrap().to_string();
    let mut body = join_body(&format!("{today}T00:00"), "x@example.com");
    body["from"] = json!(yesterday);
    let (status, problem) = app.post_json("/api/v1/waitlist", &body).await;
    assert_eq!((status, problem["field"].as_str()), (422, Some("from")));

    let mut body = join_body(&format!("{today}T00:00"), "x@example.com");
    body["to"] = json!("9999-12-31");
    let (status, problem) = app.post_json("/api/v1/waitlist", &body).await;
    assert_eq!((status, problem["field"].as_str()), (422, Some("to")));

    let mut body = join_body(&format!("{today}T00:00"), "x@example.com");
    body["service"] = json!("nope");
    let (status, problem) = app.post_json("/api/v1/waitlist", &body).await;
    assert_eq!((status, problem["field"].as_str()), (422, Some("service")));

    let mut body = join_body(&format!("{today}T00:00"), "x@example.com");
    body["times"] = json!(["night"]);
    let (status, problem) = app.post_json("/api/v1/waitlist", &body).await;
    assert_eq!((status, problem["field"].as_str()), (422, Some("times")));

    let mut body = join_body(&format!("{today}T00:00"), "x@example.com");
    body["client"]["name"] = json!("a\u{0}b");
    let (status, problem) = app.post_json("/api/v1/waitlist", &body).await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("client.name"))
    );

    // The form keeps what was typed and says what is wrong; joining from it shows the
    // entry's own page, where the client can leave.
    let today_text = today.to_string();
    let form = [
        ("service", "consultation"),
        ("practitioner", ""),
        ("from", today_text.as_str()),
        ("to", "not a date"),
        ("name", "Form Client"),
        ("email", "form@example.com"),
        ("phone", ""),
    ];
    let res = app
        .http
        .post(format!("{}/waitlist", app.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("form@example.com") && html.contains("not a date"));

    let to = today.to_string();
    let form = [
        ("service", "consultation"),
        ("from", to.as_str()),
        ("to", to.as_str()),
        ("evening", "1"),
        ("name", "Form Client"),
        ("email", "form@example.com"),
    ];
    let res = app
        .http
        .post(format!("{}/waitlist", app.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let place = res.headers()["location"].to_str().unwrap().to_owned();
    let token = place
        .trim_start_matches("/waitlist/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let (status, entry) = app.get_json(&format!("/api/v1/waitlist/{token}")).await;
    assert_eq!(status, 200);
    assert_eq!(entry["times"], json!(["evening"]));
    let res = app
        .http
        .post(format!("{}/waitlist/{token}/leave", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let (_, entry) = app.get_json(&format!("/api/v1/waitlist/{token}")).await;
    assert_eq!(entry["status"], "left");
}

on_both_engines!(a_cancelled_time_goes_to_the_waitlist_and_beats_a_racing_booking);
on_both_engines!(joining_names_the_field_at_fault);
