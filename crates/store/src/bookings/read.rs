//! Reading bookings and holds: for availability, the manage link and the back office.

use jiff::Timestamp;
use std::sync::Arc;

use scheduling::{Hold, PreparedHolds};

use super::Booking;
use super::rows::{
    BY_TOKEN, BookingRow, CACHE_AHEAD_S, SELECT_BOOKING, SELECT_HOLDS, rows_to_holds,
};
use crate::db::now_s;
use crate::{Store, StoreError};

impl Store {
    /// Every hold overlapping `from..to`.
    pub async fn holds_between(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Hold>, StoreError> {
        let prepared = self.prepared_holds_between(from, to).await?;
        Ok(prepared.between(from, to).cloned().collect())
    }

    /// The holds overlapping `from..to` (and maybe others), prepared for the engine, for
    /// computing availability. On SQLite, where this process is the only writer, they are
    /// loaded and prepared once per change of the holds and shared by every query.
    pub async fn prepared_holds_between(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Arc<PreparedHolds>, StoreError> {
        let (from, to) = (from.as_second(), to.as_second());
        if let crate::db::Db::Sqlite { read, cache, .. } = &self.db {
            if let Some(holds) = cache.get(from, to) {
                return Ok(holds);
            }
            // Load everything from a day ago to well past any booking horizon, once.
            let generation = cache.generation();
            let wide_from = from.min(now_s() - 86_400);
            let wide_to = to.max(now_s() + CACHE_AHEAD_S);
            let rows: Vec<(String, i64, i64)> = sqlx::query_as(SELECT_HOLDS)
                .bind(wide_from)
                .bind(wide_to)
                .fetch_all(read)
                .await?;
            return Ok(cache.store(generation, wide_from, wide_to, rows_to_holds(rows)?));
        }
        let rows: Vec<(String, i64, i64)> = on_read!(self, |pool| {
            sqlx::query_as(SELECT_HOLDS)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await
        })?;
        Ok(Arc::new(PreparedHolds::new(rows_to_holds(rows)?)))
    }

    /// The booking a manage token opens.
    pub async fn booking_by_token_hash(&self, hash: &str) -> Result<Option<Booking>, StoreError> {
        let sql = format!("{SELECT_BOOKING} {BY_TOKEN}");
        let row: Option<BookingRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(hash)
            .fetch_optional(pool)
            .await)?;
        row.map(Booking::try_from).transpose()
    }

    /// A booking by its id.
    pub async fn booking(&self, id: &str) -> Result<Option<Booking>, StoreError> {
        let sql = format!("{SELECT_BOOKING} WHERE b.id = $1");
        let row: Option<BookingRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?;
        row.map(Booking::try_from).transpose()
    }

    /// Bookings starting in `from..to`, in start order, for calendars and lists.
    pub async fn bookings_between(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Booking>, StoreError> {
        let sql = format!(
            "{SELECT_BOOKING} WHERE b.start_at >= $1 AND b.start_at < $2 ORDER BY b.start_at, b.practitioner_id"
        );
        let rows: Vec<BookingRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(from.as_second())
            .bind(to.as_second())
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(Booking::try_from).collect()
    }

    /// A client's bookings, newest first.
    pub async fn bookings_for_client(&self, client_id: &str) -> Result<Vec<Booking>, StoreError> {
        let sql = format!("{SELECT_BOOKING} WHERE b.client_id = $1 ORDER BY b.start_at DESC");
        let rows: Vec<BookingRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(client_id)
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(Booking::try_from).collect()
    }

    /// Bookings waiting for a practitioner's review, soonest first.
    pub async fn bookings_pending_review(&self) -> Result<Vec<Booking>, StoreError> {
        let sql = format!("{SELECT_BOOKING} WHERE b.status = 'pending_review' ORDER BY b.start_at");
        let rows: Vec<BookingRow> =
            on_read!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
        rows.into_iter().map(Booking::try_from).collect()
    }
}
