//! Signed consents: written once, in the same transaction that re-reads the booking they are
//! signed for, and never changed or removed afterwards (the database's triggers refuse both,
//! so no code path can). A new version of a document is a new row.

use jiff::Timestamp;

use super::Booking;
use super::rows::{BookingRow, SELECT_BOOKING};
use crate::{Store, StoreError, new_id};

/// What a client signs: the document as shown, and who, where from and how.
#[derive(Clone, Debug)]
pub struct NewConsent {
    /// The document's id (`treatment`, `photos`).
    pub document: String,
    pub version: i64,
    pub title: String,
    /// The exact text shown, as the record of what was agreed.
    pub text: String,
    /// SHA-256 of `text`, lower-case hex.
    pub sha256: String,
    /// The photo consent's choice (`record_only`, `marketing`); `None` for other documents.
    pub choice: Option<String>,
    /// The full name the client typed.
    pub signed_name: String,
    pub address: String,
    pub user_agent: String,
    /// The staff member who opened the clinic's tablet; `None` when signed at home.
    pub witnessed_by: Option<String>,
}

/// A consent as signed and kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedConsent {
    pub id: String,
    /// The booking it was signed for.
    pub booking_id: String,
    pub client_id: String,
    pub document: String,
    pub version: i64,
    pub title: String,
    pub text: String,
    pub sha256: String,
    pub choice: Option<String>,
    pub signed_name: String,
    pub signed_at: Timestamp,
    pub address: String,
    pub user_agent: String,
    pub witnessed_by: Option<String>,
}

/// Why a consent was not written.
#[derive(Debug, thiserror::Error)]
pub enum ConsentError<E> {
    /// The workflow's guard said no.
    #[error("refused")]
    Refused(E),
    #[error("no such booking")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<E> From<sqlx::Error> for ConsentError<E> {
    fn from(err: sqlx::Error) -> Self {
        ConsentError::Store(StoreError::Database(err))
    }
}

#[derive(sqlx::FromRow)]
struct ConsentRow {
    id: String,
    booking_id: String,
    client_id: String,
    document: String,
    version: i64,
    title: String,
    text: String,
    sha256: String,
    choice: Option<String>,
    signed_name: String,
    signed_at: i64,
    address: String,
    user_agent: String,
    witnessed_by: Option<String>,
}

const SELECT_CONSENT: &str = "SELECT id, booking_id, client_id, document, version, title, text,
    sha256, choice, signed_name, signed_at, address, user_agent, witnessed_by FROM consents";

impl TryFrom<ConsentRow> for SignedConsent {
    type Error = StoreError;
    fn try_from(r: ConsentRow) -> Result<SignedConsent, StoreError> {
        Ok(SignedConsent {
            signed_at: Timestamp::from_second(r.signed_at)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            id: r.id,
            booking_id: r.booking_id,
            client_id: r.client_id,
            document: r.document,
            version: r.version,
            title: r.title,
            text: r.text,
            sha256: r.sha256,
            choice: r.choice,
            signed_name: r.signed_name,
            address: r.address,
            user_agent: r.user_agent,
            witnessed_by: r.witnessed_by,
        })
    }
}

impl Store {
    /// Signs `consent` for booking `booking_id` at `now`, in one transaction: the `guard`
    /// judges the booking as it is now (a cancelled booking takes no consent), then the row
    /// is written for the booking's client. A refusal writes nothing.
    pub async fn sign_consent<E>(
        &self,
        booking_id: &str,
        consent: &NewConsent,
        now: Timestamp,
        guard: impl FnOnce(&Booking) -> Result<(), E>,
    ) -> Result<SignedConsent, ConsentError<E>> {
        let sql = format!("{SELECT_BOOKING} WHERE b.id = $1");
        in_write_tx!(self, |tx| {
            let row: Option<BookingRow> = sqlx::query_as(&sql)
                .bind(booking_id)
                .fetch_optional(&mut *tx)
                .await?;
            let booking = Booking::try_from(row.ok_or(ConsentError::NotFound)?)?;
            guard(&booking).map_err(ConsentError::Refused)?;
            let id = new_id();
            sqlx::query(
                "INSERT INTO consents (id, booking_id, client_id, document, version, title, text,
                    sha256, choice, signed_name, signed_at, address, user_agent, witnessed_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(&id)
            .bind(&booking.id)
            .bind(&booking.client.id)
            .bind(&consent.document)
            .bind(consent.version)
            .bind(&consent.title)
            .bind(&consent.text)
            .bind(&consent.sha256)
            .bind(consent.choice.as_deref())
            .bind(&consent.signed_name)
            .bind(now.as_second())
            .bind(&consent.address)
            .bind(&consent.user_agent)
            .bind(consent.witnessed_by.as_deref())
            .execute(&mut *tx)
            .await?;
            crate::audit::append(
                &mut tx,
                &crate::AuditEntry::new("sign", "consent", &id).for_client(&booking.client.id),
            )
            .await?;
            tx.commit().await?;
            Ok(SignedConsent {
                id,
                booking_id: booking.id,
                client_id: booking.client.id,
                document: consent.document.clone(),
                version: consent.version,
                title: consent.title.clone(),
                text: consent.text.clone(),
                sha256: consent.sha256.clone(),
                choice: consent.choice.clone(),
                signed_name: consent.signed_name.clone(),
                signed_at: Timestamp::from_second(now.as_second())
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                address: consent.address.clone(),
                user_agent: consent.user_agent.clone(),
                witnessed_by: consent.witnessed_by.clone(),
            })
        })
    }

    /// Every consent a client has signed, newest first.
    pub async fn consents_for_client(
        &self,
        client_id: &str,
    ) -> Result<Vec<SignedConsent>, StoreError> {
        let sql = format!("{SELECT_CONSENT} WHERE client_id = $1 ORDER BY signed_at DESC, id DESC");
        let rows: Vec<ConsentRow> = on_read!(self, |pool| {
            sqlx::query_as(&sql).bind(client_id).fetch_all(pool).await
        })?;
        rows.into_iter().map(SignedConsent::try_from).collect()
    }

    /// Points a booking at a screening answered again at arrival, so the visit and the
    /// client's record read the new answers; false when no booking has this id.
    pub async fn set_booking_screening(
        &self,
        booking_id: &str,
        screening_id: &str,
    ) -> Result<bool, StoreError> {
        Ok(in_write_tx!(self, |tx| {
            let n = sqlx::query("UPDATE bookings SET screening_id = $1 WHERE id = $2")
                .bind(screening_id)
                .bind(booking_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let client: Option<(String,)> =
                sqlx::query_as("SELECT client_id FROM bookings WHERE id = $1")
                    .bind(booking_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some((client_id,)) = client {
                crate::audit::append(
                    &mut tx,
                    &crate::AuditEntry::new("rescreen", "booking", booking_id)
                        .for_client(&client_id),
                )
                .await?;
            }
            tx.commit().await?;
            n == 1
        }))
    }
}
