//! Consent and the arrival check over a real store, on SQLite and on PostgreSQL: signing binds
//! the version and the text's hash, a signature is never changed or removed, a new version
//! asks again; an old screening is re-confirmed at arrival, and answers for another area are
//! given again and tied to the booking.

use jiff::Timestamp;
use serde_json::{Value, json};
use service::{
    Actor, BookingInput, ConsentDocuments, PhotoUse, Refusal, ScreeningCheck, SignInput, Workflows,
};
use store::{Booking, Engine, NewClient};

use crate::common;
use common::*;

/// Runs `sql` (binding `id`) on the harness's database, past the store.
async fn raw(url: &str, sql: &str, id: &str) -> Result<u64, sqlx::Error> {
    if url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(url).await.expect("sqlite");
        let n = sqlx::query(sql).bind(id).execute(&pool).await;
        pool.close().await;
        n.map(|r| r.rows_affected())
    } else {
        let pool = sqlx::PgPool::connect(url).await.expect("postgres");
        let n = sqlx::query(sql).bind(id).execute(&pool).await;
        pool.close().await;
        n.map(|r| r.rows_affected())
    }
}

/// Every question answered so that nothing applies.
fn clear_answers(flows: &Workflows) -> Value {
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
    Value::Object(map)
}

/// A confirmed face treatment for `email`, booked online with a clear face screening.
async fn face_treatment(h: &Harness, hours: i64, email: &str) -> Booking {
    let (screening, _) = h
        .flows
        .screen_and_store(&clear_answers(&h.flows), None, None)
        .await
        .expect("screened");
    let input = BookingInput {
        service_id: "microneedling-face".into(),
        start: hours_ahead(hours),
        practitioner: Some("maya-lee".into()),
        client: NewClient {
            name: "Vera Visit".into(),
            email: email.into(),
            phone: None,
        },
        screening_id: Some(screening),
        notes: String::new(),
        policy: None,
    };
    h.flows
        .book(input, Actor::Client)
        .await
        .expect("booked")
        .booking
}

/// What a client sends to sign `document` as the workflows show it now.
async fn as_shown(flows: &Workflows, booking: &Booking, document: &str) -> SignInput {
    let doc = flows
        .consent_documents(booking)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.id == document)
        .expect("document listed");
    SignInput {
        document: doc.id,
        version: doc.version,
        sha256: doc.sha256,
        name: "Vera Visit".into(),
        agree: true,
        choice: doc.photos.then(|| "record_only".to_owned()),
        address: "203.0.113.9".into(),
        user_agent: "Tablet/1.0".into(),
        witnessed_by: None,
    }
}

#[track_caller]
fn field_of(result: Result<store::SignedConsent, Refusal>) -> String {
    match result {
        Err(Refusal::Invalid { field, .. }) => field,
        other => panic!("expected invalid input, got {other:?}"),
    }
}

