//! Starts the real application on a random port with a fresh database, on either engine.

#![allow(dead_code)]

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
}

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("COLLAGEN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh, empty database on `engine`, migrated.
pub async fn fresh_store(engine: Engine, dir: &std::path::Path) -> Store {
    let url = match engine {
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
    };
    let store = Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    store
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
    let store = fresh_store(engine, data_dir.path()).await;
    store.save_setup(&setup).await.expect("save setup");
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
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name($crate::common::spawn_with(store::Engine::Sqlite, $setup, |_| {}).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            #[ignore = "needs PostgreSQL at COLLAGEN_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/test); run with --ignored"]
            async fn postgres() {
                super::$name($crate::common::spawn_with(store::Engine::Postgres, $setup, |_| {}).await).await
            }
        }
    };
}
