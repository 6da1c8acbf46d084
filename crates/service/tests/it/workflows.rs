//! The workflows over a real store, on SQLite and on PostgreSQL: what each refuses, and
//! that what they do is written with its mail or not at all.

use service::{Actor, Refusal, Review, StaffStatus, Workflows};
use store::{Booking, BookingStatus, Engine, Store};

use crate::common;
use common::*;

async fn mail_kinds(store: &Store, booking: &Booking) -> Vec<String> {
    store
        .mail_for_booking(&booking.id)
        .await
        .expect("mail")
        .into_iter()
        .map(|(kind, _, _)| kind)
        .collect()
}

async fn a_lost_race_lists_the_nearest_free_times(engine: Engine) {
    let h = harness(engine, 0).await;
    let start = hours_ahead(72);
    let first = h
        .flows
        .book(
            consultation(start, "maya-lee", "a@example.com"),
            Actor::Client,
        )
        .await
        .expect("first booking");
    assert_eq!(first.booking.status, BookingStatus::Confirmed);
    assert_eq!(mail_kinds(&h.store, &first.booking).await, ["booked"]);
    let lost = h
        .flows
        .book(
            consultation(start, "maya-lee", "b@example.com"),
            Actor::Client,
        )
        .await;
    let Err(Refusal::SlotTaken { alternatives }) = lost else {
        panic!("expected a lost race, got {:?}", lost.map(|b| b.booking.id));
    };
    assert!(
        !alternatives.is_empty(),
        "the nearest free times are offered"
    );
    assert!(alternatives.len() <= 4);
    assert!(
        alternatives.iter().all(|s| s.start.timestamp() != start),
        "the taken time is not offered again"
    );
    assert!(
        alternatives
            .windows(2)
            .all(|w| w[0].start.timestamp() < w[1].start.timestamp()),
        "alternatives come in time order"
    );
}

async fn clients_change_only_outside_the_cancel_window(engine: Engine) {
    let h = harness(engine, 0).await;
    // The demo's window is 24 hours and its notice 12: a booking 14 hours away is
    // bookable online but no longer changeable online.
    let soon = h
        .flows
        .book(
            consultation(hours_ahead(14), "maya-lee", "c@example.com"),
            Actor::Client,
        )
        .await
        .expect("bookable");
    let refused = h.flows.cancel(&soon.booking, Actor::Client).await;
    match refused {
        Err(Refusal::InsideCancelWindow { hours, phone }) => {
            assert_eq!(hours, 24);
            assert_eq!(phone, h.flows.clinic().setup.clinic.phone);
        }
        other => panic!(
            "expected the cancel window, got {:?}",
            other.map(|b| b.status)
        ),
    }
    let moved = h
        .flows
        .reschedule(&soon.booking, hours_ahead(80), None, Actor::Client, None)
        .await;
    assert!(matches!(moved, Err(Refusal::InsideCancelWindow { .. })));
    let cancelled = h
        .flows
        .cancel(&soon.booking, staff())
        .await
        .expect("staff may cancel inside the window");
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
    assert_eq!(
        mail_kinds(&h.store, &soon.booking).await,
        ["booked", "cancelled"]
    );
    let again = h.flows.cancel(&cancelled, staff()).await;
    assert!(
        matches!(&again, Err(Refusal::Closed { message }) if message.contains("cancelled")),
        "a cancelled booking stays cancelled"
    );
}

