//! Bookings racing each other, as the SQLite writer takes them: many in one transaction,
//! each in its own savepoint. A refusal, a lost race or a failure in one of them leaves its
//! neighbours standing and writes nothing of its own; each caller hears back only once its
//! booking is committed. PostgreSQL runs the same races on its parallel connections.

use std::sync::Arc;

use store::{AuditFilter, BookingError, Who};

use super::{TestDb, book, mail_for, new_booking, setup, whole};

/// Twelve free four-minute times, each asked for by two clients at once, and six more requests
/// that the caller's own check turns down: one booking per time stands, every loser
/// and every refusal left nothing behind, and each winner's audit entry names its client.
async fn racing_bookings_stand_or_fall_alone(db: TestDb) {
    setup(&db).await;
    let db = Arc::new(db);
    let mut tasks = Vec::new();
    for slot in 0..12 {
        let (start, end) = (
            format!("09:{:02}", slot * 4),
            format!("09:{:02}", slot * 4 + 4),
        );
        for contender in 0..2 {
            let (db, start, end) = (db.clone(), start.clone(), end.clone());
            let email = format!("slot{slot}-{contender}@example.com");
            tasks.push(tokio::spawn(async move {
                let who = Who::client(Some(format!("203.0.113.{slot}")));
                let result = store::audit::acting(who, async {
                    book(&db, &email, whole("maya-lee", "room-1", &start, &end)).await
                })
                .await;
                (slot, email, result)
            }));
        }
    }
    for n in 0..6 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let email = format!("refused{n}@example.com");
            let result = db
                .store
                .create_booking(
                    &new_booking(&email, "consultation"),
                    (super::at("14:00"), super::at("14:30")),
                    |_| Err("the caller said no"),
                    |b| mail_for(b, "booked"),
                )
                .await;
            (100 + n, email, result)
        }));
    }
    let mut stood = std::collections::BTreeMap::new();
    for task in tasks {
        let (slot, email, result) = task.await.expect("task");
        match result {
            Ok(booking) => {
                assert_eq!(booking.client.email, email);
                assert!(
                    stood.insert(slot, booking).is_none(),
                    "two bookings stood for slot {slot}"
                );
            }
            Err(BookingError::SlotTaken) => {
                assert!(slot < 100, "a refusal came back as a lost race")
            }
            Err(BookingError::Refused(why)) => {
                assert!(slot >= 100, "slot {slot} was refused: {why}");
                assert_eq!(why, "the caller said no");
            }
            Err(other) => panic!("slot {slot}: {other:?}"),
        }
    }
    assert_eq!(stood.len(), 12, "one booking per time: {:?}", stood.keys());
    assert_eq!(db.count("bookings").await, 12);
    assert_eq!(db.count("holds").await, 24);
    assert_eq!(db.count("outbox").await, 12);
    assert_eq!(
        db.count("clients").await,
        12,
        "losers and refusals added no client"
    );
    for (slot, booking) in &stood {
        let filter = AuditFilter {
            client_id: Some(booking.client.id.clone()),
            ..AuditFilter::default()
        };
        let entries = db.store.audit_entries(&filter, 10).await.expect("audit");
        assert_eq!(entries.len(), 1, "one entry for {slot}: {entries:?}");
        let entry = &entries[0];
        assert_eq!(
            (entry.action.as_str(), entry.entity_id.as_str()),
            ("create", booking.id.as_str())
        );
        assert_eq!(entry.actor, "client");
        assert_eq!(
            entry.address.as_deref(),
            Some(format!("203.0.113.{slot}").as_str())
        );
    }
    let chain = db.store.verify_audit().await.expect("verify");
    assert!(chain.broken.is_none(), "the chain holds: {chain:?}");
}
on_both_engines!(racing_bookings_stand_or_fall_alone);

/// A booking whose mail could not be written (its composer panicked) is lost on its own:
/// the bookings queued beside it stand with their mail and one audit entry each, and the
/// writer goes on taking more. The first booking keeps the writer busy while the others
/// queue, so they are written in one transaction, which is rolled back and written again
/// without the failed ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_booking_takes_no_neighbour_with_it() {
    let db = Arc::new(TestDb::new(store::Engine::Sqlite).await);
    setup(&db).await;
    let mut tasks = Vec::new();
    for n in 0..9_u32 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let start = format!("10:{:02}", n * 5);
            let end = format!("10:{:02}", n * 5 + 5);
            let placement = whole("sam-ortiz", "room-2", &start, &end);
            let window = (placement.start, placement.end);
            db.store
                .create_booking(
                    &new_booking(&format!("n{n}@example.com"), "consultation"),
                    window,
                    move |_| {
                        if n == 0 {
                            std::thread::sleep(std::time::Duration::from_millis(300));
                        }
                        Ok::<_, &str>(placement)
                    },
                    move |b| {
                        assert!(n % 3 != 1, "the composer failed for booking {n}");
                        mail_for(b, "booked")
                    },
                )
                .await
        }));
        if n == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    let mut stood = Vec::new();
    for (n, task) in tasks.into_iter().enumerate() {
        match task.await.expect("task") {
            Ok(booking) => {
                assert_ne!(n % 3, 1, "booking {n} should have failed");
                stood.push(booking);
            }
            Err(BookingError::Store(e)) => assert_eq!(n % 3, 1, "booking {n} failed: {e}"),
            Err(other) => panic!("booking {n}: {other:?}"),
        }
    }
    assert_eq!(stood.len(), 6);
    assert_eq!(db.count("bookings").await, 6);
    assert_eq!(db.count("holds").await, 12);
    assert_eq!(db.count("outbox").await, 6);
    assert_eq!(db.count("clients").await, 6);
    for booking in &stood {
        let found = db.store.booking(&booking.id).await.expect("read");
        assert_eq!(found.as_ref(), Some(booking), "stored as answered");
        let filter = AuditFilter {
            client_id: Some(booking.client.id.clone()),
            ..AuditFilter::default()
        };
        let entries = db.store.audit_entries(&filter, 10).await.expect("audit");
        assert_eq!(
            entries.len(),
            1,
            "one entry for {}: {entries:?}",
            booking.id
        );
    }
    let chain = db.store.verify_audit().await.expect("verify");
    assert!(chain.broken.is_none(), "the chain holds: {chain:?}");
    let after = book(
        &db,
        "after@example.com",
        whole("sam-ortiz", "room-2", "11:00", "11:30"),
    )
    .await;
    assert!(
        after.is_ok(),
        "the writer takes bookings after a failure: {after:?}"
    );
}
