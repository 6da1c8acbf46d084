//! The race suite: thousands of clients racing for the same and for overlapping times over
//! real HTTP, against the real binary, on SQLite and on two processes sharing PostgreSQL.
//! Afterwards the database itself is asked whether any two standing bookings hold one
//! practitioner or room at once, and every answer is checked for a 5xx.
//!
//! `COLLAGEN_RACE_BOOKINGS` (default 10,000 per engine), `COLLAGEN_RACE_WAVE` (requests
//! fired together, default 64) and `COLLAGEN_RACE_SECONDS` (the bound on the load, default
//! 600) scale it; `COLLAGEN_SUITE_SEED` repeats a run.

mod suite;

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use suite::{Database, Rng, SERVICES, Server};

/// What the clients saw.
#[derive(Default)]
struct Seen {
    statuses: BTreeMap<u16, u64>,
    /// Refusals by problem type, to show what the races ended in.
    refusals: BTreeMap<String, u64>,
    booked: HashSet<String>,
    server_errors: Vec<String>,
    transport_errors: Vec<String>,
}

/// One wave: `n` requests fired together at times around one free start, so they compete
/// for the same start (same service), for overlapping phases of other services, and for
/// the same client (a shared email) across processes. A screening belongs to the client who
/// first books with it, so each client has their own: `screenings[i]` for request `i`, and
/// the shared client uses `screenings[0]`.
fn wave_bodies(
    rng: &mut Rng,
    wave: u64,
    n: usize,
    service: &str,
    start: &str,
    screenings: &[String],
) -> Vec<serde_json::Value> {
    (0..n)
        .map(|i| {
            let (email, screening) = if i % 8 == 0 {
                (format!("twin-{wave}@example.com"), &screenings[0])
            } else {
                (format!("race-{wave}-{i}@example.com"), &screenings[i])
            };
            if i % 3 == 0 {
                return suite::booking_body(service, start, None, &email, screening);
            }
            let (other, practitioners) = *rng.pick(SERVICES);
            let minutes = 15 * (rng.below(9) as i64 - 4);
            let practitioner = (rng.below(2) == 0).then(|| *rng.pick(practitioners));
            suite::booking_body(
                other,
                &suite::shifted(start, minutes),
                practitioner,
                &email,
                screening,
            )
        })
        .collect()
}

/// A free start to race for: some service on some day within the horizon, or, once the
/// calendar is full, a start seen before (every request then loses, which is fine).
async fn target(
    http: &reqwest::Client,
    base: &str,
    rng: &mut Rng,
    seen: &mut Vec<(String, String)>,
) -> (String, String) {
    for _ in 0..10 {
        let (service, _) = *rng.pick(SERVICES);
        let day = suite::clinic_date(1 + rng.below(88) as i64);
        let starts = suite::free_starts(http, base, service, day, day).await;
        if !starts.is_empty() {
            let start = rng.pick(&starts).clone();
            seen.push((service.to_owned(), start.clone()));
            return (service.to_owned(), start);
        }
    }
    assert!(!seen.is_empty(), "the demo clinic offered no time at all");
    rng.pick(seen).clone()
}

