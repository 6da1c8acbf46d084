//! The `[visits]`, `[messages]`, `[waitlist]` and `[[devices]]` sections, a practitioner's
//! `prescriber` and a service's `areas` and `course`: defaults, and every refusal naming
//! the file, the line and the field.

use super::{EXAMPLE, refuse};
use crate::{
    ClinicSetup, CourseSetup, MessagePolicy, QuietHours, SetupError, VisitPolicy, WaitlistPolicy,
    parse, validate,
};

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the file"));
    text[..at].matches('\n').count() + 1
}

/// Replaces the first `from` in the example with `to` and expects the result refused at
/// the line where `to` now stands, naming `field`.
fn refused_at(from: &str, to: &str, field: &str) -> SetupError {
    assert!(EXAMPLE.contains(from), "{from:?} not in the example");
    let text = EXAMPLE.replacen(from, to, 1);
    let err = refuse(&text);
    assert_eq!(err.field, field, "{err}");
    assert_eq!(err.line, Some(line_of(&text, to)), "{err}");
    assert_eq!(err.file.as_deref(), Some("clinic.toml"));
    assert!(
        err.to_string().starts_with(&format!(
            "clinic.toml, line {}: {field}: ",
            line_of(&text, to)
        )),
        "{err}"
    );
    err
}

/// The example without the lines between two markers (the first inclusive, the second not).
fn without(text: &str, from: &str, until: &str) -> String {
    let start = text.find(from).unwrap();
    let end = start + text[start..].find(until).unwrap();
    format!("{}{}", &text[..start], &text[end..])
}

const COURSE_4: &str = "course = { sessions = 4, interval_weeks = 4, tolerance_days = 7 }";

#[test]
fn the_example_carries_the_new_sections() {
    let setup = parse(EXAMPLE, Some("clinic.toml")).unwrap();
    assert_eq!(setup.visits.screening_valid_days, 30);
    assert!(setup.visits.require_consent);
    assert_eq!(setup.messages.reminder_hours, 48);
    assert_eq!(setup.messages.quiet_hours, "21:00-08:00");
    assert_eq!(setup.messages.alert_ack_hours, 2);
    let quiet = setup.messages.quiet_window().unwrap();
    assert_eq!(
        (quiet.start, quiet.end),
        (
            jiff::civil::time(21, 0, 0, 0),
            jiff::civil::time(8, 0, 0, 0)
        )
    );
    assert_eq!(setup.waitlist.offer_minutes, 30);
    assert_eq!(setup.devices.len(), 1);
    assert_eq!(setup.devices[0].id, "pen-1");
    assert_eq!(setup.devices[0].name, "Microneedling pen (clinic 1)");
    assert_eq!(setup.devices[0].max_depth_mm, 2.0);
    assert!(setup.practitioner("maya-lee").unwrap().prescriber);
    assert!(!setup.practitioner("sam-ortiz").unwrap().prescriber);
    let face = setup.service("microneedling-face").unwrap();
    assert_eq!(face.areas, ["face"]);
    assert_eq!(
        face.course,
        Some(CourseSetup {
            sessions: 4,
            interval_weeks: 4,
            tolerance_days: 7
        })
    );
    assert_eq!(face.course.unwrap().interval_days(), 28);
    assert_eq!(face.course.unwrap().max_tolerance_days(), 14);
    let body = setup.service("microneedling-body").unwrap();
    assert_eq!(
        (body.areas.as_slice(), body.course),
        (&["body".to_string()][..], None)
    );
    let consultation = setup.service("consultation").unwrap();
    assert!(consultation.areas.is_empty());
}

