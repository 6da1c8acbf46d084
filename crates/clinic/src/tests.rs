//! Clinic files that load and files that must not.

use crate::{SetupError, parse};

mod courses;
mod edit;
mod hours;
mod overrides;
mod sections;

/// The repository's copy of `shared/examples/clinic.toml`, the contract's example.
const EXAMPLE: &str = include_str!("../data/demo.toml");

fn refuse(text: &str) -> SetupError {
    parse(text, Some("clinic.toml")).expect_err("this file must be refused")
}

#[test]
fn the_shared_example_loads() {
    let setup = parse(EXAMPLE, Some("clinic.toml")).unwrap();
    assert_eq!(setup.clinic.name, "Northside Skin Clinic");
    assert_eq!(setup.services.len(), 4);
    assert_eq!(
        setup.practitioners[0].hours["mon"],
        ["09:00-12:30", "13:30-17:00"]
    );
    assert_eq!(
        setup
            .service("microneedling-face")
            .unwrap()
            .duration_minutes(),
        90
    );
    let schedule = setup.schedule();
    assert_eq!(schedule.rooms, ["room-1", "room-2"]);
    assert_eq!(schedule.practitioners[0].weekly[0].len(), 2);
    assert!(matches!(
        schedule.practitioners[0].time_off[0],
        scheduling::TimeOff::Days { .. }
    ));
}

/// The contract itself: the shared example beside the repository must load, and the
/// repository's copy must not drift from it.
#[test]
#[ignore = "reads ../shared/examples/clinic.toml beside the repository; run with --ignored (CI does)"]
fn the_shared_contract_example_loads_and_matches_our_copy() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/examples/clinic.toml"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    parse(&text, Some("clinic.toml")).unwrap();
    assert_eq!(
        text, EXAMPLE,
        "crates/clinic/data/demo.toml must stay a copy of the shared example"
    );
}

#[test]
fn the_demo_clinic_is_valid() {
    assert!(!crate::demo().services.is_empty());
}

#[test]
fn unknown_time_zone_names_line_and_field() {
    let err = refuse(&EXAMPLE.replace("America/New_York", "Mars/Olympus_Mons"));
    assert_eq!(err.field, "clinic.timezone");
    assert_eq!(err.line, Some(7));
    assert!(
        err.to_string()
            .starts_with("clinic.toml, line 7: clinic.timezone: unknown time zone"),
        "{err}"
    );
}

