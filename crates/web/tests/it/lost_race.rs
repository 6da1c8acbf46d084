//! A client who loses a time to someone else is offered the same nearest free times on the
//! booking page as an API client is, because the workflow computes them once.

use crate::common;

use common::TestApp;
use serde_json::json;

/// Percent-decodes a query value as the pages write it.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The `start` of every "nearest free time" link on a details page.
fn offered_starts(html: &str) -> Vec<String> {
    let list = html
        .split("The nearest free times:")
        .nth(1)
        .expect("the page lists the nearest free times")
        .split("</ul>")
        .next()
        .unwrap();
    list.split("start=")
        .skip(1)
        .map(|rest| decode(rest.split(['"', '&']).next().unwrap()))
        .collect()
}

async fn page_and_api_offer_the_same_times(app: TestApp) {
    let slots = app.free_slots("consultation", Some("maya-lee")).await;
    let start = slots[0]["start"].as_str().unwrap().to_owned();
    let mut body = TestApp::booking_body("consultation", &start, "first@example.com");
    body["practitioner"] = json!("maya-lee");
    let (status, _) = app.post_json("/api/v1/bookings", &body).await;
    assert_eq!(status, 201);

    body["client"]["email"] = json!("api@example.com");
    let (status, problem) = app.post_json("/api/v1/bookings", &body).await;
    assert_eq!(status, 409, "{problem}");
    let from_api: Vec<String> = problem["alternatives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["start"].as_str().unwrap().to_owned())
        .collect();
    assert!(!from_api.is_empty());

    let policy = app.agreed_policy().await;
    let mut form = vec![
        ("service", "consultation"),
        ("practitioner", "maya-lee"),
        ("start", start.as_str()),
        ("screening", ""),
        ("name", "Page Client"),
        ("email", "page@example.com"),
        ("phone", ""),
        ("notes", "kept"),
    ];
    form.extend(policy.iter().map(|(k, v)| (*k, v.as_str())));
    let res = app
        .http
        .post(format!("{}/book", app.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("page@example.com"),
        "the details typed are kept"
    );
    assert_eq!(offered_starts(&html), from_api);
}

on_both_engines!(page_and_api_offer_the_same_times);
