//! Courses: several bookings of one service written in one transaction, all or nothing,
//! and read back in their order.

use jiff::Timestamp;
use scheduling::Hold;

use super::rows::{BookingRow, SELECT_BOOKING, SELECT_HOLDS, rows_to_holds, write_holds};
use super::{
    BookedAs, Booking, BookingInsert, BookingStatus, Client, NewClient, Placement, PolicyAgreement,
    find_or_add_client,
};
use crate::db::now_s;
use crate::error::is_overlap;
use crate::outbox::{Mail, queue_mail};
use crate::{Store, StoreError, new_id};

/// One session of a new course: what is known before the engine places it.
#[derive(Clone, Debug)]
pub struct NewCourseSession {
    pub reference: String,
    /// The session's own manage token (hashed), for its reminders and its own page.
    pub manage_token_hash: String,
    /// The time asked for; the engine's placement decides the rest.
    pub start: Timestamp,
    pub end: Timestamp,
}

/// Everything about a new course that is known before its sessions are placed.
#[derive(Clone, Debug)]
pub struct NewCourse {
    pub service_id: String,
    pub client: NewClient,
    /// The course's manage token (hashed), which opens every session.
    pub manage_token_hash: String,
    /// The course price the clinic file gives, kept as it was when booked.
    pub price: Option<String>,
    pub status: BookingStatus,
    pub screening_id: Option<String>,
    pub notes: String,
    /// `client`, or the staff member's id.
    pub created_by: String,
    pub sessions: Vec<NewCourseSession>,
    /// The cancellation policy the client agreed to when booking the course, kept with
    /// each session's booking (each session is a booking a client can cancel).
    pub policy: Option<PolicyAgreement>,
}

/// A course as stored: its sessions in order, each an ordinary booking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Course {
    pub id: String,
    pub service_id: String,
    pub client_id: String,
    pub price: Option<String>,
    pub created_at: Timestamp,
    /// The sessions, first to last, whatever their status now.
    pub bookings: Vec<Booking>,
}

/// Why a course was not booked; nothing of it was written.
#[derive(Debug, thiserror::Error)]
pub enum CourseError<E> {
    /// The caller's own check said no.
    #[error("refused")]
    Refused(E),
    /// Another booking holds session `index`'s time (0-based); the database refused it.
    /// `None` when the race surfaced outside one session's write (at the commit).
    #[error("the time of a session is no longer free")]
    SlotTaken { index: Option<usize> },
    #[error(transparent)]
    Store(StoreError),
}

impl<E> CourseError<E> {
    fn from_sqlx(err: sqlx::Error, index: Option<usize>) -> Self {
        if is_overlap(&err) {
            return CourseError::SlotTaken { index };
        }
        if let sqlx::Error::Database(db) = &err
            && matches!(db.code().as_deref(), Some("40P01" | "40001" | "55P03"))
        {
            // Crossed with another writer, or waited too long on its rows: a lost race.
            return CourseError::SlotTaken { index };
        }
        CourseError::Store(StoreError::Database(err))
    }
}

impl<E> From<sqlx::Error> for CourseError<E> {
    fn from(err: sqlx::Error) -> Self {
        CourseError::from_sqlx(err, None)
    }
}

#[derive(sqlx::FromRow)]
struct CourseRow {
    id: String,
    service_id: String,
    client_id: String,
    price: Option<String>,
    created_at: i64,
}

const SELECT_COURSE: &str = "SELECT id, service_id, client_id, price, created_at FROM courses";