#[test]
fn malformed_hours_name_the_exact_entry() {
    let err = refuse(&EXAMPLE.replace(r#"tue = ["09:00-17:00"]"#, r#"tue = ["9 till 5"]"#));
    assert_eq!(err.field, "practitioners[0].hours.tue[0]");
    assert_eq!(err.line, Some(56));
    assert!(err.message.contains("9 till 5"));
}

#[test]
fn hours_as_people_write_them_load_in_the_canonical_form() {
    let setup = parse(
        &EXAMPLE.replace(
            r#"tue = ["09:00-17:00"]"#,
            "tue = [\"9-5\", \"6pm\u{2013}8:30pm\"]",
        ),
        Some("clinic.toml"),
    )
    .unwrap();
    assert_eq!(
        setup.practitioners[0].hours.get("tue"),
        Some(&vec!["09:00-17:00".to_owned(), "18:00-20:30".to_owned()])
    );
}

#[test]
fn overlapping_hours_are_refused() {
    let err = refuse(&EXAMPLE.replace(
        r#"["09:00-12:30", "13:30-17:00"]"#,
        r#"["09:00-12:30", "12:00-17:00"]"#,
    ));
    assert_eq!(err.field, "practitioners[0].hours.mon[1]");
    assert!(err.message.contains("overlap"));
}

#[test]
fn a_phase_naming_an_unknown_resource_is_refused() {
    let err = refuse(&EXAMPLE.replacen(r#"uses = ["room"] },"#, r#"uses = ["laser"] },"#, 1));
    assert_eq!(err.field, "services[1].phases[0].uses[0]");
    assert!(err.message.contains("laser"));
    assert!(err.line.is_some());
}

#[test]
fn a_practitioner_offering_an_unknown_service_is_refused() {
    let err = refuse(&EXAMPLE.replace(
        r#"services = ["consultation", "microneedling-face"]"#,
        r#"services = ["consultation", "tattoo"]"#,
    ));
    assert_eq!(err.field, "practitioners[1].services[1]");
    assert!(err.message.contains("tattoo"));
}

#[test]
fn type_errors_carry_the_line() {
    let err = refuse(&EXAMPLE.replace("slot_step_minutes = 15", "slot_step_minutes = \"often\""));
    assert_eq!(err.line, Some(14));
    assert_eq!(err.field, "booking.slot_step_minutes");
}

#[test]
fn unknown_fields_are_refused_not_ignored() {
    let err = refuse(&EXAMPLE.replace("horizon_days = 90", "horizon_days = 90\nhorizon_dayz = 10"));
    assert!(err.message.contains("horizon_dayz"), "{err}");
}

#[test]
fn validation_round_trips_through_toml() {
    let setup = parse(EXAMPLE, None).unwrap();
    let text = toml::to_string(&setup).unwrap();
    assert_eq!(parse(&text, None).unwrap(), setup);
}

#[test]
fn a_practitioner_photo_is_a_plain_file_name_and_a_bio_a_few_lines() {
    for bad in [
        "../secret.jpg",
        "team/maya.jpg",
        ".hidden.png",
        "maya.gif",
        "",
    ] {
        let text = EXAMPLE.replace(
            "title = \"Dermatologist\"",
            &format!("title = \"Dermatologist\"\nphoto = \"{bad}\""),
        );
        let err = refuse(&text);
        assert_eq!(err.field, "practitioners[0].photo", "{bad}: {err}");
    }
    let ok = EXAMPLE.replace(
        "title = \"Dermatologist\"",
        "title = \"Dermatologist\"\nphoto = \"Maya_Lee-2.JPG\"",
    );
    assert!(crate::parse(&ok, None).is_ok());
    let with_bio = |bio: &str| {
        EXAMPLE.replace(
            "title = \"Dermatologist\"",
            &format!("title = \"Dermatologist\"\nbio = \"{bio}\""),
        )
    };
    assert!(crate::parse(&with_bio(&"a".repeat(600)), None).is_ok());
    assert_eq!(
        refuse(&with_bio(&"a".repeat(601))).field,
        "practitioners[0].bio"
    );
    let maya = &crate::demo().practitioners[0];
    assert_eq!(maya.initials(), "ML");
}

#[test]
fn the_clock_follows_the_locale_unless_set() {
    let with = |extra: &str| {
        let text = EXAMPLE.replace(
            "currency = \"USD\"",
            &format!("currency = \"USD\"\n{extra}"),
        );
        parse(&text, Some("clinic.toml"))
    };
    assert!(
        !crate::demo().clinic.uses_24_hour_clock(),
        "the demo clinic reads 12-hour"
    );
    assert!(
        with("locale = \"en-GB\"")
            .unwrap()
            .clinic
            .uses_24_hour_clock()
    );
    assert!(
        with("locale = \"fr-CA\"")
            .unwrap()
            .clinic
            .uses_24_hour_clock()
    );
    assert!(
        !with("locale = \"en-AU\"")
            .unwrap()
            .clinic
            .uses_24_hour_clock()
    );
    assert!(
        with("locale = \"en-US\"\nclock = 24")
            .unwrap()
            .clinic
            .uses_24_hour_clock()
    );
    assert_eq!(with("clock = 13").unwrap_err().field, "clinic.clock");
    assert_eq!(
        with("locale = \"english please\"").unwrap_err().field,
        "clinic.locale"
    );
}