#[test]
fn left_out_sections_and_keys_take_their_defaults() {
    let text = without(EXAMPLE, "[visits]", "[[devices]]");
    let text = without(&text, "[[devices]]", "[[closures]]");
    let text = text
        .replace("prescriber = true", "")
        .replace("areas = [\"face\"]\n", "")
        .replace("areas = [\"body\"]\n", "")
        .replace(COURSE_4, "")
        .replace(
            "course = { sessions = 3, interval_weeks = 4, tolerance_days = 7 }",
            "",
        );
    let setup = parse(&text, Some("clinic.toml")).unwrap();
    assert_eq!(setup.visits, VisitPolicy::default());
    assert_eq!(
        (
            setup.visits.screening_valid_days,
            setup.visits.require_consent
        ),
        (30, true)
    );
    assert_eq!(setup.messages, MessagePolicy::default());
    assert_eq!(
        (
            setup.messages.reminder_hours,
            setup.messages.quiet_hours.as_str(),
            setup.messages.alert_ack_hours
        ),
        (48, "21:00-08:00", 2)
    );
    assert_eq!(setup.waitlist, WaitlistPolicy { offer_minutes: 30 });
    assert!(setup.devices.is_empty());
    assert!(setup.practitioners.iter().all(|p| !p.prescriber));
    assert!(
        setup
            .services
            .iter()
            .all(|s| s.areas.is_empty() && s.course.is_none())
    );

    // A section present with only some keys fills in the rest.
    let partial = EXAMPLE
        .replace("require_consent = true", "")
        .replace("quiet_hours = \"21:00-08:00\"", "")
        .replace("reminder_hours = 48", "reminder_hours = 24");
    let setup = parse(&partial, None).unwrap();
    assert!(setup.visits.require_consent);
    assert_eq!(setup.messages.reminder_hours, 24);
    assert_eq!(setup.messages.quiet_hours, "21:00-08:00");
}

#[test]
fn setups_stored_before_the_new_fields_still_read() {
    let mut stored = serde_json::to_value(crate::demo()).unwrap();
    let top = stored.as_object_mut().unwrap();
    for key in ["visits", "messages", "waitlist", "devices"] {
        assert!(top.remove(key).is_some(), "{key} is serialized");
    }
    for p in top["practitioners"].as_array_mut().unwrap() {
        p.as_object_mut().unwrap().remove("prescriber");
    }
    for s in top["services"].as_array_mut().unwrap() {
        s.as_object_mut().unwrap().remove("areas");
        s.as_object_mut().unwrap().remove("course");
    }
    let old: ClinicSetup = serde_json::from_value(stored).unwrap();
    assert_eq!(old.visits, VisitPolicy::default());
    assert_eq!(old.messages, MessagePolicy::default());
    assert_eq!(old.waitlist, WaitlistPolicy::default());
    assert!(old.devices.is_empty());
    validate(&old).unwrap();

    let demo = crate::demo();
    let json = serde_json::to_string(&demo).unwrap();
    assert_eq!(serde_json::from_str::<ClinicSetup>(&json).unwrap(), demo);
}

#[test]
fn no_quiet_hours_is_an_empty_string_and_round_trips() {
    let text = EXAMPLE.replace("quiet_hours = \"21:00-08:00\"", "quiet_hours = \"\"");
    let setup = parse(&text, None).unwrap();
    assert_eq!(setup.messages.quiet_hours, "");
    assert_eq!(setup.messages.quiet_window(), None);
    let again = parse(&toml::to_string(&setup).unwrap(), None).unwrap();
    assert_eq!(again, setup);
    assert_eq!(again.messages.quiet_window(), None);
    // Wrapping midnight and ending at 24:00 are both fine.
    for ok in ["22:00-07:00", "20:00-24:00", "12:00-13:00"] {
        let text = EXAMPLE.replace("21:00-08:00", ok);
        let setup = parse(&text, None).unwrap();
        assert_eq!(
            setup.messages.quiet_window(),
            QuietHours::parse(ok).unwrap(),
            "{ok}"
        );
    }
}

