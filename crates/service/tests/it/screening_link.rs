//! The screening link for a desk booking, on SQLite and on PostgreSQL: the desk mails it only
//! to a client with an address; the answers through it are tied to that booking with the
//! status the booking flow gives them; the link works once.

use service::{Actor, LinkAnswer, Refusal, Workflows};
use store::{Booking, BookingStatus, Engine, NewClient};

use crate::common;
use common::*;

/// Every required question answered "no" (dates "never", an adult's birth date), then `yes`
/// answered "yes" (none when empty).
fn answers_with(flows: &Workflows, yes: &str) -> serde_json::Value {
    let clinic = flows.clinic();
    let mut answers = serde_json::Map::new();
    for q in clinic.rules.questions().iter().filter(|q| q.required) {
        let value = match q.kind {
            protocol::QuestionKind::Date if !q.accepts_never => serde_json::json!("1980-06-15"),
            protocol::QuestionKind::Date => serde_json::Value::Null,
            _ => serde_json::Value::Bool(q.id == yes),
        };
        answers.insert(q.id.clone(), value);
    }
    serde_json::Value::Object(answers)
}

/// The whole hour `hours` ahead, or the midnight after when that is 23:00: the treatment
/// takes 90 minutes and the test clinic's days end at midnight.
fn treatment_start(hours: i64) -> jiff::Timestamp {
    let tz = jiff::tz::TimeZone::get(&clinic::demo().clinic.timezone).expect("zone");
    let mut start = hours_ahead(hours);
    if start.to_zoned_datetime(tz).hour() == 23 {
        start += jiff::ToSpan::hours(1);
    }
    start
}

/// A face treatment the desk booked by phone without a screening, for `email` (`None`: a
/// phone-only client).
async fn desk_booking(h: &Harness, hours: i64, email: Option<&str>) -> Booking {
    let mut input = consultation(treatment_start(hours), "maya-lee", email.unwrap_or(""));
    input.service_id = "microneedling-face".into();
    input.client = NewClient {
        name: "Pia Phone".into(),
        email: email.map_or_else(|| store::stand_in_email("+1 555 0142"), str::to_owned),
        phone: Some("+1 555 0142".into()),
    };
    let booked = h.flows.book(input, staff()).await.expect("booked").booking;
    assert_eq!(booked.status, BookingStatus::PendingReview);
    assert!(booked.screening_id.is_none());
    booked
}

/// The token in the screening link mailed for `booking`.
async fn mailed_token(h: &Harness, booking: &Booking) -> String {
    let sql = "SELECT body_text FROM outbox WHERE booking_id = $1 AND kind = 'screening_link'";
    let bodies: Vec<(String,)> = if h.url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&h.url).await.expect("sqlite");
        let rows = sqlx::query_as(sql).bind(&booking.id).fetch_all(&pool).await;
        pool.close().await;
        rows.expect("outbox")
    } else {
        let pool = sqlx::PgPool::connect(&h.url).await.expect("postgres");
        let rows = sqlx::query_as(sql).bind(&booking.id).fetch_all(&pool).await;
        pool.close().await;
        rows.expect("outbox")
    };
    let (body,) = bodies.last().expect("a screening link was mailed");
    let at = body
        .find("http://clinic.test/screening-link/")
        .expect("the link in the mail");
    body[at..]
        .trim_start_matches("http://clinic.test/screening-link/")
        .split_whitespace()
        .next()
        .expect("token")
        .to_owned()
}

async fn clear_answers_confirm_the_booking_once(engine: Engine) {
    let h = harness(engine, 0).await;
    let booked = desk_booking(&h, 48, Some("pia@example.com")).await;
    h.flows.send_screening_link(&booked).await.expect("sent");
    let token = mailed_token(&h, &booked).await;
    assert_eq!(
        h.flows
            .screening_link_booking(&token)
            .await
            .expect("opens")
            .id,
        booked.id
    );
    let answer = h
        .flows
        .answer_screening_link(&token, &answers_with(&h.flows, ""))
        .await
        .expect("answered");
    let LinkAnswer::Decided(after) = answer else {
        panic!("clear answers are not held: {answer:?}");
    };
    assert_eq!(after.status, BookingStatus::Confirmed);
    let stored = h.store.booking(&booked.id).await.unwrap().unwrap();
    assert_eq!(stored.status, BookingStatus::Confirmed);
    let screening = stored.screening_id.expect("tied to the booking");
    let scope = h.store.screening_scope(&screening).await.unwrap().unwrap();
    assert_eq!(
        scope.email.as_deref(),
        Some("pia@example.com"),
        "the client's own"
    );
    // Once: the link is used up, and a second answer changes nothing.
    let again = h
        .flows
        .answer_screening_link(&token, &answers_with(&h.flows, "keloid_history"))
        .await;
    assert!(matches!(again, Err(Refusal::NotFound { .. })), "{again:?}");
    assert!(h.flows.screening_link_booking(&token).await.is_err());
    let audit = h
        .store
        .audit_entries(&store::AuditFilter::default(), 100)
        .await
        .unwrap();
    for action in ["screening_link", "screening_answered"] {
        assert!(
            audit
                .iter()
                .any(|e| e.action == action && e.entity_id == booked.id),
            "{action} audited"
        );
    }
}

