//! `/admin/setup`: forms for every part of the clinic's setup (clinic details, booking
//! policy, rooms, services and their phases, devices, practitioners with their details,
//! photo, weekly hours, time off and date overrides) above the whole setup as one editable
//! document for power users. Every change is checked by exactly the validation the clinic
//! file goes through (`clinic::validate`, which `clinic::parse` ends in) before anything is
//! saved. Admins only.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use clinic::{ClinicSetup, SetupError};

use crate::auth::{AdminSession, StaffSession};
use crate::error::ApiError;
use crate::state::AppState;

mod changes;
mod clinic_details;
mod devices;
mod forms;
mod page;
mod parse;
mod photo;
mod practitioners;
mod problems;
mod rooms;
mod sections;
mod services;
mod widgets;

pub use changes::{add_time_off, remove_date, remove_time_off, save_date, save_hours, save_policy};
pub use clinic_details::save_clinic;
pub use devices::{add_device, remove_device, save_device};
use forms::{DatesForm, HoursForm, PageQuery, PolicyForm, SetupForm, TimeOffForm};
use page::{refuse, render};
use parse::{GENERAL, unknown_practitioner};
pub use photo::{PHOTO_BODY_LIMIT, upload_photo};
pub use practitioners::{add_practitioner, save_practitioner};
use problems::Problems;
pub use rooms::{add_room, remove_room, rename_room};
pub use services::{
    add_phase, add_service, move_phase, remove_phase, remove_service, save_phase, save_service,
};

/// A refused setup in one line: `Line 12, field practitioners[0].hours.mon[1]: ...`.
pub(super) fn describe(error: &SetupError) -> String {
    match error.line {
        Some(line) => format!("Line {line}, field {}: {}", error.field, error.message),
        None => format!("Field {}: {}", error.field, error.message),
    }
}

/// The setup as the document the screen edits.
pub(super) fn document(setup: &ClinicSetup) -> Result<String, toml::ser::Error> {
    toml::to_string_pretty(setup)
}

/// A practitioner's hours on one weekday, as the summary shows them.
pub(super) fn day_hours(spans: Option<&Vec<String>>) -> String {
    match spans {
        Some(spans) if !spans.is_empty() => spans
            .iter()
            .map(|s| s.replace('-', "\u{2013}"))
            .collect::<Vec<_>>()
            .join(", "),
        _ => "Off".to_owned(),
    }
}

