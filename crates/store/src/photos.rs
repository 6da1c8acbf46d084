//! Before and after photos of a visit, their bytes kept in the database (BLOB on SQLite,
//! `bytea` on PostgreSQL), so every process sharing the database serves the same photos
//! and a backup of it holds them too.

use jiff::Timestamp;
use rand::Rng as _;

use crate::db::now_s;
use crate::{Store, StoreError};

/// A photo about to be stored: already checked and stripped by the workflow.
#[derive(Clone, Debug)]
pub struct NewPhoto {
    pub booking_id: String,
    /// `before` or `after` the treatment.
    pub kind: String,
    pub caption: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// The staff member who uploaded it.
    pub uploaded_by: String,
}

/// What lists and pages show of a photo, without its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoMeta {
    pub id: String,
    pub booking_id: String,
    /// The booking's practitioner, who (with admins) may see it.
    pub practitioner_id: String,
    /// The booking's client: what an audit entry for the photo names.
    pub client_id: String,
    pub kind: String,
    pub caption: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub created_at: Timestamp,
}

/// A photo with its bytes, for serving.
#[derive(Clone, Debug)]
pub struct Photo {
    pub meta: PhotoMeta,
    pub bytes: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct MetaRow {
    id: String,
    booking_id: String,
    practitioner_id: String,
    client_id: String,
    kind: String,
    caption: String,
    content_type: String,
    size: i64,
    uploaded_by: String,
    created_at: i64,
}

impl TryFrom<MetaRow> for PhotoMeta {
    type Error = StoreError;
    fn try_from(r: MetaRow) -> Result<PhotoMeta, StoreError> {
        Ok(PhotoMeta {
            created_at: Timestamp::from_second(r.created_at)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            id: r.id,
            booking_id: r.booking_id,
            practitioner_id: r.practitioner_id,
            client_id: r.client_id,
            kind: r.kind,
            caption: r.caption,
            content_type: r.content_type,
            size: r.size,
            uploaded_by: r.uploaded_by,
        })
    }
}

const SELECT_META: &str =
    "SELECT p.id, p.booking_id, b.practitioner_id, b.client_id, p.kind, p.caption,
        p.content_type, p.size, p.uploaded_by, p.created_at
    FROM photos p JOIN bookings b ON b.id = p.booking_id";

/// Oldest first; within one second, before ahead of after. The id only breaks ties, and
/// being random it says nothing about when a photo came.
const ORDER: &str = "p.created_at, p.kind DESC, p.id";

/// A photo's id: 256 random bits as hex. It is the only handle to the photo, so it must
/// not follow from any other id or from the time of upload.
pub(crate) fn new_photo_id() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    /// Stores a photo and answers what lists show of it.
    pub async fn add_photo(&self, photo: &NewPhoto) -> Result<PhotoMeta, StoreError> {
        let id = new_photo_id();
        in_write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO photos (id, booking_id, kind, caption, content_type, bytes, size,
                    uploaded_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&id)
            .bind(&photo.booking_id)
            .bind(&photo.kind)
            .bind(&photo.caption)
            .bind(&photo.content_type)
            .bind(&photo.bytes)
            .bind(photo.bytes.len() as i64)
            .bind(&photo.uploaded_by)
            .bind(now_s())
            .execute(&mut *tx)
            .await?;
            let row: MetaRow = sqlx::query_as(&format!("{SELECT_META} WHERE p.id = $1"))
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
            crate::audit::append(
                &mut tx,
                &crate::AuditEntry::new("create", "photo", &id).for_client(&row.client_id),
            )
            .await?;
            tx.commit().await?;
            PhotoMeta::try_from(row)
        })
    }

    /// One photo with its bytes, if the id names one.
    pub async fn photo(&self, id: &str) -> Result<Option<Photo>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            meta: MetaRow,
            bytes: Vec<u8>,
        }
        const SQL: &str =
            "SELECT p.id, p.booking_id, b.practitioner_id, b.client_id, p.kind, p.caption,
                p.content_type, p.size, p.uploaded_by, p.created_at, p.bytes
            FROM photos p JOIN bookings b ON b.id = p.booking_id WHERE p.id = $1";
        let row: Option<Row> = on_read!(self, |pool| sqlx::query_as(SQL)
            .bind(id)
            .fetch_optional(pool)
            .await)?;
        row.map(|r| {
            Ok(Photo {
                meta: PhotoMeta::try_from(r.meta)?,
                bytes: r.bytes,
            })
        })
        .transpose()
    }

    /// A visit's photos, in the order they were taken into the record.
    pub async fn photos_for_booking(&self, booking_id: &str) -> Result<Vec<PhotoMeta>, StoreError> {
        let sql = format!("{SELECT_META} WHERE p.booking_id = $1 ORDER BY {ORDER}");
        self.photo_list(&sql, booking_id).await
    }

    /// Every photo of one client's visits, oldest first.
    pub async fn photos_for_client(&self, client_id: &str) -> Result<Vec<PhotoMeta>, StoreError> {
        let sql = format!("{SELECT_META} WHERE b.client_id = $1 ORDER BY {ORDER}");
        self.photo_list(&sql, client_id).await
    }

    async fn photo_list(&self, sql: &str, key: &str) -> Result<Vec<PhotoMeta>, StoreError> {
        let rows: Vec<MetaRow> = on_read!(self, |pool| sqlx::query_as(sql)
            .bind(key)
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(PhotoMeta::try_from).collect()
    }
}
