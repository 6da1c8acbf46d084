//! The treatment record and recall over a real store, on SQLite and on PostgreSQL: bad input
//! is named and writes nothing, a signed record is never rewritten, amendments keep the
//! original, completion needs a signed record, and a recall finds exactly the visits a lot
//! touched.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use service::{RecallQuery, RecordBody, Refusal, SignInput, StaffStatus};
use store::{Booking, BookingStatus, Engine, NewBooking, NewClient, Placement};

use crate::common;
use common::*;

/// A face treatment for `email` at `start`, arrived. Written through the store so that it can
/// lie in the past, as a visit being recorded does.
async fn visit(h: &Harness, email: &str, name: &str, start: Timestamp) -> Booking {
    visit_of(h, "microneedling-face", email, name, start).await
}

async fn visit_of(
    h: &Harness,
    service: &str,
    email: &str,
    name: &str,
    start: Timestamp,
) -> Booking {
    let booked = booked(h, service, email, name, start).await;
    sign_consents(h, &booked).await;
    h.flows
        .set_status(&booked, StaffStatus::Arrived, "desk-1")
        .await
        .expect("arrived")
}

/// The client signs every consent document as shown, so the clinic's `require_consent`
/// stands aside for the record itself.
async fn sign_consents(h: &Harness, booking: &Booking) {
    for doc in h.flows.consent_documents(booking).await.unwrap() {
        let input = SignInput {
            document: doc.id,
            version: doc.version,
            sha256: doc.sha256,
            name: booking.client.name.clone(),
            agree: true,
            choice: doc.photos.then(|| "record_only".to_owned()),
            address: "203.0.113.9".into(),
            user_agent: "Tablet/1.0".into(),
            witnessed_by: None,
        };
        h.flows
            .sign_consent(booking, input, Timestamp::now())
            .await
            .expect("signed");
    }
}

/// A confirmed booking, not yet arrived.
async fn booked(h: &Harness, service: &str, email: &str, name: &str, start: Timestamp) -> Booking {
    let new = NewBooking {
        reference: store::new_reference(),
        manage_token_hash: store::new_token().1,
        service_id: service.into(),
        client: NewClient {
            name: name.into(),
            email: email.into(),
            phone: Some("+1 555 0142".into()),
        },
        status: BookingStatus::Confirmed,
        screening_id: None,
        notes: String::new(),
        created_by: "desk-1".into(),
        policy: None,
    };
    h.store
        .create_booking::<()>(
            &new,
            (start, start + SignedDuration::from_mins(90)),
            move |_| {
                Ok(Placement {
                    practitioner_id: "maya-lee".into(),
                    room_id: "room-1".into(),
                    start,
                    end: start + SignedDuration::from_mins(90),
                    holds: vec![],
                })
            },
            |_| vec![],
        )
        .await
        .expect("booked")
}

fn days_ago(days: i64) -> Timestamp {
    Timestamp::now() - SignedDuration::from_hours(24 * days)
}

/// A valid record body with `lot` on the cartridge, and `changes` merged over it.
fn body(lot: &str, changes: serde_json::Value) -> RecordBody {
    let mut value = json!({
        "device": "pen-1",
        "cartridge": {"lot": lot, "expires": "2099-12-31"},
        "anaesthetic": "Lidocaine cream",
        "anaesthetic_minutes": 30,
        "areas": [{"area": "cheeks", "depth_mm": 1.5, "passes": 3, "endpoint": "pinpoint bleeding"}],
        "products": [{"name": "Hyaluronic glide", "lot": "HA-77"}],
        "reactions": "Expected redness",
    });
    for (k, v) in changes.as_object().unwrap() {
        value[k] = v.clone();
    }
    serde_json::from_value(value).expect("record body")
}

#[track_caller]
fn assert_field(result: Result<service::RecordView, Refusal>, field: &str) {
    match result {
        Err(Refusal::Invalid { field: f, message }) => {
            assert_eq!(f, field, "{message}");
            assert!(!message.is_empty());
        }
        other => panic!("expected a refusal naming {field}, got {other:?}"),
    }
}

