//! A course's minimum interval (from the protocol's plan tables) and its price.

use super::{EXAMPLE, refuse};
use crate::parse;

const COURSE_4: &str = "course = { sessions = 4, interval_weeks = 4, tolerance_days = 7 }";

fn with_course(course: &str) -> String {
    assert!(EXAMPLE.contains(COURSE_4));
    EXAMPLE.replacen(COURSE_4, course, 1)
}

#[test]
fn a_face_course_keeps_the_sourced_two_weeks_even_at_its_tolerance() {
    let err = refuse(&with_course(
        "course = { sessions = 12, interval_weeks = 1, tolerance_days = 0 }",
    ));
    assert_eq!(err.field, "services[1].course.interval_weeks", "{err}");
    assert!(
        err.message
            .contains("shorter than the 2 weeks the sources allow between sessions [6][25][26]"),
        "{err}"
    );
    let err = refuse(&with_course(
        "course = { sessions = 4, interval_weeks = 2, tolerance_days = 1 }",
    ));
    assert_eq!(err.field, "services[1].course.tolerance_days", "{err}");
    assert!(err.message.contains("13 days after"), "{err}");
    parse(
        &with_course("course = { sessions = 6, interval_weeks = 2, tolerance_days = 0 }"),
        None,
    )
    .unwrap();
}

#[test]
fn a_scalp_course_may_be_weekly() {
    let text = with_course("course = { sessions = 12, interval_weeks = 1, tolerance_days = 0 }")
        .replacen("areas = [\"face\"]", "areas = [\"scalp\"]", 1);
    let setup = parse(&text, None).unwrap();
    assert_eq!(setup.services[1].course.unwrap().interval_weeks, 1);
}

#[test]
fn a_course_price_is_a_price_and_needs_a_course() {
    let priced = EXAMPLE.replacen(
        COURSE_4,
        &format!("{COURSE_4}\ncourse_price = \"900.00\""),
        1,
    );
    let setup = parse(&priced, None).unwrap();
    assert_eq!(setup.services[1].course_price.as_deref(), Some("900.00"));

    let bad = priced.replacen("\"900.00\"", "\"nine hundred\"", 1);
    let err = refuse(&bad);
    assert_eq!(err.field, "services[1].course_price", "{err}");
    assert!(err.message.contains("900.00"), "{err}");

    let alone = EXAMPLE.replacen(
        "price = \"280.00\"",
        "price = \"280.00\"\ncourse_price = \"700.00\"",
        1,
    );
    let err = refuse(&alone);
    assert_eq!(err.field, "services[3].course_price", "{err}");
    assert!(err.message.contains("needs a course"), "{err}");
}
