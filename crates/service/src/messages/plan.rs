//! The planner: which messages a booking will need and when, from the clinic's settings.
//! Pure: it gets the clinic, the booking, the links and `now`, and returns the mails with
//! their plans; the store writes them in the transaction of the change that caused them.

use clinic::ClinicSnapshot;
use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};
use mail::compose::{self, AftercareStep, Links};
use store::{Booking, Mail, Plan};

use super::quiet::out_of_quiet_hours;

/// The same-day note goes this long before the start (then out of quiet hours).
const SAME_DAY_BEFORE: SignedDuration = SignedDuration::from_hours(3);
/// A same-day note later than this before the start is not worth sending.
const SAME_DAY_LAST: SignedDuration = SignedDuration::from_mins(30);
/// A reminder later than this before the start is dropped: the same-day note takes over.
const REMINDER_LAST: SignedDuration = SignedDuration::from_hours(3);
/// The aftercare notes of day 1, 3 and 7 go at this clinic-local time.
const DAY_NOTE_AT: Time = jiff::civil::time(10, 0, 0, 0);
/// The evening note goes at this clinic-local time, or an hour after the treatment ends.
const EVENING_AT: Time = jiff::civil::time(19, 0, 0, 0);

/// What the planner needs besides the booking.
pub struct Planner<'a> {
    pub clinic: &'a ClinicSnapshot,
    /// The messages' words: the clinic's own, or the built-in ones.
    pub words: &'a compose::MessageTexts,
    pub now: Timestamp,
    /// The site's address, for the booking link of the next-session note.
    pub public_url: &'a str,
    /// The client's one-click unsubscribe address.
    pub unsubscribe_url: &'a str,
}

impl Planner<'_> {
    /// The messages before an appointment: the reminder `[messages] reminder_hours` ahead,
    /// and a short note on the day. A moment already past is not planned: the mail that
    /// reports the booking carries the same preparation.
    pub fn before(&self, booking: &Booking, manage_url: &str, cold_sores: bool) -> Vec<Mail> {
        if !matches!(
            booking.status,
            store::BookingStatus::Confirmed | store::BookingStatus::PendingReview
        ) {
            return Vec::new();
        }
        let links = Links {
            manage: manage_url,
            unsubscribe: self.unsubscribe_url,
        };
        let hours = i64::from(self.clinic.setup.messages.reminder_hours);
        // The same requirement `Workflows::consent_state` holds a treatment to.
        let consent_url = (self.clinic.setup.visits.require_consent
            && crate::is_treatment(self.clinic, &booking.service_id))
        .then(|| format!("{manage_url}/consent"));
        let mut out = Vec::new();
        if let Some(plan) = self.plan(
            booking.start - SignedDuration::from_hours(hours),
            booking.start - REMINDER_LAST,
        ) {
            out.push(self.planned(
                compose::reminder(
                    self.clinic,
                    self.words,
                    booking,
                    links,
                    cold_sores,
                    consent_url.as_deref(),
                ),
                plan,
            ));
        }
        if let Some(plan) = self.plan(
            booking.start - SAME_DAY_BEFORE,
            booking.start - SAME_DAY_LAST,
        ) {
            out.push(self.planned(
                compose::same_day(self.clinic, self.words, booking, links),
                plan,
            ));
        }
        out
    }

    /// The messages after a treatment: the aftercare timeline (§4: the evening, day 1, 3
    /// and 7), each linking to the healing check-in, and for a course the note that the
    /// next session is due. A consultation (a service that treats no area and needs no
    /// screening) gets none.
    pub fn after(&self, booking: &Booking, checkin_url: &str) -> Vec<Mail> {
        let Some(service) = self.clinic.setup.service(&booking.service_id) else {
            return Vec::new();
        };
        if !service.requires_screening && service.areas.is_empty() {
            return Vec::new();
        }
        let tz = &self.clinic.timezone;
        let day = booking.start.to_zoned_datetime(tz.clone()).date();
        let mut out = Vec::new();
        for step in AftercareStep::ALL {
            let Some(date) = add_days(day, step.days_after()) else {
                continue;
            };
            let (due, expires) = if step == AftercareStep::Evening {
                let evening = self.local(date, EVENING_AT);
                let due = evening
                    .max(booking.end + SignedDuration::from_hours(1))
                    .max(self.now);
                (
                    due,
                    add_days(date, 1).map(|d| self.local(d, Time::midnight())),
                )
            } else {
                (
                    self.local(date, DAY_NOTE_AT),
                    add_days(date, 1).map(|d| self.local(d, Time::midnight())),
                )
            };
            let Some(plan) = expires.and_then(|expires| self.plan(due, expires)) else {
                continue;
            };
            let mail = compose::aftercare_step(
                self.clinic,
                self.words,
                booking,
                step,
                checkin_url,
                self.unsubscribe_url,
            );
            out.push(self.planned(mail, plan));
        }
        if let Some(course) = service.course {
            let next = add_days(day, i64::from(course.interval_days()));
            let earliest = add_days(
                day,
                i64::from(course.interval_days()) - i64::from(course.tolerance_days),
            );
            let latest = add_days(
                day,
                i64::from(course.interval_days() + course.tolerance_days) + 1,
            );
            if let (Some(next), Some(earliest), Some(latest)) = (next, earliest, latest)
                && let Some(plan) = self.plan(
                    self.local(earliest, DAY_NOTE_AT),
                    self.local(latest, Time::midnight()),
                )
            {
                let book_url = format!(
                    "{}/book?service={}&practitioner={}&month={}&date={next}",
                    self.public_url,
                    booking.service_id,
                    booking.practitioner_id,
                    next.strftime("%Y-%m"),
                );
                let mail = compose::next_session(
                    self.clinic,
                    self.words,
                    booking,
                    next,
                    &book_url,
                    self.unsubscribe_url,
                );
                out.push(self.planned(mail, plan));
            }
        }
        out
    }

    /// The moment a message is planned for: `due` out of quiet hours, if that is still in
    /// the future and before `expires`.
    fn plan(&self, due: Timestamp, expires: Timestamp) -> Option<(Timestamp, Timestamp)> {
        let due = out_of_quiet_hours(
            due,
            &self.clinic.timezone,
            self.clinic.setup.messages.quiet_window(),
        );
        (due >= self.now && due < expires).then_some((due, expires))
    }

    /// A clinic-local wall-clock time as an instant (a time in a DST gap moves past it).
    fn local(&self, date: Date, time: Time) -> Timestamp {
        date.to_datetime(time)
            .to_zoned_datetime(self.clinic.timezone.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MAX)
    }
}

