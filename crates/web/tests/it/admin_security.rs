//! The back office's locks: every route refuses anonymous and wrong-role access, every
//! state-changing request needs the session's CSRF token, sign-in is throttled, and
//! sessions end when they should.

use crate::common;

use common::{Answer, TestApp, add_staff, answer, post_sign_in, screening, set_cookie_pair};
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER, SET_COOKIE};
use serde_json::{Value, json};

const PASSWORD: &str = "ochre lantern drifts slowly 47";

/// A signed-in staff member: the session cookie pair and the CSRF token its pages carry.
struct Session {
    cookie: String,
    csrf: String,
}

/// POST /login from the form (with its token), optionally from a forwarded address.
async fn login(app: &TestApp, email: &str, password: &str, forwarded: Option<&str>) -> Answer {
    let headers: Vec<(&str, &str)> = forwarded
        .map(|ip| ("x-forwarded-for", ip))
        .into_iter()
        .collect();
    post_sign_in(
        app,
        &[("email", email), ("password", password)],
        &[],
        &headers,
    )
    .await
}

/// The `collagen_session=…` pair from a sign-in answer.
fn session_pair(a: &Answer) -> String {
    set_cookie_pair(a, "collagen_session")
        .unwrap_or_else(|| panic!("no session cookie on sign-in: {}", a.status))
}

/// Whether an answer starts a session.
fn starts_session(a: &Answer) -> bool {
    set_cookie_pair(a, "collagen_session").is_some()
}

/// The CSRF token in a page's hidden `csrf` field.
fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no csrf field in the page:\n{html}"))
        + marker.len();
    html[at..].split('"').next().unwrap().to_owned()
}

/// Signs in (asserting success) and reads the CSRF token from /admin.
async fn sign_in(app: &TestApp, email: &str) -> Session {
    let a = login(app, email, PASSWORD, None).await;
    assert_eq!(a.status, 303, "sign-in of {email} failed: {}", a.body);
    assert_eq!(a.location, "/admin");
    let cookie = session_pair(&a);
    let page = get(app, Some(&cookie), "/admin").await;
    assert_eq!(page.status, 200, "/admin for {email}: {}", page.body);
    Session {
        csrf: csrf_of(&page.body),
        cookie,
    }
}

async fn get(app: &TestApp, cookie: Option<&str>, path: &str) -> Answer {
    let mut req = app.http.get(format!("{}{path}", app.base));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    answer(req.send().await.expect("request")).await
}

async fn post_form(
    app: &TestApp,
    cookie: Option<&str>,
    path: &str,
    form: &[(&str, &str)],
) -> Answer {
    let mut req = app.http.post(format!("{}{path}", app.base)).form(form);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    answer(req.send().await.expect("request")).await
}

async fn post_api(
    app: &TestApp,
    cookie: Option<&str>,
    csrf: Option<&str>,
    path: &str,
    body: &Value,
) -> Answer {
    let mut req = app.http.post(format!("{}{path}", app.base)).json(body);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    if let Some(t) = csrf {
        req = req.header("x-csrf-token", t);
    }
    answer(req.send().await.expect("request")).await
}

/// A confirmed consultation with Dr. Maya Lee, booked online.
async fn consultation(app: &TestApp, email: &str) -> Value {
    let slots = app.free_slots("consultation", Some("maya-lee")).await;
    let body = json!({"service": "consultation", "start": slots[0]["start"], "practitioner": "maya-lee",
        "client": {"name": "Secure Client", "email": email}});
    let (status, booked) = app.post_json("/api/v1/bookings", &body).await;
    assert_eq!(status, 201, "{booked}");
    booked
}

/// A treatment with Dr. Maya Lee held for review (under 22: a finding any practitioner, and
/// an admin, may confirm, so these tests are about roles, not about who prescribes).
async fn pending_treatment(app: &TestApp, email: &str) -> Value {
    let screening = screening(app, json!({"age_under_22": true})).await;
    let slots = app.free_slots("microneedling-face", Some("maya-lee")).await;
    let body = json!({"service": "microneedling-face", "start": slots[0]["start"], "practitioner": "maya-lee",
        "screening": screening, "client": {"name": "Pending Client", "email": email}});
    let (status, booked) = app.post_json("/api/v1/bookings", &body).await;
    assert_eq!(status, 201, "{booked}");
    assert_eq!(booked["status"], "pending_review", "{booked}");
    booked
}

async fn status_of(app: &TestApp, id: &str) -> store::BookingStatus {
    app.store
        .booking(id)
        .await
        .unwrap()
        .expect("booking exists")
        .status
}

fn is_admin_only(path: &str) -> bool {
    path.starts_with("/admin/staff")
        || path.starts_with("/admin/setup")
        || path.ends_with("/audit")
        || path.ends_with("/export")
        || path.ends_with("/erase")
}

/// Routes for the front desk and admins only: the waitlist is the desk's to run.
fn is_desk_work(path: &str) -> bool {
    path.starts_with("/admin/waitlist")
}

/// Routes for clinical roles only: the review queue, the aftercare alerts' details, the
/// treatment record, recall and the visits' photos.
fn is_review(method: &str, path: &str) -> bool {
    path.contains("/alerts")
        || path.contains("/record")
        || path.contains("/recall")
        || path.contains("/photos")
        || path.contains("/checkin-photos/")
        || (method == "GET" && path == "/admin/review")
        || (method == "POST"
            && (path == "/admin/bookings/{id}/review"
                || path == "/api/v1/admin/bookings/{id}/review"))
}

