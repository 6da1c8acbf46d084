//! A course's rules, with no I/O: which service sells one, how many sessions it may book,
//! and how close two sessions may come (the protocol's minimum interval).

use clinic::{ClinicSnapshot, CourseSetup, ServiceSetup};
use jiff::Timestamp;
use jiff::civil::Date;
use protocol::CourseMinimum;

use crate::Refusal;

/// What bounds one service's course: the clinic's setting and the sourced minimum.
#[derive(Clone, Debug)]
pub struct CourseRules {
    /// Sessions, interval and tolerance from the clinic file.
    pub course: CourseSetup,
    /// The shortest interval the sources give for the areas the service treats.
    pub minimum: CourseMinimum,
}

impl CourseRules {
    /// The rules of `service_id`'s course; a service sold for single visits is refused,
    /// naming `field`.
    pub fn of<'a>(
        clinic: &'a ClinicSnapshot,
        service_id: &str,
        field: &str,
    ) -> Result<(&'a ServiceSetup, CourseRules), Refusal> {
        let service = clinic.setup.service(service_id).ok_or_else(|| {
            Refusal::invalid(field, format!("There is no service \"{service_id}\"."))
        })?;
        let course = service.course.ok_or_else(|| {
            Refusal::invalid(
                field,
                format!(
                    "\"{}\" is booked one visit at a time, not as a course.",
                    service.name
                ),
            )
        })?;
        let areas = crate::service_areas(service);
        let minimum = clinic
            .plans
            .course_minimum(areas.iter().map(String::as_str))
            .ok_or_else(|| Refusal::Internal(format!("no sourced course minimum for {areas:?}")))?;
        Ok((service, CourseRules { course, minimum }))
    }

    /// Refuses a number of sessions outside 1 to the course's own count, naming `field`.
    pub fn check_count(&self, count: usize, field: &str) -> Result<(), Refusal> {
        let most = self.course.sessions as usize;
        if count == 0 || count > most {
            return Err(Refusal::invalid(
                field,
                format!("A course here books 1 to {most} sessions, not {count}."),
            ));
        }
        Ok(())
    }

    /// The earliest date a session may fall on after one on `previous`.
    pub fn earliest_after(&self, previous: Date) -> Date {
        add_days(previous, i64::from(self.minimum.days()))
    }

    /// Why a session on `date` comes too soon after one on `previous`, if it does: the
    /// words a client or the API reads, with the sources.
    pub fn too_soon(&self, previous: Date, date: Date) -> Option<String> {
        if date >= self.earliest_after(previous) {
            return None;
        }
        let days = (date - previous).get_days();
        Some(format!(
            "Sessions of a course need at least {} days between them ({} weeks, the shortest interval our clinical sources give {}); this one would come {days} days after the session before ({previous}). The earliest date for it is {}.",
            self.minimum.days(),
            self.minimum.weeks,
            self.minimum.cite(),
            self.earliest_after(previous)
        ))
    }

    /// Checks that session starts go forward and keep the minimum interval; names the first
    /// session at fault as `sessions[i].start`.
    pub fn check_spacing(
        &self,
        clinic: &ClinicSnapshot,
        starts: &[Timestamp],
    ) -> Result<(), Refusal> {
        let dates: Vec<Date> = starts.iter().map(|t| local_date(clinic, *t)).collect();
        for i in 1..dates.len() {
            if let Some(why) = self.too_soon(dates[i - 1], dates[i]) {
                return Err(Refusal::invalid(format!("sessions[{i}].start"), why));
            }
        }
        Ok(())
    }
}

/// The clinic-local date of an instant.
pub fn local_date(clinic: &ClinicSnapshot, t: Timestamp) -> Date {
    t.to_zoned_datetime(clinic.timezone.clone()).date()
}

/// `date` plus `days`, saturating at the calendar's end rather than failing.
pub fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(jiff::Span::new().days(days))
        .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}

/// The clinic's closure that covers `date`, as `(from, to)`, if any.
pub fn closure_on(clinic: &ClinicSnapshot, date: Date) -> Option<(Date, Date)> {
    clinic
        .setup
        .closures
        .iter()
        .find(|c| c.from <= date && date <= c.to)
        .map(|c| (c.from, c.to))
}
