//! Alerts nobody acknowledged in time are mailed to the clinic again, once per period.

use jiff::Timestamp;

use crate::bookings::{Alert, AlertRow, SELECT_ALERTS};
use crate::outbox::{Mail, queue_mail};
use crate::{Store, StoreError};

impl Store {
    /// Mails the clinic again about each alert still unacknowledged `period_s` after it
    /// was last mailed (`compose` writes the mail). Each alert is taken by a conditional
    /// update, so two processes running this at once mail it once; the mail is queued in
    /// the same transaction. Returns how many alerts were mailed again.
    pub async fn resend_open_alerts(
        &self,
        now: Timestamp,
        period_s: i64,
        compose: impl Fn(&Alert) -> Mail,
    ) -> Result<usize, StoreError> {
        let now = now.as_second();
        let sql = format!(
            "{SELECT_ALERTS} WHERE a.acknowledged_at IS NULL
                AND COALESCE(a.notified_at, a.created_at) <= $1 ORDER BY a.created_at LIMIT 50"
        );
        in_write_tx!(self, |tx| {
            let rows: Vec<AlertRow> = sqlx::query_as(&sql)
                .bind(now - period_s)
                .fetch_all(&mut *tx)
                .await?;
            let mut sent = 0;
            for row in rows {
                let alert = Alert::try_from(row)?;
                let taken = sqlx::query(
                    "UPDATE checkin_alerts SET notified_at = $1 WHERE id = $2
                     AND acknowledged_at IS NULL AND COALESCE(notified_at, created_at) <= $3",
                )
                .bind(now)
                .bind(&alert.id)
                .bind(now - period_s)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if taken == 1 {
                    queue_mail(&mut *tx, Some(&alert.booking_id), &compose(&alert), now).await?;
                    sent += 1;
                }
            }
            tx.commit().await?;
            Ok(sent)
        })
    }
}
