//! Booking a whole course: every session placed and written in one store transaction, so
//! a session lost to a racing booking leaves nothing of the course behind.

use mail::compose;
use store::{Course, CourseError, NewCourse, NewCourseSession, Placement};

use super::input::{CourseInput, rename};
use super::rules::{CourseRules, closure_on, local_date};
use crate::booking::{place, schedule_for};
use crate::{Actor, Refusal, Workflows};

/// A course booked: its sessions and the tokens the client keeps (shown once).
pub struct BookedCourse {
    pub course: Course,
    /// Opens the whole course's manage page.
    pub manage_token: String,
    /// Each session's own manage token, in session order.
    pub session_tokens: Vec<String>,
}

impl Workflows {
    /// Books every session of a course or none: the count, the minimum interval, closures
    /// and the screening gate are checked first, then one transaction places each session
    /// with the engine and writes it; the database refuses an overlap a race let through.
    /// A session lost that way comes back as `CourseSlotTaken` with its index and a new
    /// proposal from the same first time.
    pub async fn book_course(
        &self,
        input: CourseInput,
        actor: Actor,
    ) -> Result<BookedCourse, Refusal> {
        let clinic = self.clinic();
        let (setup, rules) = CourseRules::of(&clinic, &input.service_id, "service")?;
        rules.check_count(input.starts.len(), "sessions")?;
        for (i, start) in input.starts.iter().enumerate() {
            let day = local_date(&clinic, *start);
            if let Some((from, to)) = closure_on(&clinic, day) {
                return Err(Refusal::invalid(
                    format!("sessions[{i}].start"),
                    format!(
                        "The clinic is closed from {from} to {to}; please choose another day for session {}.",
                        i + 1
                    ),
                ));
            }
        }
        rules.check_spacing(&clinic, &input.starts)?;
        let service = clinic
            .engine_service(&input.service_id)
            .expect("setup and engine agree")
            .clone();
        let first = input.starts[0];
        let status = match (&actor, input.screening_id.as_deref()) {
            (Actor::Staff { .. }, None) if setup.requires_screening => {
                store::BookingStatus::PendingReview
            }
            _ => {
                let booker = crate::screening::Booker {
                    email: &input.client.email,
                    areas: crate::service_areas(setup),
                };
                // Later sessions come later still, so the first meets any earliest date.
                self.screening_status(
                    setup.requires_screening,
                    input.screening_id.as_deref(),
                    first,
                    Some(booker),
                )
                .await?
            }
        };
        // Checked before anything is written: a stale policy is refused on its field.
        let policy = input
            .policy
            .as_ref()
            .map(|agreed| {
                crate::CancellationPolicy::of(&clinic).agreement(agreed, jiff::Timestamp::now())
            })
            .transpose()?;
        let (token, token_hash) = store::new_token();
        let mut session_tokens = Vec::with_capacity(input.starts.len());
        let mut sessions = Vec::with_capacity(input.starts.len());
        for (index, start) in input.starts.iter().enumerate() {
            let t = super::session_token(&token, index);
            let hash = store::hash_token(&t);
            session_tokens.push(t);
            sessions.push(NewCourseSession {
                reference: store::new_reference(),
                manage_token_hash: hash,
                start: *start,
                end: *start + service.duration(),
            });
        }
        let new = NewCourse {
            service_id: input.service_id.clone(),
            client: input.client.clone(),
            manage_token_hash: token_hash,
            price: setup.course_price.clone(),
            status,
            screening_id: input.screening_id.clone(),
            notes: String::new(),
            created_by: match &actor {
                Actor::Client => "client".into(),
                Actor::Staff { id } => format!("staff:{id}"),
            },
            sessions,
            policy,
        };
        let course_url = self.manage_url(&token);
        let session_urls: Vec<String> = session_tokens.iter().map(|t| self.manage_url(t)).collect();
        let ctx = self.context(input.screening_id.as_deref()).await?;
        let schedule = schedule_for(&clinic, &actor);
        // Stay with the first session's practitioner unless the client named one.
        let mut kept: Option<String> = input.practitioner.clone();
        let (starts, named, schedule, service, clinic_now) = (
            &input.starts,
            &input.practitioner,
            &schedule,
            &service,
            &*clinic,
        );
        let result = self
            .store
            .create_course(
                &new,
                move |index, holds| -> Result<Placement, (usize, Refusal)> {
                    let start = starts[index];
                    let placed = match (named, kept.as_deref()) {
                        (Some(p), _) => place(clinic_now, schedule, service, holds, start, Some(p)),
                        (None, Some(p)) => {
                            place(clinic_now, schedule, service, holds, start, Some(p)).or_else(
                                |_| place(clinic_now, schedule, service, holds, start, None),
                            )
                        }
                        (None, None) => place(clinic_now, schedule, service, holds, start, None),
                    }
                    .map_err(|r| (index, rename(r, &format!("sessions[{index}].start"))))?;
                    kept.get_or_insert_with(|| placed.practitioner_id.clone());
                    Ok(placed)
                },
                |bookings| {
                    let mut mail = vec![(
                        0,
                        compose::course_booked(
                            &clinic,
                            bookings,
                            setup.course_price.as_deref(),
                            &course_url,
                        ),
                    )];
                    for (i, b) in bookings.iter().enumerate() {
                        mail.extend(
                            self.plan_before(&ctx, b, &session_urls[i])
                                .into_iter()
                                .map(|m| (i, m)),
                        );
                    }
                    mail
                },
            )
            .await;
        match result {
            Ok(course) => {
                if let Some(id) = &input.screening_id
                    && let Err(e) = self
                        .store
                        .link_screening_client(id, &course.client_id)
                        .await
                {
                    tracing::warn!(error = %e, "could not link the screening to its client");
                }
                Ok(BookedCourse {
                    course,
                    manage_token: token,
                    session_tokens,
                })
            }
            Err(CourseError::Refused((index, Refusal::SlotTaken { .. })))
            | Err(CourseError::SlotTaken { index: Some(index) }) => {
                Err(self.course_lost(&input, Some(index)).await)
            }
            Err(CourseError::SlotTaken { index: None }) => {
                Err(self.course_lost(&input, None).await)
            }
            Err(CourseError::Refused((_, refusal))) => Err(refusal),
            Err(CourseError::Store(e)) => Err(Refusal::Internal(e.to_string())),
        }
    }

    /// The refusal for a course that lost a session to another booking: which session, and
    /// a new proposal of as many sessions from the same first time (or the free time
    /// nearest to it, when the first was the one lost).
    async fn course_lost(&self, input: &CourseInput, index: Option<usize>) -> Refusal {
        let count = input.starts.len();
        let practitioner = input.practitioner.as_deref();
        let first = input.starts[0];
        let mut proposal = self
            .propose_course(&input.service_id, first, count, practitioner)
            .await
            .ok();
        if proposal.is_none() {
            for slot in self
                .nearest_free(&input.service_id, first, practitioner)
                .await
            {
                proposal = self
                    .propose_course(
                        &input.service_id,
                        slot.start.timestamp(),
                        count,
                        practitioner,
                    )
                    .await
                    .ok();
                if proposal.is_some() {
                    break;
                }
            }
        }
        Refusal::CourseSlotTaken {
            index,
            proposal: proposal.unwrap_or_default(),
        }
    }
}
