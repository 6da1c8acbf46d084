//! The screening gate over a real store, on SQLite and on PostgreSQL: a screening covers the
//! areas it was answered for, belongs to the client who first booked with it, and expires
//! after the clinic's `[visits] screening_valid_days`.

use jiff::ToSpan;
use serde_json::{Value, json};
use service::{Actor, BookingInput, Gate, Refusal, Stored, Workflows};
use store::{BookingStatus, Engine, NewClient};

use crate::common;
use common::*;

/// Moves a screening's answering time `days` into the past, as if it had been answered then.
async fn age_screening(url: &str, id: &str, days: i64) {
    let sql = "UPDATE screenings SET created_at = created_at - $1 WHERE id = $2";
    if url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(url).await.expect("sqlite");
        sqlx::query(sql)
            .bind(days * 86_400)
            .bind(id)
            .execute(&pool)
            .await
            .expect("age");
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.expect("postgres");
        sqlx::query(sql)
            .bind(days * 86_400)
            .bind(id)
            .execute(&pool)
            .await
            .expect("age");
        pool.close().await;
    }
}

/// Every question answered so that nothing applies, then `changes`.
fn answers(flows: &Workflows, changes: Value) -> Value {
    let clinic = flows.clinic();
    let mut map = serde_json::Map::new();
    for q in clinic.rules.questions().iter().filter(|q| q.required) {
        let value = match q.kind {
            protocol::QuestionKind::Date if !q.accepts_never => json!("1980-06-15"),
            protocol::QuestionKind::Date => Value::Null,
            _ => json!(false),
        };
        map.insert(q.id.clone(), value);
    }
    for (k, v) in changes.as_object().unwrap() {
        map.insert(k.clone(), v.clone());
    }
    Value::Object(map)
}

async fn screened(h: &Harness, changes: Value, areas: Option<&[String]>) -> String {
    let (id, _) = h
        .flows
        .screen_and_store(&answers(&h.flows, changes), None, areas)
        .await
        .expect("screened");
    id
}

fn treatment(service: &str, hours: i64, email: &str, screening: &str) -> BookingInput {
    BookingInput {
        service_id: service.into(),
        start: hours_ahead(hours),
        practitioner: Some("maya-lee".into()),
        client: NewClient {
            name: "Gate Client".into(),
            email: email.into(),
            phone: None,
        },
        screening_id: Some(screening.into()),
        notes: String::new(),
        policy: None,
    }
}

#[track_caller]
fn assert_refused_at_screening(result: Result<service::Booked, Refusal>, words: &str) {
    match result {
        Err(Refusal::ScreeningRefused { field, message }) => {
            assert_eq!(field, "screening");
            assert!(message.contains(words), "{message}");
        }
        Err(other) => panic!("expected a screening refusal, got {other:?}"),
        Ok(b) => panic!("expected a refusal, booked {:?}", b.booking.id),
    }
}

async fn a_screening_books_only_its_areas(engine: Engine) {
    let h = harness(engine, 0).await;
    let body = screened(&h, json!({}), Some(&["body".to_owned()])).await;
    let face = h
        .flows
        .book(
            treatment("microneedling-face", 72, "ann@example.com", &body),
            Actor::Client,
        )
        .await;
    assert_refused_at_screening(face, "this treatment is for the face");
    match h.flows.stored_gate(&body, "microneedling-face").await {
        Ok(Stored::OutOfScope(why)) => assert!(why.contains("face"), "{why}"),
        _ => panic!("the booking page is told the screening does not cover the face"),
    }
    let booked = h
        .flows
        .book(
            treatment("microneedling-body", 72, "ann@example.com", &body),
            Actor::Client,
        )
        .await
        .expect("the body screening books the body");
    assert_eq!(booked.booking.status, BookingStatus::Confirmed);
    // A screening without areas is a face screening, as every screening was before areas.
    let old_style = screened(&h, json!({}), None).await;
    let body_again = h
        .flows
        .book(
            treatment("microneedling-body", 96, "ann@example.com", &old_style),
            Actor::Client,
        )
        .await;
    assert_refused_at_screening(body_again, "for the body");
}