async fn bad_input_is_named_and_writes_nothing(engine: Engine) {
    let h = harness(engine, 0).await;
    let not_yet = booked(
        &h,
        "microneedling-face",
        "wait@example.com",
        "Waiting",
        days_ago(0) - SignedDuration::from_mins(5),
    )
    .await;
    let early = h
        .flows
        .save_record(
            &not_yet,
            &body("L1", json!({})),
            "staff-1",
            Timestamp::now(),
        )
        .await;
    assert!(
        matches!(early, Err(Refusal::Closed { .. })),
        "before arrival: {early:?}"
    );
    let b = visit(
        &h,
        "bad@example.com",
        "Bad Input",
        days_ago(0) - SignedDuration::from_mins(30),
    )
    .await;
    let save = |body: RecordBody| {
        let (flows, b) = (h.flows.clone(), b.clone());
        async move {
            flows
                .save_record(&b, &body, "staff-1", Timestamp::now())
                .await
        }
    };
    assert_field(
        save(body("L1", json!({"device": "laser-9"}))).await,
        "device",
    );
    assert_field(save(body("L1", json!({"device": null}))).await, "device");
    assert_field(save(body("L\n1", json!({}))).await, "cartridge.lot");
    assert_field(save(body("L\u{0}1", json!({}))).await, "cartridge.lot");
    assert_field(
        save(body(&"X".repeat(65), json!({}))).await,
        "cartridge.lot",
    );
    assert_field(
        save(body(
            "L1",
            json!({"cartridge": {"lot": "L1", "expires": "2020-01-31"}}),
        ))
        .await,
        "cartridge.expires",
    );
    assert_field(
        save(body(
            "L1",
            json!({"cartridge": {"lot": "L1", "expires": "31/01/2099"}}),
        ))
        .await,
        "cartridge.expires",
    );
    for depth in [0.05, 3.5, -1.0] {
        assert_field(
            save(body(
                "L1",
                json!({"areas": [{"area": "cheeks", "depth_mm": depth, "passes": 3}]}),
            ))
            .await,
            "areas[0].depth_mm",
        );
    }
    assert_field(
        save(body("L1", json!({"areas": [{"area": "cheeks", "depth_mm": 1.0, "passes": 3}, {"area": "elbow", "depth_mm": 1.0, "passes": 2}]}))).await,
        "areas[1].area",
    );
    assert_field(save(body("L1", json!({"areas": []}))).await, "areas");
    assert_field(
        save(body(
            "L1",
            json!({"areas": [{"area": "cheeks", "depth_mm": 1.0, "passes": 0}]}),
        ))
        .await,
        "areas[0].passes",
    );
    assert_field(
        save(body(
            "L1",
            json!({"products": [{"name": "Serum", "lot": "S\r1"}]}),
        ))
        .await,
        "products[0].lot",
    );
    assert_field(save(body("L1", json!({"notes": "a\u{0}b"}))).await, "notes");
    // Above the plan's maximum for the forehead, and above the device's for the cheeks.
    let forehead_max = h
        .flows
        .clinic()
        .plans
        .areas()
        .into_iter()
        .find(|a| a.id == "forehead")
        .unwrap()
        .depth_mm
        .max;
    let over = forehead_max + 0.25;
    assert_field(
        save(body("L1", json!({"areas": [{"area": "cheeks", "depth_mm": 1.0, "passes": 3}, {"area": "forehead", "depth_mm": over, "passes": 2}]}))).await,
        "areas[1].depth_mm",
    );
    assert_field(
        save(body(
            "L1",
            json!({"areas": [{"area": "cheeks", "depth_mm": 2.5, "passes": 3}]}),
        ))
        .await,
        "areas[0].depth_mm",
    );
    assert!(
        h.store.record(&b.id).await.unwrap().is_none(),
        "a refusal wrote a record"
    );
    assert!(h.store.recall("L1", None, None).await.unwrap().is_empty());

    // With a written reason the deeper setting is recorded, and shows as above a maximum.
    let view = save(body("L1", json!({"areas": [{"area": "forehead", "depth_mm": over, "passes": 2}], "override_reason": "Thick scar tissue, agreed with the client"})))
        .await
        .expect("recorded with a reason");
    assert!(view.current.areas[0].above_limit());
    assert_eq!(view.current.areas[0].plan_max_mm, forehead_max);
    assert_eq!(
        view.current.override_reason.as_deref(),
        Some("Thick scar tissue, agreed with the client")
    );

    // No record before the client arrives, before the day, for a cancelled booking, or for a
    // consultation.
    let upcoming = visit(
        &h,
        "soon@example.com",
        "Soon",
        Timestamp::now() + SignedDuration::from_hours(72),
    )
    .await;
    let early = h
        .flows
        .save_record(
            &upcoming,
            &body("L2", json!({})),
            "staff-1",
            Timestamp::now(),
        )
        .await;
    assert!(matches!(early, Err(Refusal::Closed { .. })), "{early:?}");
    let cancelled = booked(
        &h,
        "microneedling-face",
        "gone@example.com",
        "Gone",
        Timestamp::now() + SignedDuration::from_hours(72),
    )
    .await;
    let cancelled = h
        .flows
        .set_status(&cancelled, StaffStatus::Cancelled, "desk-1")
        .await
        .expect("cancelled");
    match h
        .flows
        .save_record(
            &cancelled,
            &body("L2", json!({})),
            "staff-1",
            Timestamp::now(),
        )
        .await
    {
        Err(Refusal::Closed { message }) => assert!(message.contains("cancelled"), "{message}"),
        other => panic!("a record for a cancelled booking: {other:?}"),
    }
    let talk = visit_of(&h, "consultation", "talk@example.com", "Talk", days_ago(1)).await;
    let consult = h
        .flows
        .save_record(&talk, &body("L2", json!({})), "staff-1", Timestamp::now())
        .await;
    assert!(
        matches!(consult, Err(Refusal::Closed { .. })),
        "{consult:?}"
    );
    assert!(h.store.recall("L2", None, None).await.unwrap().is_empty());
}
on_both_engines!(bad_input_is_named_and_writes_nothing);