#[test]
fn wrong_types_in_new_sections_name_line_and_field() {
    for (from, to, field) in [
        (
            "screening_valid_days = 30",
            "screening_valid_days = \"a month\"",
            "visits.screening_valid_days",
        ),
        (
            "require_consent = true",
            "require_consent = \"yes\"",
            "visits.require_consent",
        ),
        (
            "reminder_hours = 48",
            "reminder_hours = 48.5",
            "messages.reminder_hours",
        ),
        (
            "quiet_hours = \"21:00-08:00\"",
            "quiet_hours = 21",
            "messages.quiet_hours",
        ),
        (
            "alert_ack_hours = 2",
            "alert_ack_hours = -2",
            "messages.alert_ack_hours",
        ),
        (
            "offer_minutes = 30",
            "offer_minutes = \"half an hour\"",
            "waitlist.offer_minutes",
        ),
        ("id = \"pen-1\"", "id = 1", "devices[0].id"),
        (
            "max_depth_mm = 2.0",
            "max_depth_mm = \"2 mm\"",
            "devices[0].max_depth_mm",
        ),
        (
            "prescriber = true",
            "prescriber = \"yes\"",
            "practitioners[0].prescriber",
        ),
        (
            "areas = [\"face\"]",
            "areas = \"face\"",
            "services[1].areas",
        ),
        (
            "areas = [\"face\"]",
            "areas = [\"face\", 2]",
            "services[1].areas[1]",
        ),
        (
            COURSE_4,
            "course = { sessions = \"four\", interval_weeks = 4, tolerance_days = 7 }",
            "services[1].course.sessions",
        ),
        (
            COURSE_4,
            "course = { sessions = 4, interval_weeks = 4, tolerance_days = -1 }",
            "services[1].course.tolerance_days",
        ),
        (COURSE_4, "course = 4", "services[1].course"),
    ] {
        let err = refused_at(from, to, field);
        assert!(
            err.message.contains("invalid") || err.message.contains("expected"),
            "{to}: {err}"
        );
    }
}

#[test]
fn out_of_range_policies_are_refused() {
    for (from, to, field) in [
        (
            "screening_valid_days = 30",
            "screening_valid_days = 0",
            "visits.screening_valid_days",
        ),
        (
            "screening_valid_days = 30",
            "screening_valid_days = 366",
            "visits.screening_valid_days",
        ),
        (
            "reminder_hours = 48",
            "reminder_hours = 0",
            "messages.reminder_hours",
        ),
        (
            "reminder_hours = 48",
            "reminder_hours = 337",
            "messages.reminder_hours",
        ),
        (
            "alert_ack_hours = 2",
            "alert_ack_hours = 0",
            "messages.alert_ack_hours",
        ),
        (
            "alert_ack_hours = 2",
            "alert_ack_hours = 73",
            "messages.alert_ack_hours",
        ),
        (
            "offer_minutes = 30",
            "offer_minutes = 4",
            "waitlist.offer_minutes",
        ),
        (
            "offer_minutes = 30",
            "offer_minutes = 1441",
            "waitlist.offer_minutes",
        ),
    ] {
        let err = refused_at(from, to, field);
        assert!(err.message.starts_with("must be between"), "{err}");
    }
    // The bounds themselves are allowed.
    for (from, to) in [
        ("screening_valid_days = 30", "screening_valid_days = 1"),
        ("screening_valid_days = 30", "screening_valid_days = 365"),
        ("reminder_hours = 48", "reminder_hours = 336"),
        ("alert_ack_hours = 2", "alert_ack_hours = 72"),
        ("offer_minutes = 30", "offer_minutes = 5"),
        ("offer_minutes = 30", "offer_minutes = 1440"),
    ] {
        parse(&EXAMPLE.replacen(from, to, 1), None).unwrap_or_else(|e| panic!("{to}: {e}"));
    }
    let err = refused_at(
        "screening_valid_days = 30",
        "screening_valid_days = 0",
        "visits.screening_valid_days",
    );
    assert_eq!(err.message, "must be between 1 and 365 days, not 0");
}

#[test]
fn malformed_quiet_hours_are_refused() {
    for bad in [
        "9pm-8am",
        "21:00",
        "21:00-8:00",
        "25:00-08:00",
        "08:00-08:00",
        "00:00-24:00",
    ] {
        let err = refused_at(
            "quiet_hours = \"21:00-08:00\"",
            &format!("quiet_hours = \"{bad}\""),
            "messages.quiet_hours",
        );
        assert!(err.message.contains(bad), "{err}");
    }
}

