//! The client's data export: one JSON document following `docs/export-schema.md`, and the
//! photos as files beside it. The web edge packs both, with a readable summary, into one
//! archive for staff to hand over.

use jiff::Timestamp;
use serde_json::{Map, Value, json};
use store::{AuditEntry, AuditFilter, AuditRecord, ClientRecords};

use super::check_client_email;
use crate::{Refusal, Workflows};

/// The schema the export follows; raised when a key changes meaning or goes away (new
/// keys, such as `audit`, may appear within a version).
pub const EXPORT_SCHEMA: &str = "collagen.client-export/1";

/// One photo of the export, named as the JSON names it.
#[derive(Clone, Debug)]
pub struct ExportedPhoto {
    /// The path inside the archive: `photos/NN-REFERENCE-KIND.EXT`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Everything the clinic holds on one client, ready to pack.
#[derive(Clone, Debug)]
pub struct ClientExport {
    /// The document `docs/export-schema.md` describes.
    pub json: Value,
    pub photos: Vec<ExportedPhoto>,
}

/// The columns that hold JSON as text; the export carries them as JSON.
const JSON_TEXT: &[&str] = &["answers", "findings", "body", "changes"];

/// A file extension for a stored photo's type.
fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/png" => "png",
        "image/heic" | "image/heif" => "heic",
        _ => "jpg",
    }
}

/// Rewrites a stored row for the export: every `*_at` instant (Unix seconds) as RFC 3339
/// with the clinic's offset, JSON text as JSON, comma lists as arrays.
fn shape(value: Value, tz: &jiff::tz::TimeZone) -> Value {
    let Value::Object(map) = value else {
        return value;
    };
    let shaped: Map<String, Value> = map
        .into_iter()
        .map(|(key, value)| {
            let value = match value {
                Value::Number(n) if key.ends_with("_at") => n
                    .as_i64()
                    .and_then(|s| Timestamp::from_second(s).ok())
                    .map(|t| Value::String(clinic::rfc3339(&t.to_zoned_datetime(tz.clone()))))
                    .unwrap_or(Value::Number(n)),
                Value::String(text) if JSON_TEXT.contains(&key.as_str()) => {
                    serde_json::from_str(&text).unwrap_or(Value::String(text))
                }
                Value::String(text) if key == "areas" || key == "symptoms" => Value::Array(
                    text.split(',')
                        .filter(|s| !s.is_empty())
                        .map(|s| Value::String(s.to_owned()))
                        .collect(),
                ),
                other => other,
            };
            (key, value)
        })
        .collect();
    Value::Object(shaped)
}

fn rows<T: serde::Serialize>(items: &[T], tz: &jiff::tz::TimeZone) -> Value {
    Value::Array(
        items
            .iter()
            .map(|item| shape(serde_json::to_value(item).unwrap_or(Value::Null), tz))
            .collect(),
    )
}

/// Builds the export from the stored rows, as of `now`.
fn build(r: ClientRecords, clinic: &clinic::ClinicSetup, now: Timestamp) -> ClientExport {
    let tz = clinic.timezone();
    let reference = |booking_id: &str| {
        r.bookings
            .iter()
            .find(|b| b.id == booking_id)
            .map_or("visit", |b| b.reference.as_str())
            .to_owned()
    };
    let mut photos = Vec::with_capacity(r.photos.len());
    let mut photo_rows = Vec::with_capacity(r.photos.len());
    for (n, p) in r.photos.iter().enumerate() {
        let path = format!(
            "photos/{:02}-{}-{}.{}",
            n + 1,
            reference(&p.booking_id),
            p.kind,
            extension(&p.content_type)
        );
        let mut row = shape(serde_json::to_value(p).unwrap_or(Value::Null), &tz);
        row["file"] = Value::String(path.clone());
        photo_rows.push(row);
        photos.push(ExportedPhoto {
            path,
            bytes: p.bytes.clone(),
        });
    }
    let records: Vec<Value> = r
        .records
        .iter()
        .map(|rec| {
            let mut row = shape(serde_json::to_value(rec).unwrap_or(Value::Null), &tz);
            let amendments: Vec<_> = r
                .amendments
                .iter()
                .filter(|a| a.booking_id == rec.booking_id)
                .collect();
            let lots: Vec<_> = r
                .lots
                .iter()
                .filter(|l| l.booking_id == rec.booking_id)
                .collect();
            row["amendments"] = rows(&amendments, &tz);
            row["lots"] = rows(&lots, &tz);
            row
        })
        .collect();
    let json = json!({
        "schema": EXPORT_SCHEMA,
        "generated_at": clinic::rfc3339(&now.to_zoned_datetime(tz.clone())),
        "clinic": { "name": clinic.clinic.name, "timezone": clinic.clinic.timezone },
        "client": shape(serde_json::to_value(&r.client).unwrap_or(Value::Null), &tz),
        "unsubscribed_at": r.unsubscribed_at
            .and_then(|s| Timestamp::from_second(s).ok())
            .map(|t| clinic::rfc3339(&t.to_zoned_datetime(tz.clone()))),
        "bookings": rows(&r.bookings, &tz),
        "screenings": rows(&r.screenings, &tz),
        "consents": rows(&r.consents, &tz),
        "policy_agreements": rows(&r.policy_agreements, &tz),
        "treatment_records": records,
        "completion_overrides": rows(&r.overrides, &tz),
        "photos": photo_rows,
        "checkins": rows(&r.checkins, &tz),
        "alerts": rows(&r.alerts, &tz),
        "messages": rows(&r.messages, &tz),
    });
    ClientExport { json, photos }
}

/// The trail about the client, oldest first: who (a role, never a staff member's address)
/// did what to which part of their record, and when.
fn audit(trail: &[AuditRecord], tz: &jiff::tz::TimeZone) -> Value {
    Value::Array(
        trail
            .iter()
            .map(|e| {
                json!({
                    "seq": e.seq,
                    "at": Timestamp::from_second(e.at)
                        .map(|t| clinic::rfc3339(&t.to_zoned_datetime(tz.clone())))
                        .unwrap_or_default(),
                    "actor": e.actor,
                    "staff_role": e.staff_role,
                    "action": e.action,
                    "entity": e.entity,
                    "entity_id": e.entity_id,
                })
            })
            .collect(),
    )
}

impl Workflows {
    /// Everything the clinic holds on the client with this e-mail, as of `now`; the export
    /// is written to the audit trail (as a read of the whole record) before it is answered.
    pub async fn client_export(
        &self,
        email: &str,
        now: Timestamp,
    ) -> Result<ClientExport, Refusal> {
        let email = check_client_email(email)?;
        let records = self
            .store
            .client_records(email)
            .await?
            .ok_or(Refusal::NotFound { what: "client" })?;
        let id = records.client.id.clone();
        // Written before anything leaves, so the export is in the trail it carries.
        self.store
            .audit_one(AuditEntry::new("export", "client", &id).for_client(&id))
            .await?;
        let filter = AuditFilter {
            client_id: Some(id),
            ..AuditFilter::default()
        };
        let mut trail = self.store.audit_entries(&filter, i64::MAX).await?;
        trail.reverse();
        let clinic = self.clinic();
        let mut export = build(records, &clinic.setup, now);
        export.json["audit"] = audit(&trail, &clinic.setup.timezone());
        Ok(export)
    }
}
