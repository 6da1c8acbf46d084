//! Healing check-ins over a real store, on SQLite and on PostgreSQL: what each answers,
//! which raise an alert with the clinic's mail, and that every refusal writes nothing.

use jiff::SignedDuration;
use protocol::Triage;
use service::{CheckinInput, Refusal};
use store::{Engine, Store};

use crate::common;
use common::*;

/// A booking two hours ahead; check-ins are then sent at times relative to its start.
async fn booked(h: &Harness, email: &str) -> service::Booked {
    booked_at(h, email, 2).await
}

async fn booked_at(h: &Harness, email: &str, hours: i64) -> service::Booked {
    h.flows
        .book(consultation(hours_ahead(hours), "maya-lee", email), staff())
        .await
        .expect("booking")
}

fn checkin(symptoms: &[&str]) -> CheckinInput {
    CheckinInput {
        symptoms: symptoms.iter().map(|s| s.to_string()).collect(),
        pain: 4,
        note: Some("Since this morning".into()),
        photo: None,
    }
}

async fn alert_mail(store: &Store, booking_id: &str) -> Vec<(String, String)> {
    store
        .mail_for_booking(booking_id)
        .await
        .expect("mail")
        .into_iter()
        .filter(|(kind, _, _)| kind == "checkin_alert")
        .map(|(kind, to, _)| (kind, to))
        .collect()
}

async fn pus_raises_an_alert_with_mail_to_the_clinic(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = booked(&h, "ann@example.com").await;
    let at = b.booking.start + SignedDuration::from_hours(26);
    let answer = h
        .flows
        .check_in(&b.manage_token, checkin(&["redness", "pus"]), at)
        .await
        .expect("check-in");
    assert_eq!(answer.triage, Triage::CallToday);
    let phone = h.flows.clinic().setup.clinic.phone.clone();
    assert_eq!(answer.clinic_phone, phone);
    assert!(answer.message.contains(&phone), "{}", answer.message);
    let alerts = h.flows.alerts().await.expect("alerts");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].booking_id, b.booking.id);
    assert_eq!(alerts[0].triage, "call_today");
    assert_eq!(alerts[0].symptoms, ["redness", "pus"]);
    assert_eq!(alerts[0].acknowledged_at, None);
    assert_eq!(h.flows.open_alert_count().await.unwrap(), 1);
    let clinic_email = h.flows.clinic().setup.clinic.email.clone();
    assert_eq!(
        alert_mail(&h.store, &b.booking.id).await,
        [("checkin_alert".to_string(), clinic_email)]
    );
    // Acknowledging needs a note, then closes the alert once.
    let id = alerts[0].id.clone();
    let empty = h.flows.acknowledge_alert(&id, "doc-1", "  ").await;
    assert!(matches!(empty, Err(Refusal::Invalid { ref field, .. }) if field == "note"));
    assert_eq!(h.flows.open_alert_count().await.unwrap(), 1);
    h.flows
        .acknowledge_alert(&id, "doc-1", "Called her; seen tomorrow at 9")
        .await
        .expect("ack");
    assert_eq!(h.flows.open_alert_count().await.unwrap(), 0);
    let again = h.flows.acknowledge_alert(&id, "doc-1", "again").await;
    assert!(matches!(again, Err(Refusal::Closed { .. })), "{again:?}");
    let missing = h.flows.acknowledge_alert("nope", "doc-1", "note").await;
    assert!(matches!(missing, Err(Refusal::NotFound { .. })));
    let alerts = h.flows.alerts().await.unwrap();
    assert!(alerts[0].acknowledged_at.is_some());
    assert_eq!(
        alerts[0].ack_note.as_deref(),
        Some("Called her; seen tomorrow at 9")
    );
}

