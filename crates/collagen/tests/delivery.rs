//! The delivery suite: mail leaves through the real binary to a real SMTP server (Python's
//! aiosmtpd), and the database's outbox is held to what the server received.
//!
//! - SIGKILL while delivering loses nothing: `serve` is killed twice mid-stream and started
//!   again; every queued message arrives, and a message delivered twice (sent, then killed
//!   before it was marked) carries the same Message-ID both times, so a mail client folds
//!   the copies into one. On SQLite and on PostgreSQL.
//! - Two `serve` processes on one PostgreSQL database deliver 1,000 due messages between
//!   them: none twice, none lost.
//!
//! Needs `python3` with `aiosmtpd` (`pip install aiosmtpd`). `COLLAGEN_DELIVERY_MESSAGES`
//! (default 1,000 for two processes, a third of it for the kills) scales it;
//! `COLLAGEN_SUITE_SEED` repeats a run.

mod suite;

// The web crate's test SMTP server, shared so both suites read mail the same way.
#[allow(dead_code, reason = "this suite needs only the server")]
#[path = "../../web/tests/it/common/smtp.rs"]
mod smtp;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde_json::Value;
use smtp::SmtpServer;
use suite::{Database, Rng, Server};

/// Queues `n` messages due now, each to its own client, straight into the outbox as the
/// workflows would (one row each); returns their ids.
async fn queue(database: &Database, n: u64) -> BTreeSet<String> {
    let now = jiff::Timestamp::now().as_second();
    let inserted = database
        .execute(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})
             INSERT INTO outbox (id, kind, recipient, subject, body_text, body_html,
                 next_attempt_at, created_at, due_at)
             SELECT 'suite-' || i, 'booked', 'client-' || i || '@example.com',
                 'Your appointment ' || i, 'Booked, number ' || i, '<p>Booked</p>',
                 {now}, {now}, {now}
             FROM n"
        ))
        .await;
    assert_eq!(inserted, n);
    (1..=n).map(|i| format!("suite-{i}")).collect()
}

/// A received message's Message-ID without its brackets.
fn message_id(message: &Value) -> String {
    let headers = message["headers"].as_object().expect("headers");
    headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("message-id"))
        .and_then(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("a message without a Message-ID: {message}"))
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned()
}

/// What the SMTP server received, by the outbox row a Message-ID names (`<row@domain>`):
/// the copies of each, as (subject, recipient).
fn received(server: &SmtpServer) -> BTreeMap<String, Vec<(String, String)>> {
    let mut by_row = BTreeMap::<String, Vec<(String, String)>>::new();
    for message in server.messages() {
        let id = message_id(&message);
        let (row, _domain) = id
            .split_once('@')
            .unwrap_or_else(|| panic!("a Message-ID without a domain: {id}"));
        by_row.entry(row.to_owned()).or_default().push((
            message["subject"].as_str().unwrap_or_default().to_owned(),
            message["to"].as_str().unwrap_or_default().to_owned(),
        ));
    }
    by_row
}

