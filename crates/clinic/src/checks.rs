//! Checks for the visit, message, waitlist, device, practitioner and course settings of a
//! clinic file.
//!
//! Kept apart from `file.rs` so that file stays about reading and locating; `validate`
//! calls these. Each returns the offending field's dotted path and what is wrong.

use std::ops::RangeInclusive;

use crate::{
    ClinicSetup, CourseSetup, DeviceSetup, MessagePolicy, PractitionerSetup, QuietHours,
    ServiceSetup, VisitPolicy, WaitlistPolicy,
};

type Checked = Result<(), (String, String)>;

/// `[clinic] locale` (a language tag such as `en-US`) and `clock` (12 or 24).
fn clock(setup: &ClinicSetup) -> Checked {
    let c = &setup.clinic;
    let mut parts = c.locale.split(['-', '_']);
    let language = parts.next().unwrap_or_default();
    let tag = (2..=3).contains(&language.len())
        && language.chars().all(|ch| ch.is_ascii_alphabetic())
        && parts
            .all(|p| (2..=8).contains(&p.len()) && p.chars().all(|ch| ch.is_ascii_alphanumeric()));
    if !tag {
        return Err((
            "clinic.locale".into(),
            format!(
                "\"{}\" is not a language tag; use one such as \"en-US\" or \"en-GB\"",
                c.locale
            ),
        ));
    }
    match c.clock {
        None | Some(12 | 24) => Ok(()),
        Some(other) => Err((
            "clinic.clock".into(),
            format!("{other} is not a clock: use 12 or 24"),
        )),
    }
}

/// `[clinic]`'s clock, `[visits]`, `[messages]` and `[waitlist]`.
pub(crate) fn policies(setup: &ClinicSetup) -> Checked {
    clock(setup)?;
    let v = &setup.visits;
    within(
        v.screening_valid_days,
        VisitPolicy::SCREENING_VALID_DAYS,
        "visits.screening_valid_days",
        "days",
    )?;
    let m = &setup.messages;
    within(
        m.reminder_hours,
        MessagePolicy::REMINDER_HOURS,
        "messages.reminder_hours",
        "hours",
    )?;
    QuietHours::parse(&m.quiet_hours).map_err(|e| ("messages.quiet_hours".to_owned(), e))?;
    within(
        m.alert_ack_hours,
        MessagePolicy::ALERT_ACK_HOURS,
        "messages.alert_ack_hours",
        "hours",
    )?;
    within(
        setup.waitlist.offer_minutes,
        WaitlistPolicy::OFFER_MINUTES,
        "waitlist.offer_minutes",
        "minutes",
    )
}

/// What `[[devices]]` says beyond their ids (which `validate` checks like every list's).
pub(crate) fn devices(devices: &[DeviceSetup]) -> Checked {
    for (i, d) in devices.iter().enumerate() {
        if d.name.trim().is_empty() {
            return Err((format!("devices[{i}].name"), "a device needs a name".into()));
        }
        let depth = d.max_depth_mm;
        if !(depth.is_finite() && depth > 0.0 && depth <= DeviceSetup::MAX_DEPTH_MM) {
            return Err((
                format!("devices[{i}].max_depth_mm"),
                format!(
                    "{depth} mm is not a needle depth: it must be above 0 and at most {:.1} mm, \
                     the longest microneedling needles made",
                    DeviceSetup::MAX_DEPTH_MM
                ),
            ));
        }
    }
    Ok(())
}

