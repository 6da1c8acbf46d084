//! Mail leaves the building: over real SMTP (a local aiosmtpd server) exactly once, or as
//! `.eml` files in the outbox folder when no SMTP server is configured.
//!
//! The SMTP tests need `python3` with `aiosmtpd` (`pip install aiosmtpd`); without it they
//! fail with a message saying so.

use crate::common;

use std::time::Duration;

use common::TestApp;
use common::smtp::{SmtpServer, eventually, files_with_extension};
use serde_json::Value;
use store::Engine;

/// A running mail worker and the switch that stops it.
struct Worker {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Worker {
    fn start(app: &TestApp, mail: web::MailConfig) -> Worker {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(web::run_mail_worker(app.store.clone(), mail, async move {
            let _ = stopped.await;
        }));
        Worker { stop, task }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the worker stops when asked")
            .unwrap();
    }
}

/// Books a consultation through the API; returns the 201 body.
async fn book_consultation(app: &TestApp, email: &str) -> Value {
    let slots = app.free_slots("consultation", None).await;
    let start = slots[0]["start"].as_str().unwrap();
    let (status, booked) = app
        .post_json(
            "/api/v1/bookings",
            &TestApp::booking_body("consultation", start, email),
        )
        .await;
    assert_eq!(status, 201, "{booked}");
    booked
}

async fn outbox_status(app: &TestApp, booking_id: &str) -> Vec<(String, String, String)> {
    app.store.mail_for_booking(booking_id).await.unwrap()
}

/// The confirmation goes out over SMTP with the booking's details and an invite, is marked
/// sent, and a second worker run does not send it again.
async fn smtp_delivers_the_confirmation_exactly_once(engine: Engine) {
    let server = SmtpServer::start().await;
    let mail = web::MailConfig::Smtp {
        url: server.url(),
        from: "Clinic <clinic@example.com>".into(),
    };
    let config = mail.clone();
    let app = common::spawn_with(engine, clinic::demo(), move |c| c.mail = config).await;
    let email = "mail-client@example.com";
    let booked = book_consultation(&app, email).await;
    let booking_id = booked["id"].as_str().unwrap();
    let reference = booked["reference"].as_str().unwrap();
    let token = booked["manage_token"].as_str().unwrap();
    assert_eq!(
        outbox_status(&app, booking_id).await,
        vec![("booked".into(), email.into(), "pending".into())]
    );
    assert!(
        server.messages().is_empty(),
        "nothing is sent before the worker runs"
    );

    let worker = Worker::start(&app, mail.clone());
    let message = eventually(
        15,
        "the SMTP server to receive the confirmation",
        async || server.messages().pop(),
    )
    .await;
    eventually(10, "the outbox row to be marked sent", async || {
        let rows = outbox_status(&app, booking_id).await;
        (rows.len() == 1 && rows[0].2 == "sent").then_some(())
    })
    .await;
    worker.stop().await;

    assert_eq!(message["rcpt_tos"], serde_json::json!([email]), "{message}");
    assert!(message["to"].as_str().unwrap().contains(email), "{message}");
    assert_eq!(message["mail_from"], "clinic@example.com", "{message}");
    assert!(
        message["from"]
            .as_str()
            .unwrap()
            .contains("clinic@example.com"),
        "{message}"
    );
    let subject = message["subject"].as_str().unwrap();
    assert!(subject.contains("Booking confirmed"), "{subject}");

    let parts = message["parts"].as_array().unwrap();
    let part = |content_type: &str| {
        parts
            .iter()
            .find(|p| p["content_type"] == content_type)
            .unwrap_or_else(|| panic!("a {content_type} part in {message}"))["content"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let text = part("text/plain");
    assert!(
        text.contains(reference),
        "the reference is in the text: {text}"
    );
    let manage_link = format!("{}/manage/{token}", app.base);
    assert!(
        text.contains(&manage_link),
        "the text links to {manage_link}: {text}"
    );
    let html = part("text/html");
    assert!(
        html.contains(reference),
        "the reference is in the HTML: {html}"
    );
    assert!(
        html.contains("/manage/"),
        "the HTML has the manage link: {html}"
    );
    let ics = part("text/calendar");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1, "{ics}");
    let start: jiff::Timestamp = booked["start"].as_str().unwrap().parse().unwrap();
    let local = start
        .in_tz("America/New_York")
        .unwrap()
        .strftime("%Y%m%dT%H%M%S")
        .to_string();
    assert!(
        ics.contains(&format!("DTSTART;TZID=America/New_York:{local}")),
        "the invite starts at {local} New York time: {ics}"
    );
    let invite = parts
        .iter()
        .find(|p| p["content_type"] == "text/calendar")
        .unwrap();
    assert!(
        invite["filename"]
            .as_str()
            .is_some_and(|f| f.ends_with(".ics")),
        "{invite}"
    );

    // A second run finds nothing due.
    let again = Worker::start(&app, mail);
    tokio::time::sleep(Duration::from_secs(2)).await;
    again.stop().await;
    assert_eq!(
        server.messages().len(),
        1,
        "the confirmation was sent exactly once"
    );
    assert_eq!(
        outbox_status(&app, booking_id).await,
        vec![("booked".into(), email.into(), "sent".into())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs Python's aiosmtpd as the real SMTP server (pip install aiosmtpd); run with --ignored (CI does)"]
async fn smtp_delivers_the_confirmation_exactly_once_sqlite() {
    smtp_delivers_the_confirmation_exactly_once(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL at COLLAGEN_TEST_POSTGRES and Python's aiosmtpd; run with --ignored (CI does)"]
async fn smtp_delivers_the_confirmation_exactly_once_postgres() {
    smtp_delivers_the_confirmation_exactly_once(Engine::Postgres).await;
}

/// When the SMTP server is down, the message stays queued (not sent, not lost) and goes
/// out once the server is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn smtp_outage_keeps_the_message_queued() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mail = web::MailConfig::Smtp {
        url: format!("smtp://127.0.0.1:{port}"),
        from: "Clinic <clinic@example.com>".into(),
    };
    let config = mail.clone();
    let app = common::spawn_with(Engine::Sqlite, clinic::demo(), move |c| c.mail = config).await;
    let booked = book_consultation(&app, "outage@example.com").await;
    let booking_id = booked["id"].as_str().unwrap();
    let worker = Worker::start(&app, mail);
    tokio::time::sleep(Duration::from_secs(2)).await;
    worker.stop().await;
    let rows = outbox_status(&app, booking_id).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        rows[0].2, "pending",
        "a failed delivery is retried later, not dropped: {rows:?}"
    );
}

/// Without SMTP, the worker writes each message as an `.eml` file under `DATA_DIR/outbox`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn outbox_mode_writes_one_eml_file() {
    let app = common::spawn(Engine::Sqlite).await;
    let mail = app.state.config.mail.clone();
    let outbox = app.data_dir.path().join("outbox");
    match &mail {
        web::MailConfig::Outbox { dir, .. } => {
            assert_eq!(dir, &outbox, "the default outbox is DATA_DIR/outbox")
        }
        other => panic!("the default mail config is the outbox folder, not {other:?}"),
    }
    let booked = book_consultation(&app, "eml-client@example.com").await;
    let booking_id = booked["id"].as_str().unwrap();
    let reference = booked["reference"].as_str().unwrap();

    let worker = Worker::start(&app, mail.clone());
    let file = eventually(15, "an .eml file in the outbox", async || {
        files_with_extension(&outbox, "eml").pop()
    })
    .await;
    eventually(10, "the outbox row to be marked sent", async || {
        let rows = outbox_status(&app, booking_id).await;
        (rows.len() == 1 && rows[0].2 == "sent").then_some(())
    })
    .await;
    worker.stop().await;
    let again = Worker::start(&app, mail);
    tokio::time::sleep(Duration::from_secs(1)).await;
    again.stop().await;

    assert_eq!(
        files_with_extension(&outbox, "eml").len(),
        1,
        "exactly one message written"
    );
    let raw = std::fs::read_to_string(&file).unwrap();
    // Undo quoted-printable soft line breaks before looking for text.
    let text = raw.replace("=\r\n", "").replace("=\n", "");
    assert!(
        text.contains("To: eml-client@example.com") || text.contains("<eml-client@example.com>"),
        "{raw}"
    );
    assert!(text.contains("Subject: Booking confirmed"), "{raw}");
    assert!(
        text.contains(reference),
        "the .eml holds the reference {reference}: {raw}"
    );
    assert!(
        text.contains("text/calendar"),
        "the invite is attached: {raw}"
    );
}
