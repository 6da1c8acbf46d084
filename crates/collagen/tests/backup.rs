//! Backups that restore, held to it with the real binary: a backup taken while clients
//! keep booking over HTTP holds every booking they were told about before it began, and
//! serves them after a restore into a fresh data folder; a truncated file, a foreign file
//! and an existing database are refused with a clear reason and nothing changed.

mod suite;

use std::ffi::OsStr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use suite::{Database, Rng, SERVICES, Server};

/// Runs `collagen ARGS` to completion and returns its exit, standard output and error.
async fn collagen<I, S>(args: I) -> (bool, String, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = tokio::process::Command::new(suite::binary())
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("COLLAGEN_DATA_DIR")
        .env_remove("COLLAGEN_SECRET_KEY")
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run collagen");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A 201 as a client saw it: when, the booking's id and its manage token.
struct Booked {
    at: Instant,
    id: String,
    token: String,
}

/// Every (service, start) free in the next three weeks, shuffled, so the clients book
/// distinct times and most requests succeed.
async fn targets(http: &reqwest::Client, base: &str, rng: &mut Rng) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for (service, _) in SERVICES {
        let (from, to) = (suite::clinic_date(1), suite::clinic_date(21));
        let starts = suite::free_starts(http, base, service, from, to).await;
        all.extend(starts.into_iter().map(|s| (service.to_string(), s)));
    }
    for i in (1..all.len()).rev() {
        all.swap(i, rng.below(i + 1));
    }
    all
}