/// A practitioner's `bio` and `photo`; `at` is its path, e.g. `practitioners[0]`. The
/// photo is a plain file name, so it can only name a file in the `practitioners/` folder.
pub(crate) fn practitioner(at: &str, p: &PractitionerSetup) -> Checked {
    if p.bio.chars().count() > PractitionerSetup::BIO_MAX_CHARS {
        return Err((
            format!("{at}.bio"),
            format!(
                "keep a bio to a few lines, at most {} characters",
                PractitionerSetup::BIO_MAX_CHARS
            ),
        ));
    }
    if let Some(photo) = &p.photo {
        let plain = !photo.is_empty()
            && !photo.starts_with('.')
            && photo
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if !plain || PractitionerSetup::photo_type(photo).is_none() {
            return Err((
                format!("{at}.photo"),
                format!(
                    "\"{photo}\" should be a file name in the content folder's practitioners/, such as \"maya-lee.jpg\" (.jpg, .jpeg, .png or .webp)"
                ),
            ));
        }
    }
    Ok(())
}

/// A service's `areas` and `course`; `at` is its path, e.g. `services[1]`.
pub(crate) fn service(at: &str, s: &ServiceSetup) -> Checked {
    for (k, area) in s.areas.iter().enumerate() {
        if !ServiceSetup::AREAS.contains(&area.as_str()) {
            return Err((
                format!("{at}.areas[{k}]"),
                format!("unknown area \"{area}\": use \"face\", \"body\" or \"scalp\""),
            ));
        }
        if s.areas[..k].contains(area) {
            return Err((
                format!("{at}.areas[{k}]"),
                format!("area \"{area}\" is listed twice"),
            ));
        }
    }
    if let Some(c) = &s.course {
        course(&format!("{at}.course"), c)?;
        minimum_interval(&format!("{at}.course"), s, c)?;
    }
    if let Some(price) = &s.course_price {
        if s.course.is_none() {
            return Err((
                format!("{at}.course_price"),
                "a course price needs a course: add course = { sessions, interval_weeks, tolerance_days }"
                    .into(),
            ));
        }
        if !crate::file::is_price(price) {
            return Err((
                format!("{at}.course_price"),
                format!("price \"{price}\" should look like \"900.00\""),
            ));
        }
    }
    Ok(())
}

/// A course keeps to the shortest interval the sources give for the areas it treats
/// (`protocol`'s plan tables), even for a session moved by the whole tolerance.
fn minimum_interval(at: &str, s: &ServiceSetup, c: &CourseSetup) -> Checked {
    let tables = protocol::PlanTables::builtin();
    let Some(min) = tables.course_minimum(s.areas.iter().map(String::as_str)) else {
        return Ok(());
    };
    if c.interval_weeks < min.weeks {
        return Err((
            format!("{at}.interval_weeks"),
            format!(
                "{} weeks is shorter than the {} weeks the sources allow between sessions {}",
                c.interval_weeks,
                min.weeks,
                min.cite()
            ),
        ));
    }
    let closest = c.interval_days().saturating_sub(c.tolerance_days);
    if closest < min.days() {
        return Err((
            format!("{at}.tolerance_days"),
            format!(
                "a session moved {} days early would come {closest} days after the one before, \
                 closer than the {} days the sources allow {}",
                c.tolerance_days,
                min.days(),
                min.cite()
            ),
        ));
    }
    Ok(())
}

fn course(at: &str, c: &CourseSetup) -> Checked {
    within(
        c.sessions,
        CourseSetup::SESSIONS,
        &format!("{at}.sessions"),
        "sessions",
    )?;
    within(
        c.interval_weeks,
        CourseSetup::INTERVAL_WEEKS,
        &format!("{at}.interval_weeks"),
        "weeks",
    )?;
    let most = c.max_tolerance_days();
    if c.tolerance_days > most {
        return Err((
            format!("{at}.tolerance_days"),
            format!(
                "must be between 0 and {most} days, not {}: at most half the {}-day interval",
                c.tolerance_days,
                c.interval_days()
            ),
        ));
    }
    Ok(())
}

fn within(value: u32, range: RangeInclusive<u32>, field: &str, unit: &str) -> Checked {
    if range.contains(&value) {
        return Ok(());
    }
    Err((
        field.to_owned(),
        format!(
            "must be between {} and {} {unit}, not {value}",
            range.start(),
            range.end()
        ),
    ))
}
