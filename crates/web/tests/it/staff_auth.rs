//! Staff sign-in beyond the password, on SQLite and PostgreSQL: API tokens on the admin
//! API (and nowhere else), two-factor sign-in with codes and recovery codes that each work
//! once, sessions that end when idle, and sessions their owners and admins can end.

use crate::common;

use common::{Answer, TestApp, add_staff, answer, post_sign_in, set_cookie_pair};
use reqwest::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use serde_json::{Value, json};

const PASSWORD: &str = "ochre lantern drifts slowly 47";

async fn get(app: &TestApp, cookie: Option<&str>, bearer: Option<&str>, path: &str) -> Answer {
    let mut req = app.http.get(format!("{}{path}", app.base));
    if let Some(c) = cookie {
        req = req.header(COOKIE, c);
    }
    if let Some(t) = bearer {
        req = req.header(AUTHORIZATION, format!("Bearer {t}"));
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
        req = req.header(COOKIE, c);
    }
    answer(req.send().await.expect("request")).await
}

async fn post_api(
    app: &TestApp,
    bearer: Option<&str>,
    cookie: Option<&str>,
    path: &str,
    body: &Value,
) -> Answer {
    let mut req = app.http.post(format!("{}{path}", app.base)).json(body);
    if let Some(t) = bearer {
        req = req.header(AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(c) = cookie {
        req = req.header(COOKIE, c);
    }
    answer(req.send().await.expect("request")).await
}

/// The CSRF token in a page's hidden `csrf` field.
fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no csrf field:\n{html}"))
        + marker.len();
    html[at..].split('"').next().unwrap().to_owned()
}

/// A signed-in browser: its session cookie and the CSRF token its pages carry.
struct Browser {
    cookie: String,
    csrf: String,
}

/// Signs in with the password only (asserting a session starts) from a browser that
/// calls itself `agent`.
async fn sign_in(app: &TestApp, email: &str, agent: &str) -> Browser {
    let a = post_sign_in(
        app,
        &[("email", email), ("password", PASSWORD)],
        &[],
        &[("user-agent", agent)],
    )
    .await;
    assert_eq!(a.status, 303, "sign-in of {email}: {}", a.body);
    let cookie = set_cookie_pair(&a, "collagen_session").expect("a session cookie");
    // A member who must still set up two-factor reaches only its page; every back-office
    // page carries the session's token (in the sign-out form).
    let mut page = get(app, Some(&cookie), None, "/admin/account").await;
    if page.location == "/admin/account/two-factor" {
        page = get(app, Some(&cookie), None, &page.location).await;
    }
    assert_eq!(page.status, 200, "{}", page.body);
    Browser {
        csrf: csrf_of(&page.body),
        cookie,
    }
}

/// Runs one statement straight on the app's database (to age a session, or change a role
/// as another admin tool would).
async fn execute(app: &TestApp, sql: &str) {
    match app.engine {
        store::Engine::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&app.db_url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
        store::Engine::Postgres => {
            let pool = sqlx::PgPool::connect(&app.db_url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
    }
}

/// A new API token for `staff_id`, as `collagen staff token` makes it.
async fn token_for(app: &TestApp, staff_id: &str, label: &str) -> (String, String) {
    let (token, hash) = store::new_token();
    let id = app
        .store
        .create_staff_token(staff_id, &hash, label)
        .await
        .unwrap();
    (token, id)
}

/// A treatment held for review, so the review endpoint has something to decide.
async fn pending_treatment(app: &TestApp, email: &str) -> String {
    let screening = common::screening(app, json!({"age_under_22": true})).await;
    let slots = app.free_slots("microneedling-face", Some("maya-lee")).await;
    let body = json!({"service": "microneedling-face", "start": slots[0]["start"], "practitioner": "maya-lee",
        "screening": screening, "client": {"name": "Pending Client", "email": email}});
    let (status, booked) = app.post_json("/api/v1/bookings", &body).await;
    assert_eq!(status, 201, "{booked}");
    booked["id"].as_str().unwrap().to_owned()
}

fn problem_type(a: &Answer) -> String {
    serde_json::from_str::<Value>(&a.body).unwrap_or(Value::Null)["type"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Bearer tokens: the admin API with the member's current role, no CSRF token needed, never
/// an HTML page, and nothing once revoked or disabled.
async fn bearer_tokens_act_with_the_current_role_on_the_api_only(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    let admin = add_staff(&app, "owner@clinic.example", &hash, "admin", None).await;
    let maya = add_staff(
        &app,
        "maya@clinic.example",
        &hash,
        "practitioner",
        Some("maya-lee"),
    )
    .await;
    let desk = add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    let (admin_token, _) = token_for(&app, &admin.id, "owner's script").await;
    let (maya_token, _) = token_for(&app, &maya.id, "maya's reports").await;
    let (desk_token, desk_token_id) = token_for(&app, &desk.id, "desk tablet").await;
    let first = pending_treatment(&app, "first@example.com").await;
    let second = pending_treatment(&app, "second@example.com").await;
    let review = |id: &str| format!("/api/v1/admin/bookings/{id}/review");

    // Every role reads the day; the front desk may not review; a practitioner may, with
    // no CSRF token and no cookie at all.
    for token in [&admin_token, &maya_token, &desk_token] {
        let a = get(&app, None, Some(token), "/api/v1/admin/bookings").await;
        assert_eq!(a.status, 200, "{}", a.body);
    }
    let a = post_api(
        &app,
        Some(&desk_token),
        None,
        &review(&first),
        &json!({"decision": "confirm"}),
    )
    .await;
    assert_eq!(a.status, 403, "{}", a.body);
    assert_eq!(problem_type(&a), "/problems/forbidden");
    let a = post_api(
        &app,
        Some(&maya_token),
        None,
        &review(&first),
        &json!({"decision": "confirm"}),
    )
    .await;
    assert_eq!(
        a.status, 200,
        "a bearer request needed more than its token: {}",
        a.body
    );
    assert_eq!(
        app.store.booking(&first).await.unwrap().unwrap().status,
        store::BookingStatus::Confirmed
    );

    // The role is read at each use: demoted, the same token can no longer review.
    execute(
        &app,
        &format!(
            "UPDATE staff SET role = 'front-desk' WHERE id = '{}'",
            maya.id
        ),
    )
    .await;
    let a = post_api(
        &app,
        Some(&maya_token),
        None,
        &review(&second),
        &json!({"decision": "confirm"}),
    )
    .await;
    assert_eq!(
        a.status, 403,
        "a demoted member's token kept the old role: {}",
        a.body
    );
    assert_eq!(
        app.store.booking(&second).await.unwrap().unwrap().status,
        store::BookingStatus::PendingReview
    );

    // Pages ignore bearer tokens, even an admin's: to sign-in, and nothing changes.
    let a = get(&app, None, Some(&admin_token), "/admin").await;
    assert_eq!(a.status, 303, "a bearer token opened a page: {}", a.body);
    assert!(a.location.starts_with("/login"), "{}", a.location);
    let a = get(&app, None, Some(&admin_token), "/admin/staff").await;
    assert_eq!(a.status, 303);
    let before = app.store.staff_list().await.unwrap();
    let res = app
        .http
        .post(format!("{}/admin/staff", app.base))
        .header(AUTHORIZATION, format!("Bearer {admin_token}"))
        .form(&[
            ("email", "intruder@example.com"),
            ("role", "admin"),
            ("password", "copper kettle sings at dawn 58"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        app.store.staff_list().await.unwrap(),
        before,
        "a bearer token changed staff through a page"
    );

    // Unknown, empty and revoked tokens are refused with a problem, never a fall back to a cookie.
    let desk_browser = sign_in(&app, "desk@clinic.example", "desk browser").await;
    for bad in ["made-up-token", ""] {
        let a = get(
            &app,
            Some(&desk_browser.cookie),
            Some(bad),
            "/api/v1/admin/bookings",
        )
        .await;
        assert_eq!(a.status, 401, "token {bad:?}: {}", a.body);
        assert_eq!(problem_type(&a), "/problems/unauthorized");
    }
    let tokens = app.store.staff_tokens(Some(&desk.id)).await.unwrap();
    assert!(
        tokens[0].last_used_at.is_some(),
        "the token's use was not recorded"
    );
    let page = get(&app, Some(&desk_browser.cookie), None, "/admin/account").await;
    assert!(page.body.contains("desk tablet"), "{}", page.body);
    let a = post_form(
        &app,
        Some(&desk_browser.cookie),
        &format!("/admin/account/tokens/{desk_token_id}/revoke"),
        &[("csrf", &desk_browser.csrf)],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(a.location, "/admin/account?done=revoked");
    let a = get(&app, None, Some(&desk_token), "/api/v1/admin/bookings").await;
    assert_eq!(a.status, 401, "a revoked token still works: {}", a.body);

    // An admin sees everyone's tokens and revokes any; a disabled login's tokens stop.
    let owner = sign_in(&app, "owner@clinic.example", "owner browser").await;
    let page = get(&app, Some(&owner.cookie), None, "/admin/staff").await;
    assert!(
        page.body.contains("maya&#39;s reports") || page.body.contains("maya's reports"),
        "{}",
        page.body
    );
    let maya_token_id = app.store.staff_tokens(Some(&maya.id)).await.unwrap()[0]
        .id
        .clone();
    let a = post_form(
        &app,
        Some(&owner.cookie),
        &format!("/admin/staff/tokens/{maya_token_id}/revoke"),
        &[("csrf", &owner.csrf)],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(
        get(&app, None, Some(&maya_token), "/api/v1/admin/bookings")
            .await
            .status,
        401
    );
    let (desk_again, _) = token_for(&app, &desk.id, "desk again").await;
    assert_eq!(
        get(&app, None, Some(&desk_again), "/api/v1/admin/bookings")
            .await
            .status,
        200
    );
    assert!(app.store.set_staff_active(&desk.id, false).await.unwrap());
    assert_eq!(
        get(&app, None, Some(&desk_again), "/api/v1/admin/bookings")
            .await
            .status,
        401,
        "a disabled login's token still works"
    );
    // The admin's own token is unaffected by all of it.
    assert_eq!(
        get(&app, None, Some(&admin_token), "/api/v1/admin/bookings")
            .await
            .status,
        200
    );
}
on_both_engines!(bearer_tokens_act_with_the_current_role_on_the_api_only);

/// The secret shown on the enrolment page.
fn secret_of(html: &str) -> Vec<u8> {
    let marker = "<code class=\"secret\">";
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no secret shown:\n{html}"))
        + marker.len();
    let text = html[at..].split('<').next().unwrap();
    assert!(html.contains("otpauth://totp/"), "no otpauth link:\n{html}");
    web::totp::base32_decode(text).expect("a base32 secret")
}

/// The current code, and the next step's, for `key`.
fn codes(key: &[u8]) -> (String, String) {
    let step = web::totp::step_of(jiff::Timestamp::now().as_second());
    (
        web::totp::code_at(key, step),
        web::totp::code_at(key, step + 1),
    )
}

/// Password accepted: the step cookie pair, from the redirect to the second step.
async fn password_step(app: &TestApp, email: &str) -> String {
    let a = post_sign_in(app, &[("email", email), ("password", PASSWORD)], &[], &[]).await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(a.location, "/login/code");
    assert!(
        set_cookie_pair(&a, "collagen_session").is_none(),
        "a session before the second step"
    );
    set_cookie_pair(&a, "collagen_step").expect("a step cookie")
}

/// Posts `code` at the second step, with the form's own token and cookie.
async fn second_step(app: &TestApp, step: &str, code: &str) -> Answer {
    let page = get(app, Some(step), None, "/login/code").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf_cookie = set_cookie_pair(&page, "collagen_signin").expect("the form's token cookie");
    let token = csrf_of(&page.body);
    post_form(
        app,
        Some(&format!("{step}; {csrf_cookie}")),
        "/login/code",
        &[("code", code), ("csrf", &token)],
    )
    .await
}

/// Enrol, then sign in with a code; a code is taken once; each recovery code works once.
async fn two_factor_codes_and_recovery_codes_work_once(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(
        &app,
        "maya@clinic.example",
        &hash,
        "practitioner",
        Some("maya-lee"),
    )
    .await;
    let b = sign_in(&app, "maya@clinic.example", "maya's laptop").await;
    let page = get(&app, Some(&b.cookie), None, "/admin/account/two-factor").await;
    assert!(
        page.body.contains("/admin/account/two-factor/start"),
        "{}",
        page.body
    );
    let a = post_form(
        &app,
        Some(&b.cookie),
        "/admin/account/two-factor/start",
        &[("csrf", &b.csrf)],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let page = get(&app, Some(&b.cookie), None, "/admin/account/two-factor").await;
    let key = secret_of(&page.body);
    // The QR code is drawn inline, with nothing the CSP would block.
    assert!(
        page.body.contains("<svg xmlns"),
        "no QR code: {}",
        page.body
    );
    assert!(
        !page.body.contains("style=") && !page.body.contains("<img"),
        "{}",
        page.body
    );

    // A wrong code leaves it off, with the reason beside the field.
    let a = post_form(
        &app,
        Some(&b.cookie),
        "/admin/account/two-factor/confirm",
        &[("csrf", &b.csrf), ("code", "000000x")],
    )
    .await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert!(a.body.contains("does not match"), "{}", a.body);
    assert!(app.store.two_factor_staff_ids().await.unwrap().is_empty());
    let (now, next) = codes(&key);
    let a = post_form(
        &app,
        Some(&b.cookie),
        "/admin/account/two-factor/confirm",
        &[("csrf", &b.csrf), ("code", &now)],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let recovery: Vec<String> = a
        .body
        .split("<li><code>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(recovery.len(), 10, "{}", a.body);
    assert_eq!(
        app.store
            .recovery_codes_left(&app.store.staff_list().await.unwrap()[0].id)
            .await
            .unwrap(),
        10
    );

    // The confirming code was used: the second step refuses it, by name.
    let step = password_step(&app, "maya@clinic.example").await;
    let a = second_step(&app, &step, &now).await;
    assert_eq!(a.status, 401, "a used code was taken again: {}", a.body);
    assert!(a.body.contains("already used"), "{}", a.body);
    assert!(set_cookie_pair(&a, "collagen_session").is_none());
    let a = second_step(&app, &step, "123").await;
    assert_eq!(a.status, 401);
    assert!(a.body.contains("not right"), "{}", a.body);
    // Another site cannot post the code form.
    let page = get(&app, Some(&step), None, "/login/code").await;
    let csrf_cookie = set_cookie_pair(&page, "collagen_signin").unwrap();
    let res = app
        .http
        .post(format!("{}/login/code", app.base))
        .header(COOKIE, format!("{step}; {csrf_cookie}"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("code", next.as_str()), ("csrf", &csrf_of(&page.body))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    // The next code signs in, and ends the pending step.
    let a = second_step(&app, &step, &format!("{} {}", &next[..3], &next[3..])).await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(a.location, "/admin");
    let cookie = set_cookie_pair(&a, "collagen_session").expect("a session after the code");
    assert_eq!(get(&app, Some(&cookie), None, "/admin").await.status, 200);
    assert!(
        a.headers
            .get_all(SET_COOKIE)
            .iter()
            .any(|v| v.to_str().unwrap().starts_with("collagen_step=;")),
        "the step cookie is not cleared"
    );
    assert_eq!(
        get(&app, Some(&step), None, "/login/code").await.status,
        303,
        "the step can be used twice"
    );

    // Once more with the same code: refused, it was taken.
    let step = password_step(&app, "maya@clinic.example").await;
    let a = second_step(&app, &step, &next).await;
    assert_eq!(a.status, 401, "{}", a.body);
    assert!(a.body.contains("already used"), "{}", a.body);
    // A recovery code, typed loosely, works once.
    let loose = recovery[3].to_uppercase().replace('-', " ");
    let a = second_step(&app, &step, &loose).await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert!(set_cookie_pair(&a, "collagen_session").is_some());
    let step = password_step(&app, "maya@clinic.example").await;
    let a = second_step(&app, &step, &recovery[3]).await;
    assert_eq!(a.status, 401, "a recovery code worked twice: {}", a.body);
    assert!(set_cookie_pair(&a, "collagen_session").is_none());
    let page = get(&app, Some(&cookie), None, "/admin/account").await;
    assert!(
        page.body.contains("9 of your recovery codes"),
        "{}",
        page.body
    );
}
on_both_engines!(two_factor_codes_and_recovery_codes_work_once);

/// Wrong codes are throttled like passwords: past the allowance, a wait (429), even for
/// the right code.
async fn second_step_codes_are_throttled(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    let maya = add_staff(
        &app,
        "maya@clinic.example",
        &hash,
        "practitioner",
        Some("maya-lee"),
    )
    .await;
    let secret = web::totp::base32_encode(b"12345678901234567890");
    assert!(app.store.begin_two_factor(&maya.id, &secret).await.unwrap());
    assert!(
        app.store
            .confirm_two_factor(&maya.id, 0, &[])
            .await
            .unwrap()
    );
    let step = password_step(&app, "maya@clinic.example").await;
    let (right, _) = codes(b"12345678901234567890");
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for i in 0..8 {
        let a = second_step(&app, &step, wrong).await;
        assert_eq!(a.status, 401, "try {i}: {}", a.body);
    }
    let a = second_step(&app, &step, &right).await;
    assert_eq!(a.status, 429, "{}", a.body);
    assert!(a.headers.contains_key("retry-after"));
    assert!(a.body.contains("Too many wrong codes"), "{}", a.body);
}
on_both_engines!(second_step_codes_are_throttled);

fn requiring_two_factor() -> clinic::ClinicSetup {
    let mut setup = clinic::demo();
    setup.security.require_two_factor = true;
    setup
}

/// When the clinic requires it, admins and practitioners reach only the enrolment page
/// until it is on; the front desk is not asked.
async fn a_required_second_step_must_be_set_up_first(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(&app, "owner@clinic.example", &hash, "admin", None).await;
    add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    let owner = sign_in(&app, "owner@clinic.example", "owner browser").await;
    let a = get(&app, Some(&owner.cookie), None, "/admin").await;
    assert_eq!(a.status, 303);
    assert_eq!(a.location, "/admin/account/two-factor");
    let a = get(&app, Some(&owner.cookie), None, "/api/v1/admin/bookings").await;
    assert_eq!(a.status, 403, "{}", a.body);
    let page = get(&app, Some(&owner.cookie), None, "/admin/account/two-factor").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("requires two-factor"), "{}", page.body);
    let a = post_form(
        &app,
        Some(&owner.cookie),
        "/admin/account/two-factor/start",
        &[("csrf", &owner.csrf)],
    )
    .await;
    assert_eq!(a.status, 303);
    let key = secret_of(
        &get(&app, Some(&owner.cookie), None, "/admin/account/two-factor")
            .await
            .body,
    );
    let a = post_form(
        &app,
        Some(&owner.cookie),
        "/admin/account/two-factor/confirm",
        &[("csrf", &owner.csrf), ("code", &codes(&key).0)],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        get(&app, Some(&owner.cookie), None, "/admin").await.status,
        200
    );

    let desk = sign_in(&app, "desk@clinic.example", "desk browser").await;
    assert_eq!(
        get(&app, Some(&desk.cookie), None, "/admin").await.status,
        200
    );
}
on_both_engines!(
    a_required_second_step_must_be_set_up_first,
    super::requiring_two_factor()
);

fn idle_after_five_minutes() -> clinic::ClinicSetup {
    let mut setup = clinic::demo();
    setup.security.session_idle_minutes = 5;
    setup
}

/// A session unused for longer than the clinic's idle limit is over; use keeps it alive.
async fn idle_sessions_end(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    let b = sign_in(&app, "desk@clinic.example", "desk browser").await;
    // Four minutes quiet: still open, and using it moves last-seen forward.
    execute(&app, "UPDATE staff_sessions SET last_seen_at = last_seen_at - 240, created_at = created_at - 240").await;
    assert_eq!(get(&app, Some(&b.cookie), None, "/admin").await.status, 200);
    execute(&app, "UPDATE staff_sessions SET last_seen_at = last_seen_at - 240, created_at = created_at - 240").await;
    assert_eq!(
        get(&app, Some(&b.cookie), None, "/admin").await.status,
        200,
        "use did not keep the session alive"
    );
    // Six minutes quiet: over, on pages and the API.
    execute(
        &app,
        "UPDATE staff_sessions SET last_seen_at = last_seen_at - 360",
    )
    .await;
    let a = get(&app, Some(&b.cookie), None, "/admin").await;
    assert_eq!(a.status, 303, "an idle session still works");
    assert!(a.location.starts_with("/login"), "{}", a.location);
    assert_eq!(
        get(&app, Some(&b.cookie), None, "/api/v1/admin/bookings")
            .await
            .status,
        401
    );
}
on_both_engines!(idle_sessions_end, super::idle_after_five_minutes());

/// A member sees their sessions and ends one; an admin signs everyone else out.
async fn sessions_are_listed_and_ended(app: TestApp) {
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
    let laptop = sign_in(&app, "desk@clinic.example", "Desk Laptop Browser").await;
    let tablet = sign_in(&app, "desk@clinic.example", "Front Tablet Browser").await;
    let page = get(&app, Some(&laptop.cookie), None, "/admin/account").await;
    assert!(
        page.body.contains("Desk Laptop Browser") && page.body.contains("Front Tablet Browser"),
        "{}",
        page.body
    );
    assert!(page.body.contains("127.0.0.1"), "{}", page.body);
    assert_eq!(
        page.body.matches("(this browser)").count(),
        1,
        "{}",
        page.body
    );
    let desk_id = app
        .store
        .staff_list()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.email == "desk@clinic.example")
        .unwrap()
        .id;
    let sessions = app.store.staff_sessions(&desk_id, 3600).await.unwrap();
    let tablet_session = sessions
        .iter()
        .find(|s| s.user_agent == "Front Tablet Browser")
        .unwrap();
    let a = post_form(
        &app,
        Some(&laptop.cookie),
        &format!("/admin/account/sessions/{}/end", tablet_session.id),
        &[("csrf", &laptop.csrf)],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(
        get(&app, Some(&tablet.cookie), None, "/admin").await.status,
        303,
        "an ended session still works"
    );
    assert_eq!(
        get(&app, Some(&laptop.cookie), None, "/admin").await.status,
        200
    );

    // Another member's session cannot be ended from here.
    let maya = sign_in(&app, "maya@clinic.example", "Maya Browser").await;
    let maya_id = app
        .store
        .staff_list()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.email == "maya@clinic.example")
        .unwrap()
        .id;
    let maya_session = app.store.staff_sessions(&maya_id, 3600).await.unwrap()[0]
        .id
        .clone();
    let a = post_form(
        &app,
        Some(&laptop.cookie),
        &format!("/admin/account/sessions/{maya_session}/end"),
        &[("csrf", &laptop.csrf)],
    )
    .await;
    assert_eq!(a.location, "/admin/account?done=gone");
    assert_eq!(
        get(&app, Some(&maya.cookie), None, "/admin").await.status,
        200
    );

    // Sign everyone out: only the admin who asked stays signed in.
    let owner = sign_in(&app, "owner@clinic.example", "Owner Browser").await;
    let a = post_form(
        &app,
        Some(&laptop.cookie),
        "/admin/staff/sign-out-everyone",
        &[("csrf", &laptop.csrf)],
    )
    .await;
    assert_eq!(a.status, 403, "the front desk signed everyone out");
    let a = post_form(
        &app,
        Some(&owner.cookie),
        "/admin/staff/sign-out-everyone",
        &[("csrf", &owner.csrf)],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(a.location, "/admin/staff?done=signed-out");
    for (who, cookie) in [("desk", &laptop.cookie), ("maya", &maya.cookie)] {
        assert_eq!(
            get(&app, Some(cookie), None, "/admin").await.status,
            303,
            "{who} is still signed in"
        );
    }
    assert_eq!(
        get(&app, Some(&owner.cookie), None, "/admin").await.status,
        200
    );
}
on_both_engines!(sessions_are_listed_and_ended);

/// The authenticator secret as the database holds it, read past the store.
async fn stored_secret(app: &TestApp, staff_id: &str) -> String {
    let sql = "SELECT secret FROM staff_two_factor WHERE staff_id = $1";
    if app.engine == store::Engine::Postgres {
        let pool = sqlx::PgPool::connect(&app.db_url).await.unwrap();
        sqlx::query_scalar(sql)
            .bind(staff_id)
            .fetch_one(&pool)
            .await
            .unwrap()
    } else {
        let pool = sqlx::SqlitePool::connect(&app.db_url).await.unwrap();
        sqlx::query_scalar(sql)
            .bind(staff_id)
            .fetch_one(&pool)
            .await
            .unwrap()
    }
}

/// The secret is stored sealed; a process started again with the same key takes a code;
/// one with another key is stopped at its start, and one without a key tells the member
/// plainly instead of calling every code wrong.
async fn sealed_secrets_sign_in_after_a_restart_and_a_wrong_key_says_so(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    let maya = add_staff(
        &app,
        "maya@clinic.example",
        &hash,
        "practitioner",
        Some("maya-lee"),
    )
    .await;
    let raw = b"12345678901234567890";
    let secret = web::totp::base32_encode(raw);
    assert!(app.store.begin_two_factor(&maya.id, &secret).await.unwrap());
    assert!(
        app.store
            .confirm_two_factor(&maya.id, 0, &[])
            .await
            .unwrap()
    );
    let stored = stored_secret(&app, &maya.id).await;
    assert!(
        !stored.contains(&secret) && !stored.contains(&secret.to_lowercase()),
        "the secret is readable in the database: {stored}"
    );

    let again = common::spawn_beside(&app, |_| {}).await;
    let step = password_step(&again, "maya@clinic.example").await;
    let (right, next) = codes(raw);
    let a = second_step(&again, &step, &right).await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert!(set_cookie_pair(&a, "collagen_session").is_some());

    let other = store::Store::connect(&app.db_url).await.unwrap();
    let wrong = store::SecretKey::parse(&"a5".repeat(32)).unwrap();
    assert!(matches!(
        other.unlock_secrets(wrong).await,
        Err(store::StoreError::WrongSecretKey)
    ));
    assert_eq!(
        stored_secret(&app, &maya.id).await,
        stored,
        "a refused key changed the secret"
    );

    let keyless = common::spawn_beside_keyed(&app, None, |_| {}).await;
    let step = password_step(&keyless, "maya@clinic.example").await;
    let a = second_step(&keyless, &step, &next).await;
    assert_eq!(a.status, 503, "{}", a.body);
    assert!(
        a.body.contains("different secret key") && !a.body.contains("That code is not right"),
        "{}",
        a.body
    );
}
on_both_engines!(sealed_secrets_sign_in_after_a_restart_and_a_wrong_key_says_so);