async fn a_signed_record_is_only_amended(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = visit(
        &h,
        "sign@example.com",
        "Sign Off",
        days_ago(0) - SignedDuration::from_mins(10),
    )
    .await;
    let now = Timestamp::now();
    h.flows
        .save_record(&b, &body("C-100", json!({})), "prac-1", now)
        .await
        .expect("written");
    // Until it is signed, a correction replaces it (and its lots).
    h.flows
        .save_record(&b, &body("C-101", json!({})), "prac-1", now)
        .await
        .expect("corrected");
    assert!(
        h.store
            .recall("C-100", None, None)
            .await
            .unwrap()
            .is_empty()
    );
    let signed = h
        .flows
        .sign_record(&b, "prac-1", now)
        .await
        .expect("signed");
    assert_eq!(signed.signed_by.as_deref(), Some("prac-1"));
    assert!(matches!(
        h.flows
            .save_record(&b, &body("C-999", json!({})), "prac-1", now)
            .await,
        Err(Refusal::RecordSigned)
    ));
    assert!(matches!(
        h.flows.sign_record(&b, "prac-2", now).await,
        Err(Refusal::RecordSigned)
    ));
    let stored = h.flows.record(&b).await.unwrap().unwrap();
    assert_eq!(stored.current.cartridge.lot, "C-101");
    assert_eq!(
        stored.signed_by.as_deref(),
        Some("prac-1"),
        "a second sign-off replaced the signer"
    );

    // Amendments: a reason, a real change, valid fields.
    let notes = |n: &str| serde_json::from_value::<RecordBody>(json!({"notes": n})).unwrap();
    assert_field(
        h.flows
            .amend_record(&b, "  ", &notes("x"), "prac-2", now)
            .await,
        "reason",
    );
    assert_field(
        h.flows
            .amend_record(&b, "typo", &RecordBody::default(), "prac-2", now)
            .await,
        "changes",
    );
    let deep = serde_json::from_value::<RecordBody>(
        json!({"areas": [{"area": "cheeks", "depth_mm": 9.0, "passes": 3}]}),
    )
    .unwrap();
    assert_field(
        h.flows
            .amend_record(&b, "wrong depth", &deep, "prac-2", now)
            .await,
        "changes.areas[0].depth_mm",
    );
    assert!(
        h.flows
            .record(&b)
            .await
            .unwrap()
            .unwrap()
            .amendments
            .is_empty()
    );

    let lot_fix = serde_json::from_value::<RecordBody>(
        json!({"cartridge": {"lot": "C-102", "expires": "2099-12-31"}}),
    )
    .unwrap();
    let after = h
        .flows
        .amend_record(&b, "Lot misread from the blister", &lot_fix, "prac-2", now)
        .await
        .expect("amended");
    let after = h
        .flows
        .amend_record(
            &b,
            "Reaction seen after",
            &notes("Mild swelling at 20 minutes"),
            "prac-1",
            now,
        )
        .await
        .map(|_| after)
        .expect("amended twice");
    let view = h.flows.record(&b).await.unwrap().unwrap();
    assert_eq!(view.original.cartridge.lot, "C-101", "the original changed");
    assert_eq!(view.original.notes, None);
    assert_eq!(view.current.cartridge.lot, "C-102");
    assert_eq!(
        view.current.notes.as_deref(),
        Some("Mild swelling at 20 minutes")
    );
    assert_eq!(view.amendments.len(), 2);
    assert_eq!(after.amendments.len(), 1);
    let first = &view.amendments[0];
    assert_eq!(first.reason, "Lot misread from the blister");
    assert_eq!(first.amended_by, "prac-2");
    assert_eq!(
        first.changes.cartridge.as_ref().unwrap().lot.as_deref(),
        Some("C-102")
    );
    assert!(
        first.changes.notes.is_none(),
        "only what changed is kept as the change"
    );
    assert_eq!(view.amendments[1].amended_by, "prac-1");
    // A recall finds the visit under the corrected lot and under the original one.
    assert_eq!(h.store.recall("C-102", None, None).await.unwrap().len(), 1);
    assert_eq!(h.store.recall("C-101", None, None).await.unwrap().len(), 1);
}
on_both_engines!(a_signed_record_is_only_amended);