/// Clients booking from the queue until `stop` is raised, the queue runs dry or 30 s pass.
fn book_continuously(
    http: &reqwest::Client,
    base: &str,
    queue: Arc<Mutex<Vec<(String, String)>>>,
    screenings: Vec<String>,
    stop: Arc<AtomicBool>,
    booked: Arc<Mutex<Vec<Booked>>>,
    errors: Arc<Mutex<Vec<String>>>,
) -> tokio::task::JoinSet<()> {
    let mut tasks = tokio::task::JoinSet::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    for (client, screening) in screenings.into_iter().enumerate() {
        let (http, queue, stop) = (http.clone(), queue.clone(), stop.clone());
        let (booked, errors) = (booked.clone(), errors.clone());
        let url = format!("{base}/api/v1/bookings");
        tasks.spawn(async move {
            while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                let Some((service, start)) = queue.lock().unwrap().pop() else {
                    return;
                };
                let email = format!("backup-{client}@example.com");
                let body = suite::booking_body(&service, &start, None, &email, &screening);
                match http.post(&url).json(&body).send().await {
                    Ok(res) if res.status() == 201 => {
                        let body: serde_json::Value = res.json().await.unwrap();
                        booked.lock().unwrap().push(Booked {
                            at: Instant::now(),
                            id: body["id"].as_str().unwrap().to_owned(),
                            token: body["manage_token"].as_str().unwrap().to_owned(),
                        });
                    }
                    Ok(res) if res.status().is_server_error() => {
                        let status = res.status();
                        let text = res.text().await.unwrap_or_default();
                        errors.lock().unwrap().push(format!("{status}: {text}"));
                    }
                    Ok(_) => {}
                    Err(err) => errors.lock().unwrap().push(err.to_string()),
                }
            }
        });
    }
    tasks
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_while_clients_book_restores_every_booking_confirmed_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    let server = Server::start(&live, &Database::sqlite(&live), "serve").await;
    let http = suite::client();
    let mut rng = Rng::from_env();
    let queue = Arc::new(Mutex::new(targets(&http, &server.base, &mut rng).await));
    let screenings = suite::eligible_screenings(&http, &server.base, 6).await;
    let stop = Arc::new(AtomicBool::new(false));
    let booked = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(Mutex::new(Vec::new()));
    let mut clients = book_continuously(
        &http,
        &server.base,
        queue,
        screenings,
        stop.clone(),
        booked.clone(),
        errors.clone(),
    );

    // Midway: once some bookings stand, back up while the clients go on booking.
    let waiting = Instant::now();
    while booked.lock().unwrap().len() < 40 && waiting.elapsed() < Duration::from_secs(15) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let backup_started = Instant::now();
    let before: Vec<(String, String)> = booked
        .lock()
        .unwrap()
        .iter()
        .filter(|b| b.at < backup_started)
        .map(|b| (b.id.clone(), b.token.clone()))
        .collect();
    assert!(
        before.len() >= 10,
        "too few bookings before the backup: {}",
        before.len()
    );
    let file = dir.path().join("clinic.backup");
    let (ok, stdout, stderr) = collagen([
        OsStr::new("backup"),
        file.as_os_str(),
        OsStr::new("--data-dir"),
        live.as_os_str(),
    ])
    .await;
    let backup_took = backup_started.elapsed();
    assert!(ok, "the backup failed: {stderr}");
    assert!(stdout.contains("checked"), "{stdout}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    tokio::time::timeout(Duration::from_secs(60), async {
        while clients.join_next().await.is_some() {}
    })
    .await
    .expect("the clients stop");
    let after = booked
        .lock()
        .unwrap()
        .iter()
        .filter(|b| b.at >= backup_started)
        .count();
    eprintln!(
        "{} bookings before the backup, {after} from its start on; the backup took {:.0} ms",
        before.len(),
        backup_took.as_secs_f64() * 1000.0
    );
    assert!(
        after > 0,
        "no booking succeeded once the backup began: was serve blocked?"
    );
    let errors = std::mem::take(&mut *errors.lock().unwrap());
    assert!(
        errors.is_empty(),
        "answers of 500 or more, or none: {errors:?}"
    );
    let live_ids: std::collections::HashSet<String> = Database::sqlite(&live)
        .pairs("SELECT id, status FROM bookings")
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert!(server.logged_5xx().is_empty(), "{:?}", server.logged_5xx());
    drop(server);

    let restored = dir.path().join("restored");
    let (ok, stdout, stderr) = collagen([
        OsStr::new("restore"),
        file.as_os_str(),
        OsStr::new("--data-dir"),
        restored.as_os_str(),
    ])
    .await;
    assert!(ok, "the restore failed: {stderr}");
    assert!(stdout.contains("restored"), "{stdout}");
    // The backup's secrets are sealed with the servers' key, which the new folder lacks.
    assert!(
        stderr.contains("warning: the backup's two-factor secrets are sealed")
            && stderr.contains("COLLAGEN_SECRET_KEY"),
        "{stderr}"
    );
    let database = Database::sqlite(&restored);
    let server = Server::start(&restored, &database, "serve").await;
    for (id, token) in &before {
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
        assert_eq!(body["status"], "confirmed", "booking {id}");
    }
    // A snapshot, not a mixture: nothing the live database never had, every booking whole.
    let restored_ids = database.pairs("SELECT id, status FROM bookings").await;
    assert!(restored_ids.iter().all(|(id, _)| live_ids.contains(id)));
    assert_eq!(database.count(&suite::overlap_sql()).await, 0);
    assert_eq!(database.count(&suite::unheld_sql()).await, 0);
    let without_mail = database
        .count(
            "SELECT COUNT(*) FROM bookings b WHERE NOT EXISTS (
                 SELECT 1 FROM outbox o WHERE o.booking_id = b.id AND o.kind = 'booked')",
        )
        .await;
    assert_eq!(without_mail, 0, "bookings without their confirmation mail");
    assert!(server.logged_5xx().is_empty(), "{:?}", server.logged_5xx());
}

/// A data folder with a migrated database made by `collagen migrate`, and its backup.
async fn migrated_with_backup(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let data = dir.join("data");
    let (ok, _, stderr) = collagen([
        OsStr::new("migrate"),
        OsStr::new("--data-dir"),
        data.as_os_str(),
    ])
    .await;
    assert!(ok, "{stderr}");
    let file = dir.join("good.backup");
    let (ok, _, stderr) = collagen([
        OsStr::new("backup"),
        file.as_os_str(),
        OsStr::new("--data-dir"),
        data.as_os_str(),
    ])
    .await;
    assert!(ok, "{stderr}");
    (data, file)
}

/// Restores `file` into `data_dir` (with `--force` when asked) and expects a refusal
/// whose message contains `reason`.
async fn refused(file: &Path, data_dir: &Path, force: bool, reason: &str) {
    let mut args = vec![
        OsStr::new("restore"),
        file.as_os_str(),
        OsStr::new("--data-dir"),
        data_dir.as_os_str(),
    ];
    if force {
        args.push(OsStr::new("--force"));
    }
    let (ok, _, stderr) = collagen(args).await;
    assert!(!ok, "restoring {} must fail", file.display());
    assert!(
        stderr.contains(reason),
        "expected \"{reason}\" in: {stderr}"
    );
}

