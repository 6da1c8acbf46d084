//! What the race and crash suites share: the real `collagen` binary started on a random
//! loopback port over a fresh database, a client for its API, and SQL that reads the
//! database directly, so a suite judges what was stored and not what the server says.

#![allow(dead_code, reason = "each suite uses a different part")]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The binary under test: `COLLAGEN_BIN` when set (CI points it at `target/debug/collagen`),
/// else the one Cargo built for this test.
pub fn binary() -> PathBuf {
    std::env::var_os("COLLAGEN_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_collagen")))
}

/// A positive number from the environment, or `default`; lets CI and a developer scale a
/// suite without editing it.
pub fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

/// A small deterministic generator, so a failing run can be repeated from its printed seed.
pub struct Rng(u64);

impl Rng {
    /// Seeded from `COLLAGEN_SUITE_SEED`, else from the clock.
    pub fn from_env() -> Rng {
        let seed = std::env::var("COLLAGEN_SUITE_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        eprintln!("seed: COLLAGEN_SUITE_SEED={seed}");
        Rng(seed | 1)
    }

    /// The next number (xorshift64*).
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The PostgreSQL server the suites make their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("COLLAGEN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Where a suite's data lives: SQLite in the first server's data folder, or a fresh
/// PostgreSQL database that is dropped when this is.
pub struct Database {
    pub url: String,
    postgres_name: Option<String>,
}

impl Database {
    /// SQLite at `DATA_DIR/collagen.db`, the binary's default.
    pub fn sqlite(data_dir: &Path) -> Database {
        Database {
            url: format!("sqlite://{}", data_dir.join("collagen.db").display()),
            postgres_name: None,
        }
    }

    /// A new, empty PostgreSQL database.
    pub async fn postgres() -> Database {
        let admin = postgres_admin_url();
        let name = format!(
            "collagen_test_suite_{}_{}",
            std::process::id(),
            Rng::from_clock().next() % 1_000_000
        );
        let pool = sqlx::PgPool::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL is required for this suite at {admin}: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&pool)
            .await
            .expect("create the suite's database");
        pool.close().await;
        let (base, _) = admin.rsplit_once('/').expect("a database name in the URL");
        Database {
            url: format!("{base}/{name}"),
            postgres_name: Some(name),
        }
    }

    /// Whether this is PostgreSQL, where the server needs `--database-url`.
    pub fn is_postgres(&self) -> bool {
        self.postgres_name.is_some()
    }

    /// Drops a PostgreSQL database (after every server on it has stopped).
    pub async fn drop_now(mut self) {
        if let Some(name) = self.postgres_name.take() {
            let pool = sqlx::PgPool::connect(&postgres_admin_url())
                .await
                .expect("connect to drop");
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&pool)
                .await
                .expect("drop the suite's database");
            pool.close().await;
        }
    }

    /// One number from the database, by SQL both engines read alike.
    pub async fn count(&self, sql: &str) -> i64 {
        if self.is_postgres() {
            let pool = sqlx::PgPool::connect(&self.url).await.expect("connect");
            let n: i64 = sqlx::query_scalar(sql).fetch_one(&pool).await.expect(sql);
            pool.close().await;
            n
        } else {
            let pool = sqlx::SqlitePool::connect(&self.url).await.expect("connect");
            let n: i64 = sqlx::query_scalar(sql).fetch_one(&pool).await.expect(sql);
            pool.close().await;
            n
        }
    }

    /// Runs one statement both engines read alike; returns the rows it touched.
    pub async fn execute(&self, sql: &str) -> u64 {
        if self.is_postgres() {
            let pool = sqlx::PgPool::connect(&self.url).await.expect("connect");
            let n = sqlx::query(sql).execute(&pool).await.expect(sql);
            pool.close().await;
            n.rows_affected()
        } else {
            let pool = sqlx::SqlitePool::connect(&self.url).await.expect("connect");
            let n = sqlx::query(sql).execute(&pool).await.expect(sql);
            pool.close().await;
            n.rows_affected()
        }
    }

    /// Rows of two text columns, by SQL both engines read alike.
    pub async fn pairs(&self, sql: &str) -> Vec<(String, String)> {
        if self.is_postgres() {
            let pool = sqlx::PgPool::connect(&self.url).await.expect("connect");
            let rows = sqlx::query_as(sql).fetch_all(&pool).await.expect(sql);
            pool.close().await;
            rows
        } else {
            let pool = sqlx::SqlitePool::connect(&self.url).await.expect("connect");
            let rows = sqlx::query_as(sql).fetch_all(&pool).await.expect(sql);
            pool.close().await;
            rows
        }
    }
}

impl Rng {
    fn from_clock() -> Rng {
        Rng(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            | 1)
    }
}

/// Bookings that hold time: every status but cancelled and declined.
pub const STANDING: &str = "status NOT IN ('cancelled', 'declined')";

/// Pairs of holds on one resource whose time ranges intersect, among bookings that stand.
/// Zero is the whole promise of the booking system.
pub fn overlap_sql() -> String {
    format!(
        "SELECT COUNT(*) FROM holds a
         JOIN holds b ON a.resource = b.resource AND a.booking_id < b.booking_id
             AND a.start_at < b.end_at AND b.start_at < a.end_at
         JOIN bookings ba ON ba.id = a.booking_id AND ba.{STANDING}
         JOIN bookings bb ON bb.id = b.booking_id AND bb.{STANDING}"
    )
}

/// Standing bookings without a single hold, which would hide an overlap from the count.
pub fn unheld_sql() -> String {
    format!(
        "SELECT COUNT(*) FROM bookings b WHERE b.{STANDING}
         AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.booking_id = b.id)"
    )
}