async fn completion_needs_a_signed_record(engine: Engine) {
    let h = harness(engine, 0).await;
    let now = Timestamp::now();
    let b = visit(
        &h,
        "done@example.com",
        "Done",
        days_ago(0) - SignedDuration::from_mins(5),
    )
    .await;
    let complete = |b: Booking, reason: Option<&'static str>| {
        let flows = h.flows.clone();
        async move {
            flows
                .set_status_overriding(&b, StaffStatus::Completed, "desk-1", reason)
                .await
        }
    };
    assert!(matches!(
        complete(b.clone(), None).await,
        Err(Refusal::RecordMissing)
    ));
    h.flows
        .save_record(&b, &body("D-1", json!({})), "prac-1", now)
        .await
        .expect("written");
    assert!(
        matches!(complete(b.clone(), None).await, Err(Refusal::RecordMissing)),
        "an unsigned record let the treatment complete"
    );
    assert_eq!(
        h.store.booking(&b.id).await.unwrap().unwrap().status,
        BookingStatus::Arrived
    );
    h.flows
        .sign_record(&b, "prac-1", now)
        .await
        .expect("signed");
    let done = complete(b.clone(), None).await.expect("completed");
    assert_eq!(done.status, BookingStatus::Completed);
    assert!(h.store.completion_override(&b.id).await.unwrap().is_none());

    // Staff may complete without one, with a reason that is kept.
    let other = visit(
        &h,
        "other@example.com",
        "Other",
        days_ago(0) - SignedDuration::from_mins(5),
    )
    .await;
    assert!(matches!(
        complete(other.clone(), Some("   ")).await,
        Err(Refusal::RecordMissing)
    ));
    let done = complete(
        other.clone(),
        Some("Paper record, scanned into the client file"),
    )
    .await
    .expect("completed with a reason");
    assert_eq!(done.status, BookingStatus::Completed);
    let kept = h
        .store
        .completion_override(&other.id)
        .await
        .unwrap()
        .expect("kept");
    assert_eq!(kept.reason, "Paper record, scanned into the client file");
    assert_eq!(kept.staff_id, "desk-1");
    assert_eq!(
        h.store.booking(&other.id).await.unwrap().unwrap().status,
        BookingStatus::Completed
    );
}
on_both_engines!(completion_needs_a_signed_record);

