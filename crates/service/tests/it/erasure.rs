//! A client's export and erasure over a real store, on SQLite and on PostgreSQL: an unknown
//! client or a booking still ahead changes nothing; after erasure a search of every table
//! (read from the catalogue, so new tables are searched too) and of the data folder finds
//! the client's name, e-mail and phone only where the retention rule keeps them; once the
//! retention ends the purge (claimed once across two processes) leaves nothing.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use service::{PhotoUpload, RecordBody, Refusal, SignInput, StaffStatus};
use store::{Booking, BookingStatus, Engine, NewBooking, NewClient, NewScreening, Placement};

use crate::common;
use common::*;

const NAME: &str = "Zephyrine Quillfeather";
const EMAIL: &str = "zephyrine.q@example.org";
const PHONE: &str = "+1 555 0199 7731";

/// The seeded client's phone, or another client's.
fn phone_of(email: &str) -> &'static str {
    if email == EMAIL {
        PHONE
    } else {
        "+1 555 0100 2222"
    }
}

fn days_ago(days: i64) -> Timestamp {
    Timestamp::now() - SignedDuration::from_hours(24 * days)
}

/// A booking for the seeded client written through the store, so it may lie in the past.
async fn booking(
    h: &Harness,
    email: &str,
    name: &str,
    start: Timestamp,
    screening: Option<String>,
) -> Booking {
    let new = NewBooking {
        reference: store::new_reference(),
        manage_token_hash: store::new_token().1,
        service_id: "microneedling-face".into(),
        client: NewClient {
            name: name.into(),
            email: email.into(),
            phone: Some(phone_of(email).into()),
        },
        status: BookingStatus::Confirmed,
        screening_id: screening,
        notes: format!("Please call {name} on {}", phone_of(email)),
        created_by: "desk-1".into(),
        policy: None,
    };
    let end = start + SignedDuration::from_mins(90);
    h.store
        .create_booking::<()>(
            &new,
            (start, end),
            move |_| {
                Ok(Placement {
                    practitioner_id: "maya-lee".into(),
                    room_id: "room-1".into(),
                    start,
                    end,
                    holds: vec![],
                })
            },
            |_| vec![],
        )
        .await
        .expect("booked")
}

fn jpeg() -> Vec<u8> {
    let seg = |marker: u8, payload: &[u8]| {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    };
    let mut j = vec![0xFF, 0xD8];
    j.extend(seg(0xDB, &[3; 65]));
    j.extend(seg(0xC0, &[8, 0, 8, 0, 8, 1, 1, 0x11, 0]));
    j.extend(seg(0xDA, &[1, 1, 0, 0, 63, 0]));
    j.extend([0x42, 0xFF, 0x00, 0x43, 0xFF, 0xD9]);
    j
}

fn record_body() -> RecordBody {
    serde_json::from_value(json!({
        "device": "pen-1",
        "cartridge": {"lot": "CART-9", "expires": "2099-12-31"},
        "anaesthetic": "Lidocaine cream",
        "anaesthetic_minutes": 30,
        "areas": [{"area": "cheeks", "depth_mm": 1.5, "passes": 3, "endpoint": "pinpoint bleeding"}],
        "products": [{"name": "Hyaluronic glide", "lot": "HA-77"}],
        "reactions": "Expected redness",
    }))
    .expect("record body")
}

