//! Two mail workers on one database, as two `serve` processes would be: 1,000 due messages
//! are delivered once each, none lost, none twice, within a bounded time.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use mail::MailConfig;
use store::{Engine, Store};

use crate::common;
use common::*;

const MESSAGES: usize = 1_000;

/// Queues `n` due messages straight into the outbox, as the workflows would have.
async fn queue(url: &str, engine: Engine, n: usize) {
    let now = Timestamp::now().as_second();
    let sql = "INSERT INTO outbox (id, kind, recipient, subject, body_text, body_html, next_attempt_at, created_at, due_at)
        VALUES ($1, 'reminder', $2, 'Reminder', 'text', '<p>html</p>', $3, $3, $3)";
    match engine {
        Engine::Sqlite => {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            let mut tx = pool.begin().await.unwrap();
            for i in 0..n {
                sqlx::query(sql)
                    .bind(store::new_id())
                    .bind(format!("client{i}@example.com"))
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
        }
        Engine::Postgres => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            let mut tx = pool.begin().await.unwrap();
            for i in 0..n {
                sqlx::query(sql)
                    .bind(store::new_id())
                    .bind(format!("client{i}@example.com"))
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
        }
    }
}

/// One worker's loop: deliver until a pass finds nothing due; the number it sent.
async fn drain(store: Store, config: MailConfig) -> usize {
    let mut total = 0;
    loop {
        let n = mail::deliver::deliver_due(&store, &config, None, Timestamp::now())
            .await
            .expect("deliver");
        if n == 0 {
            return total;
        }
        total += n;
    }
}

async fn two_workers_deliver_each_message_once(engine: Engine) {
    let h = harness(engine, 0).await;
    queue(&h.url, engine, MESSAGES).await;
    let dir = tempfile::tempdir().unwrap();
    let config = MailConfig::Outbox {
        dir: dir.path().to_path_buf(),
        from: "Clinic <clinic@example.com>".into(),
    };
    // A second process: its own connections to the same database.
    let other = Store::connect(&h.url).await.unwrap();
    let started = Instant::now();
    let (a, b) = tokio::join!(
        tokio::spawn(drain(h.store.clone(), config.clone())),
        tokio::spawn(drain(other, config.clone())),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let took = started.elapsed();
    assert_eq!(
        a + b,
        MESSAGES,
        "delivered {a} + {b}: none twice, none lost"
    );
    if engine == Engine::Postgres {
        assert!(a > 0 && b > 0, "both workers took a share ({a}, {b})");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), MESSAGES);
    assert!(took < Duration::from_secs(120), "took {took:?}");
    eprintln!("{engine:?}: {MESSAGES} messages by two workers in {took:?} ({a} + {b})");
}

on_both_engines!(two_workers_deliver_each_message_once);
