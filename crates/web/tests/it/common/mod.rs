//! Starts the real application on a random port with a fresh database, on either engine.

#![allow(dead_code)]

pub mod smtp;

use std::net::SocketAddr;

use serde_json::{Value, json};
use store::{Engine, Store};

/// A running app and a client for it.
pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub store: Store,
    pub state: web::AppState,
    pub data_dir: tempfile::TempDir,
    pub engine: Engine,
    /// The database's URL, for a second app on the same database ([`spawn_beside`]).
    pub db_url: String,
}

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("COLLAGEN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh, empty database on `engine`, migrated.
pub async fn fresh_store(engine: Engine, dir: &std::path::Path) -> Store {
    let url = fresh_database_url(engine, dir).await;
    let store = Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    store
}

/// The URL of a fresh, empty database on `engine` (created on PostgreSQL, not migrated).
pub async fn fresh_database_url(engine: Engine, dir: &std::path::Path) -> String {
    match engine {
        Engine::Sqlite => format!("sqlite://{}", dir.join("collagen.db").display()),
        Engine::Postgres => {
            let admin = postgres_admin_url();
            let name = format!("collagen_test_{}", store::new_id());
            let pool = sqlx::PgPool::connect(&admin)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL is required for this test at {admin}: {e}"));
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&pool)
                .await
                .expect("create test database");
            pool.close().await;
            let (base, _) = admin
                .rsplit_once('/')
                .expect("database URL with a database name");
            format!("{base}/{name}")
        }
    }
}

/// Starts the app with the demo clinic (or `setup`) and no booking rate limit.
pub async fn spawn(engine: Engine) -> TestApp {
    spawn_with(engine, clinic::demo(), |_| {}).await
}

/// Starts the app with a given clinic setup and config tweaks.
pub async fn spawn_with(
    engine: Engine,
    setup: clinic::ClinicSetup,
    tweak: impl FnOnce(&mut web::Config),
) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let db_url = fresh_database_url(engine, data_dir.path()).await;
    let store = Store::connect(&db_url).await.expect("connect");
    store.migrate().await.expect("migrate");
    store.save_setup(&setup).await.expect("save setup");
    serve(store, data_dir, engine, db_url, Some(test_key()), tweak).await
}

/// A second app on `app`'s database, with its own connections, as a second `serve`
/// process sharing the database would be.
pub async fn spawn_beside(app: &TestApp, tweak: impl FnOnce(&mut web::Config)) -> TestApp {
    spawn_beside_keyed(app, Some(test_key()), tweak).await
}

/// The key every test app seals two-factor secrets with, as `serve` processes sharing a
/// database share theirs.
pub fn test_key() -> store::SecretKey {
    store::SecretKey::parse(&"5a".repeat(32)).expect("a key")
}

/// [`spawn_beside`] given `key` for sealed secrets, or none (as a process that never
/// checked its key would be).
pub async fn spawn_beside_keyed(
    app: &TestApp,
    key: Option<store::SecretKey>,
    tweak: impl FnOnce(&mut web::Config),
) -> TestApp {
    let store = Store::connect(&app.db_url).await.expect("connect");
    let data_dir = tempfile::tempdir().expect("temp dir");
    serve(store, data_dir, app.engine, app.db_url.clone(), key, tweak).await
}

/// Serves `store` on a random loopback port.
async fn serve(
    store: Store,
    data_dir: tempfile::TempDir,
    engine: Engine,
    db_url: String,
    key: Option<store::SecretKey>,
    tweak: impl FnOnce(&mut web::Config),
) -> TestApp {
    if let Some(key) = key {
        store.unlock_secrets(key).await.expect("the secret key");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let mut config = web::Config::local(data_dir.path().to_path_buf(), base.clone());
    config.bookings_per_hour = 0;
    tweak(&mut config);
    let state = web::AppState::new(store.clone(), config)
        .await
        .expect("state");
    let app = web::app(state.clone());
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        base,
        http,
        store,
        state,
        data_dir,
        engine,
        db_url,
    }
}

