//! Before and after photos over a real store, on SQLite and on PostgreSQL: what is stored
//! is the cleaned photo, a client's photos come back in order, and refusals store nothing.

use service::{PhotoUpload, Refusal, StaffStatus};
use store::Engine;

use crate::common;
use common::*;

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(payload);
    s
}

/// A JPEG with an Exif block naming a GPS position, and its picture segments.
fn jpeg() -> (Vec<u8>, Vec<u8>) {
    let mut picture = segment(0xDB, &[3; 65]);
    picture.extend(segment(0xC0, &[8, 0, 8, 0, 8, 1, 1, 0x11, 0]));
    picture.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
    picture.extend([0x42, 0xFF, 0x00, 0x43]);
    let mut j = vec![0xFF, 0xD8];
    j.extend(segment(0xE1, b"Exif\0\0MM\0*GPSLatitude 40.7N"));
    j.extend(&picture);
    j.extend([0xFF, 0xD9]);
    (j, picture)
}

fn upload(kind: &str, bytes: Vec<u8>) -> PhotoUpload {
    PhotoUpload {
        kind: kind.into(),
        caption: " Chin,\nfront ".into(),
        bytes,
    }
}

async fn photos_are_stored_clean_and_listed_in_order(engine: Engine) {
    let h = harness(engine, 0).await;
    let maya = h
        .store
        .create_staff("maya@clinic.example", "x", "practitioner", Some("maya-lee"))
        .await
        .unwrap()
        .unwrap();
    let first = h
        .flows
        .book(
            consultation(hours_ahead(2), "maya-lee", "ann@example.com"),
            staff(),
        )
        .await
        .unwrap()
        .booking;
    let second = h
        .flows
        .book(
            consultation(hours_ahead(30), "maya-lee", "ann@example.com"),
            staff(),
        )
        .await
        .unwrap()
        .booking;
    let (phone, picture) = jpeg();
    let before = h
        .flows
        .add_photo(&first, &maya.id, upload("before", phone.clone()))
        .await
        .unwrap();
    let after = h
        .flows
        .add_photo(&second, &maya.id, upload("after", phone.clone()))
        .await
        .unwrap();
    assert_eq!(before.caption, "Chin, front");
    assert_eq!(before.content_type, "image/jpeg");
    assert_eq!(before.practitioner_id, "maya-lee");
    let stored = h.flows.photo(&before.id).await.unwrap();
    let mut expected = vec![0xFF, 0xD8];
    expected.extend(&picture);
    expected.extend([0xFF, 0xD9]);
    assert_eq!(stored.bytes, expected, "only the Exif segment went");
    assert_eq!(stored.meta.size, expected.len() as i64);
    let listed = h.flows.client_photos(&first.client.id).await.unwrap();
    assert_eq!(listed, [before.clone(), after]);
    assert_eq!(h.flows.visit_photos(&first.id).await.unwrap(), [before]);

    // Refusals store nothing: a wrong kind, not a photo, a cancelled visit, an unknown id.
    let err = h
        .flows
        .add_photo(&first, &maya.id, upload("during", phone.clone()))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("kind"));
    let err = h
        .flows
        .add_photo(&first, &maya.id, upload("before", b"%PDF-1.4".to_vec()))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("photo"));
    let cancelled = h
        .flows
        .set_status(&second, StaffStatus::Cancelled, &maya.id)
        .await
        .unwrap();
    let err = h
        .flows
        .add_photo(&cancelled, &maya.id, upload("after", phone))
        .await
        .unwrap_err();
    assert!(matches!(err, Refusal::Closed { .. }), "{err:?}");
    assert_eq!(
        h.flows.client_photos(&first.client.id).await.unwrap().len(),
        2
    );
    assert!(matches!(
        h.flows.photo(&"f".repeat(64)).await,
        Err(Refusal::NotFound { what: "photo" })
    ));
}

on_both_engines!(photos_are_stored_clean_and_listed_in_order);
