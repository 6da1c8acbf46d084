//! One booking as the writer runs it: the statements of [`crate::Store::create_booking`],
//! on the connection itself, with the SQL both engines share; its mail composed on a
//! composing thread meanwhile and written when the batch finishes.

use jiff::Timestamp;
use rusqlite::{Connection, params};
use scheduling::Hold;
use tokio::sync::oneshot;

use super::Job;
use super::composers::{Composers, Composing};
use crate::bookings::insert::{CLAIM_SCREENING, INSERT_BOOKING, INSERT_CLIENT, booked};
use crate::bookings::policy::INSERT_POLICY;
use crate::bookings::rows::{SELECT_HOLDS, insert_holds, rows_to_holds};
use crate::bookings::{Booking, BookingError, Client, NewBooking, Placement};
use crate::db::now_s;
use crate::ids::new_ordered_id;
use crate::outbox::{INSERT_MAIL, Mail};
use crate::{AuditEntry, StoreError};

/// A booking waiting for the writer, with the caller's decisions and where to answer.
pub(crate) struct CreateJob<E, D, C> {
    new: NewBooking,
    window: (Timestamp, Timestamp),
    decide: Option<D>,
    compose: Option<C>,
    /// Made on the caller's task, where the acting client or staff member is known.
    audit: AuditEntry,
    reply: Option<Answer<E>>,
    /// What `run` wrote, kept to reply with and to write again.
    made: Option<Made>,
}

/// Where the caller waits for its booking.
type Answer<E> = oneshot::Sender<Result<Booking, BookingError<E>>>;

/// A booking as written: enough to answer with it and to write it again unchanged.
struct Made {
    booking: Booking,
    placement: Placement,
    /// The id offered for a new client (the client found by e-mail keeps theirs).
    new_client_id: String,
    now: i64,
    mail: Composed,
}

/// The booking's mail: being composed on a composing thread, then ready to write.
enum Composed {
    Composing(Composing<Vec<Mail>>),
    Ready(Vec<Mail>),
}

impl<E, D, C> CreateJob<E, D, C> {
    /// A job for `new`, placed by `decide` among the holds in `window`, its mail written by
    /// `compose`; the answer goes to `reply`.
    pub(crate) fn new(
        new: NewBooking,
        window: (Timestamp, Timestamp),
        (decide, compose): (D, C),
        audit: AuditEntry,
        reply: Answer<E>,
    ) -> Self {
        CreateJob {
            new,
            window,
            decide: Some(decide),
            compose: Some(compose),
            audit,
            reply: Some(reply),
            made: None,
        }
    }

    fn answer(&mut self, answer: Result<Booking, BookingError<E>>) {
        if let Some(reply) = self.reply.take() {
            let _ = reply.send(answer);
        }
    }
}