/// The role-restricted routes, and the rest the list must keep naming.
const MUST_LIST: &[(&str, &str)] = &[
    ("GET", "/admin/staff"),
    ("POST", "/admin/staff"),
    ("POST", "/admin/staff/{id}/active"),
    ("POST", "/admin/staff/{id}/password"),
    ("GET", "/admin/setup"),
    ("POST", "/admin/setup"),
    ("GET", "/admin/review"),
    ("POST", "/admin/bookings/{id}/review"),
    ("POST", "/api/v1/admin/bookings/{id}/review"),
    ("GET", "/admin"),
    ("GET", "/admin/calendar"),
    ("GET", "/admin/bookings/new"),
    ("POST", "/admin/bookings"),
    ("GET", "/admin/bookings/{id}"),
    ("POST", "/admin/bookings/{id}/status"),
    ("POST", "/admin/bookings/{id}/move"),
    ("GET", "/admin/clients"),
    ("GET", "/admin/clients/{id}"),
    ("GET", "/api/v1/admin/bookings"),
    ("GET", "/admin/alerts"),
    ("POST", "/admin/alerts/{id}/ack"),
    ("GET", "/api/v1/admin/alerts"),
    ("POST", "/api/v1/admin/alerts/{id}/ack"),
    ("GET", "/admin/bookings/{id}/arrival"),
    ("GET", "/admin/bookings/{id}/consent"),
    ("POST", "/admin/bookings/{id}/consent"),
    ("GET", "/admin/bookings/{id}/consent/print"),
    ("GET", "/admin/bookings/{id}/reconfirm"),
    ("POST", "/admin/bookings/{id}/reconfirm"),
    ("POST", "/admin/bookings/{id}/reconfirm/answers"),
    ("GET", "/admin/bookings/{id}/record"),
    ("POST", "/admin/bookings/{id}/record"),
    ("POST", "/admin/bookings/{id}/record/sign"),
    ("POST", "/admin/bookings/{id}/record/amendments"),
    ("GET", "/admin/recall"),
    ("GET", "/admin/recall.csv"),
    ("POST", "/admin/recall/write"),
    ("GET", "/api/v1/admin/bookings/{id}/record"),
    ("PUT", "/api/v1/admin/bookings/{id}/record"),
    ("POST", "/api/v1/admin/bookings/{id}/record/sign"),
    ("POST", "/api/v1/admin/bookings/{id}/record/amendments"),
    ("GET", "/api/v1/admin/recall"),
    ("POST", "/api/v1/admin/bookings/{id}/status"),
    ("GET", "/admin/bookings/{id}/photos"),
    ("POST", "/admin/bookings/{id}/photos"),
    ("GET", "/admin/photos/{id}"),
    ("GET", "/admin/checkin-photos/{id}"),
    ("GET", "/admin/account"),
    ("POST", "/admin/account/sessions/{id}/end"),
    ("POST", "/admin/account/tokens/{id}/revoke"),
    ("GET", "/admin/account/two-factor"),
    ("POST", "/admin/account/two-factor/start"),
    ("POST", "/admin/account/two-factor/confirm"),
    ("POST", "/admin/account/two-factor/recovery-codes"),
    ("POST", "/admin/staff/tokens/{id}/revoke"),
    ("POST", "/admin/staff/{id}/two-factor/reset"),
    ("POST", "/admin/staff/sign-out-everyone"),
    ("GET", "/api/v1/admin/bookings/{id}/messages"),
    ("GET", "/admin/audit"),
    ("GET", "/api/v1/admin/audit"),
    ("GET", "/admin/clients/{id}/export"),
    ("GET", "/admin/clients/{id}/erase"),
    ("POST", "/admin/clients/{id}/erase"),
    ("GET", "/api/v1/admin/clients/{id}/export"),
    ("POST", "/api/v1/admin/clients/{id}/erase"),
];

/// The routes that show a client's clinical data (screening answers, records, photos,
/// consents, alerts, the client's page): each must be listed as an audited read.
const MUST_AUDIT: &[(&str, &str)] = &[
    ("GET", "/admin/review"),
    ("GET", "/admin/bookings/{id}"),
    ("GET", "/admin/clients/{id}"),
    ("GET", "/admin/alerts"),
    ("GET", "/api/v1/admin/alerts"),
    ("GET", "/admin/bookings/{id}/arrival"),
    ("GET", "/admin/bookings/{id}/consent"),
    ("GET", "/admin/bookings/{id}/consent/print"),
    ("GET", "/admin/bookings/{id}/reconfirm"),
    ("GET", "/admin/bookings/{id}/record"),
    ("GET", "/api/v1/admin/bookings/{id}/record"),
    ("GET", "/admin/recall"),
    ("GET", "/admin/recall.csv"),
    ("GET", "/api/v1/admin/recall"),
    ("GET", "/admin/bookings/{id}/photos"),
    ("GET", "/admin/photos/{id}"),
    ("GET", "/admin/clients/{id}/export"),
    ("GET", "/admin/clients/{id}/erase"),
    ("GET", "/api/v1/admin/clients/{id}/export"),
];

#[test]
fn every_clinical_read_route_is_audited() {
    for route in MUST_AUDIT {
        assert!(
            web::AUDITED_READS.contains(route),
            "web::AUDITED_READS lacks {route:?}"
        );
    }
    for route in web::AUDITED_READS {
        assert!(
            web::ADMIN_ROUTES.contains(route) && route.0 == "GET",
            "{route:?} is not a listed back-office GET route"
        );
    }
}

