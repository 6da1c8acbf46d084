//! The treatment record, sign-off, amendments, completion and recall over HTTP, on both
//! engines: the JSON contract, the practitioner's pages, the CSV export, and the front
//! desk kept away from clinical detail.

use crate::common;

use common::{Answer, TestApp, add_staff, answer, post_sign_in, set_cookie_pair};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use store::{Booking, BookingStatus, NewBooking, NewClient, Placement};

const PASSWORD: &str = "ochre lantern drifts slowly 47";

struct Session {
    cookie: String,
    csrf: String,
}

async fn sign_in(app: &TestApp, email: &str) -> Session {
    let a = post_sign_in(app, &[("email", email), ("password", PASSWORD)], &[], &[]).await;
    assert_eq!(a.status, 303, "sign-in of {email} failed: {}", a.body);
    let cookie = set_cookie_pair(&a, "collagen_session").expect("a session cookie");
    let page = answer(
        app.http
            .get(format!("{}/admin", app.base))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let marker = "name=\"csrf\" value=\"";
    let at = page.body.find(marker).expect("a csrf field") + marker.len();
    let csrf = page.body[at..].split('"').next().unwrap().to_owned();
    Session { cookie, csrf }
}

async fn staff(app: &TestApp) -> (Session, Session) {
    let hash = web::hash_password(PASSWORD);
    add_staff(
        app,
        "maya@clinic.example",
        &hash,
        "practitioner",
        Some("maya-lee"),
    )
    .await;
    add_staff(app, "desk@clinic.example", &hash, "front-desk", None).await;
    (
        sign_in(app, "maya@clinic.example").await,
        sign_in(app, "desk@clinic.example").await,
    )
}

async fn api(
    app: &TestApp,
    s: &Session,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let url = format!("{}{path}", app.base);
    let mut req = match method {
        "GET" => app.http.get(url),
        "PUT" => app.http.put(url),
        _ => app.http.post(url),
    }
    .header("cookie", &s.cookie)
    .header("x-csrf-token", &s.csrf);
    if let Some(b) = body {
        req = req.json(b);
    }
    let res = req.send().await.unwrap();
    (
        res.status().as_u16(),
        res.json().await.unwrap_or(Value::Null),
    )
}

async fn page(
    app: &TestApp,
    s: &Session,
    method: &str,
    path: &str,
    form: &[(&str, &str)],
) -> Answer {
    let url = format!("{}{path}", app.base);
    let req = if method == "GET" {
        app.http.get(url)
    } else {
        let mut fields: Vec<(&str, &str)> = vec![("csrf", &s.csrf)];
        fields.extend_from_slice(form);
        app.http.post(url).form(&fields)
    };
    answer(req.header("cookie", &s.cookie).send().await.unwrap()).await
}

/// A face treatment with Dr. Maya Lee that started `minutes_ago`, written through the
/// store so it can lie in the past, as a visit being recorded does.
async fn visit(app: &TestApp, name: &str, email: &str, minutes_ago: i64) -> Booking {
    let (booked, token) = visit_unsigned(app, name, email, minutes_ago).await;
    sign_required_consents(app, &token, name).await;
    booked
}

/// [`visit`] before the client has signed anything: the booking and its manage token.
async fn visit_unsigned(
    app: &TestApp,
    name: &str,
    email: &str,
    minutes_ago: i64,
) -> (Booking, String) {
    let start = Timestamp::now() - SignedDuration::from_mins(minutes_ago);
    let (token, token_hash) = store::new_token();
    let new = NewBooking {
        reference: store::new_reference(),
        manage_token_hash: token_hash,
        service_id: "microneedling-face".into(),
        client: NewClient {
            name: name.into(),
            email: email.into(),
            phone: None,
        },
        status: BookingStatus::Confirmed,
        screening_id: None,
        notes: String::new(),
        created_by: "desk".into(),
        policy: None,
    };
    let booked = app
        .store
        .create_booking::<()>(
            &new,
            (start, start + SignedDuration::from_mins(90)),
            move |_| {
                Ok(Placement {
                    practitioner_id: "maya-lee".into(),
                    room_id: "room-1".into(),
                    start,
                    end: start + SignedDuration::from_mins(90),
                    holds: vec![],
                })
            },
            |_| vec![],
        )
        .await
        .expect("booked");
    (booked, token)
}

/// The client signs the clinic's required consent documents through the API, as shown.
async fn sign_required_consents(app: &TestApp, token: &str, name: &str) {
    let path = format!("/api/v1/bookings/{token}/consent");
    let (status, listed) = app.get_json(&path).await;
    assert_eq!(status, 200, "{listed}");
    for doc in listed["documents"].as_array().unwrap() {
        if doc["required"] != true {
            continue;
        }
        let body = serde_json::json!({
            "document": doc["id"], "version": doc["version"], "sha256": doc["sha256"],
            "name": name, "agree": true,
        });
        let (status, answer) = app.post_json(&path, &body).await;
        assert_eq!(status, 201, "{answer}");
    }
}

fn record(lot: &str) -> Value {
    json!({
        "device": "pen-1",
        "cartridge": {"lot": lot, "expires": "2099-06-30"},
        "anaesthetic_minutes": 30,
        "areas": [{"area": "cheeks", "depth_mm": 1.5, "passes": 3, "endpoint": "uniform pinpoint bleeding"}],
        "products": [{"name": "Hyaluronic glide", "lot": "HA-1"}],
        "reactions": "Expected redness",
    })
}

async fn no_record_or_completion_without_the_consent(app: TestApp) {
    let (maya, desk) = staff(&app).await;
    let (b, token) = visit_unsigned(&app, "Una Signed", "una@example.com", 20).await;
    let base = format!("/api/v1/admin/bookings/{}", b.id);
    let status = |to: &'static str| json!({ "status": to });
    let (s, p) = api(
        &app,
        &desk,
        "POST",
        &format!("{base}/status"),
        Some(&status("arrived")),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    let (s, p) = api(
        &app,
        &maya,
        "PUT",
        &format!("{base}/record"),
        Some(&record("U-1")),
    )
    .await;
    assert_eq!(
        (s, p["type"].as_str()),
        (409, Some("/problems/consent-missing")),
        "{p}"
    );
    let (s, p) = api(&app, &maya, "GET", &format!("{base}/record"), None).await;
    assert_eq!(s, 404, "a refused record was written: {p}");

    sign_required_consents(&app, &token, "Una Signed").await;
    let (s, p) = api(
        &app,
        &maya,
        "PUT",
        &format!("{base}/record"),
        Some(&record("U-1")),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    let (s, p) = api(&app, &maya, "POST", &format!("{base}/record/sign"), None).await;
    assert_eq!(s, 200, "{p}");
    let (s, p) = api(
        &app,
        &desk,
        "POST",
        &format!("{base}/status"),
        Some(&status("completed")),
    )
    .await;
    assert_eq!((s, p["status"].as_str()), (200, Some("completed")), "{p}");
}
on_both_engines!(no_record_or_completion_without_the_consent);

async fn the_record_follows_the_contract(app: TestApp) {
    let (maya, desk) = staff(&app).await;
    let b = visit(&app, "Ann Record", "ann@example.com", 20).await;
    let base = format!("/api/v1/admin/bookings/{}", b.id);

    // Not before the client has arrived.
    let (s, p) = api(
        &app,
        &maya,
        "PUT",
        &format!("{base}/record"),
        Some(&record("LOT-1")),
    )
    .await;
    assert_eq!(s, 409, "{p}");
    let (s, p) = api(
        &app,
        &desk,
        "POST",
        &format!("{base}/status"),
        Some(&json!({"status": "arrived"})),
    )
    .await;
    assert_eq!((s, p["status"].as_str()), (200, Some("arrived")), "{p}");
    let (s, p) = api(
        &app,
        &desk,
        "POST",
        &format!("{base}/status"),
        Some(&json!({"status": "finished"})),
    )
    .await;
    assert_eq!((s, p["field"].as_str()), (422, Some("status")), "{p}");

    // Bad input names its field, and writes nothing.
    let mut bad = record("LOT-1");
    bad["device"] = json!("laser-9");
    let (s, p) = api(&app, &maya, "PUT", &format!("{base}/record"), Some(&bad)).await;
    assert_eq!((s, p["field"].as_str()), (422, Some("device")), "{p}");
    let mut bad = record("LOT-1");
    bad["cartridge"]["expires"] = json!("2001-01-01");
    let (s, p) = api(&app, &maya, "PUT", &format!("{base}/record"), Some(&bad)).await;
    assert_eq!(
        (s, p["field"].as_str()),
        (422, Some("cartridge.expires")),
        "{p}"
    );
    let mut bad = record("LOT-1");
    bad["areas"][0]["depth_mm"] = json!(2.5);
    let (s, p) = api(&app, &maya, "PUT", &format!("{base}/record"), Some(&bad)).await;
    assert_eq!(
        (s, p["field"].as_str()),
        (422, Some("areas[0].depth_mm")),
        "{p}"
    );
    assert_eq!(p["type"], "/problems/invalid-input");
    let mut bad = record("LOT-1");
    bad["areas"][0]["passes"] = json!("three");
    let (s, p) = api(&app, &maya, "PUT", &format!("{base}/record"), Some(&bad)).await;
    assert_eq!(
        (s, p["field"].as_str()),
        (422, Some("areas[0].passes")),
        "{p}"
    );
    let (s, _) = api(&app, &maya, "GET", &format!("{base}/record"), None).await;
    assert_eq!(s, 404, "a refused record was written");

    // Completing needs the signed record.
    let (s, p) = api(
        &app,
        &desk,
        "POST",
        &format!("{base}/status"),
        Some(&json!({"status": "completed"})),
    )
    .await;
    assert_eq!(
        (s, p["type"].as_str()),
        (409, Some("/problems/record-missing")),
        "{p}"
    );

    let (s, p) = api(
        &app,
        &maya,
        "PUT",
        &format!("{base}/record"),
        Some(&record("LOT-1")),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["signed"], false);
    assert_eq!(p["record"]["cartridge"]["lot"], "LOT-1");
    let (s, p) = api(&app, &maya, "POST", &format!("{base}/record/sign"), None).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["signed_by"]["email"], "maya@clinic.example");
    assert!(p["signed_at"].is_string());
    let (s, p) = api(
        &app,
        &maya,
        "PUT",
        &format!("{base}/record"),
        Some(&record("LOT-2")),
    )
    .await;
    assert_eq!(
        (s, p["type"].as_str()),
        (409, Some("/problems/record-signed")),
        "{p}"
    );
    let (s, p) = api(&app, &maya, "POST", &format!("{base}/record/sign"), None).await;
    assert_eq!(
        (s, p["type"].as_str()),
        (409, Some("/problems/record-signed")),
        "{p}"
    );

    let amendment = json!({"reason": "Lot misread", "changes": {"cartridge": {"lot": "LOT-1B", "expires": "2099-06-30"}}});
    let (s, p) = api(
        &app,
        &maya,
        "POST",
        &format!("{base}/record/amendments"),
        Some(&amendment),
    )
    .await;
    assert_eq!(s, 201, "{p}");
    let (s, p) = api(
        &app,
        &maya,
        "POST",
        &format!("{base}/record/amendments"),
        Some(&json!({"changes": {"notes": "x"}})),
    )
    .await;
    assert_eq!((s, p["field"].as_str()), (422, Some("reason")), "{p}");
    let (s, p) = api(&app, &maya, "GET", &format!("{base}/record"), None).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["original"]["cartridge"]["lot"], "LOT-1");
    assert_eq!(p["record"]["cartridge"]["lot"], "LOT-1B");
    assert_eq!(p["amendments"][0]["reason"], "Lot misread");
    assert_eq!(
        p["amendments"][0]["amended_by"]["email"],
        "maya@clinic.example"
    );
    assert_eq!(p["amendments"][0]["changes"]["cartridge"]["lot"], "LOT-1B");

    // The audit trail holds every change to the record and every read of it, by whom and
    // from where; the consents the client signed online are the client's, with the address.
    let maya_id = app
        .store
        .staff_for_login("maya@clinic.example")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let trail = app
        .store
        .audit_entries(
            &store::AuditFilter {
                client_id: Some(b.client.id.clone()),
                ..Default::default()
            },
            100,
        )
        .await
        .unwrap();
    let by_maya = |action: &str| {
        trail
            .iter()
            .filter(|e| {
                e.action == action
                    && e.entity == "record"
                    && e.entity_id == b.id
                    && e.staff_id.as_deref() == Some(maya_id.as_str())
                    && e.staff_role.as_deref() == Some("practitioner")
                    && e.address.as_deref() == Some("127.0.0.1")
            })
            .count()
    };
    assert_eq!(by_maya("write"), 1, "{trail:#?}");
    assert_eq!(by_maya("sign"), 1, "{trail:#?}");
    assert_eq!(by_maya("amend"), 1, "{trail:#?}");
    assert_eq!(
        by_maya("read"),
        1,
        "only the answered GET is a read: {trail:#?}"
    );
    assert!(
        trail.iter().any(|e| e.action == "sign"
            && e.entity == "consent"
            && e.actor == "client"
            && e.staff_id.is_none()
            && e.address.as_deref() == Some("127.0.0.1")),
        "{trail:#?}"
    );
    assert!(
        !format!("{trail:?}").contains("ann@example.com")
            && !format!("{trail:?}").contains("Ann Record"),
        "the trail holds ids only"
    );
    assert_eq!(app.store.verify_audit().await.unwrap().broken, None);

    let (s, p) = api(
        &app,
        &desk,
        "POST",
        &format!("{base}/status"),
        Some(&json!({"status": "completed"})),
    )
    .await;
    assert_eq!((s, p["status"].as_str()), (200, Some("completed")), "{p}");

    // Recall by either lot finds the visit.
    for lot in ["LOT-1", "lot-1b"] {
        let (s, p) = api(
            &app,
            &maya,
            "GET",
            &format!("/api/v1/admin/recall?lot={lot}"),
            None,
        )
        .await;
        assert_eq!(s, 200, "{p}");
        assert_eq!(p.as_array().unwrap().len(), 1, "{lot}: {p}");
        assert_eq!(p[0]["client"]["email"], "ann@example.com");
        assert_eq!(p[0]["booking"]["id"], b.id.as_str());
        assert!(p[0]["treated_at"].is_string());
    }
    let (s, p) = api(
        &app,
        &maya,
        "GET",
        "/api/v1/admin/recall?lot=LOT-1&from=2001-13-01",
        None,
    )
    .await;
    assert_eq!((s, p["field"].as_str()), (422, Some("from")), "{p}");
    let (s, p) = api(&app, &maya, "GET", "/api/v1/admin/recall?lot=LOT%0A1", None).await;
    assert_eq!((s, p["field"].as_str()), (422, Some("lot")), "{p}");
    let (s, p) = api(
        &app,
        &maya,
        "GET",
        "/api/v1/admin/recall?lot=LOT-1&from=9999-12-31&to=9999-12-31",
        None,
    )
    .await;
    assert!(s == 200 || s == 422, "year 9999: {s} {p}");
    let (s, p) = api(
        &app,
        &maya,
        "GET",
        "/api/v1/admin/recall?lot=LOT-1&from=2000-01-01&to=9999-12-31",
        None,
    )
    .await;
    assert_eq!((s, p.as_array().map(Vec::len)), (200, Some(1)), "{p}");

    // The front desk sees none of it.
    for (method, path) in [
        ("GET", format!("{base}/record")),
        ("PUT", format!("{base}/record")),
        ("POST", format!("{base}/record/sign")),
        ("POST", format!("{base}/record/amendments")),
        ("GET", "/api/v1/admin/recall?lot=LOT-1".to_owned()),
    ] {
        let (s, p) = api(&app, &desk, method, &path, Some(&record("LOT-9"))).await;
        assert_eq!(s, 403, "desk {method} {path}: {p}");
    }
    let detail = page(
        &app,
        &desk,
        "GET",
        &format!("/admin/bookings/{}", b.id),
        &[],
    )
    .await;
    assert_eq!(detail.status, 200);
    assert!(!detail.body.contains("LOT-1"), "the desk saw the record");
    assert!(
        !detail.body.contains("/record"),
        "the desk was offered the record"
    );
}
on_both_engines!(the_record_follows_the_contract);

async fn practitioners_record_on_the_page(app: TestApp) {
    let (maya, desk) = staff(&app).await;
    let b = visit(&app, "Bea Page", "bea@example.com", 15).await;
    let path = format!("/admin/bookings/{}/record", b.id);
    let a = page(
        &app,
        &desk,
        "POST",
        &format!("/admin/bookings/{}/status", b.id),
        &[("status", "arrived")],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);

    // Today links the arrived treatment to its record for the practitioner, never for the desk.
    let tz = app.state.clinic().timezone.clone();
    if b.start.to_zoned_datetime(tz.clone()).date() == Timestamp::now().to_zoned_datetime(tz).date()
    {
        let today = page(&app, &maya, "GET", "/admin", &[]).await;
        assert!(today.body.contains(&path), "{}", today.body);
    }
    let today = page(&app, &desk, "GET", "/admin", &[]).await;
    assert!(!today.body.contains("/record"), "{}", today.body);

    let form = page(&app, &maya, "GET", &path, &[]).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("name=\"depth.cheeks\""), "{}", form.body);
    assert!(!form.body.contains("<script>"), "inline script");
    let mut fields = vec![
        ("device", "pen-1"),
        ("cartridge_lot", "PAGE-7"),
        ("cartridge_expires", "2099-01-31"),
        ("anaesthetic", "Lidocaine 4%"),
        ("anaesthetic_minutes", "30"),
        ("depth.cheeks", "9"),
        ("passes.cheeks", "3"),
        ("product_name.0", "Glide"),
        ("product_lot.0", "G-5"),
    ];
    let refused = page(&app, &maya, "POST", &path, &fields).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("id=\"f-depth-cheeks-error\""),
        "the error is beside the field: {}",
        refused.body
    );
    assert!(
        refused.body.contains("value=\"PAGE-7\""),
        "what was typed was lost"
    );
    assert!(app.store.record(&b.id).await.unwrap().is_none());

    fields[5] = ("depth.cheeks", "1.25");
    let saved = page(&app, &maya, "POST", &path, &fields).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let signed = page(&app, &maya, "POST", &format!("{path}/sign"), &[]).await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    let again = page(&app, &maya, "POST", &format!("{path}/sign"), &[]).await;
    assert_eq!(again.status, 409, "{}", again.body);

    let mut amended = fields.clone();
    amended[1] = ("cartridge_lot", "PAGE-8");
    amended.push(("reason", "Second cartridge opened mid-treatment"));
    let a = page(&app, &maya, "POST", &format!("{path}/amendments"), &amended).await;
    assert_eq!(a.status, 303, "{}", a.body);
    let shown = page(&app, &maya, "GET", &path, &[]).await;
    assert!(
        shown.body.contains("Signed off by maya@clinic.example"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Second cartridge opened mid-treatment"));
    assert!(
        shown.body.contains("PAGE-7"),
        "the original is no longer readable"
    );
    assert!(shown.body.contains("PAGE-8"));
    let desk_page = page(&app, &desk, "GET", &path, &[]).await;
    assert_eq!(desk_page.status, 403);

    // Without a signed record the desk completes only with a reason, which the booking shows.
    let other = visit(&app, "Cal Paper", "cal@example.com", 25).await;
    let status = format!("/admin/bookings/{}/status", other.id);
    assert_eq!(
        page(&app, &desk, "POST", &status, &[("status", "arrived")])
            .await
            .status,
        303
    );
    let refused = page(&app, &desk, "POST", &status, &[("status", "completed")]).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(
        refused.body.contains("no signed treatment record"),
        "{}",
        refused.body
    );
    let done = page(
        &app,
        &desk,
        "POST",
        &status,
        &[
            ("status", "completed"),
            ("override_reason", "Paper record, scanned in"),
        ],
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let shown = page(
        &app,
        &desk,
        "GET",
        &format!("/admin/bookings/{}", other.id),
        &[],
    )
    .await;
    assert!(
        shown
            .body
            .contains("Reason given: Paper record, scanned in"),
        "{}",
        shown.body
    );

    // Completing from the booking page: done, since the record is signed.
    let a = page(
        &app,
        &desk,
        "POST",
        &format!("/admin/bookings/{}/status", b.id),
        &[("status", "completed")],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
}
on_both_engines!(practitioners_record_on_the_page);

async fn recall_exports_csv_and_writes_to_clients(app: TestApp) {
    let (maya, desk) = staff(&app).await;
    let hostile = visit(
        &app,
        "=HYPERLINK(\"http://x\",\"y\")",
        "eve@example.com",
        30,
    )
    .await;
    let plain = visit(&app, "Fay \"Quoted\", Jr", "fay@example.com", 40).await;
    let other = visit(&app, "Gus Other", "gus@example.com", 50).await;
    for (b, lot) in [(&hostile, "REC-1"), (&plain, "REC-1"), (&other, "REC-2")] {
        let base = format!("/api/v1/admin/bookings/{}", b.id);
        let (s, _) = api(
            &app,
            &desk,
            "POST",
            &format!("{base}/status"),
            Some(&json!({"status": "arrived"})),
        )
        .await;
        assert_eq!(s, 200);
        let (s, p) = api(
            &app,
            &maya,
            "PUT",
            &format!("{base}/record"),
            Some(&record(lot)),
        )
        .await;
        assert_eq!(s, 200, "{p}");
    }
    let listing = page(&app, &maya, "GET", "/admin/recall?lot=REC-1", &[]).await;
    assert_eq!(listing.status, 200, "{}", listing.body);
    assert!(listing.body.contains("2 visits"), "{}", listing.body);
    assert!(!listing.body.contains("Gus Other"));

    let csv = page(&app, &maya, "GET", "/admin/recall.csv?lot=REC-1", &[]).await;
    assert_eq!(csv.status, 200);
    let ct = csv.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(ct.starts_with("text/csv"), "{ct}");
    let lines: Vec<&str> = csv.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3, "{}", csv.body);
    assert!(lines[0].starts_with("client_id,client_name,client_email"));
    assert!(
        csv.body
            .contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
        "a formula reached the spreadsheet: {}",
        csv.body
    );
    assert!(
        csv.body.contains("\"Fay \"\"Quoted\"\", Jr\""),
        "{}",
        csv.body
    );
    assert!(!csv.body.contains("gus@example.com"));

    let bad = page(&app, &maya, "GET", "/admin/recall.csv?lot=", &[]).await;
    assert_eq!(bad.status, 422);
    let none = page(
        &app,
        &maya,
        "POST",
        "/admin/recall/write",
        &[("lot", "REC-1"), ("message", "")],
    )
    .await;
    assert_eq!(none.status, 422, "{}", none.body);
    let sent = page(
        &app,
        &maya,
        "POST",
        "/admin/recall/write",
        &[
            ("lot", "REC-1"),
            ("message", "Please come in for a free skin check."),
        ],
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(sent.body.contains("Queued 2 letters"), "{}", sent.body);
    for (b, expected) in [(&hostile, 1), (&plain, 1), (&other, 0)] {
        let mail = app.store.mail_for_booking(&b.id).await.unwrap();
        assert_eq!(
            mail.iter().filter(|(k, _, _)| k == "recall").count(),
            expected,
            "{}",
            b.client.email
        );
    }
    for path in ["/admin/recall?lot=REC-1", "/admin/recall.csv?lot=REC-1"] {
        assert_eq!(
            page(&app, &desk, "GET", path, &[]).await.status,
            403,
            "{path}"
        );
    }
    let a = page(
        &app,
        &desk,
        "POST",
        "/admin/recall/write",
        &[("lot", "REC-1"), ("message", "x")],
    )
    .await;
    assert_eq!(a.status, 403);
}
on_both_engines!(recall_exports_csv_and_writes_to_clients);
