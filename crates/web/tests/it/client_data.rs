//! A client's data in the back office: the admin downloads it as a zip whose export.json
//! names the client, written to the audit trail; the admin erases a client, refused while
//! a booking lies ahead, confirmed by typing their e-mail, after which the page shows what
//! was kept, why and until when.

use std::io::Read as _;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use store::{AuditFilter, BookingStatus, NewBooking, NewClient, Placement};

use crate::common;
use common::{Answer, TestApp, add_staff, answer, post_sign_in, set_cookie_pair};

const PASSWORD: &str = "quartz heron wades at noon 83";
const NAME: &str = "Ottoline Vantreight";
const EMAIL: &str = "ottoline.v@example.org";

/// A signed-in staff member: the session cookie pair and the CSRF token of their pages.
struct Session {
    cookie: String,
    csrf: String,
}

async fn sign_in(app: &TestApp, email: &str) -> Session {
    let a = post_sign_in(app, &[("email", email), ("password", PASSWORD)], &[], &[]).await;
    assert_eq!(a.status, 303, "sign-in of {email}: {}", a.body);
    let cookie = set_cookie_pair(&a, "collagen_session").expect("a session cookie");
    let page = get(app, &cookie, "/admin").await;
    let marker = "name=\"csrf\" value=\"";
    let at = page.body.find(marker).expect("a csrf field") + marker.len();
    let csrf = page.body[at..].split('"').next().unwrap().to_owned();
    Session { cookie, csrf }
}

async fn get(app: &TestApp, cookie: &str, path: &str) -> Answer {
    let req = app
        .http
        .get(format!("{}{path}", app.base))
        .header("cookie", cookie);
    answer(req.send().await.expect("request")).await
}

async fn get_bytes(
    app: &TestApp,
    cookie: &str,
    path: &str,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let res = app
        .http
        .get(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

async fn post_form(app: &TestApp, s: &Session, path: &str, form: &[(&str, &str)]) -> Answer {
    let mut form = form.to_vec();
    form.push(("csrf", &s.csrf));
    let req = app
        .http
        .post(format!("{}{path}", app.base))
        .header("cookie", &s.cookie)
        .form(&form);
    answer(req.send().await.expect("request")).await
}

async fn post_api(app: &TestApp, s: &Session, path: &str, body: &Value) -> Answer {
    let req = app
        .http
        .post(format!("{}{path}", app.base))
        .header("cookie", &s.cookie)
        .header("x-csrf-token", &s.csrf)
        .json(body);
    answer(req.send().await.expect("request")).await
}

/// The files in `dir` whose bytes hold `needle`.
fn files_holding(dir: &std::path::Path, needle: &str) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    std::fs::read(p)
                        .is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
                })
                .map(|p| p.display().to_string())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// A booking of the client written straight through the store, so it may lie in the past
/// and carry any status (a completed treatment, for one).
async fn stored_booking(
    app: &TestApp,
    email: &str,
    start: Timestamp,
    status: BookingStatus,
) -> store::Booking {
    let new = NewBooking {
        reference: store::new_reference(),
        manage_token_hash: store::new_token().1,
        service_id: "microneedling-face".into(),
        client: NewClient {
            name: NAME.into(),
            email: email.into(),
            phone: Some("+1 555 0142 8890".into()),
        },
        status,
        screening_id: None,
        notes: "Prefers mornings".into(),
        created_by: "desk".into(),
        policy: None,
    };
    let end = start + SignedDuration::from_mins(90);
    app.store
        .create_booking::<()>(
            &new,
            (start, end),
            move |_| {
                Ok(Placement {
                    practitioner_id: "maya-lee".into(),
                    room_id: "room-1".into(),
                    start,
                    end,
                    holds: vec![],
                })
            },
            |_| vec![],
        )
        .await
        .expect("booked")
}

/// A consultation booked online by the client, ahead of now.
async fn book_ahead(app: &TestApp, email: &str) -> Value {
    book_ahead_with(app, email, Value::Null).await
}

/// The same, agreeing to the cancellation policy (`policy` as `GET /clinic` gives it) when
/// not null.
async fn book_ahead_with(app: &TestApp, email: &str, policy: Value) -> Value {
    let slots = app.free_slots("consultation", Some("maya-lee")).await;
    let mut body = json!({"service": "consultation", "start": slots[0]["start"], "practitioner": "maya-lee",
        "client": {"name": NAME, "email": email}});
    if !policy.is_null() {
        body["cancellation_policy"] = policy;
    }
    let (status, booked) = app.post_json("/api/v1/bookings", &body).await;
    assert_eq!(status, 201, "{booked}");
    booked
}

