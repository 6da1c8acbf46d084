//! Planned messages at the web edge: a reminder reaches a real SMTP server at the time a
//! test clock sets, with RFC 8058 one-click unsubscribe headers; the unsubscribe page asks
//! before it acts and refuses a forged link; the back office lists a booking's messages.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use common::smtp::{SmtpServer, eventually};
use common::*;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use store::Engine;

const PASSWORD: &str = "a long enough passphrase";

/// Books a consultation at the first free time at least four days ahead, so its reminder is
/// still to come; returns the 201 body.
async fn book_ahead(app: &TestApp, email: &str) -> Value {
    let soon = Timestamp::now() + SignedDuration::from_hours(24 * 4);
    let slot = app
        .free_slots("consultation", None)
        .await
        .into_iter()
        .find(|s| s["start"].as_str().unwrap().parse::<Timestamp>().unwrap() > soon)
        .expect("a free time four days ahead");
    let (status, booked) = app
        .post_json(
            "/api/v1/bookings",
            &TestApp::booking_body("consultation", slot["start"].as_str().unwrap(), email),
        )
        .await;
    assert_eq!(status, 201, "{booked}");
    booked
}

/// A clock the worker reads and the test sets.
fn test_clock(at: Timestamp) -> (Arc<AtomicI64>, mail::Clock) {
    let now = Arc::new(AtomicI64::new(at.as_second()));
    let read = now.clone();
    let clock: mail::Clock =
        Arc::new(move || Timestamp::from_second(read.load(Ordering::SeqCst)).expect("in range"));
    (now, clock)
}

