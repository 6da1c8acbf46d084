//! What the workflow tests share: a fresh database on either engine with the workflows over
//! it, a clinic open around the clock, and the macro that runs a test on both engines.

#![allow(dead_code)]

use std::collections::BTreeMap;

use jiff::{Timestamp, ToSpan};
use service::{Actor, BookingInput, Workflows};
use store::{Engine, NewClient, Store};

/// Runs each named `async fn(Engine)` on SQLite, and on PostgreSQL with `--ignored`.
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(store::Engine::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = "needs PostgreSQL at COLLAGEN_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/test); run with --ignored"]
            async fn postgres() {
                super::$name(store::Engine::Postgres).await
            }
        }
    )*};
}

/// A fresh database on one engine holding the demo clinic open all day, and the workflows
/// over it, counting at most `bookings_per_hour` bookings per address (0: no limit).
pub struct Harness {
    pub flows: Workflows,
    pub store: Store,
    /// The database's URL, for tests that reach past the store.
    pub url: String,
    _dir: tempfile::TempDir,
}

pub async fn harness(engine: Engine, bookings_per_hour: u32) -> Harness {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match engine {
        Engine::Sqlite => format!("sqlite://{}", dir.path().join("collagen.db").display()),
        Engine::Postgres => {
            let admin = std::env::var("COLLAGEN_TEST_POSTGRES")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
            let name = format!("collagen_test_{}", store::new_id());
            let pool = sqlx::PgPool::connect(&admin)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL is required at {admin}: {e}"));
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&pool)
                .await
                .expect("create test database");
            pool.close().await;
            let (base, _) = admin.rsplit_once('/').expect("URL with a database");
            format!("{base}/{name}")
        }
    };
    let store = Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    store.save_setup(&open_all_day()).await.expect("setup");
    let flows = Workflows::new(store.clone(), "http://clinic.test/", bookings_per_hour)
        .await
        .expect("workflows");
    Harness {
        flows,
        store,
        url,
        _dir: dir,
    }
}

/// The demo clinic open around the clock, so times relative to now are always in hours.
pub fn open_all_day() -> clinic::ClinicSetup {
    let mut setup = clinic::demo();
    setup.closures.clear();
    let days: BTreeMap<String, Vec<String>> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| (d.to_string(), vec!["00:00-24:00".to_string()]))
        .collect();
    for p in &mut setup.practitioners {
        p.hours = days.clone();
        p.dates.clear();
        p.time_off.clear();
    }
    setup
}

/// The next whole hour at least `hours` from now: always on the clinic's 15-minute step.
///
/// The test clinic's days end at midnight, so a treatment (up to 90 minutes) starting at
/// 23:00 clinic time would run into the next day and be refused; such a start moves to that
/// midnight, so no test depends on the hour at which it runs.
pub fn hours_ahead(hours: i64) -> Timestamp {
    let t = Timestamp::now() + hours.hours();
    let second = t.as_second();
    let start = Timestamp::from_second(second - second.rem_euclid(3600) + 3600).expect("in range");
    let tz = jiff::tz::TimeZone::get(&clinic::demo().clinic.timezone).expect("zone");
    if start.to_zoned_datetime(tz).hour() == 23 {
        start + 1.hours()
    } else {
        start
    }
}

/// A consultation (no screening needed) with `practitioner` for the client `email`.
pub fn consultation(start: Timestamp, practitioner: &str, email: &str) -> BookingInput {
    BookingInput {
        service_id: "consultation".into(),
        start,
        practitioner: Some(practitioner.into()),
        client: NewClient {
            name: "Ada Client".into(),
            email: email.into(),
            phone: None,
        },
        screening_id: None,
        notes: String::new(),
        policy: None,
    }
}

/// The front desk, acting for a client.
pub fn staff() -> Actor {
    Actor::Staff {
        id: "desk-1".into(),
    }
}
