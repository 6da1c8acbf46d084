//! The booking API end to end over real HTTP, on SQLite and on PostgreSQL.

use crate::common;

use common::TestApp;
use serde_json::{Value, json};

/// Dozens of clients race for one slot: exactly one wins, the rest are told it is taken.
async fn race_for_one_slot(app: TestApp) {
    let slots = app.free_slots("consultation", Some("maya-lee")).await;
    let start = slots[0]["start"].as_str().unwrap().to_owned();
    let requests = (0..40).map(|i| {
        let body = json!({"service": "consultation", "start": start, "practitioner": "maya-lee",
            "client": {"name": format!("Racer {i}"), "email": format!("racer{i}@example.com")}});
        let http = app.http.clone();
        let url = format!("{}/api/v1/bookings", app.base);
        tokio::spawn(async move {
            let res = http.post(url).json(&body).send().await.unwrap();
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap();
            (status, body)
        })
    });
    let results: Vec<(u16, Value)> = futures::future::join_all(requests)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let won = results.iter().filter(|(s, _)| *s == 201).count();
    let lost: Vec<_> = results.iter().filter(|(s, _)| *s == 409).collect();
    assert_eq!(won, 1, "exactly one booking wins: {results:?}");
    assert_eq!(lost.len(), 39, "every other request is a 409: {results:?}");
    for (_, body) in lost {
        assert_eq!(body["type"], "/problems/slot-unavailable");
    }
    let again = app.free_slots("consultation", Some("maya-lee")).await;
    assert!(
        again.iter().all(|s| s["start"] != start.as_str()),
        "the slot is gone from availability"
    );
}
on_both_engines!(race_for_one_slot);

/// Overlapping requests of different lengths for one practitioner: the database admits
/// only bookings that do not overlap.
async fn race_overlapping_lengths(app: TestApp) {
    let face = app
        .free_slots("microneedling-face", Some("sam-ortiz"))
        .await;
    let consult = app.free_slots("consultation", Some("sam-ortiz")).await;
    let day = face[0]["start"].as_str().unwrap()[..10].to_owned();
    let starts: Vec<(String, String)> = face
        .iter()
        .filter(|s| s["start"].as_str().unwrap().starts_with(&day))
        .take(6)
        .map(|s| {
            (
                "microneedling-face".to_owned(),
                s["start"].as_str().unwrap().to_owned(),
            )
        })
        .chain(
            consult
                .iter()
                .filter(|s| s["start"].as_str().unwrap().starts_with(&day))
                .take(10)
                .map(|s| {
                    (
                        "consultation".to_owned(),
                        s["start"].as_str().unwrap().to_owned(),
                    )
                }),
        )
        .collect();
    // Screening is needed for the face treatment; make one that is eligible.
    let screening_id = common::screening(&app, json!({})).await;
    let requests = starts.iter().enumerate().flat_map(|(i, (service, start))| {
        (0..3).map(move |k| (i, k, service.clone(), start.clone()))
    }).map(|(i, k, service, start)| {
        // A screening belongs to the client who books with it: face treatments share one.
        let email = if service == "microneedling-face" {
            "overlap@example.com".to_owned()
        } else {
            format!("o{i}-{k}@example.com")
        };
        let body = json!({"service": service, "start": start, "practitioner": "sam-ortiz", "screening": screening_id,
            "client": {"name": "Overlap", "email": email}});
        let http = app.http.clone();
        let url = format!("{}/api/v1/bookings", app.base);
        tokio::spawn(async move { http.post(url).json(&body).send().await.unwrap().status().as_u16() })
    });
    let statuses: Vec<u16> = futures::future::join_all(requests)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "only wins and lost races: {statuses:?}"
    );
    assert!(statuses.contains(&201));
    // Whatever won, no two practitioner holds overlap.
    let from = jiff::Timestamp::now();
    let bookings = app
        .store
        .bookings_between(from, from + jiff::SignedDuration::from_hours(24 * 30))
        .await
        .unwrap();
    let mut treat: Vec<(jiff::Timestamp, jiff::Timestamp)> = Vec::new();
    for b in bookings.iter().filter(|b| b.practitioner_id == "sam-ortiz") {
        let service = app.state_clinic_service(&b.service_id);
        let holds = scheduling::holds_for(
            &service,
            b.start,
            &scheduling::Assignment {
                practitioner: b.practitioner_id.clone(),
                room: b.room_id.clone(),
            },
        );
        for h in holds
            .into_iter()
            .filter(|h| matches!(h.resource, scheduling::Resource::Practitioner(_)))
        {
            treat.push((h.start, h.end));
        }
    }
    treat.sort();
    for pair in treat.windows(2) {
        assert!(
            pair[0].1 <= pair[1].0,
            "practitioner double-booked: {pair:?}"
        );
    }
}
on_both_engines!(race_overlapping_lengths);