async fn breathing_trouble_is_an_emergency(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = booked(&h, "bea@example.com").await;
    let answer = h
        .flows
        .check_in(
            &b.manage_token,
            checkin(&["swelling", "breathing_trouble", "pus"]),
            b.booking.start + SignedDuration::from_hours(3),
        )
        .await
        .expect("check-in");
    assert_eq!(answer.triage, Triage::Emergency);
    assert!(
        answer
            .message
            .starts_with("Call your local emergency number now."),
        "{}",
        answer.message
    );
    assert_eq!(h.flows.alerts().await.unwrap()[0].triage, "emergency");
    assert_eq!(alert_mail(&h.store, &b.booking.id).await.len(), 1);
}

async fn expected_symptoms_raise_no_alert(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = booked(&h, "cy@example.com").await;
    let answer = h
        .flows
        .check_in(
            &b.manage_token,
            checkin(&["redness", "flaking"]),
            b.booking.start + SignedDuration::from_hours(30),
        )
        .await
        .expect("check-in");
    assert_eq!(answer.triage, Triage::Expected);
    assert_eq!(answer.expected.len(), 2);
    assert!(h.flows.alerts().await.unwrap().is_empty());
    assert!(alert_mail(&h.store, &b.booking.id).await.is_empty());
    assert_eq!(h.store.checkin_count(&b.booking.id).await.unwrap(), 1);
}

async fn refusals_write_nothing(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = booked(&h, "dee@example.com").await;
    let start = b.booking.start;
    let token = &b.manage_token;
    let before = h
        .flows
        .check_in(
            token,
            checkin(&["pus"]),
            start - SignedDuration::from_mins(1),
        )
        .await;
    assert!(matches!(before, Err(Refusal::Closed { .. })), "{before:?}");
    let late = h
        .flows
        .check_in(
            token,
            checkin(&["pus"]),
            start + SignedDuration::from_hours(24 * 30 + 1),
        )
        .await;
    assert!(matches!(late, Err(Refusal::Closed { .. })), "{late:?}");
    let unknown = h
        .flows
        .check_in(
            token,
            checkin(&["pus", "itchy_toes"]),
            start + SignedDuration::from_hours(1),
        )
        .await;
    assert!(matches!(unknown, Err(Refusal::Invalid { ref field, .. }) if field == "symptoms"));
    let bad_link = h
        .flows
        .check_in(
            "not-a-token",
            checkin(&["pus"]),
            start + SignedDuration::from_hours(1),
        )
        .await;
    assert!(matches!(bad_link, Err(Refusal::NotFound { .. })));
    assert_eq!(h.store.checkin_count(&b.booking.id).await.unwrap(), 0);
    // The first in the hour is taken, a second within it is refused.
    let first_at = start + SignedDuration::from_hours(2);
    h.flows
        .check_in(token, checkin(&["pus"]), first_at)
        .await
        .expect("first check-in");
    let again = h
        .flows
        .check_in(
            token,
            checkin(&["fever"]),
            first_at + SignedDuration::from_mins(59),
        )
        .await;
    assert!(
        matches!(again, Err(Refusal::TooSoon { retry_after, .. }) if retry_after == 60),
        "{again:?}"
    );
    assert_eq!(h.store.checkin_count(&b.booking.id).await.unwrap(), 1);
    assert_eq!(h.flows.alerts().await.unwrap().len(), 1);
    assert_eq!(alert_mail(&h.store, &b.booking.id).await.len(), 1);
    // An hour later it is taken again.
    h.flows
        .check_in(
            token,
            checkin(&["redness"]),
            first_at + SignedDuration::from_hours(1),
        )
        .await
        .expect("an hour later");
    assert_eq!(h.store.checkin_count(&b.booking.id).await.unwrap(), 2);
    // A cancelled booking takes none.
    let c = booked_at(&h, "eve@example.com", 5).await;
    h.flows.cancel(&c.booking, staff()).await.expect("cancel");
    let cancelled = h
        .flows
        .check_in(
            &c.manage_token,
            checkin(&["pus"]),
            c.booking.start + SignedDuration::from_hours(1),
        )
        .await;
    assert!(
        matches!(cancelled, Err(Refusal::Closed { .. })),
        "{cancelled:?}"
    );
    assert_eq!(h.store.checkin_count(&c.booking.id).await.unwrap(), 0);
    assert_eq!(h.flows.alerts().await.unwrap().len(), 1);
}

