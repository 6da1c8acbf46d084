//! Sign-in under attack, on SQLite and PostgreSQL: another site cannot sign a browser in,
//! a burst of guesses (even over two app processes on one database) verifies at most the
//! allowance, and guessing at one address never keeps the owner out.

use crate::common;

use std::time::Duration;

use common::{Answer, TestApp, add_staff, answer, post_sign_in, set_cookie_pair, sign_in_form};
use reqwest::header::{COOKIE, RETRY_AFTER};

const PASSWORD: &str = "ochre lantern drifts slowly 47";
const OWNER: &str = "owner@clinic.example";
/// `auth::throttle::PER_ACCOUNT_AND_ADDRESS`: tries one address has at one account.
const ALLOWANCE: usize = 8;
/// `auth::throttle::PER_ACCOUNT`: tries an account has from every address together.
const ACCOUNT_ALLOWANCE: usize = 30;

async fn add_owner(app: &TestApp) {
    add_staff(app, OWNER, &web::hash_password(PASSWORD), "admin", None).await;
}

/// Posts the sign-in form with exactly the cookie, token and headers given.
async fn raw_post(
    app: &TestApp,
    cookie: Option<&str>,
    token: Option<&str>,
    headers: &[(&str, &str)],
) -> Answer {
    let mut form = vec![("email", OWNER), ("password", PASSWORD)];
    if let Some(t) = token {
        form.push(("csrf", t));
    }
    let mut req = app.http.post(format!("{}/login", app.base)).form(&form);
    if let Some(c) = cookie {
        req = req.header(COOKIE, c);
    }
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    answer(req.send().await.expect("POST /login")).await
}

/// A refused post shows the form again, with a fresh token and the reason, and no session.
#[track_caller]
fn refused_with_the_form(a: &Answer, what: &str) {
    assert_eq!(a.status, 403, "{what}: {}", a.body);
    assert_eq!(
        set_cookie_pair(a, "collagen_session"),
        None,
        "{what} signed the browser in"
    );
    assert!(
        a.body.contains("name=\"csrf\""),
        "{what}: no form: {}",
        a.body
    );
    assert!(
        a.body.contains("was not sent from this site"),
        "{what}: no clear message: {}",
        a.body
    );
    assert!(
        set_cookie_pair(a, "collagen_signin").is_some(),
        "{what}: the form again needs its cookie"
    );
}