impl<E, D, C> Job for CreateJob<E, D, C>
where
    E: Send + 'static,
    D: FnOnce(&[Hold]) -> Result<Placement, E> + Send + 'static,
    C: FnOnce(&Booking) -> Vec<Mail> + Send + 'static,
{
    fn run(&mut self, db: &Connection, composers: &Composers) -> bool {
        let (Some(decide), Some(compose)) = (self.decide.take(), self.compose.take()) else {
            self.answer(Err(unsettled("the booking was run twice")));
            return false;
        };
        let placed =
            holds(db, self.window).and_then(|holds| decide(&holds).map_err(BookingError::Refused));
        let placement = match placed {
            Ok(placement) => placement,
            Err(refused) => {
                self.answer(Err(refused));
                return false;
            }
        };
        let (id, new_client_id, now) = (new_ordered_id(), new_ordered_id(), now_s());
        let ids = Ids {
            booking: &id,
            new_client: &new_client_id,
            now,
        };
        match write_rows(db, &self.new, &ids, &placement, &self.audit) {
            Ok(booking) => {
                let composing = booking.clone();
                self.made = Some(Made {
                    booking,
                    placement,
                    new_client_id,
                    now,
                    mail: Composed::Composing(composers.compose(move || compose(&composing))),
                });
                true
            }
            Err(failed) => {
                self.answer(Err(failed));
                false
            }
        }
    }

    fn finish(&mut self, db: &Connection) -> Result<(), String> {
        let made = self.made.as_mut().ok_or("the booking was not written")?;
        if let Composed::Composing(composing) = &mut made.mail {
            let mail = composing
                .wait()
                .ok_or("the booking's mail could not be composed")?;
            made.mail = Composed::Ready(mail);
        }
        queue_all(db, made)
    }

    fn replay(&mut self, db: &Connection) -> Result<(), String> {
        let made = self.made.as_ref().ok_or("the booking was not written")?;
        let ids = Ids {
            booking: &made.booking.id,
            new_client: &made.new_client_id,
            now: made.now,
        };
        let again = write_rows::<E>(db, &self.new, &ids, &made.placement, &self.audit)
            .map_err(|e| e.to_string())?;
        // A client added by a booking that was dropped is added again under another id,
        // and the mail already composed would name the wrong one.
        if again != made.booking {
            return Err("the booking changed when it was written again".into());
        }
        queue_all(db, made)
    }

    fn reply(mut self: Box<Self>, outcome: Result<(), &str>) {
        let answer = match (outcome, self.made.take()) {
            (Ok(()), Some(made)) => Ok(made.booking),
            (Ok(()), None) => Err(unsettled("the booking was not written")),
            (Err(why), _) => Err(unsettled(why)),
        };
        self.answer(answer);
    }
}

fn unsettled<E>(why: &str) -> BookingError<E> {
    BookingError::Store(StoreError::Unsettled(why.into()))
}

/// The holds that may overlap `window`.
fn holds<E>(
    db: &Connection,
    (from, to): (Timestamp, Timestamp),
) -> Result<Vec<Hold>, BookingError<E>> {
    let (from, to) = (from.as_second(), to.as_second());
    let rows = db
        .prepare_cached(SELECT_HOLDS)?
        .query_map(params![from, to], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<Result<Vec<(String, i64, i64)>, _>>()?;
    rows_to_holds(rows).map_err(BookingError::Store)
}

/// The values a booking's rows are written with, the same when they are written again.
struct Ids<'a> {
    booking: &'a str,
    new_client: &'a str,
    now: i64,
}

/// Writes the booking's rows but its mail: the client (found or added), the booking, its
/// holds, the agreed policy, the screening's claim and the audit entry.
fn write_rows<E>(
    db: &Connection,
    new: &NewBooking,
    ids: &Ids<'_>,
    placement: &Placement,
    audit: &AuditEntry,
) -> Result<Booking, BookingError<E>> {
    let email = new.client.email.trim().to_lowercase();
    let (client_id, name, phone) = db.prepare_cached(INSERT_CLIENT)?.query_row(
        params![
            ids.new_client,
            email,
            new.client.name.trim(),
            new.client.phone,
            ids.now
        ],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    db.prepare_cached(INSERT_BOOKING)?.execute(params![
        ids.booking,
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
        ids.now,
        new.client.name.trim(),
        new.client.phone,
    ])?;
    let (sql, rows) = insert_holds(ids.booking, &placement.holds);
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
            ids.booking,
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
    let booking = booked(new, ids.booking.to_owned(), placement.clone(), client);
    let mut audit = audit.clone();
    audit.entity_id = booking.id.clone();
    audit.client_id = Some(booking.client.id.clone());
    crate::audit::append_blocking(db, &audit)?;
    Ok(booking)
}

/// Queues the booking's mail, once composed.
fn queue_all(db: &Connection, made: &Made) -> Result<(), String> {
    let Composed::Ready(mail) = &made.mail else {
        return Err("the booking's mail was not composed".into());
    };
    for mail in mail {
        queue_mail(db, &made.booking.id, mail, made.now).map_err(|e| e.to_string())?;
    }
    Ok(())
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
