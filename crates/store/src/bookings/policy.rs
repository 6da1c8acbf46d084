//! The cancellation policy a client agreed to when booking, kept beside the booking as
//! evidence: written in the booking's own transaction, never changed afterwards (the
//! database's trigger refuses it), and gone only with the booking.

use jiff::Timestamp;

use crate::{Store, StoreError};

/// A policy as agreed: the exact text shown, its version and hash, when, and from where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyAgreement {
    /// Which policy (`cancellation`).
    pub policy: String,
    pub version: i64,
    /// The exact text shown, so the evidence reads without the clinic's files of the day.
    pub text: String,
    /// SHA-256 of `text`, lower-case hex.
    pub sha256: String,
    pub agreed_at: Timestamp,
    pub address: String,
    pub user_agent: String,
}

/// One agreement row: booking, policy, version, text, hash, when, address, user agent.
pub(crate) const INSERT_POLICY: &str = "INSERT INTO policy_agreements (booking_id, policy, version,
         text, sha256, agreed_at, address, user_agent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

impl PolicyAgreement {
    /// Writes the agreement for `booking_id` inside the booking's transaction.
    pub(crate) async fn insert<'c, DB, X>(&self, tx: X, booking_id: &str) -> Result<(), sqlx::Error>
    where
        DB: sqlx::Database,
        X: sqlx::Executor<'c, Database = DB>,
        for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
        for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
        for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    {
        sqlx::query(INSERT_POLICY)
            .bind(booking_id.to_owned())
            .bind(self.policy.clone())
            .bind(self.version)
            .bind(self.text.clone())
            .bind(self.sha256.clone())
            .bind(self.agreed_at.as_second())
            .bind(self.address.clone())
            .bind(self.user_agent.clone())
            .execute(tx)
            .await?;
        Ok(())
    }
}

type AgreementRow = (String, i64, String, String, i64, String, String);

impl Store {
    /// The policy agreed for a booking, if its client agreed one when booking.
    pub async fn policy_agreement(
        &self,
        booking_id: &str,
    ) -> Result<Option<PolicyAgreement>, StoreError> {
        let row: Option<AgreementRow> = on_read!(self, |pool| sqlx::query_as(
            "SELECT policy, version, text, sha256, agreed_at, address, user_agent
               FROM policy_agreements WHERE booking_id = $1"
        )
        .bind(booking_id)
        .fetch_optional(pool)
        .await)?;
        row.map(
            |(policy, version, text, sha256, agreed_at, address, user_agent)| {
                Ok(PolicyAgreement {
                    policy,
                    version,
                    text,
                    sha256,
                    agreed_at: Timestamp::from_second(agreed_at)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    address,
                    user_agent,
                })
            },
        )
        .transpose()
    }
}