#[test]
fn devices_need_unique_ids_and_a_real_depth() {
    let second = "max_depth_mm = 2.0\n\n[[devices]]\nid = \"pen-1\"\nname = \"Second pen\"\nmax_depth_mm = 1.5";
    let text = EXAMPLE.replacen("max_depth_mm = 2.0", second, 1);
    let err = refuse(&text);
    assert_eq!(err.field, "devices[1].id");
    assert_eq!(
        err.line,
        Some(line_of(&text, "[[devices]]\nid = \"pen-1\"\nname = \"Second") + 1)
    );
    assert!(err.message.contains("used twice"), "{err}");

    let err = refused_at("id = \"pen-1\"", "id = \"\"", "devices[0].id");
    assert!(err.message.contains("id \"\""), "{err}");
    refused_at(
        "name = \"Microneedling pen (clinic 1)\"",
        "name = \" \"",
        "devices[0].name",
    );
    for bad in ["3.5", "0", "0.0", "-1.0", "nan", "inf"] {
        let err = refused_at(
            "max_depth_mm = 2.0",
            &format!("max_depth_mm = {bad}"),
            "devices[0].max_depth_mm",
        );
        assert!(err.message.contains("at most 3.0 mm"), "{err}");
    }
    // Whole numbers are depths too, and 3 mm itself is allowed.
    for ok in ["3", "3.0", "0.25"] {
        let setup = parse(
            &EXAMPLE.replacen("max_depth_mm = 2.0", &format!("max_depth_mm = {ok}"), 1),
            None,
        )
        .unwrap();
        assert_eq!(setup.devices[0].max_depth_mm, ok.parse::<f64>().unwrap());
    }
    // A device without its depth: the header of its table is the line.
    let text = EXAMPLE.replacen("max_depth_mm = 2.0", "", 1);
    let err = refuse(&text);
    assert_eq!(err.field, "devices[0]");
    assert_eq!(err.line, Some(line_of(&text, "[[devices]]")));
    assert!(err.message.contains("max_depth_mm"), "{err}");
}

#[test]
fn service_areas_are_face_body_or_scalp() {
    let err = refused_at(
        "areas = [\"face\"]",
        "areas = [\"neck\"]",
        "services[1].areas[0]",
    );
    assert!(err.message.contains("neck"), "{err}");
    assert!(
        err.to_string()
            .contains("services[1].areas[0]: unknown area"),
        "{err}"
    );
    let err = refused_at(
        "areas = [\"body\"]",
        "areas = [\"body\", \"Scalp\"]",
        "services[3].areas[1]",
    );
    assert!(err.message.contains("Scalp"), "{err}");
    let err = refused_at(
        "areas = [\"face\"]",
        "areas = [\"face\", \"face\"]",
        "services[1].areas[1]",
    );
    assert!(err.message.contains("twice"), "{err}");
    let setup = parse(
        &EXAMPLE.replacen("areas = [\"body\"]", "areas = [\"body\", \"scalp\"]", 1),
        None,
    )
    .unwrap();
    assert_eq!(setup.services[3].areas, ["body", "scalp"]);
}