async fn a_screening_is_the_first_booker_s(engine: Engine) {
    let h = harness(engine, 0).await;
    let id = screened(&h, json!({}), None).await;
    h.flows
        .book(
            treatment("microneedling-face", 72, "Ann@Example.com", &id),
            Actor::Client,
        )
        .await
        .expect("first booking");
    let other = h
        .flows
        .book(
            treatment("microneedling-face", 96, "bob@example.com", &id),
            Actor::Client,
        )
        .await;
    assert_refused_at_screening(other, "someone else");
    let staff = h
        .flows
        .book(
            treatment("microneedling-face", 96, "bob@example.com", &id),
            Actor::Staff {
                id: "desk-1".into(),
            },
        )
        .await;
    assert_refused_at_screening(staff, "someone else");
    h.flows
        .book(
            treatment("microneedling-face", 96, "ann@example.com", &id),
            Actor::Client,
        )
        .await
        .expect("the same client books again");
}

async fn a_screening_expires_after_the_valid_days(engine: Engine) {
    let h = harness(engine, 0).await;
    let days = i64::from(h.flows.clinic().setup.visits.screening_valid_days);
    let fresh = screened(&h, json!({}), None).await;
    age_screening(&h.url, &fresh, days - 1).await;
    h.flows
        .book(
            treatment("microneedling-face", 72, "c@example.com", &fresh),
            Actor::Client,
        )
        .await
        .expect("a day inside its validity");
    let old = screened(&h, json!({}), None).await;
    age_screening(&h.url, &old, days).await;
    let refused = h
        .flows
        .book(
            treatment("microneedling-face", 96, "d@example.com", &old),
            Actor::Client,
        )
        .await;
    assert_refused_at_screening(refused, &format!("more than {days} days old"));
    assert!(matches!(
        h.flows.stored_gate(&old, "microneedling-face").await,
        Ok(Stored::OutOfScope(_))
    ));
}

async fn a_deferral_keeps_the_review_it_outranks(engine: Engine) {
    let h = harness(engine, 0).await;
    let today = h.flows.clinic().today();
    let acne = screened(&h, json!({"inflammatory_acne_in_area": true}), None).await;
    match h.flows.stored_gate(&acne, "microneedling-face").await {
        Ok(Stored::Found(gate)) => assert_eq!(
            gate,
            Gate::Open {
                not_before: today.tomorrow().ok(),
                review: true
            }
        ),
        _ => panic!("acne opens the gate from tomorrow, for review"),
    }
    let booked = h
        .flows
        .book(
            treatment("microneedling-face", 72, "e@example.com", &acne),
            Actor::Client,
        )
        .await
        .expect("a later day");
    assert_eq!(booked.booking.status, BookingStatus::PendingReview);

    let last_dose = today.checked_sub(1.month()).unwrap().to_string();
    let both = screened(
        &h,
        json!({"isotretinoin_last_dose": last_dose, "keloid_history": true}),
        None,
    )
    .await;
    match h.flows.stored_gate(&both, "microneedling-face").await {
        Ok(Stored::Found(Gate::Open {
            not_before: Some(_),
            review,
        })) => {
            assert!(review, "the keloid consultation is kept")
        }
        _ => panic!("deferred to a date"),
    }
    let current = screened(&h, json!({"isotretinoin_last_dose": "current"}), None).await;
    assert!(matches!(
        h.flows.stored_gate(&current, "microneedling-face").await,
        Ok(Stored::Found(Gate::WaitUntilCleared))
    ));
}

on_both_engines!(
    a_screening_books_only_its_areas,
    a_screening_is_the_first_booker_s,
    a_screening_expires_after_the_valid_days,
    a_deferral_keeps_the_review_it_outranks,
);