async fn client_id(app: &TestApp, email: &str) -> String {
    app.store
        .client_by_email(email)
        .await
        .unwrap()
        .expect("the client")
        .id
}

/// The staff id of a login.
async fn staff_id(app: &TestApp, email: &str) -> String {
    app.store
        .staff_for_login(email)
        .await
        .unwrap()
        .unwrap()
        .0
        .id
}

/// The admin downloads a client's data: a zip with export.json naming them, the summary
/// and the audit trail that records this very export; the front desk cannot; an unknown
/// client is the back office's 404 page.
async fn the_admin_downloads_a_clients_data(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(&app, "owner@clinic.example", &hash, "admin", None).await;
    add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    let (_, clinic) = app.get_json("/api/v1/clinic").await;
    let policy = clinic["cancellation_policy"].clone();
    let booked = book_ahead_with(
        &app,
        EMAIL,
        json!({"version": policy["version"], "sha256": policy["sha256"]}),
    )
    .await;
    let id = client_id(&app, EMAIL).await;
    let admin = sign_in(&app, "owner@clinic.example").await;
    let desk = sign_in(&app, "desk@clinic.example").await;

    let page = get(&app, &admin.cookie, &format!("/admin/clients/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains(&format!("href=\"/admin/clients/{id}/export\"")),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("href=\"/admin/clients/{id}/erase\"")),
        "{}",
        page.body
    );
    let desk_page = get(&app, &desk.cookie, &format!("/admin/clients/{id}")).await;
    assert!(
        !desk_page.body.contains("/export\""),
        "the front desk is offered the export"
    );

    let path = format!("/admin/clients/{id}/export");
    let (status, _, _) = get_bytes(&app, &desk.cookie, &path).await;
    assert_eq!(status, 403, "the front desk downloaded a client's data");

    let filter = AuditFilter {
        client_id: Some(id.clone()),
        action: Some("export".into()),
        ..AuditFilter::default()
    };
    assert!(
        app.store
            .audit_entries(&filter, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let (status, headers, zip) = get_bytes(&app, &admin.cookie, &path).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&zip));
    assert_eq!(header(&headers, "content-type"), "application/zip");
    let disposition = header(&headers, "content-disposition");
    assert!(
        disposition.starts_with("attachment; filename=\"client-export-")
            && disposition.ends_with(".zip\""),
        "{disposition}"
    );
    assert_eq!(header(&headers, "cache-control"), "no-store");

    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip archive");
    let mut text = String::new();
    archive
        .by_name("export.json")
        .expect("export.json")
        .read_to_string(&mut text)
        .unwrap();
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(doc["schema"], service::EXPORT_SCHEMA);
    assert_eq!(doc["client"]["id"], id.as_str());
    assert_eq!(doc["client"]["name"], NAME);
    assert_eq!(doc["client"]["email"], EMAIL);
    assert_eq!(
        doc["bookings"][0]["reference"], booked["reference"],
        "{doc}"
    );
    // The policy the client agreed to when booking, with its evidence.
    let agreed = &doc["policy_agreements"][0];
    assert_eq!(agreed["booking_id"], booked["id"], "{doc}");
    assert_eq!(agreed["sha256"], policy["sha256"], "{doc}");
    assert!(
        agreed["text"].as_str().is_some_and(|t| !t.is_empty()),
        "{doc}"
    );
    let trail = doc["audit"].as_array().expect("the audit trail");
    assert!(
        trail
            .iter()
            .any(|e| e["action"] == "export" && e["staff_role"] == "admin"),
        "the export is in the trail it carries: {trail:?}"
    );
    let mut summary = String::new();
    archive
        .by_name("summary.html")
        .expect("summary.html")
        .read_to_string(&mut summary)
        .unwrap();
    assert!(summary.contains(NAME), "{summary}");

    let entries = app.store.audit_entries(&filter, 10).await.unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(
        entries[0].staff_id.as_deref(),
        Some(staff_id(&app, "owner@clinic.example").await.as_str())
    );
    assert_eq!(entries[0].entity, "client");

    let missing = get(&app, &admin.cookie, "/admin/clients/no-such-client/export").await;
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert!(missing.body.contains("No such client"), "{}", missing.body);

    // The API twins answer alike, in JSON problems where they refuse.
    let (status, headers, zip) = get_bytes(
        &app,
        &admin.cookie,
        &format!("/api/v1/admin/clients/{id}/export"),
    )
    .await;
    assert_eq!(
        (status, header(&headers, "content-type")),
        (200, "application/zip")
    );
    assert!(zip::ZipArchive::new(std::io::Cursor::new(zip)).is_ok());
    let erase = format!("/api/v1/admin/clients/{id}/erase");
    for (body, status, kind, field) in [
        (
            json!({"confirm": "someone@else.test"}),
            422,
            "/problems/invalid-input",
            Some("confirm"),
        ),
        (json!({}), 422, "/problems/invalid-input", Some("confirm")),
        (
            json!({"confirm": EMAIL}),
            409,
            "/problems/booking-closed",
            None,
        ),
    ] {
        let a = post_api(&app, &admin, &erase, &body).await;
        assert_eq!(a.status, status, "{body}: {}", a.body);
        let problem: Value = serde_json::from_str(&a.body).unwrap();
        assert_eq!(problem["type"], kind, "{}", a.body);
        if let Some(field) = field {
            assert_eq!(problem["field"], field, "{}", a.body);
        }
    }
    assert!(
        app.store.erasure_of(&id).await.unwrap().is_none(),
        "a refused erasure went ahead"
    );
    let a = post_api(&app, &desk, &erase, &json!({"confirm": EMAIL})).await;
    assert_eq!(a.status, 403, "{}", a.body);
    let a = post_api(
        &app,
        &admin,
        "/api/v1/admin/clients/no-such-client/erase",
        &json!({"confirm": EMAIL}),
    )
    .await;
    assert_eq!(a.status, 404, "{}", a.body);
}
on_both_engines!(the_admin_downloads_a_clients_data);

