//! Undo for a few minutes, on SQLite and on PostgreSQL: a cancellation is taken back only
//! while its time is free (the database decides), its unsent mail is withdrawn or the client
//! told the booking stands; a no-show goes back to what it was; after the window, nothing.

use service::{Actor, Refusal, StaffStatus};
use store::{Booking, BookingStatus, Engine, Store};

use crate::common;
use common::*;

async fn mail(store: &Store, booking: &Booking) -> Vec<(String, String)> {
    store
        .mail_for_booking(&booking.id)
        .await
        .expect("mail")
        .into_iter()
        .map(|(kind, _, status)| (kind, status))
        .collect()
}

async fn booked(h: &Harness, hours: i64, email: &str) -> Booking {
    h.flows
        .book(
            consultation(hours_ahead(hours), "maya-lee", email),
            Actor::Client,
        )
        .await
        .expect("booked")
        .booking
}

async fn an_unsent_cancellation_is_undone_without_a_word(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = booked(&h, 30, "undo@example.com").await;
    let cancelled = h.flows.cancel(&b, staff()).await.expect("cancelled");
    assert!(
        h.flows
            .undo_until(&cancelled, jiff::Timestamp::now())
            .await
            .unwrap()
            .is_some()
    );
    let undone = h.flows.undo(&cancelled).await.expect("undone");
    assert_eq!(undone.booking.status, BookingStatus::Confirmed);
    assert!(!undone.client_was_told);
    let stored = h.store.booking(&b.id).await.unwrap().unwrap();
    assert_eq!(stored.status, BookingStatus::Confirmed);
    let sent = mail(&h.store, &b).await;
    assert!(
        sent.contains(&("cancelled".into(), "withdrawn".into())),
        "{sent:?}"
    );
    assert!(!sent.iter().any(|(k, _)| k == "reinstated"), "{sent:?}");
    // The time is held again: the same practitioner cannot be booked over it.
    let over = h
        .flows
        .book(
            consultation(b.start, "maya-lee", "other@example.com"),
            Actor::Client,
        )
        .await;
    assert!(
        matches!(over, Err(Refusal::SlotTaken { .. })),
        "booked over a time taken back"
    );
    // Once: nothing left to undo.
    assert!(matches!(
        h.flows.undo(&stored).await,
        Err(Refusal::Closed { .. })
    ));
    let audit = h
        .store
        .audit_entries(&store::AuditFilter::default(), 50)
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "undo" && e.entity_id == b.id)
    );
}

async fn a_time_taken_since_is_not_taken_back(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = booked(&h, 30, "first@example.com").await;
    let cancelled = h.flows.cancel(&b, staff()).await.expect("cancelled");
    h.flows
        .book(
            consultation(b.start, "maya-lee", "second@example.com"),
            Actor::Client,
        )
        .await
        .expect("the freed time is booked by another client");
    let refused = h.flows.undo(&cancelled).await;
    let Err(Refusal::Closed { message }) = refused else {
        panic!("the time is gone: {refused:?}");
    };
    assert!(message.contains("taken"), "{message}");
    let stored = h.store.booking(&b.id).await.unwrap().unwrap();
    assert_eq!(stored.status, BookingStatus::Cancelled);
    let sent = mail(&h.store, &b).await;
    assert!(
        sent.contains(&("cancelled".into(), "pending".into())),
        "the cancellation still goes: {sent:?}"
    );
}

async fn a_client_already_told_hears_it_stands(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = booked(&h, 30, "told@example.com").await;
    let cancelled = h.flows.cancel(&b, staff()).await.expect("cancelled");
    // The mail worker sends everything due, the cancellation included.
    let far = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(1);
    for m in h.store.claim_due(far, "email", 50).await.unwrap() {
        h.store.mark_mail_sent(&m.id).await.unwrap();
    }
    let undone = h.flows.undo(&cancelled).await.expect("undone");
    assert!(undone.client_was_told);
    let sent = mail(&h.store, &b).await;
    assert!(
        sent.contains(&("reinstated".into(), "pending".into())),
        "{sent:?}"
    );
}

async fn a_no_show_goes_back_and_the_window_closes(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = booked(&h, 30, "late@example.com").await;
    let missed = h
        .flows
        .set_status(&b, StaffStatus::NoShow, "desk-1")
        .await
        .expect("no-show");
    let undone = h.flows.undo(&missed).await.expect("undone");
    assert_eq!(undone.booking.status, BookingStatus::Confirmed);

    let again = h
        .flows
        .set_status(&undone.booking, StaffStatus::NoShow, "desk-1")
        .await
        .expect("no-show again");
    let past = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(service::UNDO_MINUTES + 1);
    assert!(h.flows.undo_until(&again, past).await.unwrap().is_none());
    // Moved back past the window, as if the change had been made six minutes ago.
    let sql = "UPDATE bookings SET status_changed_at = status_changed_at - 360 WHERE id = $1";
    if h.url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&h.url).await.unwrap();
        sqlx::query(sql).bind(&b.id).execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&h.url).await.unwrap();
        sqlx::query(sql).bind(&b.id).execute(&pool).await.unwrap();
        pool.close().await;
    }
    let late = h.flows.undo(&again).await;
    let Err(Refusal::Closed { message }) = late else {
        panic!("too late: {late:?}");
    };
    assert!(message.contains("Too late"), "{message}");
    let stored = h.store.booking(&b.id).await.unwrap().unwrap();
    assert_eq!(stored.status, BookingStatus::NoShow);
}

on_both_engines!(
    an_unsent_cancellation_is_undone_without_a_word,
    a_time_taken_since_is_not_taken_back,
    a_client_already_told_hears_it_stands,
    a_no_show_goes_back_and_the_window_closes,
);