#[test]
fn the_route_list_names_every_restricted_route() {
    let routes = web::ADMIN_ROUTES;
    assert!(!routes.is_empty(), "web::ADMIN_ROUTES is empty");
    for (method, path) in MUST_LIST {
        assert!(
            routes.contains(&(*method, *path)),
            "web::ADMIN_ROUTES lacks {method} {path}: {routes:?}"
        );
    }
    for (method, path) in routes {
        assert!(
            ["GET", "POST", "PUT"].contains(method),
            "unexpected method {method} {path}"
        );
        assert!(
            path.starts_with("/admin") || path.starts_with("/api/v1/admin"),
            "{path} is not a back-office path"
        );
    }
}

/// The ids to put in each route's `{id}`: a booking, a client or a staff member.
struct Ids {
    booking: String,
    pending: String,
    client: String,
    staff: String,
    alert: String,
    photo: String,
    checkin_photo: String,
}

fn fill(method: &str, path: &str, ids: &Ids) -> String {
    let id = if path.contains("/clients/") {
        &ids.client
    } else if path.starts_with("/admin/staff/") {
        &ids.staff
    } else if path.contains("/alerts/") {
        &ids.alert
    } else if path.starts_with("/admin/photos/") {
        &ids.photo
    } else if path.starts_with("/admin/checkin-photos/") {
        &ids.checkin_photo
    } else if is_review(method, path) {
        &ids.pending
    } else {
        &ids.booking
    };
    let url = path.replace("{id}", id);
    // A recall needs a lot to search for.
    if url.ends_with("/recall") || url.ends_with("/recall.csv") {
        format!("{url}?lot=LOT-X")
    } else {
        url
    }
}

/// Sends `method path` as `session` (or anonymously) with a valid CSRF token when signed in,
/// and form fields that would change something if the request were let through.
async fn send(app: &TestApp, session: Option<&Session>, method: &str, path: &str) -> Answer {
    let cookie = session.map(|s| s.cookie.as_str());
    let csrf = session.map_or("", |s| s.csrf.as_str());
    match method {
        "GET" => get(app, cookie, path).await,
        "PUT" => {
            let mut req = app.http.put(format!("{}{path}", app.base)).json(&json!({
                "device": "pen-1", "cartridge": {"lot": "LET-THROUGH", "expires": "2099-01-01"},
                "areas": [{"area": "cheeks", "depth_mm": 1.0, "passes": 2}]}));
            if let Some(c) = cookie {
                req = req.header("cookie", c);
            }
            if let Some(s) = session {
                req = req.header("x-csrf-token", &s.csrf);
            }
            answer(req.send().await.expect("request")).await
        }
        _ if path.starts_with("/api/") => {
            post_api(
                app,
                cookie,
                session.map(|s| s.csrf.as_str()),
                path,
                &json!({"decision": "confirm", "note": "let through"}),
            )
            .await
        }
        _ => {
            // A valid clinic file, so a setup save let through would really change the setup.
            let hijacked = include_str!("../../../clinic/data/demo.toml")
                .replace("Northside Skin Clinic", "Hijacked Clinic");
            let form: Vec<(&str, &str)> = vec![
                ("csrf", csrf),
                ("decision", "confirm"),
                ("note", "let through"),
                ("status", "cancelled"),
                ("email", "intruder@example.com"),
                ("role", "admin"),
                ("password", "copper kettle sings at dawn 58"),
                ("active", "false"),
                ("name", "Intruder"),
                ("document", &hijacked),
            ];
            post_form(app, cookie, path, &form).await
        }
    }
}