async fn record_and_completion_need_a_signed_consent(engine: Engine) {
    let h = harness(engine, 0).await;
    let now = Timestamp::now();
    let start = days_ago(0) - SignedDuration::from_mins(5);
    let unsigned = booked(
        &h,
        "microneedling-face",
        "unsigned@example.com",
        "Una",
        start,
    )
    .await;
    let b = h
        .flows
        .set_status(&unsigned, StaffStatus::Arrived, "desk-1")
        .await
        .expect("arrived");
    assert!(matches!(
        h.flows
            .save_record(&b, &body("U-1", json!({})), "prac-1", now)
            .await,
        Err(Refusal::ConsentMissing)
    ));
    assert!(
        h.store.record(&b.id).await.unwrap().is_none(),
        "a record was written without the consent"
    );

    // Signed on the tablet, the record is written and signed; completion then passes.
    sign_consents(&h, &b).await;
    h.flows
        .save_record(&b, &body("U-1", json!({})), "prac-1", now)
        .await
        .expect("written once consent is signed");
    h.flows
        .sign_record(&b, "prac-1", now)
        .await
        .expect("signed");
    let done = h
        .flows
        .set_status(&b, StaffStatus::Completed, "desk-1")
        .await
        .expect("completed");
    assert_eq!(done.status, BookingStatus::Completed);
    let messages = h.flows.booking_messages(&b.id).await.unwrap();
    let aftercare = messages.iter().filter(|m| m.kind == "aftercare").count();
    assert!(aftercare > 0, "no aftercare planned: {messages:?}");
}
on_both_engines!(record_and_completion_need_a_signed_consent);

