//! The audit trail on both engines: entries chain, the database refuses to change or remove
//! them, a tampered row is found by the walk, and concurrent appends never fork the chain.

use crate::common;

use store::{AuditEntry, AuditFilter, Engine, Store, Who};

async fn raw_sql(url: &str, engine: Engine, sql: &str) -> Result<(), sqlx::Error> {
    match engine {
        Engine::Sqlite => {
            let pool = sqlx::SqlitePool::connect(url).await?;
            sqlx::query(sql).execute(&pool).await?;
            pool.close().await;
        }
        Engine::Postgres => {
            let pool = sqlx::PgPool::connect(url).await?;
            sqlx::raw_sql(sql).execute(&pool).await?;
            pool.close().await;
        }
    }
    Ok(())
}

fn read(staff: &str, client: &str) -> AuditEntry {
    AuditEntry {
        who: Who::staff(staff, "practitioner", Some("192.0.2.7".into())),
        ..AuditEntry::new("read", "record", "booking-1").for_client(client)
    }
}

async fn entries_chain_and_cannot_be_changed(engine: Engine) {
    let (url, _dir) = common::fresh_url(engine).await;
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.verify_audit().await.unwrap().valid, 0);

    store.audit_one(read("s1", "c1")).await.unwrap();
    store.audit_one(read("s2", "c2")).await.unwrap();
    // A change made on a staff member's behalf is recorded in its own transaction.
    let staff = store::audit::acting(
        Who::staff("s1", "admin", Some("192.0.2.8".into())),
        store.create_staff("new@clinic.example", "hash", "front-desk", None),
    )
    .await
    .unwrap()
    .unwrap();
    let all = store
        .audit_entries(&AuditFilter::default(), 10)
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].seq, 3, "newest first");
    assert_eq!(
        (all[0].action.as_str(), all[0].entity.as_str()),
        ("create", "staff")
    );
    assert_eq!(all[0].entity_id, staff.id);
    assert_eq!(all[0].staff_role.as_deref(), Some("admin"));
    assert_eq!(all[0].address.as_deref(), Some("192.0.2.8"));
    assert_eq!(all[1].prev_hash, all[2].hash);
    assert_eq!(all[0].prev_hash, all[1].hash);
    // Ids only: the staff member's e-mail is nowhere in the entry.
    assert!(!format!("{:?}", all[0]).contains("new@clinic.example"));
    // Outside any request the system is the actor.
    store
        .create_staff("two@clinic.example", "hash", "admin", None)
        .await
        .unwrap();
    let last = &store
        .audit_entries(&AuditFilter::default(), 1)
        .await
        .unwrap()[0];
    assert_eq!(
        (last.actor.as_str(), last.staff_id.as_deref()),
        ("system", None)
    );

    let for_c1 = AuditFilter {
        client_id: Some("c1".into()),
        ..Default::default()
    };
    let c1 = store.audit_entries(&for_c1, 10).await.unwrap();
    assert_eq!(c1.len(), 1);
    assert_eq!(c1[0].staff_id.as_deref(), Some("s1"));
    let by_s1 = AuditFilter {
        staff_id: Some("s1".into()),
        ..Default::default()
    };
    assert_eq!(store.audit_entries(&by_s1, 10).await.unwrap().len(), 2);
    let page = AuditFilter {
        before: Some(3),
        ..Default::default()
    };
    assert_eq!(
        store.audit_entries(&page, 1).await.unwrap()[0].seq,
        2,
        "the next page starts below the last seen"
    );
    let future = AuditFilter {
        from: Some(jiff::Timestamp::now().as_second() + 3600),
        ..Default::default()
    };
    assert!(store.audit_entries(&future, 10).await.unwrap().is_empty());

    let check = store.verify_audit().await.unwrap();
    assert_eq!((check.valid, check.broken), (4, None));

    for sql in [
        "UPDATE audit_log SET action = 'create' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 4",
    ] {
        let err = raw_sql(&url, engine, sql).await.expect_err(sql);
        assert!(err.to_string().contains("audit entry"), "{sql}: {err}");
    }
    if engine == Engine::Postgres {
        let err = raw_sql(&url, engine, "TRUNCATE audit_log")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("audit entry"), "{err}");
    }
    assert_eq!(store.verify_audit().await.unwrap().valid, 4);
    store.close().await;
}
on_both_engines!(entries_chain_and_cannot_be_changed);