/// Every listed route refuses anonymous requests: pages send the visitor to sign in, the
/// API answers 401 problem JSON. Wrong roles get 403 and change nothing; allowed roles
/// reach the pages.
async fn every_route_refuses_anonymous_and_wrong_roles(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    let admin = add_staff(&app, "owner@clinic.example", &hash, "admin", None).await;
    add_staff(
        &app,
        "maya@clinic.example",
        &hash,
        "practitioner",
        Some("maya-lee"),
    )
    .await;
    add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    let spare = add_staff(&app, "spare@clinic.example", &hash, "front-desk", None).await;
    let booked = consultation(&app, "secure@example.com").await;
    let pending = pending_treatment(&app, "pending@example.com").await;
    let booking_id = booked["id"].as_str().unwrap().to_owned();
    let client = app
        .store
        .booking(&booking_id)
        .await
        .unwrap()
        .unwrap()
        .client;
    let ids = Ids {
        booking: booking_id.clone(),
        pending: pending["id"].as_str().unwrap().to_owned(),
        client: client.id,
        staff: spare.id.clone(),
        alert: raise_alert(&app, &booked).await,
        photo: add_photo(&app, &booking_id, &admin.id).await,
        checkin_photo: checkin_photo(&app).await,
    };

    // Anonymous.
    for (method, path) in web::ADMIN_ROUTES {
        let url = fill(method, path, &ids);
        let a = send(&app, None, method, &url).await;
        if path.starts_with("/api/") {
            assert_eq!(a.status, 401, "anonymous {method} {url}: {}", a.body);
            let ct = a
                .headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            assert!(
                ct.starts_with("application/problem+json"),
                "anonymous {method} {url}: content-type {ct}"
            );
            let body: Value = serde_json::from_str(&a.body).unwrap_or(Value::Null);
            assert_eq!(
                body["type"], "/problems/unauthorized",
                "anonymous {method} {url}: {}",
                a.body
            );
        } else {
            assert_eq!(a.status, 303, "anonymous {method} {url}: {}", a.body);
            assert!(
                a.location.starts_with("/login?next="),
                "anonymous {method} {url} goes to {:?}",
                a.location
            );
        }
    }
    // Unknown back-office paths are refused too, not answered as 404 to strangers.
    let a = get(&app, None, "/admin/zzz").await;
    assert_eq!(a.status, 303, "anonymous GET /admin/zzz: {}", a.body);
    assert!(a.location.starts_with("/login?next="), "{}", a.location);
    let a = get(&app, None, "/api/v1/admin/zzz").await;
    assert_eq!(a.status, 401, "anonymous GET /api/v1/admin/zzz: {}", a.body);
    let a = post_api(&app, None, None, "/api/v1/admin/zzz", &json!({})).await;
    assert_eq!(
        a.status, 401,
        "anonymous POST /api/v1/admin/zzz: {}",
        a.body
    );
    let a = post_form(&app, None, "/admin/zzz", &[("x", "1")]).await;
    assert!(
        !(200..300).contains(&a.status),
        "anonymous POST /admin/zzz answered {}",
        a.status
    );

    let setup_version = app.store.setup_version().await.unwrap();
    let staff_before = app.store.staff_list().await.unwrap();
    let admin_hash = app
        .store
        .staff_for_login(&admin.email)
        .await
        .unwrap()
        .unwrap()
        .1;

    // Wrong roles: a valid CSRF token, so only the role can be the reason.
    let practitioner = sign_in(&app, "maya@clinic.example").await;
    let desk = sign_in(&app, "desk@clinic.example").await;
    for (method, path) in web::ADMIN_ROUTES {
        let mut refused = Vec::new();
        if is_admin_only(path) {
            refused.push(("practitioner", &practitioner));
            refused.push(("front-desk", &desk));
        }
        if is_review(method, path) {
            refused.push(("front-desk", &desk));
        }
        if is_desk_work(path) {
            refused.push(("practitioner", &practitioner));
        }
        for (role, session) in refused {
            // Staff routes act on the admin's own login, the worst case.
            let url = fill(
                method,
                path,
                &Ids {
                    staff: admin.id.clone(),
                    ..clone_ids(&ids)
                },
            );
            let a = send(&app, Some(session), method, &url).await;
            assert_eq!(
                a.status, 403,
                "{role} {method} {url} answered {}: {}",
                a.status, a.body
            );
            assert!(
                !a.body.contains("expired"),
                "{role} {method} {url} was refused for CSRF, not for the role"
            );
        }
    }
    assert_eq!(
        app.store.setup_version().await.unwrap(),
        setup_version,
        "a refused request changed the setup"
    );
    assert_eq!(
        app.store.staff_list().await.unwrap(),
        staff_before,
        "a refused request changed the staff list"
    );
    assert_eq!(
        app.store
            .staff_for_login(&admin.email)
            .await
            .unwrap()
            .unwrap()
            .1,
        admin_hash,
        "a refused request changed a password"
    );
    assert_eq!(
        status_of(&app, &ids.pending).await,
        store::BookingStatus::PendingReview,
        "a refused review changed the booking"
    );
    assert_eq!(
        app.store.open_alert_count().await.unwrap(),
        1,
        "a refused acknowledgement closed the alert"
    );
    for booking in [&ids.booking, &ids.pending] {
        assert_eq!(
            app.store.photos_for_booking(booking).await.unwrap().len(),
            usize::from(booking == &ids.booking),
            "a refused upload added a photo"
        );
    }
    // Today tells the front desk that an alert is open, never what was reported.
    let today = get(&app, Some(&desk.cookie), "/admin").await;
    assert!(today.body.contains("aftercare alert"), "{}", today.body);
    assert!(!today.body.contains("/admin/alerts\""), "{}", today.body);
    assert!(!today.body.contains("Pus"), "{}", today.body);

    // Allowed roles reach every page they may see (the practitioner's own booking/client).
    let admin_session = sign_in(&app, "owner@clinic.example").await;
    for (role, session, email) in [
        ("admin", &admin_session, "owner@clinic.example"),
        ("practitioner", &practitioner, "maya@clinic.example"),
        ("front-desk", &desk, "desk@clinic.example"),
    ] {
        let staff_id = app
            .store
            .staff_for_login(email)
            .await
            .unwrap()
            .unwrap()
            .0
            .id;
        let entries_by = || {
            let filter = store::AuditFilter {
                staff_id: Some(staff_id.clone()),
                ..Default::default()
            };
            let store = app.store.clone();
            async move { store.audit_entries(&filter, 1000).await.unwrap().len() }
        };
        for (method, path) in web::ADMIN_ROUTES.iter().filter(|(m, _)| *m == "GET") {
            let allowed = role == "admin"
                || !(is_admin_only(path)
                    || role == "front-desk" && is_review(method, path)
                    || role == "practitioner" && is_desk_work(path));
            if !allowed {
                continue;
            }
            let url = fill(method, path, &ids);
            let before = entries_by().await;
            let a = get(&app, Some(&session.cookie), &url).await;
            let audited = entries_by().await > before;
            if a.status == 200 && web::AUDITED_READS.contains(&(*method, *path)) {
                assert!(audited, "{role} GET {url} showed clinical data unrecorded");
            }
            if path.starts_with("/api/") && path.ends_with("/record") {
                // The consultation has no treatment record: the route answers that.
                assert_eq!(a.status, 404, "{role} GET {url}: {}", a.body);
                assert!(
                    a.body.contains("treatment record"),
                    "{role} GET {url}: {}",
                    a.body
                );
                continue;
            }
            assert_eq!(a.status, 200, "{role} GET {url}: {}", a.body);
        }
    }
    // Every listed POST route exists and the admin's same requests take effect, so the
    // refusals above were the role check's doing.
    for (method, path) in web::ADMIN_ROUTES.iter().filter(|(m, _)| *m == "POST") {
        let url = fill(method, path, &ids);
        let a = send(&app, Some(&admin_session), method, &url).await;
        assert!(
            ![401, 403, 404, 405].contains(&a.status) && !a.location.starts_with("/login"),
            "admin POST {url} answered {}: {}",
            a.status,
            a.body
        );
    }
    assert!(
        app.store.setup_version().await.unwrap() > setup_version,
        "the admin's setup save did not take effect"
    );
    assert!(
        app.store
            .staff_list()
            .await
            .unwrap()
            .iter()
            .any(|s| s.email == "intruder@example.com"),
        "the admin's staff add did not take effect"
    );
    assert_eq!(
        status_of(&app, &ids.pending).await,
        store::BookingStatus::Confirmed,
        "the admin's review did not take effect"
    );
}
on_both_engines!(every_route_refuses_anonymous_and_wrong_roles);

