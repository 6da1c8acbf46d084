//! Two-factor sign-in's "once" on both engines: a code's step, a recovery code and a
//! pending second step can each be taken by one request only, even when many race for it
//! through two connection pools (as from two `serve` processes).

use store::Engine;

use crate::common;
use common::two_stores;

/// How many of `n` racing calls of `take` answered true.
async fn winners<F, Fut>(n: usize, take: F) -> usize
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = bool> + Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|i| tokio::spawn(take(i))).collect();
    let mut won = 0;
    for task in tasks {
        if task.await.expect("task") {
            won += 1;
        }
    }
    won
}

/// Twenty requests with the same code's step, the same recovery code, or the same pending
/// step: one wins each; a later step still works, an earlier one never does.
async fn each_code_and_step_is_taken_once(engine: Engine) {
    let (first, second, _dir) = two_stores(engine).await;
    let staff = first
        .create_staff("maya@clinic.example", "hash", "practitioner", None)
        .await
        .unwrap()
        .unwrap();
    assert!(first.begin_two_factor(&staff.id, "SECRET").await.unwrap());
    // Not confirmed yet: no step is accepted for sign-in.
    assert!(!first.accept_two_factor_step(&staff.id, 10).await.unwrap());
    let codes = vec!["hash-a".to_owned(), "hash-b".to_owned()];
    assert!(
        first
            .confirm_two_factor(&staff.id, 10, &codes)
            .await
            .unwrap()
    );
    assert!(
        !second
            .confirm_two_factor(&staff.id, 11, &codes)
            .await
            .unwrap(),
        "confirmed twice"
    );
    assert!(
        !first.begin_two_factor(&staff.id, "OTHER").await.unwrap(),
        "a confirmed secret was replaced"
    );
    assert_eq!(
        first.two_factor(&staff.id).await.unwrap().unwrap().secret,
        "SECRET"
    );

    let stores = [first.clone(), second.clone()];
    let id = staff.id.clone();
    let won = winners(20, |i| {
        let (store, id) = (stores[i % 2].clone(), id.clone());
        async move { store.accept_two_factor_step(&id, 11).await.unwrap() }
    })
    .await;
    assert_eq!(won, 1, "step 11 was taken {won} times");
    assert!(
        !first.accept_two_factor_step(&staff.id, 10).await.unwrap(),
        "an older step after a newer one"
    );
    assert!(first.accept_two_factor_step(&staff.id, 12).await.unwrap());

    let won = winners(20, |i| {
        let (store, id) = (stores[i % 2].clone(), id.clone());
        async move { store.use_recovery_code(&id, "hash-a").await.unwrap() }
    })
    .await;
    assert_eq!(won, 1, "a recovery code was used {won} times");
    assert_eq!(first.recovery_codes_left(&staff.id).await.unwrap(), 1);
    assert!(
        !first
            .use_recovery_code(&staff.id, "hash-unknown")
            .await
            .unwrap()
    );

    first
        .create_sign_in_step("step-hash", &staff.id, "/admin", 600)
        .await
        .unwrap();
    assert_eq!(
        second.sign_in_step("step-hash").await.unwrap().unwrap().1,
        "/admin"
    );
    let won = winners(20, |i| {
        let store = stores[i % 2].clone();
        async move { store.finish_sign_in_step("step-hash").await.unwrap() }
    })
    .await;
    assert_eq!(won, 1, "a pending step was finished {won} times");
    assert!(first.sign_in_step("step-hash").await.unwrap().is_none());

    // An admin's reset removes the authenticator, its codes and the member's sessions.
    first
        .create_session(&store::NewSession {
            token_hash: "session-hash",
            staff_id: &staff.id,
            csrf: "csrf",
            lifetime_s: 3600,
            address: "10.0.0.1",
            user_agent: "test",
        })
        .await
        .unwrap();
    assert!(
        first
            .session("session-hash", 600)
            .await
            .unwrap()
            .unwrap()
            .two_factor_on
    );
    assert!(first.remove_two_factor(&staff.id).await.unwrap());
    assert!(first.two_factor(&staff.id).await.unwrap().is_none());
    assert_eq!(first.recovery_codes_left(&staff.id).await.unwrap(), 0);
    assert!(first.session("session-hash", 600).await.unwrap().is_none());
}
on_both_engines!(each_code_and_step_is_taken_once);