impl TestApp {
    fn state_clinic_service(&self, id: &str) -> scheduling::Service {
        clinic::demo()
            .engine_services()
            .into_iter()
            .find(|s| s.id == id)
            .unwrap()
    }
}

/// Book, read, reschedule, fetch the invite, cancel: the client's whole journey.
async fn manage_by_token(app: TestApp) {
    // Well outside the 24-hour cancel window.
    let outside = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(48);
    let slots: Vec<Value> = app
        .free_slots("consultation", None)
        .await
        .into_iter()
        .filter(|s| {
            s["start"]
                .as_str()
                .unwrap()
                .parse::<jiff::Timestamp>()
                .unwrap()
                > outside
        })
        .collect();
    let start = slots[0]["start"].as_str().unwrap();
    let (status, booked) = app
        .post_json(
            "/api/v1/bookings",
            &TestApp::booking_body("consultation", start, "journey@example.com"),
        )
        .await;
    assert_eq!(status, 201, "{booked}");
    assert_eq!(booked["status"], "confirmed");
    assert_eq!(booked["start"], start);
    assert!(booked["room"].as_str().unwrap().starts_with("room-"));
    let token = booked["manage_token"].as_str().unwrap();
    assert!(token.len() >= 22, "at least 128 bits");

    let (status, shown) = app.get_json(&format!("/api/v1/bookings/{token}")).await;
    assert_eq!(status, 200);
    assert_eq!(shown["reference"], booked["reference"]);
    assert!(
        shown.get("manage_token").is_none(),
        "the token is shown only once"
    );

    let practitioner = booked["practitioner"].as_str().unwrap();
    let booked_at: jiff::Timestamp = start.parse().unwrap();
    let later = slots
        .iter()
        .find(|s| {
            let t: jiff::Timestamp = s["start"].as_str().unwrap().parse().unwrap();
            t > booked_at + jiff::SignedDuration::from_hours(2)
                && s["practitioners"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p == practitioner)
        })
        .expect("a later slot with the same practitioner")["start"]
        .as_str()
        .unwrap();
    let (status, moved) = app
        .post_json(
            &format!("/api/v1/bookings/{token}/reschedule"),
            &json!({"start": later}),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["start"], later);
    assert_eq!(
        moved["practitioner"], booked["practitioner"],
        "the client keeps their practitioner"
    );
    let free_again = app
        .free_slots(
            "consultation",
            Some(booked["practitioner"].as_str().unwrap()),
        )
        .await;
    assert!(
        free_again.iter().any(|s| s["start"] == start),
        "the old time is free again"
    );

    let ics = app
        .http
        .get(format!("{}/bookings/{token}/calendar.ics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        ics.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let ics = ics.text().await.unwrap();
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
    assert!(ics.contains("DTSTART;TZID=America/New_York:"));

    let (status, cancelled) = app
        .post_json(&format!("/api/v1/bookings/{token}/cancel"), &json!({}))
        .await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    let (status, again) = app
        .post_json(&format!("/api/v1/bookings/{token}/cancel"), &json!({}))
        .await;
    assert_eq!(status, 409);
    assert_eq!(again["type"], "/problems/booking-closed");

    let mail = app
        .store
        .mail_for_booking(booked["id"].as_str().unwrap())
        .await
        .unwrap();
    let kinds: Vec<&str> = mail.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    for kind in ["booked", "rescheduled", "cancelled"] {
        assert!(kinds.contains(&kind), "{kind} mail queued: {kinds:?}");
    }
}
on_both_engines!(manage_by_token);

/// Inside the cancel-notice window a client is sent to the phone.
async fn cancel_window_refuses(app: TestApp) {
    let slots = app.free_slots("consultation", None).await;
    let start = slots[0]["start"].as_str().unwrap();
    let (status, booked) = app
        .post_json(
            "/api/v1/bookings",
            &TestApp::booking_body("consultation", start, "late@example.com"),
        )
        .await;
    assert_eq!(status, 201, "{booked}");
    let token = booked["manage_token"].as_str().unwrap();
    for action in ["cancel", "reschedule"] {
        let body = json!({"start": slots[1]["start"]});
        let (status, problem) = app
            .post_json(&format!("/api/v1/bookings/{token}/{action}"), &body)
            .await;
        assert_eq!(status, 409, "{problem}");
        assert_eq!(problem["type"], "/problems/inside-cancel-window");
        assert!(
            problem["detail"].as_str().unwrap().contains("+1 555 0100"),
            "the clinic's phone is in the message"
        );
    }
    let (_, shown) = app.get_json(&format!("/api/v1/bookings/{token}")).await;
    assert_eq!(shown["status"], "confirmed", "nothing changed");
    assert_eq!(shown["start"], start);
}
on_both_engines!(cancel_window_refuses, {
    // Three weeks' notice to cancel: every bookable slot is inside the window.
    let mut setup = clinic::demo();
    setup.booking.cancel_notice_hours = 21 * 24 + 24;
    setup
});