/// What a refused form had typed, so the page shows it again.
#[derive(Debug, Default)]
pub(super) enum Typed<'a> {
    #[default]
    Nothing,
    Policy(&'a PolicyForm),
    Hours(&'a HoursForm),
    TimeOff(&'a TimeOffForm),
    Dates(&'a DatesForm),
}

/// Everything the page shows besides the saved setup.
#[derive(Debug, Default)]
pub(super) struct View<'a> {
    /// Just saved: confirm it at the top.
    pub(super) saved: bool,
    /// A refused document and why, for the whole-setup editor.
    pub(super) document: Option<(&'a str, String)>,
    /// What one of the smaller forms had typed.
    pub(super) typed: Typed<'a>,
    /// What one of the forms for rooms, services, devices, clinic details or a
    /// practitioner's details had typed, by field key (see [`Problems`]).
    pub(super) entered: Vec<(String, String)>,
    /// Why that form was refused.
    pub(super) problems: Problems,
}

impl View<'_> {
    /// What was typed into the field `key` of a refused form, to show again.
    pub(super) fn entered(&self, key: &str) -> Option<&str> {
        self.entered
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The refused form's value for `key`, else the saved one.
    pub(super) fn value(&self, key: &str, saved: impl ToString) -> String {
        self.entered(key)
            .map_or_else(|| saved.to_string(), str::to_owned)
    }

    /// Whether a checkbox is ticked: as sent by a refused form (all its boxes are entered,
    /// ticked or not), else as saved.
    pub(super) fn ticked(&self, key: &str, saved: bool) -> bool {
        self.entered(key).map_or(saved, |v| !v.is_empty())
    }
}

/// Saves a validated setup, makes it current and sends the admin back to the page.
pub(super) async fn store_setup(
    state: &AppState,
    session: &StaffSession,
    setup: &ClinicSetup,
    what: &str,
) -> Response {
    store_setup_at(state, session, setup, what, "").await
}

/// [`store_setup`], returning to the section `anchor` (an element id) of the page, so the
/// admin sees the change they made.
pub(super) async fn store_setup_at(
    state: &AppState,
    session: &StaffSession,
    setup: &ClinicSetup,
    what: &str,
    anchor: &str,
) -> Response {
    match state.store.save_setup(setup).await {
        Ok(version) => {
            tracing::info!(by = %session.staff.email, version, what, "clinic setup saved")
        }
        Err(err) => return ApiError::internal(err).into_response(),
    }
    if let Err(err) = state.refresh_clinic().await {
        tracing::warn!(error = %err, "saved the setup but could not reload it yet; the periodic refresh will");
    }
    let anchor = if anchor.is_empty() {
        String::new()
    } else {
        format!("#{anchor}")
    };
    Redirect::to(&format!("/admin/setup?saved=1{anchor}")).into_response()
}

/// The page again after a refused change, with what the form had typed (by field key).
pub(super) fn refused_form(
    state: &AppState,
    session: &StaffSession,
    problems: Problems,
    entered: Vec<(String, String)>,
) -> Response {
    let view = View {
        entered,
        problems,
        ..View::default()
    };
    refuse(state, session, &view)
}

/// The index of practitioner `id` in `setup`, or the problem to show.
pub(super) fn practitioner_index(
    setup: &ClinicSetup,
    id: &str,
    problems: &mut Problems,
) -> Option<usize> {
    let found = setup.practitioners.iter().position(|p| p.id == id);
    if found.is_none() {
        problems.add(GENERAL, "Practitioner", unknown_practitioner(id));
    }
    found
}

/// `GET /admin/setup`.
pub async fn page(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Query(query): Query<PageQuery>,
) -> Response {
    let view = View {
        saved: query.saved == "1",
        ..View::default()
    };
    render(&state, &session, &view, StatusCode::OK)
}

/// `POST /admin/setup`: the whole document.
pub async fn save(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<SetupForm>,
) -> Response {
    match clinic::parse(&form.document, Some("setup")) {
        Ok(setup) => store_setup(&state, &session, &setup, "document").await,
        Err(err) => {
            let view = View {
                document: Some((&form.document, describe(&err))),
                ..View::default()
            };
            refuse(&state, &session, &view)
        }
    }
}

#[cfg(test)]
mod tests {
    use clinic::SetupError;

    use super::parse::{DAYS, HOURS, MINUTES, moment_text, parse_count, sentence, spans_of};
    use super::{day_hours, describe, document};

    #[test]
    pub(super) fn errors_name_the_line_and_field() {
        let error = SetupError {
            file: Some("setup".into()),
            line: Some(12),
            field: "practitioners[0].hours.mon[1]".into(),
            message: "hours \"09:00-12:00\" and \"11:00-13:00\" overlap".into(),
        };
        assert_eq!(
            describe(&error),
            "Line 12, field practitioners[0].hours.mon[1]: hours \"09:00-12:00\" and \"11:00-13:00\" overlap"
        );
        let no_line = SetupError {
            line: None,
            ..error
        };
        assert!(describe(&no_line).starts_with("Field practitioners[0].hours.mon[1]: "));
    }

    #[test]
    pub(super) fn the_document_round_trips_through_the_clinic_file_checks() {
        let demo = clinic::demo();
        let text = document(&demo).expect("serializes");
        assert_eq!(
            clinic::parse(&text, Some("setup")).expect("parses back"),
            demo
        );
    }

    #[test]
    pub(super) fn a_mistake_in_the_document_is_located() {
        let text = document(&clinic::demo()).expect("serializes").replacen(
            "09:00-12:30",
            "9 till 12:30",
            1,
        );
        let error = clinic::parse(&text, Some("setup")).expect_err("refused");
        let line = text
            .lines()
            .position(|l| l.contains("9 till 12:30"))
            .expect("edited line")
            + 1;
        assert_eq!(error.line, Some(line));
        assert!(
            describe(&error).starts_with(&format!(
                "Line {line}, field practitioners[0].hours.mon[0]: "
            )),
            "{}",
            describe(&error)
        );
    }

    #[test]
    pub(super) fn weekly_hours_read_plainly() {
        assert_eq!(day_hours(None), "Off");
        assert_eq!(day_hours(Some(&vec![])), "Off");
        assert_eq!(
            day_hours(Some(&vec!["09:00-12:30".into(), "13:30-17:00".into()])),
            "09:00\u{2013}12:30, 13:30\u{2013}17:00"
        );
    }

    #[test]
    pub(super) fn counts_are_read_leniently() {
        for (text, unit, n) in [
            ("15", &MINUTES, 15),
            (" 720 ", &MINUTES, 720),
            ("+30", &MINUTES, 30),
            ("1,440", &MINUTES, 1440),
            ("15.0", &MINUTES, 15),
            ("15 min", &MINUTES, 15),
            ("24h", &HOURS, 24),
            ("90 Days", &DAYS, 90),
            ("0", &HOURS, 0),
        ] {
            assert_eq!(parse_count(text, unit), Ok(n), "{text}");
        }
        for (text, says) in [
            ("", "Enter a number of minutes."),
            ("abc", "is not a number"),
            ("15 days", "Enter this in minutes"),
            ("12 h", "Enter this in minutes"),
            ("12 hm", "is not a number"),
            ("1,5", "is not a number"),
            ("-5", "not a negative number"),
            ("7.5", "without a fraction"),
            ("99999999999", "far too many"),
        ] {
            let refused = parse_count(text, &MINUTES).expect_err(text);
            assert!(refused.contains(says), "{text}: {refused}");
        }
    }

    #[test]
    pub(super) fn typed_spans_are_split_and_tidied() {
        assert_eq!(
            spans_of(" 09:00 - 12:30,13:30\u{2013}17:00 ; "),
            vec!["09:00-12:30", "13:30-17:00"]
        );
        assert!(spans_of("  ").is_empty());
        // Hours as people write them are saved in the canonical form.
        assert_eq!(
            spans_of("9-5, 6pm-8:30pm"),
            vec!["09:00-17:00", "18:00-20:30"]
        );
        // What is no span is kept as typed, for the clinic file's checks to refuse.
        assert_eq!(spans_of("9 till 5"), vec!["9 till 5"]);
        let mut setup = clinic::demo();
        setup.practitioners[1]
            .hours
            .insert("sun".into(), spans_of("9 till 5"));
        let (field, message) = clinic::validate(&setup).expect_err("refused");
        assert_eq!(field, "practitioners[1].hours.sun[0]");
        assert!(
            sentence(&message).starts_with("Hours \"9 till 5\" are not a time span"),
            "{message}"
        );
    }

    #[test]
    pub(super) fn time_off_moments_read_with_a_space_or_a_t() {
        assert_eq!(moment_text(" 2027-01-04 13:00 "), "2027-01-04T13:00");
        assert_eq!(moment_text("2027-01-04"), "2027-01-04");
        assert_eq!(moment_text(" next week "), "next week");
    }
}