async fn reminder_reaches_smtp_at_its_time_with_one_click_unsubscribe(engine: Engine) {
    let server = SmtpServer::start().await;
    let mail_config = web::MailConfig::Smtp {
        url: server.url(),
        from: "Clinic <clinic@example.com>".into(),
    };
    let app = spawn_with(engine, clinic::demo(), |_| {}).await;
    let booked = book_ahead(&app, "planned@example.com").await;
    let id = booked["id"].as_str().unwrap();
    let list = app.state.flows.booking_messages(id).await.unwrap();
    let reminder = list
        .iter()
        .find(|m| m.kind == "reminder")
        .expect("a reminder is planned");
    assert_eq!(reminder.status, "planned");

    let (now, clock) = test_clock(Timestamp::now());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(mail::run_worker_with_clock(
        app.store.clone(),
        mail_config,
        clock,
        async move {
            let _ = stopped.await;
        },
    ));
    eventually(15, "the confirmation", async || {
        (server.messages().len() == 1).then_some(())
    })
    .await;
    now.store(
        (reminder.due_at - SignedDuration::from_secs(1)).as_second(),
        Ordering::SeqCst,
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(server.messages().len(), 1, "nothing goes before its time");
    now.store(reminder.due_at.as_second(), Ordering::SeqCst);
    let received = eventually(15, "the reminder", async || {
        server.messages().into_iter().find(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.starts_with("Reminder"))
        })
    })
    .await;
    let headers = &received["headers"];
    let unsubscribe = headers["List-Unsubscribe"]
        .as_str()
        .expect("List-Unsubscribe");
    assert_eq!(
        headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click",
        "{headers}"
    );
    let url = unsubscribe.trim_start_matches('<').trim_end_matches('>');
    assert!(
        url.starts_with(&format!("{}/unsubscribe/", app.base)),
        "{url}"
    );
    assert!(
        headers["Message-ID"]
            .as_str()
            .is_some_and(|m| m.ends_with("@example.com>"))
    );
    let text = received["parts"][0]["content"].as_str().unwrap();
    assert!(text.contains("Before your appointment"), "{text}");
    assert!(
        text.contains(url),
        "the text carries the unsubscribe link too"
    );

    // A mail program's one-click request, with no cookie: the client is unsubscribed.
    let res = app
        .http
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // The same-day note is then skipped when due, while the worker keeps running.
    let same_day = list.iter().find(|m| m.kind == "same_day");
    if let Some(same_day) = same_day {
        now.store(same_day.due_at.as_second(), Ordering::SeqCst);
        eventually(15, "the same-day note to be skipped", async || {
            let list = app.state.flows.booking_messages(id).await.unwrap();
            list.iter()
                .any(|m| m.kind == "same_day" && m.status == "skipped")
                .then_some(())
        })
        .await;
    }
    let _ = stop.send(());
    worker.await.unwrap();
    assert_eq!(
        server.messages().len(),
        2,
        "the confirmation and the reminder, once each"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs Python's aiosmtpd as the real SMTP server (pip install aiosmtpd); run with --ignored (CI does)"]
async fn reminder_reaches_smtp_at_its_time_with_one_click_unsubscribe_sqlite() {
    reminder_reaches_smtp_at_its_time_with_one_click_unsubscribe(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL and Python's aiosmtpd; run with --ignored"]
async fn reminder_reaches_smtp_at_its_time_with_one_click_unsubscribe_postgres() {
    reminder_reaches_smtp_at_its_time_with_one_click_unsubscribe(Engine::Postgres).await;
}

/// The unsubscribe link from a planned message, as the worker would send it.
async fn unsubscribe_url(app: &TestApp, booking_id: &str) -> String {
    let list = app.state.flows.booking_messages(booking_id).await.unwrap();
    let due = list.iter().find(|m| m.kind == "reminder").unwrap().due_at;
    let claimed = app.store.claim_due(due, "email", 50).await.unwrap();
    claimed
        .into_iter()
        .find(|m| m.kind == "reminder")
        .and_then(|m| m.unsubscribe_url)
        .expect("the reminder carries an unsubscribe link")
}

async fn the_unsubscribe_page_asks_then_acts(app: TestApp) {
    let booked = book_ahead(&app, "page@example.com").await;
    let url = unsubscribe_url(&app, booked["id"].as_str().unwrap()).await;
    let path = url.trim_start_matches(&app.base).to_owned();
    let client_id = path
        .rsplit('/')
        .next()
        .unwrap()
        .split('.')
        .next()
        .unwrap()
        .to_owned();

    let get = answer(app.http.get(&url).send().await.unwrap()).await;
    assert_eq!(get.status, 200, "{}", get.body);
    assert!(get.body.contains("<form method=\"post\""), "{}", get.body);
    assert!(
        get.body.contains(&format!("action=\"{path}\"")),
        "{}",
        get.body
    );
    assert!(
        !app.store.opted_out(&client_id).await.unwrap(),
        "GET changes nothing"
    );

    for bad in [
        format!("{path}0"),
        path.replace(&client_id, "someone-else"),
        "/unsubscribe/nonsense".to_owned(),
        "/unsubscribe/a.%0d%0a".to_owned(),
    ] {
        let a = answer(
            app.http
                .post(format!("{}{bad}", app.base))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(a.status, 404, "{bad}: {}", a.body);
        assert!(a.body.contains("This link does not work"), "{}", a.body);
    }
    // A NUL is refused before any page sees it.
    let nul = answer(
        app.http
            .post(format!("{}/unsubscribe/%00.x", app.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(nul.status, 400, "{}", nul.body);
    assert!(!app.store.opted_out(&client_id).await.unwrap());

    let post = answer(app.http.post(&url).send().await.unwrap()).await;
    assert_eq!(post.status, 200, "{}", post.body);
    assert!(post.body.contains("You are unsubscribed"), "{}", post.body);
    assert!(app.store.opted_out(&client_id).await.unwrap());
    let again = answer(app.http.get(&url).send().await.unwrap()).await;
    assert!(
        again.body.contains("You are unsubscribed"),
        "{}",
        again.body
    );
}

on_both_engines!(the_unsubscribe_page_asks_then_acts);

async fn sign_in(app: &TestApp, email: &str) -> String {
    let a = post_sign_in(app, &[("email", email), ("password", PASSWORD)], &[], &[]).await;
    assert_eq!(a.status, 303, "sign-in of {email} failed: {}", a.body);
    set_cookie_pair(&a, "collagen_session").expect("a session cookie")
}

async fn the_back_office_lists_a_bookings_messages(app: TestApp) {
    let hash = web::hash_password(PASSWORD);
    add_staff(&app, "desk@clinic.example", &hash, "front-desk", None).await;
    let desk = sign_in(&app, "desk@clinic.example").await;
    let booked = book_ahead(&app, "listed@example.com").await;
    let id = booked["id"].as_str().unwrap();
    let get = |path: String| {
        let req = app
            .http
            .get(format!("{}{path}", app.base))
            .header("cookie", desk.clone());
        async move { answer(req.send().await.unwrap()).await }
    };
    let a = get(format!("/api/v1/admin/bookings/{id}/messages")).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let list: Value = serde_json::from_str(&a.body).unwrap();
    let kinds: Vec<(&str, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["kind"].as_str().unwrap(), m["status"].as_str().unwrap()))
        .collect();
    assert!(kinds.contains(&("booked", "planned")), "{kinds:?}");
    assert!(kinds.contains(&("reminder", "planned")), "{kinds:?}");
    for m in list.as_array().unwrap() {
        let due: jiff::ZonedDateTime = m["due_at"]
            .as_str()
            .unwrap()
            .parse::<Timestamp>()
            .unwrap()
            .in_tz("America/New_York")
            .unwrap();
        assert!(due.year() >= 2025, "{m}");
        assert_eq!(m["channel"], "email");
    }
    let missing = get("/api/v1/admin/bookings/nope/messages".into()).await;
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert!(
        missing.headers["content-type"]
            .to_str()
            .unwrap()
            .contains("problem+json")
    );

    let page = get(format!("/admin/bookings/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<h2>Messages</h2>"), "{}", page.body);
    assert!(page.body.contains("reminder"), "{}", page.body);
}

on_both_engines!(the_back_office_lists_a_bookings_messages);

/// Delivery throughput to a local SMTP server (aiosmtpd): one worker, 500 due messages.
/// A measurement for BENCHMARKS.md; it asserts only that every message arrives once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a measurement; needs Python's aiosmtpd; run with --ignored --nocapture"]
async fn smtp_delivery_throughput() {
    const N: usize = 500;
    let server = SmtpServer::start().await;
    let app = spawn(Engine::Sqlite).await;
    let pool = sqlx::SqlitePool::connect(&app.db_url).await.unwrap();
    let now = Timestamp::now().as_second();
    let mut tx = pool.begin().await.unwrap();
    for i in 0..N {
        sqlx::query(
            "INSERT INTO outbox (id, kind, recipient, subject, body_text, body_html, next_attempt_at, created_at, due_at, planned, unsubscribe_url)
             VALUES ($1, 'reminder', $2, 'Reminder', 'A reminder of your appointment.', '<p>A reminder of your appointment.</p>', $3, $3, $3, 1, 'http://clinic.test/unsubscribe/x')",
        )
        .bind(store::new_id())
        .bind(format!("client{i}@example.com"))
        .bind(now)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let started = std::time::Instant::now();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(web::run_mail_worker(
        app.store.clone(),
        web::MailConfig::Smtp {
            url: server.url(),
            from: "Clinic <clinic@example.com>".into(),
        },
        async move {
            let _ = stopped.await;
        },
    ));
    // Count sent rows, not the server's files: reading 500 JSON files every poll would
    // compete for the same two cores.
    eventually(300, "every message sent", async || {
        let (sent,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
            .fetch_one(&pool)
            .await
            .unwrap();
        (sent as usize >= N).then_some(())
    })
    .await;
    let took = started.elapsed();
    let _ = stop.send(());
    worker.await.unwrap();
    assert_eq!(server.messages().len(), N);
    eprintln!(
        "{N} messages over SMTP in {took:?}: {:.0} messages/s",
        N as f64 / took.as_secs_f64()
    );
}