/// A check-in with a red flag for `booked`, taken an hour after its start straight through
/// the store (the API takes check-ins only from the start on); answers the alert's id.
async fn raise_alert(app: &TestApp, booked: &Value) -> String {
    let id = booked["id"].as_str().unwrap();
    let token = booked["manage_token"].as_str().unwrap();
    let start = app.store.booking(id).await.unwrap().unwrap().start;
    let checkin = store::NewCheckin {
        symptoms: vec!["pus".into()],
        pain: 5,
        note: None,
        triage: "call_today".into(),
        alert: true,
        photo: Some(("image/png".into(), b"\x89PNG\r\n\x1a\n".to_vec())),
    };
    app.store
        .record_checkin(
            &store::hash_token(token),
            &checkin,
            start + jiff::SignedDuration::from_hours(1),
            3600,
            |_| Ok::<(), ()>(()),
            |_| Vec::new(),
        )
        .await
        .expect("check-in");
    app.store.alerts(1).await.unwrap()[0].id.clone()
}

fn clone_ids(ids: &Ids) -> Ids {
    Ids {
        booking: ids.booking.clone(),
        pending: ids.pending.clone(),
        client: ids.client.clone(),
        alert: ids.alert.clone(),
        staff: ids.staff.clone(),
        photo: ids.photo.clone(),
        checkin_photo: ids.checkin_photo.clone(),
    }
}

/// The photo of the check-in `raise_alert` took.
async fn checkin_photo(app: &TestApp) -> String {
    app.store.alerts(1).await.unwrap()[0]
        .photo_id
        .clone()
        .expect("the check-in has a photo")
}

/// A photo of `booking`'s visit, straight through the store; answers its id.
async fn add_photo(app: &TestApp, booking: &str, staff: &str) -> String {
    app.store
        .add_photo(&store::NewPhoto {
            booking_id: booking.into(),
            kind: "before".into(),
            caption: "Left cheek".into(),
            content_type: "image/png".into(),
            bytes: b"\x89PNG\r\n\x1a\n".to_vec(),
            uploaded_by: staff.into(),
        })
        .await
        .expect("store a photo")
        .id
}

/// API tokens (`Authorization: Bearer`) open no back-office page, even an admin's, and on
/// the API keep their member's role: the front desk's token is refused where its role is.
async fn bearer_tokens_open_no_page_and_keep_their_role(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    let admin = add_staff(&app, "owner@clinic.example", &hash, "admin", None).await;
    let desk = add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    let booked = consultation(&app, "bearer@example.com").await;
    let pending = pending_treatment(&app, "bearer-pending@example.com").await;
    let booking_id = booked["id"].as_str().unwrap().to_owned();
    let client = app
        .store
        .booking(&booking_id)
        .await
        .unwrap()
        .unwrap()
        .client;
    let ids = Ids {
        booking: booking_id.clone(),
        pending: pending["id"].as_str().unwrap().to_owned(),
        client: client.id,
        staff: desk.id.clone(),
        alert: raise_alert(&app, &booked).await,
        photo: add_photo(&app, &booking_id, &admin.id).await,
        checkin_photo: checkin_photo(&app).await,
    };
    let mut tokens = Vec::new();
    for staff in [&admin, &desk] {
        let (token, hash) = store::new_token();
        app.store
            .create_staff_token(&staff.id, &hash, "security test")
            .await
            .unwrap();
        tokens.push(token);
    }
    let (admin_token, desk_token) = (&tokens[0], &tokens[1]);
    let setup_version = app.store.setup_version().await.unwrap();
    let staff_before = app.store.staff_list().await.unwrap();
    for (method, path) in web::ADMIN_ROUTES {
        let url = fill(method, path, &ids);
        let with = |token: &str| {
            let req = match *method {
                "GET" => app.http.get(format!("{}{url}", app.base)),
                "PUT" => app
                    .http
                    .put(format!("{}{url}", app.base))
                    .json(&json!({"device": "pen-1"})),
                _ if path.starts_with("/api/") => app
                    .http
                    .post(format!("{}{url}", app.base))
                    .json(&json!({"decision": "confirm", "note": "by token"})),
                _ => app
                    .http
                    .post(format!("{}{url}", app.base))
                    .form(&[("active", "false"), ("status", "cancelled")]),
            };
            req.header("authorization", format!("Bearer {token}"))
        };
        if path.starts_with("/api/") {
            if is_review(method, path) {
                let a = answer(with(desk_token).send().await.unwrap()).await;
                assert_eq!(a.status, 403, "front-desk token {method} {url}: {}", a.body);
            }
        } else {
            let a = answer(with(admin_token).send().await.unwrap()).await;
            assert_eq!(a.status, 303, "admin token {method} {url}: {}", a.body);
            assert!(
                a.location.starts_with("/login"),
                "admin token {method} {url}: {}",
                a.location
            );
        }
    }
    assert_eq!(app.store.setup_version().await.unwrap(), setup_version);
    assert_eq!(app.store.staff_list().await.unwrap(), staff_before);
    assert_eq!(
        status_of(&app, &ids.pending).await,
        store::BookingStatus::PendingReview
    );
    assert_eq!(app.store.open_alert_count().await.unwrap(), 1);
}
on_both_engines!(bearer_tokens_open_no_page_and_keep_their_role);