async fn treatments_are_held_to_the_screening(engine: Engine) {
    let h = harness(engine, 0).await;
    let mut input = consultation(hours_ahead(72), "maya-lee", "d@example.com");
    input.service_id = "microneedling-face".into();
    let refused = h.flows.book(input.clone(), Actor::Client).await;
    assert!(matches!(refused, Err(Refusal::ScreeningRequired)));
    let held = h
        .flows
        .book(input, staff())
        .await
        .expect("staff may book by phone");
    assert_eq!(held.booking.status, BookingStatus::PendingReview);
    let confirmed = h
        .flows
        .review(
            &held.booking,
            Review::Confirm,
            "  Fine to go ahead. ",
            Some("sam-ortiz"),
        )
        .await
        .expect("review");
    assert_eq!(confirmed.status, BookingStatus::Confirmed);
    assert_eq!(confirmed.review_note.as_deref(), Some("Fine to go ahead."));
    assert_eq!(
        mail_kinds(&h.store, &held.booking).await,
        ["booked", "confirmed"]
    );
    let twice = h
        .flows
        .review(&confirmed, Review::Decline, "", Some("maya-lee"))
        .await;
    assert!(matches!(twice, Err(Refusal::Closed { .. })));
    assert_eq!(
        h.store
            .booking(&held.booking.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        BookingStatus::Confirmed,
        "a refused review leaves the booking as it was"
    );
}

async fn the_desk_moves_a_booking_through_its_day(engine: Engine) {
    let h = harness(engine, 0).await;
    let booked = h
        .flows
        .book(
            consultation(hours_ahead(72), "sam-ortiz", "e@example.com"),
            staff(),
        )
        .await
        .expect("booked");
    let arrived = h
        .flows
        .set_status(&booked.booking, StaffStatus::Arrived, "desk-1")
        .await
        .expect("arrived");
    assert_eq!(arrived.status, BookingStatus::Arrived);
    let done = h
        .flows
        .set_status(&arrived, StaffStatus::Completed, "desk-1")
        .await
        .expect("completed");
    assert_eq!(done.status, BookingStatus::Completed);
    let cancel = h
        .flows
        .set_status(&done, StaffStatus::Cancelled, "desk-1")
        .await;
    assert!(matches!(cancel, Err(Refusal::Closed { .. })));
    assert!(matches!(
        StaffStatus::parse("teleported"),
        Err(Refusal::Invalid { field, .. }) if field == "status"
    ));
}

async fn booking_attempts_are_counted_per_address(engine: Engine) {
    let h = harness(engine, 2).await;
    let one: std::net::IpAddr = "192.0.2.1".parse().unwrap();
    let two: std::net::IpAddr = "192.0.2.2".parse().unwrap();
    assert!(h.flows.count_booking_attempt(one).is_ok());
    assert!(h.flows.count_booking_attempt(one).is_ok());
    match h.flows.count_booking_attempt(one) {
        Err(Refusal::RateLimited { retry_after }) => assert!((1..=3600).contains(&retry_after)),
        other => panic!("expected the limit, got {other:?}"),
    }
    assert!(h.flows.count_booking_attempt(two).is_ok());
    assert_eq!(
        h.flows.manage_url("tok"),
        "http://clinic.test/manage/tok",
        "one slash between the site and the path"
    );
}

/// Every required screening question answered "no" (dates "never", an adult's birth date),
/// then `yes` answered "yes".
fn answers_with(flows: &Workflows, yes: &str) -> serde_json::Value {
    let clinic = flows.clinic();
    let mut answers = serde_json::Map::new();
    for q in clinic.rules.questions().iter().filter(|q| q.required) {
        let value = match q.kind {
            // An adult's date of birth; every other date question is "never".
            protocol::QuestionKind::Date if !q.accepts_never => serde_json::json!("1980-06-15"),
            protocol::QuestionKind::Date => serde_json::Value::Null,
            _ => serde_json::Value::Bool(q.id == yes),
        };
        answers.insert(q.id.clone(), value);
    }
    if !answers.contains_key(yes) {
        // `age_under_22` is the older question the date of birth replaced; it stands in for it.
        answers.remove("date_of_birth");
        answers.insert(yes.to_string(), serde_json::Value::Bool(true));
    }
    serde_json::Value::Object(answers)
}

async fn held_for(h: &Harness, yes: &str, email: &str, hours: i64) -> Booking {
    let (screening, result) = h
        .flows
        .screen_and_store(&answers_with(&h.flows, yes), None, None)
        .await
        .expect("screening");
    assert_eq!(result.outcome, protocol::Outcome::Consult, "{yes}");
    let mut input = consultation(hours_ahead(hours), "sam-ortiz", email);
    input.service_id = "microneedling-face".into();
    input.screening_id = Some(screening);
    let held = h.flows.book(input, Actor::Client).await.expect("held");
    assert_eq!(held.booking.status, BookingStatus::PendingReview);
    held.booking
}

async fn only_a_prescriber_confirms_what_a_doctor_must_approve(engine: Engine) {
    let h = harness(engine, 0).await;
    let keloid = held_for(&h, "keloid_history", "k@example.com", 72).await;
    let approval = h.flows.approval(&keloid).await.expect("approval");
    assert_eq!(approval.doctor_findings, ["keloid"]);
    assert!(approval.who().contains("Dr. Maya Lee"));
    for reviewer in [Some("sam-ortiz"), None] {
        let refused = h.flows.review(&keloid, Review::Confirm, "", reviewer).await;
        let Err(Refusal::Forbidden { message }) = refused else {
            panic!("{reviewer:?} may not confirm a keloid finding");
        };
        assert!(
            message.contains("prescriber") && message.contains("keloid"),
            "{message}"
        );
        assert!(message.contains("Dr. Maya Lee"), "{message}");
    }
    assert_eq!(
        h.store.booking(&keloid.id).await.unwrap().unwrap().status,
        BookingStatus::PendingReview,
        "a refused confirmation leaves the booking held"
    );
    assert_eq!(mail_kinds(&h.store, &keloid).await, ["booked"]);
    let confirmed = h
        .flows
        .review(&keloid, Review::Confirm, "", Some("maya-lee"))
        .await
        .expect("a prescriber confirms");
    assert_eq!(confirmed.status, BookingStatus::Confirmed);

    // Declining needs no prescriber, and a finding no doctor must approve is anyone's.
    let keloid_again = held_for(&h, "keloid_history", "k2@example.com", 76).await;
    let declined = h
        .flows
        .review(&keloid_again, Review::Decline, "", Some("sam-ortiz"))
        .await
        .expect("anyone clinical may decline");
    assert_eq!(declined.status, BookingStatus::Declined);
    let young = held_for(&h, "age_under_22", "y@example.com", 80).await;
    assert!(!h.flows.approval(&young).await.unwrap().needs_prescriber());
    let confirmed = h
        .flows
        .review(&young, Review::Confirm, "", Some("sam-ortiz"))
        .await
        .expect("any practitioner confirms");
    assert_eq!(confirmed.status, BookingStatus::Confirmed);
}

on_both_engines!(
    only_a_prescriber_confirms_what_a_doctor_must_approve,
    a_lost_race_lists_the_nearest_free_times,
    clients_change_only_outside_the_cancel_window,
    treatments_are_held_to_the_screening,
    the_desk_moves_a_booking_through_its_day,
    booking_attempts_are_counted_per_address,
);
