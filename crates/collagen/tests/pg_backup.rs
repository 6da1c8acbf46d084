//! PostgreSQL backups as the README describes them: `pg_dump` of a Collagen database with
//! bookings in it, `pg_restore` into a new database, and Collagen started on that one
//! serves every booking, confirmed. Needs `pg_dump` and `pg_restore` (postgresql-client)
//! no older than the server.

mod suite;

use std::process::Command;

use suite::{Database, SERVICES, Server};

/// The major version of a client tool (`pg_dump (PostgreSQL) 15.20 (Debian …)` → 15).
fn tool_major(tool: &str) -> u32 {
    let out = Command::new(tool)
        .arg("--version")
        .output()
        .unwrap_or_else(|e| {
            panic!("{tool} is needed for this test (apt-get install postgresql-client): {e}")
        });
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .find_map(|w| w.split('.').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no version in `{tool} --version`: {text}"))
}

/// Fails loudly when the client tools are older than the server: pg_dump refuses such a
/// server, and the reason should be read here rather than guessed from its error.
async fn check_versions(url: &str) {
    let pool = sqlx::PgPool::connect(url).await.expect("connect");
    let (num,): (String,) = sqlx::query_as("SHOW server_version_num")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    let server = num.parse::<u32>().unwrap() / 10_000;
    for tool in ["pg_dump", "pg_restore"] {
        let client = tool_major(tool);
        assert!(
            client >= server,
            "{tool} {client} cannot back up or restore a PostgreSQL {server} server: install postgresql-client-{server} (or newer)"
        );
    }
}

/// Runs a client tool and fails with its error output.
fn run(tool: &str, args: &[&str]) {
    let out = Command::new(tool).args(args).output().expect(tool);
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL at COLLAGEN_TEST_POSTGRES and pg_dump/pg_restore; run with --ignored"]
async fn a_pg_dump_restored_into_a_new_database_serves_every_booking() {
    let dir = tempfile::tempdir().unwrap();
    let source = Database::postgres().await;
    check_versions(&source.url).await;
    let server = Server::start(&dir.path().join("source"), &source, "serve").await;
    let http = suite::client();
    let screenings = suite::eligible_screenings(&http, &server.base, 4).await;
    let mut booked = Vec::new();
    for (i, (service, _)) in SERVICES.iter().enumerate() {
        let day = suite::clinic_date(2 + i as i64);
        let starts =
            suite::free_starts(&http, &server.base, service, day, suite::clinic_date(20)).await;
        let start = starts.first().expect("a free start");
        let email = format!("dump-{i}@example.com");
        let body = suite::booking_body(service, start, None, &email, &screenings[i]);
        let res = http
            .post(format!("{}/api/v1/bookings", server.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let body: serde_json::Value = res.json().await.unwrap();
        booked.push((
            body["id"].as_str().unwrap().to_owned(),
            body["manage_token"].as_str().unwrap().to_owned(),
        ));
    }
    // pg_dump reads one snapshot, so the server may go on running meanwhile.
    let dump = dir.path().join("collagen.dump");
    run(
        "pg_dump",
        &[
            "--format=custom",
            "--file",
            dump.to_str().unwrap(),
            "--dbname",
            &source.url,
        ],
    );
    drop(server);

    let target = Database::postgres().await;
    run(
        "pg_restore",
        &[
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            &target.url,
            dump.to_str().unwrap(),
        ],
    );
    let server = Server::start(&dir.path().join("target"), &target, "serve").await;
    for (id, token) in &booked {
        let res = http
            .get(format!("{}/api/v1/bookings/{token}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            200,
            "booking {id} is missing after the restore"
        );
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["id"], id.as_str());
        assert_eq!(body["status"], "confirmed");
    }
    // The restored database still refuses an overlap: its exclusion constraint came along.
    let (service, _) = SERVICES[0];
    let taken: serde_json::Value = http
        .get(format!("{}/api/v1/bookings/{}", server.base, booked[0].1))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let copy = suite::booking_body(
        taken["service"].as_str().unwrap_or(service),
        taken["start"].as_str().unwrap(),
        taken["practitioner"].as_str(),
        "someone-else@example.com",
        &suite::eligible_screening(&http, &server.base).await,
    );
    let res = http
        .post(format!("{}/api/v1/bookings", server.base))
        .json(&copy)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409, "the same time again must be refused");
    let constraints = target
        .count("SELECT COUNT(*) FROM pg_constraint WHERE contype = 'x'")
        .await;
    assert!(constraints > 0, "the exclusion constraint was not restored");
    let logged = server.logged_5xx();
    drop(server);
    source.drop_now().await;
    target.drop_now().await;
    assert!(logged.is_empty(), "{logged:?}");
}