/// Waits, at most `seconds`, until no queued message is left pending.
async fn until_all_sent(database: &Database, seconds: u64) {
    let started = Instant::now();
    loop {
        let waiting = database
            .count("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'")
            .await;
        if waiting == 0 {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(seconds),
            "{waiting} messages still not sent after {seconds} s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Every queued message arrived; every copy of one carries the same Message-ID and the
/// same words; nothing arrived that was not queued. Returns how many copies were extra.
fn check_arrivals(queued: &BTreeSet<String>, server: &SmtpServer) -> usize {
    let got = received(server);
    let lost: Vec<&String> = queued.iter().filter(|id| !got.contains_key(*id)).collect();
    assert!(
        lost.is_empty(),
        "{} messages never arrived: {lost:?}",
        lost.len()
    );
    let strangers: Vec<&String> = got.keys().filter(|id| !queued.contains(*id)).collect();
    assert!(strangers.is_empty(), "mail nobody queued: {strangers:?}");
    for (id, copies) in &got {
        assert!(
            copies.windows(2).all(|w| w[0] == w[1]),
            "copies of {id} differ: {copies:?}"
        );
    }
    got.values().map(|copies| copies.len() - 1).sum()
}

async fn sigkill_mid_delivery(dir: tempfile::TempDir, database: Database) {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let flags = ["--smtp-url", url.as_str()];
    let data_dir = dir.path().join("serve");
    let n = suite::env_number("COLLAGEN_DELIVERY_MESSAGES", 1_000) / 3;
    let mut rng = Rng::from_env();
    let mut server = Server::start_with(&data_dir, &database, "serve", &flags).await;
    let queued = queue(&database, n).await;
    let started = Instant::now();
    let mut arrived = 0;
    for kill in 0..2 {
        // Kill once some more mail has arrived: the worker is mid-stream, a message on the wire.
        let wanted = arrived + 20 + rng.below(n as usize / 5);
        loop {
            arrived = smtp.messages().len();
            if arrived >= wanted {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "only {arrived} of {n} messages arrived before kill {kill}"
            );
            tokio::time::sleep(Duration::from_millis(rng.below(20) as u64)).await;
        }
        server.kill();
        let sent = database
            .count("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
            .await;
        eprintln!("kill {kill}: {arrived} received, {sent} marked sent, of {n}");
        assert!(sent < n as i64, "the kill came after the last message");
        // The killed worker's leases would run out in two minutes; the test moves them on.
        database
            .execute("UPDATE outbox SET claimed_until = 0 WHERE status = 'pending'")
            .await;
        server = Server::start_with(&data_dir, &database, "serve", &flags).await;
    }
    until_all_sent(&database, 60).await;
    // Give a copy still in the SMTP server's hands time to land before counting.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let extra = check_arrivals(&queued, &smtp);
    let logged = server.logged_5xx();
    drop(server);
    database.drop_now().await;
    eprintln!(
        "{n} messages, 2 kills: all arrived in {:.1} s, {extra} delivered twice with the same Message-ID",
        started.elapsed().as_secs_f64()
    );
    assert!(logged.is_empty(), "the server logged errors: {logged:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Python's aiosmtpd; kills the real binary while it delivers; run with --ignored"]
async fn delivery_suite_sigkill_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let database = Database::sqlite(&dir.path().join("serve"));
    sigkill_mid_delivery(dir, database).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL at COLLAGEN_TEST_POSTGRES and Python's aiosmtpd; run with --ignored"]
async fn delivery_suite_sigkill_postgres() {
    let dir = tempfile::tempdir().unwrap();
    sigkill_mid_delivery(dir, Database::postgres().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL at COLLAGEN_TEST_POSTGRES and Python's aiosmtpd; run with --ignored"]
async fn delivery_suite_two_processes_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let database = Database::postgres().await;
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let n = suite::env_number("COLLAGEN_DELIVERY_MESSAGES", 1_000);
    // Each process signs its Message-IDs with its own domain, so the mail says who sent it.
    let a = Server::start_with(
        &dir.path().join("a"),
        &database,
        "a",
        &[
            "--smtp-url",
            &url,
            "--mail-from",
            "Clinic <clinic@a.example>",
        ],
    )
    .await;
    let b = Server::start_with(
        &dir.path().join("b"),
        &database,
        "b",
        &[
            "--smtp-url",
            &url,
            "--mail-from",
            "Clinic <clinic@b.example>",
        ],
    )
    .await;
    let queued = queue(&database, n).await;
    let started = Instant::now();
    until_all_sent(&database, 60).await;
    let seconds = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let extra = check_arrivals(&queued, &smtp);
    let by_process = smtp.messages().iter().map(message_id).fold(
        BTreeMap::<String, usize>::new(),
        |mut m, id| {
            *m.entry(id.split_once('@').unwrap().1.to_owned())
                .or_default() += 1;
            m
        },
    );
    let logged: Vec<String> = a.logged_5xx().into_iter().chain(b.logged_5xx()).collect();
    drop((a, b));
    database.drop_now().await;
    eprintln!(
        "{n} messages by two processes in {seconds:.1} s ({:.0}/s): {by_process:?}, {extra} duplicates",
        n as f64 / seconds
    );
    assert_eq!(extra, 0, "messages delivered twice");
    assert_eq!(
        by_process.len(),
        2,
        "both processes delivered: {by_process:?}"
    );
    assert!(logged.is_empty(), "the servers logged errors: {logged:?}");
}