/// Erasure from the back office: refused with the reason while a booking lies ahead, and
/// refused without the typed e-mail; once the booking is cancelled, erased, and the page
/// says what was kept (the treatment's booking), why and until when. A client with nothing
/// to keep is gone at once, and their erasure still shows.
async fn the_admin_erases_a_client_and_sees_what_was_kept(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(&app, "owner@clinic.example", &hash, "admin", None).await;
    add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    let treated_at = Timestamp::now() - SignedDuration::from_hours(24 * 40);
    stored_booking(&app, EMAIL, treated_at, BookingStatus::Completed).await;
    let ahead = book_ahead(&app, EMAIL).await;
    let bystander = "bystander@example.org";
    book_ahead(&app, bystander).await;
    let id = client_id(&app, EMAIL).await;
    let admin = sign_in(&app, "owner@clinic.example").await;
    let desk = sign_in(&app, "desk@clinic.example").await;
    let erase = format!("/admin/clients/{id}/erase");

    let refused = get(&app, &desk.cookie, &erase).await;
    assert_eq!(
        refused.status, 403,
        "the front desk reached the erasure page"
    );
    let a = post_form(&app, &desk, &erase, &[("confirm", EMAIL)]).await;
    assert_eq!(a.status, 403, "the front desk erased a client: {}", a.body);

    // The page says what would go and be kept, and why it cannot go ahead yet.
    let tz = app.state.clinic().timezone.clone();
    let keep_until = treated_at
        .to_zoned_datetime(tz.clone())
        .checked_add(jiff::Span::new().years(7))
        .unwrap()
        .strftime("%-d %B %Y")
        .to_string();
    let last = treated_at
        .to_zoned_datetime(tz)
        .strftime("%-d %B %Y")
        .to_string();
    let page = get(&app, &admin.cookie, &erase).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let reference = ahead["reference"].as_str().unwrap();
    assert!(page.body.contains("booking still ahead"), "{}", page.body);
    assert!(page.body.contains(reference), "{}", page.body);
    assert!(page.body.contains("7 years"), "{}", page.body);
    assert!(page.body.contains(&last), "{}", page.body);
    assert!(page.body.contains(&keep_until), "{}", page.body);
    assert!(
        page.body.contains("1 booking of a treatment"),
        "{}",
        page.body
    );

    let a = post_form(&app, &admin, &erase, &[("confirm", EMAIL)]).await;
    assert_eq!(a.status, 409, "{}", a.body);
    assert!(a.body.contains("cancel it first"), "{}", a.body);
    assert!(a.body.contains(reference), "{}", a.body);
    let client = app.store.client(&id).await.unwrap().unwrap();
    assert_eq!(
        (client.name.as_str(), client.email.as_str()),
        (NAME, EMAIL),
        "a refused erasure changed the client"
    );
    assert!(app.store.erasure_of(&id).await.unwrap().is_none());

    let booking = app
        .store
        .booking(ahead["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    let by = staff_id(&app, "owner@clinic.example").await;
    app.state
        .flows
        .set_status(&booking, service::StaffStatus::Cancelled, &by)
        .await
        .expect("cancelled");

    // The confirmations and the cancellation as the mail worker writes them to the folder.
    let outbox = app.data_dir.path().join("outbox");
    std::fs::create_dir_all(&outbox).unwrap();
    let sent =
        mail::deliver::deliver_due(&app.store, &app.state.config.mail, None, Timestamp::now())
            .await
            .expect("delivered");
    assert!(sent >= 3, "{sent} message(s) written");
    assert!(
        !files_holding(&outbox, EMAIL).is_empty(),
        "no mail to the client was written"
    );
    let theirs = files_holding(&outbox, bystander);
    assert!(!theirs.is_empty());

    // A wrong or missing confirmation is named beside the field, what was typed kept.
    for (typed, says) in [
        ("someone@else.test", "not this client"),
        ("", "Type the client"),
    ] {
        let a = post_form(&app, &admin, &erase, &[("confirm", typed)]).await;
        assert_eq!(a.status, 422, "{}", a.body);
        assert!(a.body.contains(says), "{}", a.body);
        assert!(
            a.body
                .contains(&format!("name=\"confirm\" value=\"{typed}\"")),
            "{}",
            a.body
        );
        assert!(a.body.contains("aria-invalid=\"true\""), "{}", a.body);
    }
    assert!(
        app.store.erasure_of(&id).await.unwrap().is_none(),
        "a wrong confirmation erased"
    );

    let typed = format!("  {}  ", EMAIL.to_uppercase());
    let a = post_form(&app, &admin, &erase, &[("confirm", &typed)]).await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(a.location, erase);
    let client = app
        .store
        .client(&id)
        .await
        .unwrap()
        .expect("kept for the record");
    assert_ne!(client.email, EMAIL);
    assert_ne!(client.name, NAME);
    let erasure = app.store.erasure_of(&id).await.unwrap().expect("erased");
    assert_eq!(erasure.requested_by, by);
    assert_eq!(
        files_holding(&outbox, EMAIL),
        Vec::<String>::new(),
        "their mail files stay"
    );
    assert_eq!(
        files_holding(&outbox, bystander),
        theirs,
        "another client's mail went too"
    );

    let done = get(&app, &admin.cookie, &erase).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Client erased"), "{}", done.body);
    assert!(
        done.body.contains("by owner@clinic.example"),
        "{}",
        done.body
    );
    assert!(done.body.contains(&keep_until), "{}", done.body);
    assert!(done.body.contains(&last), "{}", done.body);
    assert!(
        done.body.contains("1 booking of a treatment"),
        "{}",
        done.body
    );
    assert!(
        !done.body.contains(EMAIL) && !done.body.contains(NAME),
        "{}",
        done.body
    );
    let page = get(&app, &admin.cookie, &format!("/admin/clients/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("This client was erased on"),
        "{}",
        page.body
    );
    assert!(!page.body.contains(EMAIL), "{}", page.body);
    let erased = AuditFilter {
        client_id: Some(id.clone()),
        action: Some("erase".into()),
        staff_id: Some(by.clone()),
        ..AuditFilter::default()
    };
    assert_eq!(app.store.audit_entries(&erased, 10).await.unwrap().len(), 1);
    // Sent again (a double click), it changes nothing and shows the same page.
    let a = post_form(&app, &admin, &erase, &[("confirm", EMAIL)]).await;
    assert_eq!((a.status, a.location.as_str()), (303, erase.as_str()));
    assert_eq!(app.store.erasure_of(&id).await.unwrap(), Some(erasure));

    // Nothing to keep (only a cancelled booking): everything goes at once, the erasure stays.
    let other = "nothing.kept@example.org";
    stored_booking(
        &app,
        other,
        Timestamp::now() - SignedDuration::from_hours(24 * 5),
        BookingStatus::Cancelled,
    )
    .await;
    let other_id = client_id(&app, other).await;
    let other_erase = format!("/admin/clients/{other_id}/erase");
    let page = get(&app, &admin.cookie, &other_erase).await;
    assert!(page.body.contains("Nothing is kept"), "{}", page.body);
    let a = post_form(&app, &admin, &other_erase, &[("confirm", other)]).await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert!(
        app.store.client(&other_id).await.unwrap().is_none(),
        "purged at once"
    );
    let done = get(&app, &admin.cookie, &other_erase).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("was deleted on"), "{}", done.body);
    let gone = get(&app, &admin.cookie, &format!("/admin/clients/{other_id}")).await;
    assert_eq!(gone.status, 404);

    for path in ["/admin/clients/no-such-client/erase"] {
        assert_eq!(get(&app, &admin.cookie, path).await.status, 404);
        assert_eq!(
            post_form(&app, &admin, path, &[("confirm", EMAIL)])
                .await
                .status,
            404
        );
    }
}
on_both_engines!(the_admin_erases_a_client_and_sees_what_was_kept);