/// Another site posting correct credentials signs nobody in, with or without a token it
/// copied from its own visit.
async fn a_cross_site_sign_in_is_refused(app: TestApp) {
    add_owner(&app).await;
    let evil = [("origin", "http://evil.example")];
    refused_with_the_form(
        &raw_post(&app, None, None, &evil).await,
        "cross-origin, no token",
    );
    let (cookie, token) = sign_in_form(&app).await;
    refused_with_the_form(
        &raw_post(&app, Some(&cookie), Some(&token), &evil).await,
        "cross-origin with a token",
    );
    refused_with_the_form(
        &raw_post(
            &app,
            Some(&cookie),
            Some(&token),
            &[("sec-fetch-site", "cross-site")],
        )
        .await,
        "Sec-Fetch-Site: cross-site",
    );
    // The same token and cookie from this site's own page sign in.
    let a = raw_post(
        &app,
        Some(&cookie),
        Some(&token),
        &[("origin", &app.base), ("sec-fetch-site", "same-origin")],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert!(set_cookie_pair(&a, "collagen_session").is_some());
}
on_both_engines!(a_cross_site_sign_in_is_refused);

/// Even from this site, a post needs the form's token, matching its cookie.
async fn a_same_site_sign_in_needs_the_form_token(app: TestApp) {
    add_owner(&app).await;
    let same = [("origin", app.base.as_str())];
    refused_with_the_form(&raw_post(&app, None, None, &same).await, "no token");
    let (cookie, token) = sign_in_form(&app).await;
    refused_with_the_form(
        &raw_post(&app, Some(&cookie), None, &same).await,
        "cookie only",
    );
    refused_with_the_form(
        &raw_post(&app, None, Some(&token), &same).await,
        "token only",
    );
    let (_, other) = sign_in_form(&app).await;
    refused_with_the_form(
        &raw_post(&app, Some(&cookie), Some(&other), &same).await,
        "another form's token",
    );
    let a = raw_post(&app, Some(&cookie), Some(&token), &same).await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(a.location, "/admin");
    let session = set_cookie_pair(&a, "collagen_session").expect("a session");
    let page = answer(
        app.http
            .get(format!("{}/admin", app.base))
            .header(COOKIE, session)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, 200, "the new session does not open /admin");
}
on_both_engines!(a_same_site_sign_in_needs_the_form_token);

/// Sends `n` wrong sign-ins at once, spread over `apps` in turn, and answers how many were
/// checked (401) and how many refused unchecked (429); panics on anything else.
async fn burst(apps: &[&TestApp], n: usize) -> (usize, usize) {
    let mut forms = Vec::new();
    for app in apps {
        forms.push(sign_in_form(app).await);
    }
    let requests = (0..n).map(|i| {
        let app = apps[i % apps.len()];
        let (cookie, token) = forms[i % apps.len()].clone();
        async move {
            let res = app
                .http
                .post(format!("{}/login", app.base))
                .header(COOKIE, cookie)
                .form(&[
                    ("email", OWNER),
                    ("password", &format!("wrong guess {i}")),
                    ("csrf", &token),
                ])
                .send()
                .await
                .expect("POST /login");
            let retry = res.headers().get(RETRY_AFTER).is_some();
            (res.status().as_u16(), retry)
        }
    });
    let answers = tokio::time::timeout(
        Duration::from_secs(180),
        futures::future::join_all(requests),
    )
    .await
    .expect("the burst finished within three minutes");
    let checked = answers.iter().filter(|(s, _)| *s == 401).count();
    let refused = answers.iter().filter(|(s, r)| *s == 429 && *r).count();
    assert_eq!(checked + refused, n, "other answers: {answers:?}");
    (checked, refused)
}

/// 100 wrong sign-ins at once: exactly the allowance is checked, the rest refused.
async fn a_burst_checks_at_most_the_allowance(app: TestApp) {
    add_owner(&app).await;
    let (checked, refused) = burst(&[&app], 100).await;
    assert_eq!(
        (checked, refused),
        (ALLOWANCE, 100 - ALLOWANCE),
        "passwords checked vs refused"
    );
}
on_both_engines!(a_burst_checks_at_most_the_allowance);

/// Two apps on one database (as two `serve` processes) share the count.
async fn two_apps_on_one_database_share_the_allowance(app: TestApp) {
    add_owner(&app).await;
    let other = common::spawn_beside(&app, |_| {}).await;
    let (checked, refused) = burst(&[&app, &other], 100).await;
    assert_eq!(
        (checked, refused),
        (ALLOWANCE, 100 - ALLOWANCE),
        "passwords checked vs refused over two apps"
    );
}
on_both_engines!(two_apps_on_one_database_share_the_allowance);

async fn from(app: &TestApp, address: &str, password: &str, device: Option<&str>) -> Answer {
    let cookies: Vec<&str> = device.into_iter().collect();
    post_sign_in(
        app,
        &[("email", OWNER), ("password", password)],
        &cookies,
        &[("x-forwarded-for", address)],
    )
    .await
}

/// While an address guesses at the owner's account, the owner signs in from another
/// address, and from the guessing address with a device that signed in before; while
/// the account is guessed at from many addresses, only a known device opens it.
async fn the_owner_signs_in_while_the_account_is_guessed_at(app: TestApp) {
    add_owner(&app).await;
    let first = from(&app, "10.0.0.5", PASSWORD, None).await;
    assert_eq!(first.status, 303, "{}", first.body);
    let device = set_cookie_pair(&first, "collagen_device").expect("a known-device cookie");

    for i in 0..ALLOWANCE + 4 {
        let a = from(&app, "10.6.6.6", &format!("wrong guess {i}"), None).await;
        let expected = if i < ALLOWANCE { 401 } else { 429 };
        assert_eq!(a.status, expected, "guess {i}: {}", a.body);
    }
    let a = from(&app, "10.6.6.6", PASSWORD, None).await;
    assert_eq!(a.status, 429, "the guessing address was not throttled");
    let a = from(&app, "10.0.0.7", PASSWORD, None).await;
    assert_eq!(a.status, 303, "the owner at another address: {}", a.body);
    let a = from(&app, "10.6.6.6", PASSWORD, Some(&device)).await;
    assert_eq!(
        a.status, 303,
        "the owner's device at the guessing address: {}",
        a.body
    );
    // A made-up device cookie is no known device.
    let forged = "collagen_device=made-up-device-token-aaaaaaaaaaaaaaaaaaaaa";
    let a = from(&app, "10.6.6.6", PASSWORD, Some(forged)).await;
    assert_eq!(a.status, 429, "a made-up device cookie passed: {}", a.body);

    // Guesses from many addresses, one each, use up the account's allowance (the guessing
    // address's refused tries above did not count towards it).
    for i in 0..ACCOUNT_ALLOWANCE - ALLOWANCE {
        let a = from(&app, &format!("10.1.0.{i}"), "wrong again", None).await;
        assert_eq!(a.status, 401, "spread guess {i}: {}", a.body);
    }
    let a = from(&app, "10.2.0.1", PASSWORD, None).await;
    assert_eq!(a.status, 429, "the account was not throttled: {}", a.body);
    assert!(a.body.contains("several places"), "{}", a.body);
    assert!(a.headers.get(RETRY_AFTER).is_some());
    let a = from(&app, "10.2.0.1", PASSWORD, Some(&device)).await;
    assert_eq!(a.status, 303, "the owner's known device: {}", a.body);
}

on_both_engines!(
    the_owner_signs_in_while_the_account_is_guessed_at,
    clinic::demo(),
    |c: &mut web::Config| c.behind_proxy = true
);
