//! The proposal: the first session at the time chosen, each next one the free time nearest
//! to the course's interval, within its tolerance and never sooner than the minimum.

use jiff::Timestamp;
use jiff::civil::Date;
use scheduling::Slot;

use super::ProposedSession;
use super::rules::{CourseRules, add_days, local_date};
use crate::{Refusal, Workflows};

impl Workflows {
    /// Proposes `count` sessions of `service_id`'s course from `start`: the same
    /// practitioner throughout when they are free (only `practitioner` when one is named),
    /// each next session the free time nearest to the interval after the one before.
    pub async fn propose_course(
        &self,
        service_id: &str,
        start: Timestamp,
        count: usize,
        practitioner: Option<&str>,
    ) -> Result<Vec<ProposedSession>, Refusal> {
        let clinic = self.clinic();
        let (_, rules) = CourseRules::of(&clinic, service_id, "service")?;
        rules.check_count(count, "sessions")?;
        let first_day = local_date(&clinic, start);
        let first = self
            .availability(service_id, first_day, first_day, practitioner, None)
            .await?
            .into_iter()
            .find(|s| s.start.timestamp() == start)
            .ok_or_else(|| {
                Refusal::invalid(
                    "start",
                    "That time is not free for this service; pick a start from the availability list.",
                )
            })?;
        let mut sessions = vec![pick(&first, practitioner)];
        while sessions.len() < count {
            let index = sessions.len();
            let previous = sessions.last().expect("the first is there");
            let next = self
                .next_session(service_id, &rules, previous, practitioner, &sessions[0].practitioner)
                .await?
                .ok_or_else(|| {
                    let target = add_days(previous.start.date(), i64::from(rules.course.interval_days()));
                    Refusal::invalid(
                        format!("sessions[{index}]"),
                        format!(
                            "There is no free time for session {} within {} days of {target}; please choose another first session or call us.",
                            index + 1,
                            rules.course.tolerance_days
                        ),
                    )
                })?;
            sessions.push(next);
        }
        Ok(sessions)
    }

    /// The free time nearest to one interval after `previous`, within the tolerance and
    /// the minimum; `keep` is the practitioner to stay with when they are free.
    async fn next_session(
        &self,
        service_id: &str,
        rules: &CourseRules,
        previous: &ProposedSession,
        practitioner: Option<&str>,
        keep: &str,
    ) -> Result<Option<ProposedSession>, Refusal> {
        let interval = i64::from(rules.course.interval_days());
        let tolerance = i64::from(rules.course.tolerance_days);
        // Same wall-clock time, `interval` days on: DST does not shift the hour.
        let target = previous
            .start
            .checked_add(jiff::Span::new().days(interval))
            .map_err(|e| Refusal::Internal(e.to_string()))?
            .timestamp();
        let from: Date = add_days(previous.start.date(), interval - tolerance)
            .max(rules.earliest_after(previous.start.date()));
        let to = add_days(previous.start.date(), interval + tolerance);
        let slots = self
            .availability(service_id, from, to, practitioner, None)
            .await?;
        let nearest = |keep: Option<&str>| {
            slots
                .iter()
                .filter(|s| keep.is_none_or(|p| s.options.iter().any(|o| o.practitioner == p)))
                .min_by_key(|s| ((s.start.timestamp() - target).abs(), s.start.timestamp()))
        };
        let chosen = match practitioner {
            Some(p) => nearest(Some(p)).map(|s| pick(s, Some(p))),
            None => nearest(Some(keep))
                .map(|s| pick(s, Some(keep)))
                .or_else(|| nearest(None).map(|s| pick(s, None))),
        };
        Ok(chosen)
    }
}

/// A slot as a proposed session: with `wanted` when they can take it, else its first option.
fn pick(slot: &Slot, wanted: Option<&str>) -> ProposedSession {
    let practitioner = wanted
        .filter(|p| slot.options.iter().any(|o| o.practitioner == *p))
        .map(str::to_owned)
        .or_else(|| slot.options.first().map(|o| o.practitioner.clone()))
        .unwrap_or_default();
    ProposedSession {
        start: slot.start.clone(),
        end: slot.end.clone(),
        practitioner,
    }
}
