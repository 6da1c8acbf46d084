//! One booking as the writer runs it: the statements of [`crate::Store::create_booking`],
//! on the connection itself, with the SQL both engines share.

use jiff::Timestamp;
use rusqlite::{Connection, params};
use scheduling::Hold;
use tokio::sync::oneshot;

use super::{Job, Reply};
use crate::bookings::insert::{CLAIM_SCREENING, INSERT_BOOKING, INSERT_CLIENT, booked};
use crate::bookings::policy::INSERT_POLICY;
use crate::bookings::rows::{LONGEST_HOLD_S, SELECT_HOLDS, insert_holds, rows_to_holds};
use crate::bookings::{Booking, BookingError, Client, NewBooking, Placement};
use crate::db::now_s;
use crate::ids::new_ordered_id;
use crate::outbox::{INSERT_MAIL, Mail};
use crate::{AuditEntry, StoreError};

/// A booking waiting for the writer, with the caller's decisions and where to answer.
pub(crate) struct CreateJob<E, D, C> {
    pub new: NewBooking,
    pub window: (Timestamp, Timestamp),
    pub decide: D,
    pub compose: C,
    /// Made on the caller's task, where the acting client or staff member is known.
    pub audit: AuditEntry,
    pub reply: oneshot::Sender<Result<Booking, BookingError<E>>>,
}

impl<E, D, C> Job for CreateJob<E, D, C>
where
    E: Send + 'static,
    D: FnOnce(&[Hold]) -> Result<Placement, E> + Send + 'static,
    C: FnOnce(&Booking) -> Vec<Mail> + Send + 'static,
{
    fn run(self: Box<Self>, db: &Connection) -> Option<Reply> {
        let CreateJob {
            new,
            window,
            decide,
            compose,
            audit,
            reply,
        } = *self;
        match create(db, &new, window, decide, compose, audit) {
            Ok(booking) => Some(Box::new(move |committed: Result<(), &str>| {
                let _ = reply.send(
                    committed
                        .map(|()| booking)
                        .map_err(|why| BookingError::Store(StoreError::Unsettled(why.into()))),
                );
            })),
            Err(refused) => {
                let _ = reply.send(Err(refused));
                None
            }
        }
    }

    fn abandon(self: Box<Self>, why: &str) {
        let _ = self
            .reply
            .send(Err(BookingError::Store(StoreError::Unsettled(why.into()))));
    }
}

fn create<E>(
    db: &Connection,
    new: &NewBooking,
    (from, to): (Timestamp, Timestamp),
    decide: impl FnOnce(&[Hold]) -> Result<Placement, E>,
    compose: impl FnOnce(&Booking) -> Vec<Mail>,
    mut audit: AuditEntry,
) -> Result<Booking, BookingError<E>> {
    let now = now_s();
    let (from, to) = (from.as_second(), to.as_second());
    let rows = db
        .prepare_cached(SELECT_HOLDS)?
        .query_map(params![from - LONGEST_HOLD_S, to, from], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<Result<Vec<(String, i64, i64)>, _>>()?;
    let holds = rows_to_holds(rows).map_err(BookingError::Store)?;
    let placement = decide(&holds).map_err(BookingError::Refused)?;

    let email = new.client.email.trim().to_lowercase();
    let (client_id, name, phone) = db.prepare_cached(INSERT_CLIENT)?.query_row(
        params![
            new_ordered_id(),
            email,
            new.client.name.trim(),
            new.client.phone,
            now
        ],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    let id = new_ordered_id();
    db.prepare_cached(INSERT_BOOKING)?.execute(params![
        id,
        new.reference,
        client_id,
        new.service_id,
        placement.practitioner_id,
        placement.room_id,
        placement.start.as_second(),
        placement.end.as_second(),
        new.status.as_str(),
        new.screening_id,
        new.notes,
        new.manage_token_hash,
        new.created_by,
        now,
        new.client.name.trim(),
        new.client.phone,
    ])?;
    let (sql, rows) = insert_holds(&id, &placement.holds);
    if !rows.is_empty() {
        let values: Vec<&dyn rusqlite::ToSql> = rows
            .iter()
            .flat_map(|(booking, resource, start, end)| {
                [booking as &dyn rusqlite::ToSql, resource, start, end]
            })
            .collect();
        db.prepare_cached(&sql)?.execute(values.as_slice())?;
    }
    if let Some(policy) = &new.policy {
        db.prepare_cached(INSERT_POLICY)?.execute(params![
            id,
            policy.policy,
            policy.version,
            policy.text,
            policy.sha256,
            policy.agreed_at.as_second(),
            policy.address,
            policy.user_agent,
        ])?;
    }
    if let Some(screening) = &new.screening_id {
        db.prepare_cached(CLAIM_SCREENING)?
            .execute(params![client_id, screening])?;
    }
    let client = Client {
        id: client_id,
        name,
        email,
        phone,
    };
    let booking = booked(new, id, placement, client);
    for mail in compose(&booking) {
        queue_mail(db, &booking.id, &mail, now)?;
    }
    audit.entity_id = booking.id.clone();
    audit.client_id = Some(booking.client.id.clone());
    crate::audit::append_blocking(db, &audit)?;
    Ok(booking)
}

/// [`crate::outbox::queue_mail`] on the writer's connection.
fn queue_mail(db: &Connection, booking_id: &str, mail: &Mail, now: i64) -> rusqlite::Result<()> {
    let Some(when) = mail.queue_times(now) else {
        return Ok(());
    };
    db.prepare_cached(INSERT_MAIL)?.execute(params![
        new_ordered_id(),
        booking_id,
        mail.kind,
        mail.recipient,
        mail.subject,
        mail.body_text,
        mail.body_html,
        mail.ics,
        when.due,
        now,
        when.expires,
        when.planned,
        when.unsubscribe,
    ])?;
    Ok(())
}

impl<E> From<rusqlite::Error> for BookingError<E> {
    /// The holds trigger's refusal is a lost race; anything else is the store's failure.
    fn from(err: rusqlite::Error) -> Self {
        match &err {
            rusqlite::Error::SqliteFailure(_, Some(message))
                if message.contains("slot_unavailable") =>
            {
                BookingError::SlotTaken
            }
            _ => BookingError::Store(StoreError::Sqlite(err)),
        }
    }
}