async fn recall_finds_exactly_the_visits_a_lot_touched(engine: Engine) {
    let h = harness(engine, 0).await;
    let now = Timestamp::now();
    let ann1 = visit(&h, "ann@example.com", "Ann", days_ago(40)).await;
    let ann2 = visit(&h, "ann@example.com", "Ann", days_ago(10)).await;
    let bob = visit(&h, "bob@example.com", "Bob", days_ago(20)).await;
    let cy = visit(&h, "cy@example.com", "Cy", days_ago(5)).await;
    let dee = visit(&h, "dee@example.com", "Dee", days_ago(3)).await;
    let write = |b: &Booking, lot: &str, product: &str| {
        let (flows, b) = (h.flows.clone(), b.clone());
        let body = body(
            lot,
            json!({"products": [{"name": "Glide", "lot": product}]}),
        );
        async move {
            flows
                .save_record(&b, &body, "prac-1", now)
                .await
                .expect("written")
        }
    };
    write(&ann1, "CART-A", "GEL-1").await;
    write(&ann2, "CART-A", "GEL-2").await;
    write(&bob, "CART-A", "GEL-1").await;
    write(&cy, "CART-B", "GEL-1").await;
    write(&dee, "CART-B", "GEL-2").await;

    let ids = |q: RecallQuery| {
        let flows = h.flows.clone();
        async move {
            let mut v: Vec<String> = flows
                .recall(&q)
                .await
                .expect("recall")
                .into_iter()
                .map(|r| r.booking.id)
                .collect();
            v.sort();
            v
        }
    };
    let sorted = |mut v: Vec<&str>| {
        v.sort();
        v.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let q = |lot: &str, from: &str, to: &str| RecallQuery::parse(lot, from, to).unwrap();
    assert_eq!(
        ids(q("CART-A", "", "")).await,
        sorted(vec![&ann1.id, &ann2.id, &bob.id])
    );
    assert_eq!(
        ids(q(" cart-a ", "", "")).await,
        sorted(vec![&ann1.id, &ann2.id, &bob.id])
    );
    assert_eq!(
        ids(q("CART-B", "", "")).await,
        sorted(vec![&cy.id, &dee.id])
    );
    assert_eq!(
        ids(q("GEL-1", "", "")).await,
        sorted(vec![&ann1.id, &bob.id, &cy.id])
    );
    assert!(ids(q("CART-C", "", "")).await.is_empty());
    assert!(
        ids(q("CART", "", "")).await.is_empty(),
        "a lot matches whole, not by prefix"
    );
    // The date range is the clinic's local dates, both ends included.
    let tz = h.flows.clinic().timezone.clone();
    let day = |b: &Booking| b.start.to_zoned_datetime(tz.clone()).date().to_string();
    assert_eq!(
        ids(q("CART-A", &day(&bob), &day(&ann2))).await,
        sorted(vec![&ann2.id, &bob.id])
    );
    assert_eq!(
        ids(q("CART-A", &day(&ann1), &day(&ann1))).await,
        vec![ann1.id.clone()]
    );
    let rows = h.flows.recall(&q("CART-A", "", "")).await.unwrap();
    assert_eq!(rows[0].booking.id, ann1.id, "oldest first");
    assert_eq!(rows[0].booking.client.email, "ann@example.com");
    assert_eq!(rows[0].kind, "cartridge");

    // One letter per client, about their latest visit with the lot.
    let sent = h
        .flows
        .write_to_recalled(
            &q("CART-A", "", ""),
            "Please call us for a free skin check.",
        )
        .await
        .expect("queued");
    assert_eq!(sent, 2);
    let kinds = |b: &Booking| {
        let store = h.store.clone();
        let id = b.id.clone();
        async move {
            store
                .mail_for_booking(&id)
                .await
                .unwrap()
                .into_iter()
                .filter(|(kind, _, _)| kind == "recall")
                .map(|(_, to, _)| to)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(kinds(&ann2).await, vec!["ann@example.com"]);
    assert!(kinds(&ann1).await.is_empty());
    assert_eq!(kinds(&bob).await, vec!["bob@example.com"]);
    assert!(kinds(&cy).await.is_empty());
    assert!(matches!(
        h.flows.write_to_recalled(&q("CART-A", "", ""), " ").await,
        Err(Refusal::Invalid { field, .. }) if field == "message"
    ));
}
on_both_engines!(recall_finds_exactly_the_visits_a_lot_touched);

/// Two sign-offs at once: one signs, the other is told it is signed. Two amendments at once
/// both land, each building on the other, so neither change is lost.
async fn simultaneous_changes_lose_nothing(engine: Engine) {
    let h = harness(engine, 0).await;
    let now = Timestamp::now();
    let b = visit(
        &h,
        "race@example.com",
        "Race",
        days_ago(0) - SignedDuration::from_mins(5),
    )
    .await;
    h.flows
        .save_record(&b, &body("R-1", json!({})), "prac-1", now)
        .await
        .expect("written");
    let (one, two) = tokio::join!(
        h.flows.sign_record(&b, "prac-1", now),
        h.flows.sign_record(&b, "prac-2", now)
    );
    let signed = [&one, &two].iter().filter(|r| r.is_ok()).count();
    assert_eq!(signed, 1, "{one:?} {two:?}");
    assert!(
        [&one, &two]
            .iter()
            .any(|r| matches!(r, Err(Refusal::RecordSigned)))
    );
    let notes =
        serde_json::from_value::<RecordBody>(json!({"notes": "Cooled with gauze"})).unwrap();
    let lot = serde_json::from_value::<RecordBody>(
        json!({"cartridge": {"lot": "R-2", "expires": "2099-12-31"}}),
    )
    .unwrap();
    let (a, b2) = tokio::join!(
        h.flows
            .amend_record(&b, "Note added", &notes, "prac-1", now),
        h.flows
            .amend_record(&b, "Lot corrected", &lot, "prac-2", now)
    );
    a.expect("first amendment");
    b2.expect("second amendment");
    let view = h.flows.record(&b).await.unwrap().unwrap();
    assert_eq!(view.amendments.len(), 2);
    assert_eq!(view.current.notes.as_deref(), Some("Cooled with gauze"));
    assert_eq!(view.current.cartridge.lot, "R-2");
    assert_eq!(view.original.cartridge.lot, "R-1");
}
on_both_engines!(simultaneous_changes_lose_nothing);
