//! Authenticator secrets sealed at rest, on both engines: the stored column is never the
//! secret, only the database's key opens it, a store without the key refuses instead of
//! guessing, and secrets stored readable before are sealed exactly once even when two
//! processes start at the same moment.

use store::{Engine, KeyFit, SecretKey, Store, StoreError};

use crate::common;
use common::{fresh_url, test_key};

/// Runs one statement past the store and answers the rows of two text columns.
async fn raw(url: &str, sql: &str) -> Vec<(String, String)> {
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        let rows = sqlx::query_as(sql).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        let rows = sqlx::query_as(sql).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows
    }
}

async fn stored(url: &str) -> Vec<(String, String)> {
    raw(
        url,
        "SELECT staff_id, secret FROM staff_two_factor ORDER BY staff_id",
    )
    .await
}

fn other_key() -> SecretKey {
    SecretKey::parse(&"a5".repeat(32)).unwrap()
}

/// Sealed with the database's key, read back after a restart, refused to another key and
/// to a store that was given none.
async fn secrets_are_stored_sealed_and_open_only_with_the_key(engine: Engine) {
    let (url, _dir) = fresh_url(engine).await;
    let first = Store::connect(&url).await.unwrap();
    first.migrate().await.unwrap();
    assert_eq!(
        first.key_fit(&test_key()).await.unwrap(),
        KeyFit::NothingSealed
    );
    assert_eq!(first.unlock_secrets(test_key()).await.unwrap(), 0);
    let staff = first
        .create_staff("maya@clinic.example", "hash", "practitioner", None)
        .await
        .unwrap()
        .unwrap();
    assert!(
        first
            .begin_two_factor(&staff.id, "JBSWY3DPEHPK3PXP")
            .await
            .unwrap()
    );
    let rows = stored(&url).await;
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].1.contains("JBSWY3DPEHPK3PXP"), "{rows:?}");
    first.close().await;

    let restarted = Store::connect(&url).await.unwrap();
    assert!(matches!(
        restarted.two_factor(&staff.id).await,
        Err(StoreError::NoSecretKey)
    ));
    assert!(matches!(
        restarted.begin_two_factor(&staff.id, "OTHER").await,
        Err(StoreError::NoSecretKey)
    ));
    assert_eq!(restarted.key_fit(&test_key()).await.unwrap(), KeyFit::Opens);
    assert_eq!(
        restarted.key_fit(&other_key()).await.unwrap(),
        KeyFit::Wrong
    );
    assert!(matches!(
        restarted.unlock_secrets(other_key()).await,
        Err(StoreError::WrongSecretKey)
    ));
    assert!(matches!(
        restarted.two_factor(&staff.id).await,
        Err(StoreError::NoSecretKey)
    ));
    restarted.unlock_secrets(test_key()).await.unwrap();
    assert_eq!(
        restarted
            .two_factor(&staff.id)
            .await
            .unwrap()
            .unwrap()
            .secret,
        "JBSWY3DPEHPK3PXP"
    );
    assert_eq!(
        stored(&url).await,
        rows,
        "unlocking changed a sealed secret"
    );

    // A sealed secret copied onto another member's row does not open there.
    let other = restarted
        .create_staff("sam@clinic.example", "hash", "admin", None)
        .await
        .unwrap()
        .unwrap();
    assert!(
        restarted
            .begin_two_factor(&other.id, "KRSXG5A")
            .await
            .unwrap()
    );
    raw(
        &url,
        &format!(
            "UPDATE staff_two_factor SET secret = '{}' WHERE staff_id = '{}' RETURNING staff_id, secret",
            rows[0].1, other.id
        ),
    )
    .await;
    assert!(matches!(
        restarted.two_factor(&other.id).await,
        Err(StoreError::WrongSecretKey)
    ));
}
on_both_engines!(secrets_are_stored_sealed_and_open_only_with_the_key);

/// Secrets written readable (before sealing began) are sealed at the first start with a
/// key, once: two stores starting together seal each one time, and a later start
/// changes nothing.
async fn readable_secrets_are_sealed_exactly_once(engine: Engine) {
    let (url, _dir) = fresh_url(engine).await;
    let setup = Store::connect(&url).await.unwrap();
    setup.migrate().await.unwrap();
    let mut plain = Vec::new();
    for (i, secret) in ["JBSWY3DPEHPK3PXP", "GEZDGNBVGY3TQOJQ", "MFRGGZDFMZTWQ2LK"]
        .iter()
        .enumerate()
    {
        let staff = setup
            .create_staff(&format!("m{i}@clinic.example"), "hash", "admin", None)
            .await
            .unwrap()
            .unwrap();
        raw(
            &url,
            &format!(
                "INSERT INTO staff_two_factor (staff_id, secret, confirmed_at, last_step)
                 VALUES ('{}', '{secret}', 1, -1) RETURNING staff_id, secret",
                staff.id
            ),
        )
        .await;
        plain.push((staff.id, secret.to_string()));
    }
    setup.close().await;
    plain.sort();

    let first = Store::connect(&url).await.unwrap();
    let second = Store::connect(&url).await.unwrap();
    let (a, b) = tokio::join!(
        first.unlock_secrets(test_key()),
        second.unlock_secrets(test_key())
    );
    assert_eq!(a.unwrap() + b.unwrap(), 3, "each secret sealed once");
    let sealed = stored(&url).await;
    for ((id, secret), (sealed_id, sealed_secret)) in plain.iter().zip(&sealed) {
        assert_eq!(id, sealed_id);
        assert!(!sealed_secret.contains(secret.as_str()), "{sealed_secret}");
        assert_eq!(&first.two_factor(id).await.unwrap().unwrap().secret, secret);
        assert_eq!(
            &second.two_factor(id).await.unwrap().unwrap().secret,
            secret
        );
    }
    let third = Store::connect(&url).await.unwrap();
    assert_eq!(third.unlock_secrets(test_key()).await.unwrap(), 0);
    assert_eq!(stored(&url).await, sealed, "a later start sealed again");
}
on_both_engines!(readable_secrets_are_sealed_exactly_once);