/// Many check-ins for one booking at the same moment: exactly one is taken.
async fn simultaneous_checkins_take_one(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = booked(&h, "fay@example.com").await;
    let at = b.booking.start + SignedDuration::from_hours(5);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let flows = h.flows.clone();
            let token = b.manage_token.clone();
            tokio::spawn(async move { flows.check_in(&token, checkin(&["pus"]), at).await })
        })
        .collect();
    let mut taken = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => taken += 1,
            Err(Refusal::TooSoon { .. }) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(taken, 1);
    assert_eq!(h.store.checkin_count(&b.booking.id).await.unwrap(), 1);
    assert_eq!(alert_mail(&h.store, &b.booking.id).await.len(), 1);
}

/// A JPEG carrying a GPS position in its Exif block, and the same picture without it.
fn jpeg_with_position() -> (Vec<u8>, Vec<u8>) {
    let segment = |marker: u8, payload: &[u8]| {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    };
    let mut picture = segment(0xDB, &[3; 65]);
    picture.extend(segment(0xC0, &[8, 0, 8, 0, 8, 1, 1, 0x11, 0]));
    picture.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
    picture.extend([0x42, 0xFF, 0x00, 0x43]);
    let mut sent = vec![0xFF, 0xD8];
    sent.extend(segment(0xE1, b"Exif\0\0MM\0*GPSLatitude 40.7N"));
    sent.extend(&picture);
    sent.extend([0xFF, 0xD9]);
    let mut clean = vec![0xFF, 0xD8];
    clean.extend(&picture);
    clean.extend([0xFF, 0xD9]);
    (sent, clean)
}

/// A check-in's photo is kept without its metadata and shown with the alert; one too
/// large or not a photo is refused on the `photo` field and writes nothing.
async fn a_checkin_photo_is_kept_clean_with_its_alert(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = booked(&h, "pic@example.com").await;
    let at = b.booking.start + SignedDuration::from_hours(26);
    let (sent, clean) = jpeg_with_position();
    for (bytes, why) in [
        (vec![0xFF; service::MAX_PHOTO_BYTES + 1], "too large"),
        (b"GIF89a not a photo".to_vec(), "not a photo"),
    ] {
        let mut input = checkin(&["pus"]);
        input.photo = Some(bytes);
        let refused = h.flows.check_in(&b.manage_token, input, at).await;
        assert!(
            matches!(refused, Err(Refusal::Invalid { ref field, .. }) if field == "photo"),
            "{why}: {refused:?}"
        );
    }
    assert_eq!(h.store.checkin_count(&b.booking.id).await.unwrap(), 0);
    let mut input = checkin(&["pus"]);
    input.photo = Some(sent);
    h.flows
        .check_in(&b.manage_token, input, at)
        .await
        .expect("check-in with a photo");
    let alerts = h.flows.alerts().await.unwrap();
    let id = alerts[0]
        .photo_id
        .clone()
        .expect("the alert shows the photo");
    let (content_type, bytes) = h.flows.checkin_photo(&id).await.unwrap();
    assert_eq!(content_type, "image/jpeg");
    assert_eq!(bytes, clean, "stored without the Exif block");
    assert!(matches!(
        h.flows.checkin_photo("nope").await,
        Err(Refusal::NotFound { .. })
    ));
}

on_both_engines!(
    a_checkin_photo_is_kept_clean_with_its_alert,
    pus_raises_an_alert_with_mail_to_the_clinic,
    breathing_trouble_is_an_emergency,
    expected_symptoms_raise_no_alert,
    refusals_write_nothing,
    simultaneous_checkins_take_one,
);