async fn signing_records_what_was_shown_and_never_changes(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = face_treatment(&h, 72, "vera@example.com").await;
    let before = h.flows.consent_state(&b).await.unwrap();
    assert!(before.required_by_clinic && before.blocks_treatment());
    assert_eq!(before.missing, ["treatment"]);
    assert_eq!(before.photos, None);

    // Bad input names its field and writes nothing.
    let good = as_shown(&h.flows, &b, "treatment").await;
    for name in ["", "   ", "Vera\0", "Vera\r\nVisit"] {
        let input = SignInput {
            name: name.into(),
            ..good.clone()
        };
        assert_eq!(
            field_of(h.flows.sign_consent(&b, input, Timestamp::now()).await),
            "name"
        );
    }
    let unagreed = SignInput {
        agree: false,
        ..good.clone()
    };
    assert_eq!(
        field_of(h.flows.sign_consent(&b, unagreed, Timestamp::now()).await),
        "agree"
    );
    let unknown = SignInput {
        document: "everything".into(),
        ..good.clone()
    };
    assert_eq!(
        field_of(h.flows.sign_consent(&b, unknown, Timestamp::now()).await),
        "document"
    );
    // A stale version or a text other than the one shown is refused as changed.
    for stale in [
        SignInput {
            version: good.version + 1,
            ..good.clone()
        },
        SignInput {
            sha256: "0".repeat(64),
            ..good.clone()
        },
    ] {
        match h.flows.sign_consent(&b, stale, Timestamp::now()).await {
            Err(Refusal::ConsentChanged { .. }) => {}
            other => panic!("expected consent-changed, got {other:?}"),
        }
    }
    assert!(
        h.store
            .consents_for_client(&b.client.id)
            .await
            .unwrap()
            .is_empty()
    );

    let signed = h
        .flows
        .sign_consent(&b, good.clone(), Timestamp::now())
        .await
        .expect("signed");
    let doc = h.flows.consent_documents(&b).await.unwrap();
    let treatment = doc.iter().find(|d| d.id == "treatment").unwrap();
    assert_eq!(signed.sha256, service::sha256_hex(&signed.text));
    assert_eq!(signed.text, treatment.text);
    assert_eq!(signed.version, treatment.version);
    assert_eq!(signed.address, "203.0.113.9");
    assert_eq!(signed.user_agent, "Tablet/1.0");
    assert_eq!(signed.signed_name, "Vera Visit");
    let after = h.flows.consent_state(&b).await.unwrap();
    assert!(!after.blocks_treatment(), "{after:?}");
    assert_eq!(after.signed, ["treatment"]);
    // Signing again keeps the first signature rather than adding another.
    let again = h
        .flows
        .sign_consent(&b, good, Timestamp::now())
        .await
        .unwrap();
    assert_eq!(again.id, signed.id);
    assert_eq!(
        h.store
            .consents_for_client(&b.client.id)
            .await
            .unwrap()
            .len(),
        1
    );

    // The photo consent is separate and needs a choice; the latest choice counts.
    let photos = as_shown(&h.flows, &b, "photos").await;
    let no_choice = SignInput {
        choice: None,
        ..photos.clone()
    };
    assert_eq!(
        field_of(h.flows.sign_consent(&b, no_choice, Timestamp::now()).await),
        "choice"
    );
    h.flows
        .sign_consent(&b, photos.clone(), Timestamp::now())
        .await
        .unwrap();
    assert_eq!(
        h.flows.consent_state(&b).await.unwrap().photos,
        Some(PhotoUse::RecordOnly)
    );
    let marketing = SignInput {
        choice: Some("marketing".into()),
        ..photos
    };
    h.flows
        .sign_consent(
            &b,
            marketing,
            Timestamp::now() + jiff::SignedDuration::from_secs(1),
        )
        .await
        .unwrap();
    assert_eq!(
        h.flows.consent_state(&b).await.unwrap().photos,
        Some(PhotoUse::Marketing)
    );

    // The database refuses to change or remove a signature, whoever asks.
    for sql in [
        "UPDATE consents SET signed_name = 'Someone Else' WHERE id = $1",
        "DELETE FROM consents WHERE id = $1",
    ] {
        assert!(
            raw(&h.url, sql, &signed.id).await.is_err(),
            "{sql} went through"
        );
    }
    let kept = h.store.consents_for_client(&b.client.id).await.unwrap();
    assert!(
        kept.iter()
            .any(|s| s.id == signed.id && s.signed_name == "Vera Visit")
    );

    // The signature covers the client's next booking of the same version.
    let next = face_treatment(&h, 24 * 40, "vera@example.com").await;
    assert!(
        !h.flows
            .consent_state(&next)
            .await
            .unwrap()
            .blocks_treatment()
    );

    // A new version of the document asks again.
    let mut files: Vec<(String, String)> = ConsentDocuments::builtin()
        .all()
        .iter()
        .map(|d| {
            let photos = if d.photos { "photos = true\n" } else { "" };
            let text = format!(
                "+++\ntitle = \"{}\"\nversion = {}\nrequired = {}\n{photos}+++\n{}",
                d.title,
                d.version + i64::from(d.id == "treatment"),
                d.required,
                d.body
            );
            (d.id.clone(), text)
        })
        .collect();
    files.sort();
    let newer = h
        .flows
        .clone()
        .with_consent_documents(ConsentDocuments::parse(&files).unwrap());
    let state = newer.consent_state(&b).await.unwrap();
    assert_eq!(state.missing, ["treatment"], "{state:?}");
    assert_eq!(state.photos, Some(PhotoUse::Marketing));
    // The old version still opens nothing new: its signature stays as it was.
    match newer
        .sign_consent(
            &b,
            as_shown(&h.flows, &b, "treatment").await,
            Timestamp::now(),
        )
        .await
    {
        Err(Refusal::ConsentChanged { .. }) => {}
        other => panic!("the old version was accepted: {other:?}"),
    }
}