impl Store {
    /// Books every session of a course in one transaction. For each session in turn it reads
    /// the holds around its time and lets `decide(index, holds)` place it, then writes the
    /// booking and its holds; the database refuses an overlap even if `decide` was raced,
    /// and the index of the session refused comes back. `compose` gives the mail for the
    /// whole course, each with the session it belongs to (its index).
    pub async fn create_course<E>(
        &self,
        new: &NewCourse,
        mut decide: impl FnMut(usize, &[Hold]) -> Result<Placement, E>,
        compose: impl FnOnce(&[Booking]) -> Vec<(usize, Mail)>,
    ) -> Result<Course, CourseError<E>> {
        let now = now_s();
        let email = new.client.email.trim().to_lowercase();
        let result = in_write_tx!(self, |tx| {
            // An existing client is found by email and left as it is, as for one booking.
            let (client_id, client_name, client_phone) =
                find_or_add_client(&mut *tx, &new.client, now).await?;
            let course_id = new_id();
            sqlx::query(
                "INSERT INTO courses (id, client_id, service_id, manage_token_hash, price, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&course_id)
            .bind(&client_id)
            .bind(&new.service_id)
            .bind(&new.manage_token_hash)
            .bind(new.price.as_deref())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let mut bookings = Vec::with_capacity(new.sessions.len());
            for (index, session) in new.sessions.iter().enumerate() {
                let at = |e: sqlx::Error| CourseError::from_sqlx(e, Some(index));
                let rows: Vec<(String, i64, i64)> = sqlx::query_as(SELECT_HOLDS)
                    .bind(session.start.as_second())
                    .bind(session.end.as_second())
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(at)?;
                let holds = rows_to_holds(rows).map_err(CourseError::Store)?;
                let placement = decide(index, &holds).map_err(CourseError::Refused)?;
                let id = new_id();
                BookingInsert {
                    id: &id,
                    reference: &session.reference,
                    manage_token_hash: &session.manage_token_hash,
                    client_id: &client_id,
                    client: &new.client,
                    service_id: &new.service_id,
                    practitioner_id: &placement.practitioner_id,
                    room_id: &placement.room_id,
                    start: placement.start,
                    end: placement.end,
                    status: new.status,
                    screening_id: new.screening_id.as_deref(),
                    notes: &new.notes,
                    created_by: &new.created_by,
                }
                .execute(&mut *tx, now)
                .await
                .map_err(at)?;
                if let Some(policy) = &new.policy {
                    policy.insert(&mut *tx, &id).await.map_err(at)?;
                }
                write_holds(&mut *tx, &id, &placement.holds)
                    .await
                    .map_err(at)?;
                sqlx::query(
                    "INSERT INTO course_sessions (course_id, position, booking_id) VALUES ($1, $2, $3)",
                )
                .bind(&course_id)
                .bind(index as i64)
                .bind(&id)
                .execute(&mut *tx)
                .await
                .map_err(at)?;
                bookings.push(Booking {
                    id,
                    reference: session.reference.clone(),
                    service_id: new.service_id.clone(),
                    practitioner_id: placement.practitioner_id,
                    room_id: placement.room_id,
                    start: placement.start,
                    end: placement.end,
                    status: new.status,
                    screening_id: new.screening_id.clone(),
                    notes: new.notes.clone(),
                    review_note: None,
                    created_by: new.created_by.clone(),
                    client: Client {
                        id: client_id.clone(),
                        name: client_name.clone(),
                        email: email.clone(),
                        phone: client_phone.clone(),
                    },
                    booked_as: BookedAs {
                        name: new.client.name.trim().to_owned(),
                        phone: new.client.phone.clone(),
                    },
                });
            }
            if let Some(screening) = &new.screening_id {
                sqlx::query(
                    "UPDATE screenings SET client_id = $1 WHERE id = $2 AND client_id IS NULL",
                )
                .bind(&client_id)
                .bind(screening)
                .execute(&mut *tx)
                .await?;
            }
            for (index, mail) in compose(&bookings) {
                let booking_id = bookings.get(index).map(|b| b.id.as_str());
                queue_mail(&mut *tx, booking_id, &mail, now).await?;
            }
            tx.commit().await?;
            Ok(Course {
                id: course_id,
                service_id: new.service_id.clone(),
                client_id,
                price: new.price.clone(),
                created_at: Timestamp::from_second(now).unwrap_or_default(),
                bookings,
            })
        });
        self.holds_changed();
        result
    }

    /// The course a course manage token opens (`hash` is the token's SHA-256).
    pub async fn course_by_token_hash(&self, hash: &str) -> Result<Option<Course>, StoreError> {
        let sql = format!("{SELECT_COURSE} WHERE manage_token_hash = $1");
        let row: Option<CourseRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(hash)
            .fetch_optional(pool)
            .await)?;
        match row {
            Some(row) => self.course_from_row(row).await.map(Some),
            None => Ok(None),
        }
    }

    /// The course a booking is a session of, if any.
    pub async fn course_of_booking(&self, booking_id: &str) -> Result<Option<Course>, StoreError> {
        let sql = format!(
            "{SELECT_COURSE} WHERE id = (SELECT course_id FROM course_sessions WHERE booking_id = $1)"
        );
        let row: Option<CourseRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(booking_id)
            .fetch_optional(pool)
            .await)?;
        match row {
            Some(row) => self.course_from_row(row).await.map(Some),
            None => Ok(None),
        }
    }

    /// A client's courses, newest first, for the staff's client page.
    pub async fn courses_for_client(&self, client_id: &str) -> Result<Vec<Course>, StoreError> {
        let sql = format!("{SELECT_COURSE} WHERE client_id = $1 ORDER BY created_at DESC, id");
        let rows: Vec<CourseRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(client_id)
            .fetch_all(pool)
            .await)?;
        let mut courses = Vec::with_capacity(rows.len());
        for row in rows {
            courses.push(self.course_from_row(row).await?);
        }
        Ok(courses)
    }

    async fn course_from_row(&self, row: CourseRow) -> Result<Course, StoreError> {
        let sql = format!(
            "{SELECT_BOOKING} JOIN course_sessions s ON s.booking_id = b.id
             WHERE s.course_id = $1 ORDER BY s.position"
        );
        let rows: Vec<BookingRow> = on_read!(self, |pool| sqlx::query_as(&sql)
            .bind(&row.id)
            .fetch_all(pool)
            .await)?;
        let bookings = rows
            .into_iter()
            .map(Booking::try_from)
            .collect::<Result<_, _>>()?;
        Ok(Course {
            created_at: Timestamp::from_second(row.created_at)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            id: row.id,
            service_id: row.service_id,
            client_id: row.client_id,
            price: row.price,
            bookings,
        })
    }
}
