//! Sign-in counts on both engines: every attempt gets its own count even when many arrive
//! at once through two connections pools (as from two `serve` processes), windows start
//! afresh, and remembered devices are found only while they last.

use store::Engine;

use crate::common;
use common::two_stores;

/// 60 attempts at once over two pools: the counts are exactly 1 to 60, none shared.
async fn concurrent_attempts_each_get_their_own_count(engine: Engine) {
    let (first, second, _dir) = two_stores(engine).await;
    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let store = if i % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            tokio::spawn(async move { store.count_login_attempt("account:a@b.c", 900).await })
        })
        .collect();
    let mut counts = Vec::new();
    for task in tasks {
        let count = tokio::time::timeout(std::time::Duration::from_secs(60), task)
            .await
            .expect("counted within a minute")
            .expect("task")
            .expect("count");
        counts.push(count.attempts);
    }
    counts.sort_unstable();
    assert_eq!(counts, (1..=60).collect::<Vec<i64>>());
    // Another key is counted apart.
    let other = first
        .count_login_attempt("account:x@y.z", 900)
        .await
        .unwrap();
    assert_eq!(other.attempts, 1);
}
on_both_engines!(concurrent_attempts_each_get_their_own_count);

/// A refund gives back one attempt; a window that is over starts again at 1; clearing
/// forgets the key.
async fn windows_refunds_and_clearing(engine: Engine) {
    let (store, _, _dir) = two_stores(engine).await;
    for expected in 1..=3 {
        let c = store.count_login_attempt("k", 900).await.unwrap();
        assert_eq!(c.attempts, expected);
    }
    let third = store.count_login_attempt("k", 900).await.unwrap();
    assert_eq!(third.attempts, 4);
    store.refund_login_attempt("k", third).await.unwrap();
    assert_eq!(
        store.count_login_attempt("k", 900).await.unwrap().attempts,
        4
    );
    // A zero-second window is always over: the count starts again.
    assert_eq!(store.count_login_attempt("k", 0).await.unwrap().attempts, 1);
    assert_eq!(
        store.count_login_attempt("k", 900).await.unwrap().attempts,
        2
    );
    store.clear_login_attempts("k").await.unwrap();
    assert_eq!(
        store.count_login_attempt("k", 900).await.unwrap().attempts,
        1
    );
}
on_both_engines!(windows_refunds_and_clearing);

/// A remembered device names its staff member until it expires.
async fn devices_are_remembered_until_they_expire(engine: Engine) {
    let (store, _, _dir) = two_stores(engine).await;
    let staff = store
        .create_staff("desk@clinic.example", "hash", "front-desk", None)
        .await
        .unwrap()
        .expect("new staff");
    store
        .remember_login_device("device-hash", &staff.id, 3600)
        .await
        .unwrap();
    assert_eq!(
        store.login_device_staff("device-hash").await.unwrap(),
        Some(staff.id.clone())
    );
    assert_eq!(store.login_device_staff("unknown").await.unwrap(), None);
    store
        .remember_login_device("device-hash", &staff.id, -10)
        .await
        .unwrap();
    assert_eq!(store.login_device_staff("device-hash").await.unwrap(), None);
}
on_both_engines!(devices_are_remembered_until_they_expire);
