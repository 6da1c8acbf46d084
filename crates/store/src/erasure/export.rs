//! Everything the clinic holds on one client, read in one go for their data export. Rows
//! are as stored (times in Unix seconds, JSON columns as text); the workflow shapes them
//! into the documented export (`docs/export-schema.md`).

use serde::Serialize;

use crate::{Store, StoreError};

/// The client record.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ExportClient {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub created_at: i64,
}

/// One booking, with what was typed on it.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ExportBooking {
    pub id: String,
    pub reference: String,
    pub service_id: String,
    pub practitioner_id: String,
    pub room_id: String,
    pub start_at: i64,
    pub end_at: i64,
    pub status: String,
    pub screening_id: Option<String>,
    pub notes: String,
    pub review_note: Option<String>,
    pub created_by: String,
    pub booked_name: String,
    pub booked_phone: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One screening with its answers and findings (JSON text).
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ExportScreening {
    pub id: String,
    pub ruleset_version: String,
    pub areas: String,
    pub answers: String,
    pub outcome: String,
    pub earliest_date: Option<String>,
    pub findings: String,
    pub treatment_date: String,
    pub created_at: i64,
    pub confirmed_at: Option<i64>,
}

/// One signed consent, with the exact text shown.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ExportConsent {
    pub id: String,
    pub booking_id: String,
    pub document: String,
    pub version: i64,
    pub title: String,
    pub text: String,
    pub sha256: String,
    pub choice: Option<String>,
    pub signed_name: String,
    pub signed_at: i64,
    pub address: String,
    pub user_agent: String,
    pub witnessed_by: Option<String>,
}

/// One treatment record as first written (JSON text in `body`).
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ExportRecord {
    pub booking_id: String,
    pub body: String,
    pub written_by: String,
    pub written_at: i64,
    pub signed_by: Option<String>,
    pub signed_at: Option<i64>,
}

/// One amendment to a signed record.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ExportAmendment {
    pub booking_id: String,
    pub seq: i64,
    pub reason: String,
    pub changes: String,
    pub body: String,
    pub amended_by: String,
    pub amended_at: i64,
}

/// One lot a record names.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ExportLot {
    pub booking_id: String,
    pub lot: String,
    pub kind: String,
}

/// A reason staff gave for completing a treatment without a signed record.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ExportOverride {
    pub booking_id: String,
    pub reason: String,
    pub staff_id: String,
    pub created_at: i64,
}

/// One photo with its bytes.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ExportPhoto {
    pub id: String,
    pub booking_id: String,
    pub kind: String,
    pub caption: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub created_at: i64,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// One healing check-in.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ExportCheckin {
    pub id: String,
    pub booking_id: String,
    pub symptoms: String,
    pub pain: i64,
    pub note: Option<String>,
    pub triage: String,
    pub created_at: i64,
}

/// One alert a check-in raised.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ExportAlert {
    pub id: String,
    pub checkin_id: String,
    pub booking_id: String,
    pub triage: String,
    pub created_at: i64,
    pub acknowledged_at: Option<i64>,
    pub acknowledged_by: Option<String>,
    pub ack_note: Option<String>,
}

/// One message from the outbox, to the client or about one of their bookings.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ExportMessage {
    pub id: String,
    pub booking_id: Option<String>,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub status: String,
    pub created_at: i64,
    pub due_at: Option<i64>,
    pub sent_at: Option<i64>,
}

/// The cancellation policy agreed when a booking was made: the text shown and the device.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ExportPolicyAgreement {
    pub booking_id: String,
    pub policy: String,
    pub version: i64,
    pub text: String,
    pub sha256: String,
    pub agreed_at: i64,
    pub address: String,
    pub user_agent: String,
}

/// Everything the clinic holds on one client, as stored.
#[derive(Clone, Debug)]
pub struct ClientRecords {
    pub client: ExportClient,
    pub unsubscribed_at: Option<i64>,
    pub bookings: Vec<ExportBooking>,
    pub screenings: Vec<ExportScreening>,
    pub consents: Vec<ExportConsent>,
    pub policy_agreements: Vec<ExportPolicyAgreement>,
    pub records: Vec<ExportRecord>,
    pub amendments: Vec<ExportAmendment>,
    pub lots: Vec<ExportLot>,
    pub overrides: Vec<ExportOverride>,
    pub photos: Vec<ExportPhoto>,
    pub checkins: Vec<ExportCheckin>,
    pub alerts: Vec<ExportAlert>,
    pub messages: Vec<ExportMessage>,
}

const MINE: &str = "(SELECT id FROM bookings WHERE client_id = $1)";