/// State-changing requests without the session's CSRF token (missing, wrong, another
/// session's, or only in the URL) are refused with 403 and change nothing.
async fn posts_without_the_csrf_token_change_nothing(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(&app, "owner@clinic.example", &hash, "admin", None).await;
    add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    let booked = consultation(&app, "csrf@example.com").await;
    let pending = pending_treatment(&app, "csrf-pending@example.com").await;
    let id = booked["id"].as_str().unwrap().to_owned();
    let pending_id = pending["id"].as_str().unwrap().to_owned();
    let before = app.store.booking(&id).await.unwrap().unwrap();
    let staff_before = app.store.staff_list().await.unwrap();

    let admin = sign_in(&app, "owner@clinic.example").await;
    let other = sign_in(&app, "desk@clinic.example").await;
    let slots = app.free_slots("consultation", Some("maya-lee")).await;
    let later = slots.last().unwrap()["start"].as_str().unwrap().to_owned();
    let (date, time) = (&later[..10], &later[11..16]);

    // The consent as the tablet shows it, so a forged signature would otherwise go through.
    let (_, consent) = app
        .get_json(&format!(
            "/api/v1/bookings/{}/consent",
            pending["manage_token"].as_str().unwrap()
        ))
        .await;
    let (consent_version, consent_sha) = (
        consent["documents"][0]["version"].to_string(),
        consent["documents"][0]["sha256"]
            .as_str()
            .unwrap()
            .to_owned(),
    );

    let wrong = "A".repeat(admin.csrf.len());
    let tokens: [(&str, Option<&str>); 4] = [
        ("missing", None),
        ("empty", Some("")),
        ("wrong", Some(wrong.as_str())),
        ("another session's", Some(other.csrf.as_str())),
    ];
    for (label, token) in tokens {
        let with = |mut form: Vec<(&'static str, String)>| {
            if let Some(t) = token {
                form.push(("csrf", t.to_owned()));
            }
            form
        };
        let attempts: Vec<(String, Vec<(&str, String)>)> = vec![
            (
                format!("/admin/bookings/{id}/status"),
                with(vec![("status", "cancelled".into())]),
            ),
            (
                format!("/admin/bookings/{id}/move"),
                with(vec![
                    ("date", date.into()),
                    ("time", time.into()),
                    ("practitioner", "maya-lee".into()),
                ]),
            ),
            (
                format!("/admin/bookings/{pending_id}/review"),
                with(vec![
                    ("decision", "confirm".into()),
                    ("note", "forged".into()),
                ]),
            ),
            (
                "/admin/bookings".into(),
                with(vec![
                    ("service", "consultation".into()),
                    ("practitioner", String::new()),
                    ("date", date.into()),
                    ("time", time.into()),
                    ("name", "Forged Client".into()),
                    ("email", "forged@example.com".into()),
                ]),
            ),
            (
                "/admin/staff".into(),
                with(vec![
                    ("email", "forged-staff@example.com".into()),
                    ("role", "admin".into()),
                    ("password", "a long forged passphrase 71".into()),
                ]),
            ),
            ("/logout".into(), with(vec![])),
            (
                format!("/admin/bookings/{pending_id}/consent"),
                with(vec![
                    ("document", "treatment".into()),
                    ("version", consent_version.clone()),
                    ("sha256", consent_sha.clone()),
                    ("name", "Forged Name".into()),
                    ("agree", "yes".into()),
                ]),
            ),
            (
                format!("/admin/bookings/{pending_id}/reconfirm"),
                with(vec![("changed", "no".into())]),
            ),
        ];
        for (path, form) in attempts {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let a = post_form(&app, Some(&admin.cookie), &path, &pairs).await;
            assert_eq!(
                a.status, 403,
                "POST {path} with a {label} CSRF token answered {}: {}",
                a.status, a.body
            );
        }
        let a = post_api(
            &app,
            Some(&admin.cookie),
            token,
            &format!("/api/v1/admin/bookings/{pending_id}/review"),
            &json!({"decision": "confirm"}),
        )
        .await;
        assert_eq!(
            a.status, 403,
            "API review with a {label} X-CSRF-Token answered {}: {}",
            a.status, a.body
        );
        let body: Value = serde_json::from_str(&a.body).unwrap_or(Value::Null);
        assert_eq!(body["type"], "/problems/forbidden", "{}", a.body);
    }
    // A token in the URL is not a token: it leaks into logs and Referer headers.
    let a = post_form(
        &app,
        Some(&admin.cookie),
        &format!("/admin/bookings/{id}/status?csrf={}", admin.csrf),
        &[("status", "cancelled")],
    )
    .await;
    assert_eq!(
        a.status, 403,
        "a CSRF token in the query string was accepted"
    );

    let after = app.store.booking(&id).await.unwrap().unwrap();
    assert_eq!(after, before, "a refused request changed the booking");
    let pending_client = app
        .store
        .booking(&pending_id)
        .await
        .unwrap()
        .unwrap()
        .client;
    assert!(
        app.store
            .consents_for_client(&pending_client.id)
            .await
            .unwrap()
            .is_empty(),
        "a refused request signed a consent"
    );
    assert_eq!(
        status_of(&app, &pending_id).await,
        store::BookingStatus::PendingReview,
        "a refused review changed the booking"
    );
    assert_eq!(
        app.store.staff_list().await.unwrap(),
        staff_before,
        "a refused request changed the staff list"
    );
    let (from, to) = (
        jiff::Timestamp::now(),
        jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 30),
    );
    let all = app.store.bookings_between(from, to).await.unwrap();
    assert!(
        all.iter().all(|b| b.client.email != "forged@example.com"),
        "a refused request created a booking"
    );
    assert_eq!(
        get(&app, Some(&admin.cookie), "/admin").await.status,
        200,
        "a refused sign-out ended the session"
    );

    // The same requests with the right token work, so the refusals above were the token's.
    let a = post_form(
        &app,
        Some(&admin.cookie),
        &format!("/admin/bookings/{id}/status"),
        &[("csrf", &admin.csrf), ("status", "arrived")],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(status_of(&app, &id).await, store::BookingStatus::Arrived);
    let a = post_api(
        &app,
        Some(&admin.cookie),
        Some(&admin.csrf),
        &format!("/api/v1/admin/bookings/{pending_id}/review"),
        &json!({"decision": "confirm"}),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        status_of(&app, &pending_id).await,
        store::BookingStatus::Confirmed
    );
}
on_both_engines!(posts_without_the_csrf_token_change_nothing);