async fn a_cancelled_booking_takes_no_consent(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = face_treatment(&h, 72, "cancel@example.com").await;
    let input = as_shown(&h.flows, &b, "treatment").await;
    let cancelled = h.flows.cancel(&b, staff()).await.unwrap();
    match h
        .flows
        .sign_consent(&cancelled, input, Timestamp::now())
        .await
    {
        Err(Refusal::Closed { .. }) => {}
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(
        h.store
            .consents_for_client(&b.client.id)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn an_old_screening_is_reconfirmed_at_arrival(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = face_treatment(&h, 24, "old@example.com").await;
    let arrival = h.flows.arrival(&b, Timestamp::now()).await.unwrap();
    assert!(matches!(
        arrival.screening,
        ScreeningCheck::Current {
            confirmed_at: None,
            ..
        }
    ));
    assert!(arrival.consent.blocks_treatment());
    assert_eq!(arrival.plan.session_number, 1);
    assert!(!arrival.plan.depths.is_empty());
    assert!(!arrival.clear());

    // Answered longer ago than the clinic allows: the client is asked.
    let days = i64::from(h.flows.clinic().setup.visits.screening_valid_days);
    let screening = b.screening_id.clone().unwrap();
    let sql = format!(
        "UPDATE screenings SET created_at = created_at - {} WHERE id = $1",
        (days + 1) * 86_400
    );
    raw(&h.url, &sql, &screening).await.unwrap();
    let arrival = h.flows.arrival(&b, Timestamp::now()).await.unwrap();
    assert!(
        matches!(arrival.screening, ScreeningCheck::Stale { .. }),
        "{:?}",
        arrival.screening
    );
    assert!(arrival.screening.needs_client());

    // "Nothing has changed" makes it current from now.
    h.flows
        .reconfirm_screening(&b, Timestamp::now())
        .await
        .unwrap();
    let arrival = h.flows.arrival(&b, Timestamp::now()).await.unwrap();
    match arrival.screening {
        ScreeningCheck::Current {
            confirmed_at: Some(_),
            ..
        } => {}
        other => panic!("expected a confirmed screening, got {other:?}"),
    }
    // With consent signed as well, nothing stands in the way.
    h.flows
        .sign_consent(
            &b,
            as_shown(&h.flows, &b, "treatment").await,
            Timestamp::now(),
        )
        .await
        .unwrap();
    assert!(h.flows.arrival(&b, Timestamp::now()).await.unwrap().clear());
}

async fn answers_for_another_area_are_given_again(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = face_treatment(&h, 24, "area@example.com").await;
    // The booking's screening answered for the body only, as staff might have attached it.
    let (body_only, _) = h
        .flows
        .screen_and_store(&clear_answers(&h.flows), None, Some(&["body".to_owned()]))
        .await
        .unwrap();
    assert!(
        h.store
            .set_booking_screening(&b.id, &body_only)
            .await
            .unwrap()
    );
    let b = h.store.booking(&b.id).await.unwrap().unwrap();
    let arrival = h.flows.arrival(&b, Timestamp::now()).await.unwrap();
    assert_eq!(
        arrival.screening,
        ScreeningCheck::OtherArea {
            answered_for: vec!["body".into()]
        }
    );
    // "Nothing changed" cannot stretch answers to another area.
    match h.flows.reconfirm_screening(&b, Timestamp::now()).await {
        Err(Refusal::Invalid { .. }) => {}
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Answering again, with something that now needs a practitioner, ties the new
    // screening to the booking and its client, and the practitioner sees the outcome.
    let mut answers = clear_answers(&h.flows);
    answers["keloid_history"] = json!(true);
    let (id, screening) = h.flows.rescreen_for_visit(&b, &answers).await.unwrap();
    assert_eq!(screening.outcome, protocol::Outcome::Consult);
    let b = h.store.booking(&b.id).await.unwrap().unwrap();
    assert_eq!(b.screening_id.as_deref(), Some(id.as_str()));
    let record = h.store.screening(&id).await.unwrap().unwrap();
    assert_eq!(record.client_id.as_deref(), Some(b.client.id.as_str()));
    let arrival = h.flows.arrival(&b, Timestamp::now()).await.unwrap();
    assert!(matches!(arrival.screening, ScreeningCheck::Current { .. }));
    assert!(!arrival.outcome_allows_treatment());
    assert!(!arrival.clear());
}

on_both_engines!(
    signing_records_what_was_shown_and_never_changes,
    a_cancelled_booking_takes_no_consent,
    an_old_screening_is_reconfirmed_at_arrival,
    answers_for_another_area_are_given_again,
);
