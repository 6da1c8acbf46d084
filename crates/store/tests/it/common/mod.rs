//! The harness the store tests share: a fresh database on either engine, two pools on it
//! (as two `serve` processes would have), and the macro that runs a test on both engines.

#![allow(dead_code)]

use store::{Engine, Store};

pub fn postgres_admin_url() -> String {
    std::env::var("COLLAGEN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh database's URL on `engine` (created on PostgreSQL), and its folder.
pub async fn fresh_url(engine: Engine) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match engine {
        Engine::Sqlite => format!("sqlite://{}", dir.path().join("collagen.db").display()),
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
            let (base, _) = admin.rsplit_once('/').expect("a database name");
            format!("{base}/{name}")
        }
    };
    (url, dir)
}

/// Two stores on one fresh, migrated database, and its folder (kept while they live),
/// both given [`test_key`] for sealed secrets.
pub async fn two_stores(engine: Engine) -> (Store, Store, tempfile::TempDir) {
    let (url, dir) = fresh_url(engine).await;
    let first = Store::connect(&url).await.expect("connect");
    first.migrate().await.expect("migrate");
    let second = Store::connect(&url).await.expect("connect again");
    for store in [&first, &second] {
        store.unlock_secrets(test_key()).await.expect("the key");
    }
    (first, second, dir)
}

/// The key the test stores seal secrets with.
pub fn test_key() -> store::SecretKey {
    store::SecretKey::parse(&"5a".repeat(32)).expect("a key")
}

macro_rules! on_both_engines {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name(store::Engine::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            #[ignore = "needs PostgreSQL at COLLAGEN_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/test); run with --ignored"]
            async fn postgres() {
                super::$name(store::Engine::Postgres).await
            }
        }
    };
}