/// A treated client: a screening, consents (marketing photos), a signed and amended
/// record, photos, a check-in with a note, a cancelled booking and a future one.
/// Answers the treatment and the future booking.
async fn seed(h: &Harness, email: &str, name: &str, staff_id: &str) -> (Booking, Booking) {
    let screening = h
        .store
        .insert_screening(&NewScreening {
            ruleset_version: "test".into(),
            areas: vec!["face".into()],
            answers: json!({"pregnant": false}).to_string(),
            outcome: "eligible".into(),
            earliest_date: None,
            findings: "[]".into(),
            treatment_date: "2026-01-01".into(),
        })
        .await
        .unwrap();
    assert!(h.store.claim_screening(&screening, email).await.unwrap());
    // Six days ago, so exactly one aftercare note (day 7's, due tomorrow) is still ahead
    // at any time of day: day 3's has expired and day 7's has not.
    let visit = booking(h, email, name, days_ago(6), Some(screening)).await;
    for doc in h.flows.consent_documents(&visit).await.unwrap() {
        let input = SignInput {
            document: doc.id,
            version: doc.version,
            sha256: doc.sha256,
            name: name.into(),
            agree: true,
            choice: doc.photos.then(|| "marketing".to_owned()),
            address: "203.0.113.9".into(),
            user_agent: "Tablet/1.0".into(),
            witnessed_by: None,
        };
        h.flows
            .sign_consent(&visit, input, Timestamp::now())
            .await
            .expect("signed");
    }
    let visit = h
        .flows
        .set_status(&visit, StaffStatus::Arrived, staff_id)
        .await
        .unwrap();
    let now = Timestamp::now();
    h.flows
        .save_record(&visit, &record_body(), staff_id, now)
        .await
        .expect("saved");
    h.flows
        .sign_record(&visit, staff_id, now)
        .await
        .expect("signed");
    let mut changed = record_body();
    changed.reactions = Some("Redness gone by evening".into());
    h.flows
        .amend_record(&visit, "Follow-up call", &changed, staff_id, now)
        .await
        .expect("amended");
    for kind in ["before", "after"] {
        let upload = PhotoUpload {
            kind: kind.into(),
            caption: "cheeks".into(),
            bytes: jpeg(),
        };
        h.flows
            .add_photo(&visit, staff_id, upload)
            .await
            .expect("photo");
    }
    let visit = h
        .flows
        .set_status(&visit, StaffStatus::Completed, staff_id)
        .await
        .unwrap();
    sql(
        h,
        &format!(
            "INSERT INTO checkins (id, booking_id, symptoms, pain, note, triage, created_at)
         VALUES ('{}', '{}', 'redness', 2, 'It is {name} again, call {}', 'expected', 1)",
            store::new_id(),
            visit.id,
            phone_of(email)
        ),
    )
    .await
    .unwrap();
    let cancelled = booking(h, email, name, hours_ahead(50), None).await;
    h.flows
        .set_status(&cancelled, StaffStatus::Cancelled, staff_id)
        .await
        .unwrap();
    let ahead = booking(h, email, name, hours_ahead(80), None).await;
    (visit, ahead)
}

/// Runs one statement straight on the database.
async fn sql(h: &Harness, statement: &str) -> Result<(), String> {
    let result = if h.url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&h.url).await.unwrap();
        let r = sqlx::query(statement).execute(&pool).await.map(|_| ());
        pool.close().await;
        r
    } else {
        let pool = sqlx::SqlitePool::connect(&h.url).await.unwrap();
        let r = sqlx::query(statement).execute(&pool).await.map(|_| ());
        pool.close().await;
        r
    };
    result.map_err(|e| e.to_string())
}

/// Every (table, column) whose value holds `needle`, over every table and every text or
/// binary column the catalogue lists.
async fn find_everywhere(h: &Harness, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    if h.url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&h.url).await.unwrap();
        let columns: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
             WHERE table_schema = 'public' AND data_type IN ('text', 'bytea', 'character varying')",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert!(columns.len() > 50, "the catalogue lists the schema");
        for (table, column, kind) in columns {
            let test = if kind == "bytea" {
                format!("position(convert_to($1, 'UTF8') in \"{column}\") > 0")
            } else {
                format!("strpos(\"{column}\", $1) > 0")
            };
            let (n,): (i64,) =
                sqlx::query_as(&format!("SELECT COUNT(*) FROM \"{table}\" WHERE {test}"))
                    .bind(needle)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            if n > 0 {
                hits.push(format!("{table}.{column}"));
            }
        }
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(&h.url).await.unwrap();
        let tables: Vec<(String,)> = sqlx::query_as(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert!(tables.len() > 20, "the catalogue lists the schema");
        for (table,) in tables {
            let columns: Vec<(String,)> =
                sqlx::query_as(&format!("SELECT name FROM pragma_table_info('{table}')"))
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            for (column,) in columns {
                let (n,): (i64,) = sqlx::query_as(&format!(
                    "SELECT COUNT(*) FROM \"{table}\" WHERE instr(CAST(\"{column}\" AS BLOB), CAST($1 AS BLOB)) > 0"
                ))
                .bind(needle)
                .fetch_one(&pool)
                .await
                .unwrap();
                if n > 0 {
                    hits.push(format!("{table}.{column}"));
                }
            }
        }
        pool.close().await;
    }
    hits.sort();
    hits
}