/// Eight wrong passwords for one account, each from a different address: the ninth
/// attempt, even with the right password and from yet another address, is refused with
/// 429 and Retry-After. Other accounts are unaffected. Eight failures from one address
/// Wrong passwords are counted per account at one address: past the allowance that address
/// waits, told how long, while the owner at another address and another account at the
/// same address still sign in; an address guessing over many accounts waits too.
async fn sign_in_is_throttled_per_account_at_an_address(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(&app, "owner@clinic.example", &hash, "admin", None).await;
    add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    add_staff(
        &app,
        "maya@clinic.example",
        &hash,
        "practitioner",
        Some("maya-lee"),
    )
    .await;

    for i in 1..=8 {
        // The account is one account whatever the case of the address typed.
        let email = if i % 2 == 0 {
            "Owner@Clinic.Example"
        } else {
            "owner@clinic.example"
        };
        let a = login(
            &app,
            email,
            &format!("wrong guess number {i}"),
            Some("10.0.0.1"),
        )
        .await;
        assert_eq!(a.status, 401, "wrong password {i}: {}", a.body);
        assert!(!starts_session(&a), "a failed sign-in set a session cookie");
    }
    let a = login(&app, "owner@clinic.example", PASSWORD, Some("10.0.0.1")).await;
    assert_eq!(
        a.status, 429,
        "the 9th attempt from the guessing address answered {}: {}",
        a.status, a.body
    );
    assert!(
        !starts_session(&a),
        "a throttled sign-in set a session cookie"
    );
    let retry: u64 = a
        .headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((840..=900).contains(&retry), "Retry-After {retry}");
    assert!(
        a.body.contains("Too many failed sign-ins"),
        "no clear message: {}",
        a.body
    );
    assert!(
        a.body.contains("wait 15 minutes"),
        "the message does not say how long to wait: {}",
        a.body
    );
    assert!(
        a.body.contains("value=\"owner@clinic.example\""),
        "the refusal lost the email typed: {}",
        a.body
    );

    // The owner at another address is not held back, nor another account at this one.
    let a = login(&app, "owner@clinic.example", PASSWORD, Some("10.0.0.9")).await;
    assert_eq!(a.status, 303, "the owner was locked out: {}", a.body);
    let a = login(&app, "desk@clinic.example", PASSWORD, Some("10.0.0.1")).await;
    assert_eq!(a.status, 303, "another account was locked out: {}", a.body);

    // Per address: failures over many unknown accounts from one address.
    for i in 1..=30 {
        let a = login(
            &app,
            &format!("nobody{i}@clinic.example"),
            "whatever it is 123",
            Some("10.9.9.9"),
        )
        .await;
        assert_eq!(a.status, 401, "{}", a.body);
    }
    let a = login(&app, "maya@clinic.example", PASSWORD, Some("10.9.9.9")).await;
    assert_eq!(a.status, 429, "the address was not throttled: {}", a.body);
    assert!(a.body.contains("from your network"), "{}", a.body);
    let a = login(&app, "maya@clinic.example", PASSWORD, Some("10.9.9.10")).await;
    assert_eq!(a.status, 303, "{}", a.body);
}

on_both_engines!(
    sign_in_is_throttled_per_account_at_an_address,
    clinic::demo(),
    |c: &mut web::Config| c.behind_proxy = true
);