#[test]
fn courses_stay_within_their_bounds() {
    let course = |s: u32, w: u32, t: u32| {
        format!("course = {{ sessions = {s}, interval_weeks = {w}, tolerance_days = {t} }}")
    };
    for (to, field) in [
        (course(1, 4, 7), "services[1].course.sessions"),
        (course(13, 4, 7), "services[1].course.sessions"),
        (course(4, 0, 0), "services[1].course.interval_weeks"),
        (course(4, 27, 7), "services[1].course.interval_weeks"),
        (course(4, 4, 15), "services[1].course.tolerance_days"),
        (course(12, 1, 4), "services[1].course.tolerance_days"),
    ] {
        let err = refused_at(COURSE_4, &to, field);
        assert!(err.message.starts_with("must be between"), "{err}");
    }
    let err = refused_at(
        COURSE_4,
        &course(4, 4, 15),
        "services[1].course.tolerance_days",
    );
    assert_eq!(
        err.message,
        "must be between 0 and 14 days, not 15: at most half the 28-day interval"
    );
    for ok in [
        course(2, 2, 0),
        course(12, 26, 91),
        course(4, 4, 0),
        course(4, 4, 14),
    ] {
        parse(&EXAMPLE.replacen(COURSE_4, &ok, 1), None).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
}

#[test]
fn a_course_needs_all_three_keys_and_no_others() {
    let err = refused_at(
        COURSE_4,
        "course = { sessions = 4, interval_weeks = 4 }",
        "services[1].course",
    );
    assert!(err.message.contains("tolerance_days"), "{err}");
    let err = refused_at(
        COURSE_4,
        "course = { sessions = 4, interval_weeks = 4, tolerance_days = 7, gap = 1 }",
        "services[1].course.gap",
    );
    assert!(err.message.contains("unknown field `gap`"), "{err}");
}

#[test]
fn unknown_keys_in_new_sections_are_refused_not_ignored() {
    for (from, to, field) in [
        (
            "require_consent = true",
            "require_consents = true",
            "visits.require_consents",
        ),
        (
            "quiet_hours = \"21:00-08:00\"",
            "quiet_hour = \"21:00-08:00\"",
            "messages.quiet_hour",
        ),
        (
            "offer_minutes = 30",
            "offer_minutes = 30\noffer_hours = 1",
            "waitlist.offer_hours",
        ),
        (
            "max_depth_mm = 2.0",
            "max_depth_mm = 2.0\nneedles = 12",
            "devices[0].needles",
        ),
        ("[waitlist]", "[waitlists]", "waitlists"),
    ] {
        let text = EXAMPLE.replacen(from, to, 1);
        let err = refuse(&text);
        let key = field.rsplit('.').next().unwrap();
        let key = key.split('[').next().unwrap();
        assert_eq!(err.field, field, "{err}");
        assert!(
            err.message.contains(&format!("unknown field `{key}`")),
            "{err}"
        );
        let line = text[..text
            .find(&format!("{key} "))
            .or(text.find(&format!("{key}]")))
            .unwrap()]
            .matches('\n')
            .count()
            + 1;
        assert_eq!(err.line, Some(line), "{err}");
    }
}

#[test]
fn the_back_office_gets_the_same_checks() {
    let mut setup = crate::demo();
    setup.devices[0].max_depth_mm = 4.0;
    let (field, message) = validate(&setup).unwrap_err();
    assert_eq!(field, "devices[0].max_depth_mm");
    assert!(message.contains("4 mm"), "{message}");

    let mut setup = crate::demo();
    setup.services[2].areas.push("hands".into());
    assert_eq!(validate(&setup).unwrap_err().0, "services[2].areas[1]");

    let mut setup = crate::demo();
    setup.messages.quiet_hours = "late".into();
    assert_eq!(validate(&setup).unwrap_err().0, "messages.quiet_hours");

    let mut setup = crate::demo();
    setup.services[1].course = Some(CourseSetup {
        sessions: 4,
        interval_weeks: u32::MAX,
        tolerance_days: u32::MAX,
    });
    assert_eq!(
        validate(&setup).unwrap_err().0,
        "services[1].course.interval_weeks"
    );
}

#[test]
fn time_off_with_a_time_of_day_stays_part_of_a_day() {
    let text = EXAMPLE.replace(
        "from = \"2027-01-04\"\nto = \"2027-01-08\"",
        "from = \"2027-01-04T13:00\"\nto = \"2027-01-04T17:00\"",
    );
    assert_ne!(text, EXAMPLE);
    let schedule = parse(&text, None).unwrap().schedule();
    assert_eq!(
        schedule.practitioners[0].time_off[0],
        scheduling::TimeOff::Between {
            from: jiff::civil::date(2027, 1, 4).at(13, 0, 0, 0),
            to: jiff::civil::date(2027, 1, 4).at(17, 0, 0, 0),
        }
    );
    let backwards = EXAMPLE.replace(
        "from = \"2027-01-04\"\nto = \"2027-01-08\"",
        "from = \"2027-01-04T13:00\"\nto = \"2027-01-04T12:00\"",
    );
    assert_eq!(refuse(&backwards).field, "practitioners[0].time_off[0].to");
}
