//! Changing a course's sessions one at a time: a move keeps the minimum interval to the
//! sessions around it, and the rest of a course can be cancelled at once.

use jiff::Timestamp;
use store::{Booking, Course};

use super::rules::{CourseRules, local_date};
use crate::{Actor, Refusal, Workflows};

impl Workflows {
    /// The course opened by a course manage token, if the token is one.
    pub async fn course_by_token(&self, token: &str) -> Result<Option<Course>, Refusal> {
        Ok(self
            .store
            .course_by_token_hash(&store::hash_token(token))
            .await?)
    }

    /// Refuses moving `booking` to `start` when it is a course session and the new date
    /// comes closer than the minimum interval to the live session before or after it.
    /// A booking outside any course passes.
    pub async fn check_course_move(
        &self,
        booking: &Booking,
        start: Timestamp,
    ) -> Result<(), Refusal> {
        let Some(course) = self.store.course_of_booking(&booking.id).await? else {
            return Ok(());
        };
        let clinic = self.clinic();
        let Ok((_, rules)) = CourseRules::of(&clinic, &course.service_id, "start") else {
            // The service is no longer sold as a course: nothing to keep apart.
            return Ok(());
        };
        let Some(at) = course.bookings.iter().position(|b| b.id == booking.id) else {
            return Ok(());
        };
        let live = |b: &&Booking| b.status.is_live();
        let before = course.bookings[..at].iter().rev().find(live);
        let after = course.bookings[at + 1..].iter().find(live);
        let date = local_date(&clinic, start);
        if let Some(b) = before
            && let Some(why) = rules.too_soon(local_date(&clinic, b.start), date)
        {
            return Err(Refusal::invalid("start", why));
        }
        if let Some(a) = after
            && let Some(why) = rules.too_soon(date, local_date(&clinic, a.start))
        {
            return Err(Refusal::invalid(
                "start",
                format!("Moving this session there would bring the next one too close. {why}"),
            ));
        }
        Ok(())
    }

    /// Cancels every live session of `course` from position `from` on (0-based), each as
    /// the client's own cancellation would, with its own mail. Stops at the first refusal
    /// (a session inside the cancel window), reporting how many were cancelled before it.
    pub async fn cancel_course_from(
        &self,
        course: &Course,
        from: usize,
        actor: Actor,
    ) -> Result<usize, (usize, Refusal)> {
        let mut cancelled = 0;
        for b in course.bookings.iter().skip(from) {
            if !b.status.is_live() || b.start <= Timestamp::now() {
                continue;
            }
            self.cancel(b, actor.clone())
                .await
                .map_err(|r| (cancelled, r))?;
            cancelled += 1;
        }
        Ok(cancelled)
    }
}