impl Store {
    /// Everything held on the client with this e-mail (trimmed, any case), read in one
    /// transaction so the parts agree; `None` when there is no such client.
    pub async fn client_records(&self, email: &str) -> Result<Option<ClientRecords>, StoreError> {
        let email = email.trim().to_lowercase();
        macro_rules! rows {
            ($tx:ident, $id:ident, $sql:expr) => {
                sqlx::query_as(&$sql)
                    .bind(&$id)
                    .fetch_all(&mut *$tx)
                    .await?
            };
        }
        let records = on_read!(self, |pool| {
            let mut tx = pool.begin().await?;
            let client: Option<ExportClient> = sqlx::query_as(
                "SELECT id, name, email, phone, created_at FROM clients WHERE email = $1",
            )
            .bind(&email)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(client) = client else {
                return Ok(None);
            };
            let id = client.id.clone();
            let unsubscribed: Option<(i64,)> =
                sqlx::query_as("SELECT created_at FROM message_optouts WHERE client_id = $1")
                    .bind(&id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let records = ClientRecords {
                unsubscribed_at: unsubscribed.map(|(at,)| at),
                bookings: rows!(
                    tx,
                    id,
                    "SELECT id, reference, service_id, practitioner_id, room_id,
                    start_at, end_at, status, screening_id, notes, review_note, created_by,
                    booked_name, booked_phone, created_at, updated_at
                    FROM bookings WHERE client_id = $1 ORDER BY start_at, id"
                ),
                screenings: rows!(
                    tx,
                    id,
                    "SELECT id, ruleset_version, areas, answers, outcome,
                    earliest_date, findings, treatment_date, created_at, confirmed_at
                    FROM screenings WHERE client_id = $1 ORDER BY created_at, id"
                ),
                consents: rows!(
                    tx,
                    id,
                    "SELECT id, booking_id, document, version, title, text,
                    sha256, choice, signed_name, signed_at, address, user_agent, witnessed_by
                    FROM consents WHERE client_id = $1 ORDER BY signed_at, document, id"
                ),
                policy_agreements: rows!(
                    tx,
                    id,
                    format!(
                        "SELECT booking_id, policy, version, text, sha256, agreed_at, address,
                    user_agent FROM policy_agreements WHERE booking_id IN {MINE}
                    ORDER BY agreed_at, booking_id"
                    )
                ),
                records: rows!(
                    tx,
                    id,
                    format!(
                        "SELECT booking_id, body, written_by, written_at,
                    signed_by, signed_at FROM treatment_records WHERE booking_id IN {MINE}
                    ORDER BY written_at, booking_id"
                    )
                ),
                amendments: rows!(
                    tx,
                    id,
                    format!(
                        "SELECT booking_id, seq, reason, changes, body,
                    amended_by, amended_at FROM record_amendments WHERE booking_id IN {MINE}
                    ORDER BY booking_id, seq"
                    )
                ),
                lots: rows!(
                    tx,
                    id,
                    format!(
                        "SELECT booking_id, lot, kind FROM record_lots
                    WHERE booking_id IN {MINE} ORDER BY booking_id, kind, lot_key"
                    )
                ),
                overrides: rows!(
                    tx,
                    id,
                    format!(
                        "SELECT booking_id, reason, staff_id, created_at
                    FROM completion_overrides WHERE booking_id IN {MINE} ORDER BY created_at"
                    )
                ),
                photos: rows!(
                    tx,
                    id,
                    format!(
                        "SELECT id, booking_id, kind, caption, content_type,
                    size, uploaded_by, created_at, bytes FROM photos
                    WHERE booking_id IN {MINE} ORDER BY created_at, kind DESC, id"
                    )
                ),
                checkins: rows!(
                    tx,
                    id,
                    format!(
                        "SELECT id, booking_id, symptoms, pain, note, triage,
                    created_at FROM checkins WHERE booking_id IN {MINE} ORDER BY created_at, id"
                    )
                ),
                alerts: rows!(
                    tx,
                    id,
                    format!(
                        "SELECT id, checkin_id, booking_id, triage, created_at,
                    acknowledged_at, acknowledged_by, ack_note FROM checkin_alerts
                    WHERE booking_id IN {MINE} ORDER BY created_at, id"
                    )
                ),
                messages: sqlx::query_as(&format!(
                    "SELECT id, booking_id, kind, recipient, subject, body_text, status,
                        created_at, due_at, sent_at FROM outbox
                     WHERE booking_id IN {MINE} OR recipient = $2 ORDER BY created_at, due_at, kind, id"
                ))
                .bind(&id)
                .bind(&client.email)
                .fetch_all(&mut *tx)
                .await?,
                client,
            };
            tx.commit().await?;
            Ok::<_, sqlx::Error>(Some(records))
        })?;
        Ok(records)
    }
}