/// Someone with the database's owner rights drops the trigger and edits a row: the walk
/// names that row. Removing the last entry is found against the chain's head.
async fn a_tampered_entry_is_found(engine: Engine) {
    let (url, _dir) = common::fresh_url(engine).await;
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    for i in 0..5 {
        store.audit_one(read("s1", &format!("c{i}"))).await.unwrap();
    }
    let drop_trigger = match engine {
        Engine::Sqlite => "DROP TRIGGER audit_log_never_change",
        Engine::Postgres => "DROP TRIGGER audit_log_never_change ON audit_log",
    };
    raw_sql(&url, engine, drop_trigger).await.unwrap();
    raw_sql(
        &url,
        engine,
        "UPDATE audit_log SET staff_id = 's9' WHERE seq = 3",
    )
    .await
    .unwrap();
    let check = store.verify_audit().await.unwrap();
    assert_eq!(check.valid, 2);
    let broken = check.broken.expect("a break");
    assert_eq!(broken.seq, 3);
    assert!(broken.reason.contains("changed"), "{}", broken.reason);

    // Rewriting the row's hash as well still breaks there: it no longer follows from entry 2.
    raw_sql(
        &url,
        engine,
        "UPDATE audit_log SET hash = 'x' WHERE seq = 3",
    )
    .await
    .unwrap();
    assert_eq!(store.verify_audit().await.unwrap().broken.unwrap().seq, 3);

    let (url2, _dir2) = common::fresh_url(engine).await;
    let other = Store::connect(&url2).await.unwrap();
    other.migrate().await.unwrap();
    for i in 0..3 {
        other.audit_one(read("s1", &format!("c{i}"))).await.unwrap();
    }
    let drop_delete = match engine {
        Engine::Sqlite => "DROP TRIGGER audit_log_never_removed",
        Engine::Postgres => "DROP TRIGGER audit_log_never_change ON audit_log",
    };
    raw_sql(&url2, engine, drop_delete).await.unwrap();
    raw_sql(&url2, engine, "DELETE FROM audit_log WHERE seq = 3")
        .await
        .unwrap();
    let check = other.verify_audit().await.unwrap();
    assert_eq!(check.valid, 2);
    assert_eq!(check.broken.unwrap().seq, 3);
    raw_sql(&url2, engine, "DELETE FROM audit_log WHERE seq = 2")
        .await
        .unwrap();
    other.audit_one(read("s1", "c1")).await.unwrap();
    let broken = other.verify_audit().await.unwrap().broken.unwrap();
    assert_eq!(broken.seq, 2, "{}", broken.reason);
    assert!(broken.reason.contains("missing"), "{}", broken.reason);
    store.close().await;
    other.close().await;
}
on_both_engines!(a_tampered_entry_is_found);

/// Many appends at once from two pools (two `serve` processes): every one gets its own
/// sequence number and the chain still verifies.
async fn concurrent_appends_keep_one_chain(engine: Engine) {
    let (first, second, _dir) = common::two_stores(engine).await;
    const TASKS: usize = 24;
    const EACH: usize = 10;
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let store = if t % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        tasks.push(tokio::spawn(async move {
            for i in 0..EACH {
                store
                    .audit_one(read(&format!("s{t}"), &format!("c{i}")))
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    let check = first.verify_audit().await.unwrap();
    assert_eq!(check.broken, None);
    assert_eq!(check.valid, (TASKS * EACH) as u64);
    first.close().await;
    second.close().await;
}
on_both_engines!(concurrent_appends_keep_one_chain);