fn add_days(date: Date, days: i64) -> Option<Date> {
    date.checked_add(jiff::Span::new().days(days)).ok()
}

impl Planner<'_> {
    fn planned(&self, mut mail: Mail, (due_at, expires_at): (Timestamp, Timestamp)) -> Mail {
        mail.plan = Some(Plan {
            due_at,
            expires_at,
            unsubscribe_url: self.unsubscribe_url.to_owned(),
        });
        mail
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::{BookedAs, BookingStatus, Client};

    fn booking(service: &str, start: Timestamp) -> Booking {
        Booking {
            id: "b-1".into(),
            reference: "NSC-1".into(),
            service_id: service.into(),
            practitioner_id: "maya-lee".into(),
            room_id: "room-1".into(),
            start,
            end: start + SignedDuration::from_mins(90),
            status: BookingStatus::Confirmed,
            screening_id: None,
            notes: String::new(),
            review_note: None,
            created_by: "client".into(),
            client: Client {
                id: "c-1".into(),
                name: "Ada".into(),
                email: "ada@example.com".into(),
                phone: None,
            },
            booked_as: BookedAs {
                name: "Ada".into(),
                phone: None,
            },
        }
    }

    /// The reminder's body for `service` booked a week ahead, under `require_consent`.
    fn reminder_text(service: &str, require_consent: bool) -> String {
        let mut setup = clinic::demo();
        setup.visits.require_consent = require_consent;
        let clinic = ClinicSnapshot::new(setup, 1);
        let now: Timestamp = "2027-03-01T15:00:00Z".parse().unwrap();
        let words = compose::MessageTexts::builtin();
        let planner = Planner {
            clinic: &clinic,
            words: &words,
            now,
            public_url: "https://clinic.example",
            unsubscribe_url: "https://clinic.example/unsubscribe/x",
        };
        let b = booking(service, now + SignedDuration::from_hours(24 * 7));
        planner
            .before(&b, "https://clinic.example/manage/T", false)
            .into_iter()
            .find(|m| m.kind == "reminder")
            .expect("a reminder is planned")
            .body_text
    }

    #[test]
    fn the_reminder_links_the_consent_form_only_where_the_clinic_asks_for_it() {
        let consent = "https://clinic.example/manage/T/consent";
        assert!(reminder_text("microneedling-face", true).contains(consent));
        assert!(!reminder_text("microneedling-face", false).contains(consent));
        assert!(!reminder_text("consultation", true).contains(consent));
    }
}
