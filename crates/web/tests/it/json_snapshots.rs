//! What an API client receives, exactly: a refactor that changes a JSON answer shows up
//! here in review. Values that change with the clock or a random token are replaced by
//! their kind before the snapshot.

use crate::common;

use serde_json::{Value, json};
use store::Engine;

/// Replaces the values under `keys` (anywhere in `value`) with `"[key]"`.
fn redact(mut value: Value, keys: &[&str]) -> Value {
    fn walk(v: &mut Value, keys: &[&str]) {
        match v {
            Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    if keys.contains(&k.as_str()) {
                        *child = json!(format!("[{k}]"));
                    } else {
                        walk(child, keys);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|c| walk(c, keys)),
            _ => {}
        }
    }
    walk(&mut value, keys);
    value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clinic_and_its_services() {
    let app = common::spawn(Engine::Sqlite).await;
    let (status, clinic) = app.get_json("/api/v1/clinic").await;
    assert_eq!(status, 200);
    insta::assert_json_snapshot!("clinic", clinic);
    let (status, services) = app.get_json("/api/v1/services").await;
    assert_eq!(status, 200);
    insta::assert_json_snapshot!("services", services);
    let (status, practitioners) = app.get_json("/api/v1/practitioners").await;
    assert_eq!(status, 200);
    insta::assert_json_snapshot!("practitioners", practitioners);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_and_the_refusals_around_it() {
    let app = common::spawn(Engine::Sqlite).await;
    let slots = app.free_slots("consultation", Some("maya-lee")).await;
    let start = slots[0]["start"].as_str().unwrap().to_owned();
    let mut body = common::TestApp::booking_body("consultation", &start, "snap@example.com");
    body["practitioner"] = json!("maya-lee");
    let (status, booked) = app.post_json("/api/v1/bookings", &body).await;
    assert_eq!(status, 201, "{booked}");
    assert_eq!(booked["start"], json!(start));
    let stable = ["id", "reference", "manage_token", "start", "end", "room"];
    insta::assert_json_snapshot!("booking_created", redact(booked, &stable));

    body["client"]["email"] = json!("second@example.com");
    let (status, lost) = app.post_json("/api/v1/bookings", &body).await;
    assert_eq!(status, 409, "{lost}");
    assert!(
        !lost["alternatives"].as_array().unwrap().is_empty(),
        "a lost race lists the nearest free times: {lost}"
    );
    insta::assert_json_snapshot!("lost_race", redact(lost, &["alternatives"]));

    let (status, needs_screening) = app
        .post_json(
            "/api/v1/bookings",
            &common::TestApp::booking_body("microneedling-face", &start, "third@example.com"),
        )
        .await;
    assert_eq!(status, 422);
    insta::assert_json_snapshot!("screening_required", needs_screening);

    let (status, invalid) = app
        .post_json(
            "/api/v1/bookings",
            &json!({"service": "consultation", "start": start, "client": {"name": "No Mail"}}),
        )
        .await;
    assert_eq!(status, 422);
    insta::assert_json_snapshot!("missing_email", invalid);
}