#[tokio::test]
async fn a_truncated_backup_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (data, good) = migrated_with_backup(dir.path()).await;
    let bytes = std::fs::read(&good).unwrap();
    let database_before = std::fs::read(data.join("collagen.db")).unwrap();
    let fresh = dir.path().join("fresh");
    // Cut at a page boundary (only the header's page count tells), and mid-page.
    for (name, len) in [
        ("pages.backup", bytes.len() / 2 / 4096 * 4096),
        ("odd.backup", bytes.len() - 100),
    ] {
        let cut = dir.path().join(name);
        std::fs::write(&cut, &bytes[..len]).unwrap();
        refused(&cut, &fresh, false, "is incomplete (truncated)").await;
        assert!(
            !fresh.join("collagen.db").exists(),
            "nothing is restored from {name}"
        );
        refused(&cut, &data, true, "is incomplete (truncated)").await;
        assert_eq!(
            std::fs::read(data.join("collagen.db")).unwrap(),
            database_before,
            "the database is untouched"
        );
    }
    // A backup never takes a name that is already there, and leaves no partial file.
    let (ok, _, stderr) = collagen([
        OsStr::new("backup"),
        good.as_os_str(),
        OsStr::new("--data-dir"),
        data.as_os_str(),
    ])
    .await;
    assert!(!ok && stderr.contains("already exists"), "{stderr}");
    assert_eq!(std::fs::read(&good).unwrap(), bytes);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn a_file_that_is_not_a_collagen_backup_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_, good) = migrated_with_backup(dir.path()).await;
    let fresh = dir.path().join("fresh");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "appointments for Tuesday\n").unwrap();
    refused(&text, &fresh, false, "is not a SQLite database").await;
    let empty = dir.path().join("empty.backup");
    std::fs::write(&empty, b"").unwrap();
    refused(&empty, &fresh, false, "is not a SQLite database").await;

    let other = dir.path().join("other.db");
    let url = format!("sqlite://{}?mode=rwc", other.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query("CREATE TABLE contacts (name TEXT)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    refused(
        &other,
        &fresh,
        false,
        "is a SQLite database but not Collagen's",
    )
    .await;

    // One from a later Collagen, with a migration this binary does not know.
    let newer = dir.path().join("newer.backup");
    std::fs::copy(&good, &newer).unwrap();
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", newer.display()))
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (9999, 'later', 1, x'00', 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    refused(&newer, &fresh, false, "was made by a newer Collagen").await;
    assert!(!fresh.join("collagen.db").exists(), "nothing was restored");
}

#[tokio::test]
async fn restore_refuses_an_existing_database_and_with_force_keeps_it_aside() {
    let dir = tempfile::tempdir().unwrap();
    let (data, good) = migrated_with_backup(dir.path()).await;
    let before = std::fs::read(data.join("collagen.db")).unwrap();
    refused(&good, &data, false, "already holds a database").await;
    assert_eq!(std::fs::read(data.join("collagen.db")).unwrap(), before);

    // Not while a server has it open.
    let server = Server::start(&data, &Database::sqlite(&data), "serve").await;
    refused(&good, &data, true, "is open in another process").await;
    drop(server);

    let (ok, stdout, stderr) = collagen([
        OsStr::new("restore"),
        good.as_os_str(),
        OsStr::new("--data-dir"),
        data.as_os_str(),
        OsStr::new("--force"),
    ])
    .await;
    assert!(ok, "{stderr}");
    assert!(stdout.contains("is kept as"), "{stdout}");
    let aside: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            name.starts_with("collagen.db.before-restore-")
                && !name.ends_with("-wal")
                && !name.ends_with("-shm")
        })
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    // The old database, with what the server wrote (the demo clinic), and the backup's in its place.
    let setups = |name: &str| Database::sqlite(&data).url.replace("collagen.db", name);
    let count = |url: String| async move {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM clinic_setup")
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        n
    };
    assert_eq!(
        count(setups(&aside[0])).await,
        1,
        "the kept database has the server's writes"
    );
    assert_eq!(
        count(setups("collagen.db")).await,
        0,
        "the backup is in place"
    );
}