/// Races against `processes` servers on `database`, each with its data folder
/// `dir/server-N` (SQLite's database lives in `server-0`).
async fn race_in(dir: tempfile::TempDir, database: Database, processes: usize) {
    let mut servers = Vec::new();
    for i in 0..processes {
        let data_dir = dir.path().join(format!("server-{i}"));
        servers.push(Server::start(&data_dir, &database, "serve").await);
    }
    let total = suite::env_number("COLLAGEN_RACE_BOOKINGS", 10_000);
    let wave_size = suite::env_number("COLLAGEN_RACE_WAVE", 64) as usize;
    let bound = Duration::from_secs(suite::env_number("COLLAGEN_RACE_SECONDS", 600));
    let http = suite::client();
    let mut rng = Rng::from_env();
    let mut seen_targets = Vec::new();
    let mut seen = Seen::default();
    let started = Instant::now();
    let mut sent = 0u64;
    let mut wave = 0u64;
    while sent < total {
        assert!(
            started.elapsed() < bound,
            "the race did not finish {total} bookings within {bound:?} ({sent} sent)"
        );
        let (service, start) = target(
            &http,
            &servers[wave as usize % processes].base,
            &mut rng,
            &mut seen_targets,
        )
        .await;
        let n = wave_size.min((total - sent) as usize);
        let screenings = suite::eligible_screenings(&http, &servers[0].base, n).await;
        let mut tasks = tokio::task::JoinSet::new();
        for (i, body) in wave_bodies(&mut rng, wave, n, &service, &start, &screenings)
            .into_iter()
            .enumerate()
        {
            let http = http.clone();
            let url = format!("{}/api/v1/bookings", servers[i % processes].base);
            tasks.spawn(async move {
                let res = http.post(&url).json(&body).send().await;
                match res {
                    Ok(res) => {
                        let status = res.status().as_u16();
                        let text = res.text().await.unwrap_or_default();
                        Ok((status, text))
                    }
                    Err(err) => Err(format!("{url}: {err}")),
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            match done.unwrap() {
                Ok((status, text)) => {
                    *seen.statuses.entry(status).or_default() += 1;
                    if status == 201 {
                        let body: serde_json::Value = serde_json::from_str(&text).unwrap();
                        seen.booked.insert(body["id"].as_str().unwrap().to_owned());
                    } else if status >= 500 {
                        seen.server_errors.push(format!("{status}: {text}"));
                    } else {
                        let problem: serde_json::Value =
                            serde_json::from_str(&text).unwrap_or_default();
                        let kind = problem["type"].as_str().unwrap_or("?");
                        let field = problem["field"].as_str().unwrap_or("-");
                        *seen.refusals.entry(format!("{kind} {field}")).or_default() += 1;
                    }
                }
                Err(err) => seen.transport_errors.push(err),
            }
        }
        sent += n as u64;
        wave += 1;
    }
    let elapsed = started.elapsed();
    eprintln!(
        "{sent} racing bookings in {wave} waves on {processes} process(es) in {:.1} s ({:.0}/s): {:?}",
        elapsed.as_secs_f64(),
        sent as f64 / elapsed.as_secs_f64(),
        seen.statuses
    );
    eprintln!("refusals: {:?}", seen.refusals);

    let overlaps = database.count(&suite::overlap_sql()).await;
    let unheld = database.count(&suite::unheld_sql()).await;
    let stored: HashSet<String> = database
        .pairs(&format!(
            "SELECT id, status FROM bookings WHERE {}",
            suite::STANDING
        ))
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let logged: Vec<String> = servers.iter().flat_map(Server::logged_5xx).collect();
    drop(servers);
    database.drop_now().await;

    assert_eq!(overlaps, 0, "overlapping holds among standing bookings");
    assert_eq!(unheld, 0, "standing bookings that hold no time");
    assert!(
        seen.server_errors.is_empty(),
        "{} answers were 5xx, e.g. {:?}; the servers logged {logged:?}",
        seen.server_errors.len(),
        &seen.server_errors[..seen.server_errors.len().min(5)]
    );
    assert!(logged.is_empty(), "the servers logged 5xx: {logged:?}");
    assert!(
        seen.transport_errors.is_empty(),
        "{} requests got no answer, e.g. {:?}",
        seen.transport_errors.len(),
        &seen.transport_errors[..seen.transport_errors.len().min(5)]
    );
    assert_eq!(
        stored, seen.booked,
        "the standing bookings are exactly those answered 201"
    );
    let lost = seen.statuses.get(&409).copied().unwrap_or(0);
    assert!(
        seen.booked.len() >= 20 && lost >= total / 4,
        "the race must both book and refuse: {:?}",
        seen.statuses
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "races thousands of bookings against the real binary (minutes); run with --ignored"]
async fn race_suite_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let database = Database::sqlite(&dir.path().join("server-0"));
    race_in(dir, database, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL at COLLAGEN_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/test) and minutes; run with --ignored"]
async fn race_suite_two_postgres_processes() {
    let dir = tempfile::tempdir().unwrap();
    race_in(dir, Database::postgres().await, 2).await;
}