impl TestApp {
    /// GET a path, returning status and JSON body.
    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// POST JSON to a path, returning status and JSON body.
    pub async fn post_json(&self, path: &str, body: &Value) -> (u16, Value) {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// The first `n` free slots for a service in the next three weeks.
    pub async fn free_slots(&self, service: &str, practitioner: Option<&str>) -> Vec<Value> {
        let today = jiff::ZonedDateTime::now().date();
        let to = today.checked_add(jiff::Span::new().days(21)).unwrap();
        let mut path = format!("/api/v1/availability?service={service}&from={today}&to={to}");
        if let Some(p) = practitioner {
            path.push_str(&format!("&practitioner={p}"));
        }
        let (status, body) = self.get_json(&path).await;
        assert_eq!(status, 200, "{body}");
        body["slots"].as_array().cloned().unwrap_or_default()
    }

    /// Free starts for a service at least an hour apart, so bookings at them cannot clash.
    pub async fn starts_an_hour_apart(&self, service: &str) -> Vec<jiff::Timestamp> {
        let mut starts: Vec<jiff::Timestamp> = Vec::new();
        for slot in self.free_slots(service, None).await {
            let t: jiff::Timestamp = slot["start"].as_str().unwrap().parse().unwrap();
            if starts
                .last()
                .is_none_or(|last| t >= *last + jiff::SignedDuration::from_hours(1))
            {
                starts.push(t);
            }
        }
        starts
    }

    /// The booking form's policy fields as `GET /book/details` fills them, ticked: the
    /// current cancellation policy's version and SHA-256 and `agree_policy=yes`.
    pub async fn agreed_policy(&self) -> [(&'static str, String); 3] {
        let (status, clinic) = self.get_json("/api/v1/clinic").await;
        assert_eq!(status, 200, "{clinic}");
        let policy = &clinic["cancellation_policy"];
        [
            ("agree_policy", "yes".to_owned()),
            ("policy_version", policy["version"].to_string()),
            (
                "policy_sha256",
                policy["sha256"].as_str().unwrap().to_owned(),
            ),
        ]
    }

    /// A booking body for the consultation (no screening needed).
    pub fn booking_body(service: &str, start: &str, email: &str) -> Value {
        json!({"service": service, "start": start, "client": {"name": "Test Client", "email": email, "phone": "+1 555 0199"}})
    }
}

/// One HTTP answer as the back-office tests read it: status, `Location`, headers and body.
pub struct Answer {
    pub status: u16,
    pub location: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

/// Reads a response into an [`Answer`].
pub async fn answer(res: reqwest::Response) -> Answer {
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let location = headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = res.text().await.unwrap_or_default();
    Answer {
        status,
        location,
        headers,
        body,
    }
}

/// Creates a staff login directly in the store.
pub async fn add_staff(
    app: &TestApp,
    email: &str,
    hash: &str,
    role: &str,
    practitioner: Option<&str>,
) -> store::Staff {
    app.store
        .create_staff(email, hash, role, practitioner)
        .await
        .expect("create staff")
        .expect("a new email")
}

/// The sign-in form as a browser gets it: the `collagen_signin=…` cookie pair and the
/// token in the form's hidden `csrf` field.
pub async fn sign_in_form(app: &TestApp) -> (String, String) {
    let a = answer(
        app.http
            .get(format!("{}/login", app.base))
            .send()
            .await
            .expect("GET /login"),
    )
    .await;
    assert_eq!(a.status, 200, "GET /login: {}", a.body);
    let cookie = a
        .headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("collagen_signin="))
        .expect("the sign-in form sets its token cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let marker = "name=\"csrf\" value=\"";
    let at = a.body.find(marker).expect("a csrf field on /login") + marker.len();
    let token = a.body[at..].split('"').next().unwrap().to_owned();
    (cookie, token)
}

/// Posts the sign-in form as a browser would after showing it: with its token and cookie
/// (plus any `extra` cookie pairs and headers).
pub async fn post_sign_in(
    app: &TestApp,
    fields: &[(&str, &str)],
    extra_cookies: &[&str],
    headers: &[(&str, &str)],
) -> Answer {
    let (cookie, token) = sign_in_form(app).await;
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf", &token));
    let cookies = std::iter::once(cookie.as_str())
        .chain(extra_cookies.iter().copied())
        .collect::<Vec<_>>()
        .join("; ");
    let mut req = app
        .http
        .post(format!("{}/login", app.base))
        .header(reqwest::header::COOKIE, cookies)
        .form(&form);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    answer(req.send().await.expect("POST /login")).await
}

/// The `name=value` pair of the cookie called `name` that an answer sets, if it does.
pub fn set_cookie_pair(a: &Answer, name: &str) -> Option<String> {
    a.headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().trim().to_owned())
}

/// Every screening question answered "no" (dates never), with `changes` applied; returns
/// the stored screening's id.
pub async fn screening(app: &TestApp, changes: Value) -> String {
    let (status, questions) = app.get_json("/api/v1/screening/questions").await;
    assert_eq!(status, 200);
    let mut answers = serde_json::Map::new();
    for q in questions.as_array().unwrap() {
        let value = match q["kind"].as_str().unwrap() {
            "yes_no" => json!(false),
            // A date of birth has no "never": an adult's.
            "date" if q["accepts_never"] == false => json!("1980-06-15"),
            "date" => Value::Null,
            _ => q["options"][0].clone(),
        };
        answers.insert(q["id"].as_str().unwrap().to_owned(), value);
    }
    for (k, v) in changes.as_object().unwrap() {
        answers.insert(k.clone(), v.clone());
    }
    let (status, body) = app
        .post_json("/api/v1/screenings", &json!({"answers": answers}))
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

/// Declares a test that runs once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_engines {
    ($name:ident) => {
        $crate::on_both_engines!($name, clinic::demo());
    };
    ($name:ident, $setup:expr) => {
        $crate::on_both_engines!($name, $setup, |_| {});
    };
    // `$tweak` changes the app's config before it starts, e.g. `|c| c.behind_proxy = true`.
    ($name:ident, $setup:expr, $tweak:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name($crate::common::spawn_with(store::Engine::Sqlite, $setup, $tweak).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            #[ignore = "needs PostgreSQL at COLLAGEN_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/test); run with --ignored"]
            async fn postgres() {
                super::$name($crate::common::spawn_with(store::Engine::Postgres, $setup, $tweak).await).await
            }
        }
    };
}