/// Without a proxy in front, every attempt comes from one address: the ninth is refused.
async fn sign_in_is_throttled_without_a_proxy(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(&app, "owner@clinic.example", &hash, "admin", None).await;
    for i in 1..=8 {
        let a = login(
            &app,
            "owner@clinic.example",
            &format!("wrong guess number {i}"),
            None,
        )
        .await;
        assert_eq!(a.status, 401, "{}", a.body);
    }
    let a = login(&app, "owner@clinic.example", PASSWORD, None).await;
    assert_eq!(a.status, 429, "{}", a.body);
    assert!(a.headers.get(RETRY_AFTER).is_some());
    assert!(a.body.contains("Too many failed sign-ins"), "{}", a.body);
}
on_both_engines!(sign_in_is_throttled_without_a_proxy);

/// The session cookie is HttpOnly, SameSite=Lax and site-wide; signing out ends the
/// session on the server; disabling a login or changing its password ends its sessions.
async fn sessions_end_when_they_should(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    let desk = add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;

    let a = login(&app, "desk@clinic.example", PASSWORD, None).await;
    assert_eq!(a.status, 303, "{}", a.body);
    let set = a
        .headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("collagen_session="))
        .expect("Set-Cookie")
        .to_owned();
    let attrs: Vec<String> = set
        .split(';')
        .map(|p| p.trim().to_ascii_lowercase())
        .collect();
    assert!(attrs[0].starts_with("collagen_session="), "{set}");
    assert!(
        attrs[0].len() > "collagen_session=".len() + 30,
        "the session token is too short: {set}"
    );
    for want in ["httponly", "samesite=lax", "path=/"] {
        assert!(
            attrs.iter().any(|a| a == want),
            "the session cookie lacks {want}: {set}"
        );
    }
    let cookie = session_pair(&a);
    let page = get(&app, Some(&cookie), "/admin").await;
    assert_eq!(page.status, 200);
    let csrf = csrf_of(&page.body);
    assert_eq!(
        get(&app, Some(&cookie), "/api/v1/admin/bookings")
            .await
            .status,
        200
    );

    // A made-up token is no session.
    let forged = get(
        &app,
        Some("collagen_session=made-up-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        "/admin",
    )
    .await;
    assert_eq!(forged.status, 303);

    // Sign out.
    let out = post_form(&app, Some(&cookie), "/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303, "{}", out.body);
    assert_eq!(out.location, "/login");
    let cleared = out
        .headers
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        cleared.starts_with("collagen_session=;") && cleared.contains("max-age=0"),
        "sign-out does not clear the cookie: {cleared}"
    );
    let after = get(&app, Some(&cookie), "/admin").await;
    assert_eq!(
        after.status, 303,
        "the old cookie still opens /admin after sign-out"
    );
    assert!(after.location.starts_with("/login"), "{}", after.location);
    assert_eq!(
        get(&app, Some(&cookie), "/api/v1/admin/bookings")
            .await
            .status,
        401
    );

    // Disabled staff: the live session stops working, and signing in again fails.
    let cookie = sign_in(&app, "desk@clinic.example").await.cookie;
    assert!(app.store.set_staff_active(&desk.id, false).await.unwrap());
    let a = get(&app, Some(&cookie), "/admin").await;
    assert_eq!(a.status, 303, "a disabled member's session still works");
    assert!(a.location.starts_with("/login"), "{}", a.location);
    assert_eq!(
        get(&app, Some(&cookie), "/api/v1/admin/bookings")
            .await
            .status,
        401
    );
    let a = login(&app, "desk@clinic.example", PASSWORD, None).await;
    assert_eq!(a.status, 401, "a disabled member signed in: {}", a.body);
    assert!(!starts_session(&a));

    // Re-enabled: a password change ends the sessions begun before it.
    assert!(app.store.set_staff_active(&desk.id, true).await.unwrap());
    let cookie = sign_in(&app, "desk@clinic.example").await.cookie;
    assert!(app.store.set_staff_password(&desk.id, &hash).await.unwrap());
    assert_eq!(
        get(&app, Some(&cookie), "/admin").await.status,
        303,
        "a session survived a password change"
    );
}
on_both_engines!(sessions_end_when_they_should);

/// After sign-in, `next` may only lead within the back office.
async fn sign_in_only_redirects_within_the_back_office(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    let anon = get(&app, None, "/admin/calendar?date=2030-01-02").await;
    assert_eq!(anon.status, 303);
    assert!(
        anon.location.starts_with("/login?next=%2Fadmin%2Fcalendar"),
        "{}",
        anon.location
    );
    for (next, expected) in [
        (
            "/admin/calendar?date=2030-01-02",
            "/admin/calendar?date=2030-01-02",
        ),
        ("//evil.example/admin", "/admin"),
        ("https://evil.example/admin", "/admin"),
        ("/login", "/admin"),
    ] {
        let a = post_sign_in(
            &app,
            &[
                ("email", "desk@clinic.example"),
                ("password", PASSWORD),
                ("next", next),
            ],
            &[],
            &[],
        )
        .await;
        assert_eq!(a.status, 303, "{}", a.body);
        assert_eq!(a.location, expected, "next={next}");
    }
}
on_both_engines!(sign_in_only_redirects_within_the_back_office);

#[test]
fn weak_passwords_are_refused() {
    assert!(web::password_weakness("short", "a@b.c").is_some());
    assert!(web::password_weakness("password-password-1", "a@b.c").is_some());
    assert!(web::password_weakness("owner.rocks.day", "owner@clinic.example").is_some());
    assert_eq!(
        web::password_weakness("front desk opens at nine 47", "desk@clinic.example"),
        None,
        "the mailbox's word alone inside a strong password"
    );
    assert_eq!(
        web::password_weakness(PASSWORD, "owner@clinic.example"),
        None,
        "the tests' own password must pass"
    );
}