async fn answers_asking_for_a_consultation_keep_it_for_review(engine: Engine) {
    let h = harness(engine, 0).await;
    let booked = desk_booking(&h, 48, Some("kim@example.com")).await;
    h.flows.send_screening_link(&booked).await.expect("sent");
    let token = mailed_token(&h, &booked).await;
    let answer = h
        .flows
        .answer_screening_link(&token, &answers_with(&h.flows, "keloid_history"))
        .await
        .expect("answered");
    let LinkAnswer::Decided(after) = answer else {
        panic!("a consultation is a review, not a refusal: {answer:?}");
    };
    assert_eq!(after.status, BookingStatus::PendingReview);
    assert!(after.screening_id.is_some());
}

async fn answers_the_rules_refuse_hold_the_booking_and_say_why(engine: Engine) {
    let h = harness(engine, 0).await;
    let booked = desk_booking(&h, 48, Some("ona@example.com")).await;
    h.flows.send_screening_link(&booked).await.expect("sent");
    let token = mailed_token(&h, &booked).await;
    let answers = answers_with(&h.flows, "active_infection_in_area");
    let answer = h
        .flows
        .answer_screening_link(&token, &answers)
        .await
        .expect("answered");
    let LinkAnswer::Held { booking, reason } = answer else {
        panic!("an infection in the area refuses this date: {answer:?}");
    };
    assert_eq!(booking.status, BookingStatus::PendingReview);
    assert!(!reason.is_empty());
    let stored = h.store.booking(&booked.id).await.unwrap().unwrap();
    assert!(stored.screening_id.is_some(), "the answers are on file");
}

async fn no_link_for_a_phone_only_client_or_a_screened_booking(engine: Engine) {
    let h = harness(engine, 0).await;
    let phone_only = desk_booking(&h, 48, None).await;
    let refused = h.flows.send_screening_link(&phone_only).await;
    let Err(Refusal::Closed { message }) = refused else {
        panic!("a phone-only client gets no link: {refused:?}");
    };
    assert!(message.contains("No email address"), "{message}");
    assert!(
        h.store
            .mail_for_booking(&phone_only.id)
            .await
            .unwrap()
            .is_empty()
    );
    let (screening, _) = h
        .flows
        .screen_and_store(&answers_with(&h.flows, ""), None, None)
        .await
        .unwrap();
    let mut input = consultation(treatment_start(30), "maya-lee", "sam@example.com");
    input.service_id = "microneedling-face".into();
    input.screening_id = Some(screening);
    let screened = h.flows.book(input, Actor::Client).await.unwrap().booking;
    assert!(matches!(
        h.flows.send_screening_link(&screened).await,
        Err(Refusal::Closed { .. })
    ));
    // A cancelled booking's link stops working.
    let later = desk_booking(&h, 60, Some("lea@example.com")).await;
    h.flows.send_screening_link(&later).await.expect("sent");
    let token = mailed_token(&h, &later).await;
    h.flows.cancel(&later, staff()).await.expect("cancelled");
    let answer = h
        .flows
        .answer_screening_link(&token, &answers_with(&h.flows, ""))
        .await;
    assert!(matches!(answer, Err(Refusal::Closed { .. })), "{answer:?}");
    let stored = h.store.booking(&later.id).await.unwrap().unwrap();
    assert_eq!(stored.status, BookingStatus::Cancelled);
    assert!(stored.screening_id.is_none());
}

on_both_engines!(
    clear_answers_confirm_the_booking_once,
    answers_asking_for_a_consultation_keep_it_for_review,
    answers_the_rules_refuse_hold_the_booking_and_say_why,
    no_link_for_a_phone_only_client_or_a_screened_booking,
);