/// One `collagen serve` process, its log in its data folder.
pub struct Server {
    pub base: String,
    pub data_dir: PathBuf,
    pub log: PathBuf,
    child: Child,
}

/// The secret key every suite server is given (64 hex digits).
pub const SUITE_SECRET_KEY: &str =
    "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";

impl Server {
    /// Starts `collagen serve` on a random loopback port with the demo clinic (loaded on an
    /// empty database) and no booking limit, and waits until `/healthz` answers 200.
    pub async fn start(data_dir: &Path, database: &Database, name: &str) -> Server {
        Server::start_with(data_dir, database, name, &[]).await
    }

    /// [`Server::start`] with more flags, e.g. `--smtp-url`.
    pub async fn start_with(
        data_dir: &Path,
        database: &Database,
        name: &str,
        extra: &[&str],
    ) -> Server {
        std::fs::create_dir_all(data_dir).unwrap();
        let log = data_dir.join(format!("{name}.log"));
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let mut command = Command::new(binary());
        command
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--bookings-per-hour",
                "0",
            ])
            .arg("--data-dir")
            .arg(data_dir)
            .args(extra)
            .env("RUST_LOG", "warn,collagen=info")
            // Every server of a suite seals two-factor secrets with one key, as processes
            // sharing a database (or a restored copy of one) must.
            .env("COLLAGEN_SECRET_KEY", SUITE_SECRET_KEY)
            .env_remove("COLLAGEN_LOG_FORMAT")
            .env_remove("COLLAGEN_CLINIC")
            .env_remove("COLLAGEN_SMTP_URL")
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file);
        if database.is_postgres() {
            command.arg("--database-url").arg(&database.url);
        }
        let child = command.spawn().expect("start collagen serve");
        let started = Instant::now();
        let from = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0) as usize;
        let base = loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(address) = text.get(from..).and_then(|t| {
                t.lines()
                    .filter(|l| l.contains("serving"))
                    .find_map(|l| l.split("address=").nth(1))
                    .map(|a| a.split_whitespace().next().unwrap_or_default().to_owned())
            }) {
                break format!("http://{address}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "collagen serve did not start within 60 s:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let server = Server {
            base,
            data_dir: data_dir.to_path_buf(),
            log,
            child,
        };
        let http = client();
        loop {
            let ok = http
                .get(format!("{}/healthz", server.base))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200);
            if ok {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "/healthz never answered 200"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    /// SIGKILL: no draining, no closing, the way power loss of the process looks.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The server's log lines that report an answer of 500 or more, or an error (which says
    /// why an answer failed).
    pub fn logged_5xx(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("status=5") || l.contains("ERROR"))
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An HTTP client for the suites: many connections, no redirects, bounded waits.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(256)
        .build()
        .unwrap()
}

/// The stored id of a screening with every question answered "no" (eligible) by an adult,
/// for the face and the body. A screening belongs to the first client who books with it, so
/// each client of a suite needs one of their own.
pub async fn eligible_screening(http: &reqwest::Client, base: &str) -> String {
    let questions: Value = http
        .get(format!("{base}/api/v1/screening/questions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut answers = serde_json::Map::new();
    for q in questions.as_array().expect("a list of questions") {
        let value = match q["kind"].as_str().unwrap() {
            "yes_no" => json!(false),
            // The date of birth cannot be "never": an adult's.
            "date" if q["accepts_never"] == json!(false) => json!("1980-06-15"),
            "date" => Value::Null,
            _ => q["options"][0].clone(),
        };
        answers.insert(q["id"].as_str().unwrap().to_owned(), value);
    }
    let res = http
        .post(format!("{base}/api/v1/screenings"))
        .json(&json!({ "answers": answers, "areas": ["face", "body"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["outcome"], "eligible", "{body}");
    body["id"].as_str().unwrap().to_owned()
}

/// `n` eligible screenings, asked for together: one for each client of a wave.
pub async fn eligible_screenings(http: &reqwest::Client, base: &str, n: usize) -> Vec<String> {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let (http, base) = (http.clone(), base.to_owned());
        tasks.spawn(async move { (i, eligible_screening(&http, &base).await) });
    }
    let mut ids = vec![String::new(); n];
    while let Some(done) = tasks.join_next().await {
        let (i, id) = done.expect("a screening task");
        ids[i] = id;
    }
    ids
}

/// Free starts of `service` on the clinic's dates `from..=to`, as RFC 3339 text.
pub async fn free_starts(
    http: &reqwest::Client,
    base: &str,
    service: &str,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
) -> Vec<String> {
    let res = http
        .get(format!(
            "{base}/api/v1/availability?service={service}&from={from}&to={to}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["slots"]
        .as_array()
        .map(|slots| {
            slots
                .iter()
                .filter_map(|s| s["start"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The demo clinic's services, with who may take each (the practitioner field is then
/// sometimes named, sometimes left to the server).
pub const SERVICES: &[(&str, &[&str])] = &[
    ("consultation", &["maya-lee", "sam-ortiz"]),
    ("microneedling-face", &["maya-lee", "sam-ortiz"]),
    ("microneedling-acne-scars", &["maya-lee"]),
    ("microneedling-body", &["maya-lee"]),
];

/// A booking request body; treatments carry the eligible screening.
pub fn booking_body(
    service: &str,
    start: &str,
    practitioner: Option<&str>,
    email: &str,
    screening: &str,
) -> Value {
    let mut body = json!({
        "service": service,
        "start": start,
        "client": { "name": "Suite Client", "email": email, "phone": "+1 555 0199" },
    });
    if service != "consultation" {
        body["screening"] = json!(screening);
    }
    if let Some(p) = practitioner {
        body["practitioner"] = json!(p);
    }
    body
}

/// The demo clinic's zone.
fn zone() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("America/New_York").unwrap()
}

/// The clinic's date `days` from today.
pub fn clinic_date(days: i64) -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(zone())
        .date()
        .checked_add(jiff::Span::new().days(days))
        .unwrap()
}

/// A start `minutes` after (or before) an RFC 3339 start, with the clinic's offset.
pub fn shifted(start: &str, minutes: i64) -> String {
    let moved = start
        .parse::<jiff::Timestamp>()
        .unwrap()
        .checked_add(jiff::SignedDuration::from_mins(minutes))
        .unwrap();
    clinic::rfc3339(&moved.to_zoned_datetime(zone()))
}
