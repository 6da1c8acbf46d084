//! Recall: every visit whose record names a lot, with its client, and the letters to them
//! queued in one transaction.

use jiff::Timestamp;

use super::lot_key;
use crate::bookings::{BookingRow, SELECT_BOOKING};
use crate::db::now_s;
use crate::outbox::{Mail, queue_mail};
use crate::{Booking, Store, StoreError};

/// One visit a lot touched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecallRow {
    /// The visit, with its client.
    pub booking: Booking,
    /// The lot as the record named it.
    pub lot: String,
    /// `cartridge` or `product`.
    pub kind: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    #[sqlx(flatten)]
    booking: BookingRow,
    lot: String,
    kind: String,
}

impl Store {
    /// Every visit whose record (or an amendment of it) names `lot`, starting in
    /// `from..to` when given, oldest first.
    pub async fn recall(
        &self,
        lot: &str,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
    ) -> Result<Vec<RecallRow>, StoreError> {
        let sql = format!(
            "SELECT * FROM ({SELECT_BOOKING}) b2 JOIN (SELECT booking_id, lot, kind, lot_key FROM record_lots) l
                ON l.booking_id = b2.id
             WHERE l.lot_key = $1 AND b2.start_at >= $2 AND b2.start_at < $3
             ORDER BY b2.start_at, b2.id, l.kind"
        );
        let rows: Vec<Row> = on_read!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(lot_key(lot))
                .bind(from.map_or(i64::MIN, |t| t.as_second()))
                .bind(to.map_or(i64::MAX, |t| t.as_second()))
                .fetch_all(pool)
                .await
        })?;
        rows.into_iter()
            .map(|r| {
                Ok(RecallRow {
                    booking: Booking::try_from(r.booking)?,
                    lot: r.lot,
                    kind: r.kind,
                })
            })
            .collect()
    }

    /// Queues letters about a recall, each with the visit it concerns, all or none.
    pub async fn queue_recall_mail(&self, mails: &[(String, Mail)]) -> Result<(), StoreError> {
        let now = now_s();
        in_write_tx!(self, |tx| {
            for (booking_id, mail) in mails {
                queue_mail(&mut *tx, Some(booking_id), mail, now).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }
}