/// The files of the SQLite data folder holding `needle` (none on PostgreSQL).
fn files_holding(h: &Harness, needle: &str) -> Vec<String> {
    let Some(path) = h.url.strip_prefix("sqlite://") else {
        return Vec::new();
    };
    let dir = std::path::Path::new(path).parent().unwrap();
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if std::fs::read(&p)
                .unwrap()
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
            {
                hits.push(p.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
    }
    hits.sort();
    hits
}

async fn erasure_keeps_only_the_record_until_the_purge(engine: Engine) {
    let h = harness(engine, 0).await;
    let maya = h
        .store
        .create_staff("maya@clinic.example", "x", "practitioner", Some("maya-lee"))
        .await
        .unwrap()
        .unwrap();
    let (visit, ahead) = seed(&h, EMAIL, NAME, &maya.id).await;
    let (other, _) = seed(&h, "other@example.org", "Otto Other", &maya.id).await;
    // The mail folder holds a copy of a message to the client, as the worker writes them.
    let outbox = std::path::Path::new(h.url.strip_prefix("sqlite://").unwrap_or("/nonexistent"))
        .parent()
        .unwrap()
        .join("outbox");

    // Unknown client, bad input, a booking still ahead: refused, nothing changed.
    let before = find_everywhere(&h, EMAIL).await;
    let err = h
        .flows
        .erase_client("nobody@example.org", "desk-1", Timestamp::now())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Refusal::NotFound { what: "client" }),
        "{err:?}"
    );
    let err = h
        .flows
        .erase_client("a@b\r\nc", "desk-1", Timestamp::now())
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("email"));
    let err = h
        .flows
        .erase_client(EMAIL, "desk-1", Timestamp::now())
        .await
        .unwrap_err();
    match &err {
        Refusal::Closed { message } => assert!(message.contains(&ahead.reference), "{message}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        find_everywhere(&h, EMAIL).await,
        before,
        "a refusal changes nothing"
    );
    assert!(h.store.erasures(10).await.unwrap().is_empty());

    // The export holds everything, photos as files.
    let export = h
        .flows
        .client_export(EMAIL, Timestamp::now())
        .await
        .unwrap();
    let doc = &export.json;
    assert_eq!(doc["schema"], service::EXPORT_SCHEMA);
    assert_eq!(doc["client"]["email"], EMAIL);
    assert_eq!(doc["bookings"].as_array().unwrap().len(), 3);
    assert_eq!(
        doc["treatment_records"][0]["amendments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(export.photos.len(), 2);
    assert_eq!(export.photos[0].bytes, jpeg());
    assert!(doc["checkins"][0]["note"].as_str().unwrap().contains(NAME));
    assert!(
        doc["consents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["choice"] == "marketing")
    );

    // The desk cancels the booking ahead; the erasure goes through.
    h.flows
        .set_status(&ahead, StaffStatus::Cancelled, &maya.id)
        .await
        .unwrap();
    let now = Timestamp::now();
    let erased = h
        .flows
        .erase_client(&EMAIL.to_uppercase(), &maya.id, now)
        .await
        .unwrap();
    let e = &erased.erasure;
    assert_eq!(e.requested_by, maya.id);
    assert_eq!(e.last_treatment_at, Some(visit.start));
    let years = h.flows.clinic().setup.records.retention_years;
    assert!(
        e.keep_until > visit.start + SignedDuration::from_hours(24 * 365 * i64::from(years) - 48)
    );
    assert_eq!(e.kept.treatment_records, 1);
    assert_eq!(e.kept.photos, 2);
    assert_eq!(e.kept.screenings, 1);
    assert!(e.kept.consents >= 1);
    assert!(e.purged_at.is_none());
    if let Ok(()) = std::fs::create_dir_all(&outbox) {
        for id in &erased.outbox_ids {
            std::fs::write(outbox.join(format!("{id}.eml")), format!("To: {EMAIL}")).unwrap();
        }
        std::fs::write(outbox.join("unrelated.eml"), "To: other@example.org").unwrap();
        let n = mail::remove_written(&outbox, &erased.outbox_ids).unwrap();
        assert_eq!(n, erased.outbox_ids.len());
    }

    // Only the signed consents keep the name (as signed); e-mail and phone are gone.
    assert_eq!(find_everywhere(&h, NAME).await, ["consents.signed_name"]);
    assert!(find_everywhere(&h, EMAIL).await.is_empty());
    assert_eq!(find_everywhere(&h, PHONE).await, Vec::<String>::new());
    assert!(
        files_holding(&h, EMAIL).is_empty(),
        "{:?}",
        files_holding(&h, EMAIL)
    );
    assert!(files_holding(&h, PHONE).is_empty());
    assert!(matches!(
        h.flows.client_export(EMAIL, now).await,
        Err(Refusal::NotFound { what: "client" })
    ));
    // The kept record is whole; a signed record and consent still cannot be removed.
    let kept = h.store.record(&visit.id).await.unwrap().expect("kept");
    assert_eq!(kept.amendments.len(), 1);
    for table in ["consents", "treatment_records", "record_amendments"] {
        let column = if table == "consents" {
            "client_id"
        } else {
            "booking_id"
        };
        let key = if table == "consents" {
            &visit.client.id
        } else {
            &visit.id
        };
        let err = sql(&h, &format!("DELETE FROM {table} WHERE {column} = '{key}'"))
            .await
            .unwrap_err();
        assert!(err.contains("cannot be removed"), "{table}: {err}");
    }
    // The purge does nothing before the retention ends.
    assert_eq!(
        h.flows
            .purge_expired(e.keep_until - SignedDuration::from_secs(1))
            .await
            .unwrap(),
        0
    );

    // Two processes purge at once when it ends: one of them takes it, and nothing is left.
    let second = service::Workflows::new(
        store::Store::connect(&h.url).await.unwrap(),
        "http://clinic.test/",
        0,
    )
    .await
    .unwrap();
    let (a, b) = tokio::join!(
        h.flows.purge_expired(e.keep_until),
        second.purge_expired(e.keep_until)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    for needle in [
        NAME,
        EMAIL,
        PHONE,
        visit.client.id.as_str(),
        visit.id.as_str(),
    ] {
        let hits = find_everywhere(&h, needle).await;
        // The erasure row keeps the client's random id, and the append-only audit trail
        // keeps the ids it was written with (ids only, never a name or an address); once
        // purged, no row left maps either id to a person.
        let is_id = needle == visit.client.id || needle == visit.id;
        let hits: Vec<_> = hits
            .into_iter()
            .filter(|t| t != "erasures.client_id" && !(is_id && t.starts_with("audit_log.")))
            .collect();
        assert!(hits.is_empty(), "{needle}: {hits:?}");
        // The ids live on in the rows above (so in the database file); every other file
        // must hold neither the ids nor anything personal.
        let files: Vec<_> = files_holding(&h, needle)
            .into_iter()
            .filter(|f| !(is_id && f.starts_with("collagen.db")))
            .collect();
        assert!(files.is_empty(), "{needle} in {files:?}");
    }
    let purged = h.store.erasure_of(&visit.client.id).await.unwrap().unwrap();
    assert!(purged.purged_at.is_some());

    // The other client is untouched throughout.
    let theirs = h
        .flows
        .client_export("other@example.org", Timestamp::now())
        .await
        .unwrap();
    assert_eq!(theirs.json["bookings"].as_array().unwrap().len(), 3);
    assert_eq!(theirs.photos.len(), 2);
    assert!(h.store.record(&other.id).await.unwrap().is_some());
    if outbox.is_dir() {
        assert!(outbox.join("unrelated.eml").exists());
    }
}

on_both_engines!(erasure_keeps_only_the_record_until_the_purge);

/// A client who was never treated is erased completely at once.
async fn a_client_never_treated_goes_at_once(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = booking(&h, EMAIL, NAME, hours_ahead(30), None).await;
    h.flows
        .set_status(&b, StaffStatus::Cancelled, "desk-1")
        .await
        .unwrap();
    let erased = h
        .flows
        .erase_client(EMAIL, store::COMMAND_LINE, Timestamp::now())
        .await
        .unwrap();
    assert!(erased.erasure.kept.is_empty());
    assert!(erased.erasure.purged_at.is_some());
    for needle in [NAME, EMAIL, PHONE] {
        assert!(find_everywhere(&h, needle).await.is_empty(), "{needle}");
    }
    let listed = h.flows.erasures(10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].requested_by, store::COMMAND_LINE);
}

on_both_engines!(a_client_never_treated_goes_at_once);

/// The export of a seeded client, with what changes from run to run redacted.
async fn export_matches_its_snapshot(engine: Engine) {
    let h = harness(engine, 0).await;
    let maya = h
        .store
        .create_staff("maya@clinic.example", "x", "practitioner", Some("maya-lee"))
        .await
        .unwrap()
        .unwrap();
    seed(&h, EMAIL, NAME, &maya.id).await;
    let export = h
        .flows
        .client_export(EMAIL, Timestamp::now())
        .await
        .unwrap();
    let mut doc = export.json.clone();
    redact(&mut doc);
    // Rows written in the same second (consents, messages) are listed in their random ids'
    // order; the trail's order is its own.
    for (key, list) in doc.as_object_mut().unwrap() {
        if let Value::Array(items) = list
            && key != "audit"
        {
            items.sort_by_key(|item| item.to_string());
        }
    }
    insta::assert_json_snapshot!("client_export", doc);
}

on_both_engines!(export_matches_its_snapshot);

/// Replaces what differs between runs (ids, times, references, file names, the consent
/// text) with a marker, keeping every key.
fn redact(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(trail)) = map.get_mut("audit") {
                // The trail's place numbers and times depend on the run.
                for entry in trail.iter_mut() {
                    entry["seq"] = Value::String("[redacted]".into());
                    entry["at"] = Value::String("[redacted]".into());
                }
            }
            for (k, v) in map.iter_mut() {
                let volatile = k == "id"
                    || k.ends_with("_id")
                    || k.ends_with("_at")
                    || k == "reference"
                    || k == "file"
                    || k == "text"
                    || k == "sha256"
                    || k == "written_by"
                    || k == "signed_by"
                    || k == "amended_by"
                    || k == "uploaded_by"
                    || k == "subject"
                    || k == "body_text"
                    || k == "treatment_date";
                if volatile && !v.is_null() {
                    *v = Value::String("[redacted]".into());
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}
