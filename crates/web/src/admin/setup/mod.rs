//! `/admin/setup`: forms for the common changes (booking policy, weekly hours, time off and
//! date overrides) above the clinic's whole setup as one editable document. Every change is
//! checked by exactly the validation the clinic file goes through (`clinic::validate`, which
//! `clinic::parse` ends in) before anything is saved. Admins only.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use clinic::{ClinicSetup, SetupError};
use maud::{Markup, html};

use super::layout::{admin_page, csrf_field};
use crate::auth::{AdminSession, StaffSession};
use crate::error::ApiError;
use crate::state::AppState;

mod changes;
mod forms;
mod parse;
mod sections;

pub use changes::{add_time_off, remove_date, remove_time_off, save_date, save_hours, save_policy};
use forms::{DatesForm, HoursForm, PageQuery, PolicyForm, SetupForm, TimeOffForm};
use parse::{GENERAL, unknown_practitioner};
use sections::{
    dates_form, hours_form, hours_table, policy_section, problems_summary, time_off_form,
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

/// How the document is written, beside the editor, so admins need not look it up.
pub(super) fn guide() -> Markup {
    html! {
        details.setup-guide {
            summary { "How the setup is written" }
            ul {
                li { code { "[clinic]" } ": name, contact details and " code { "timezone" } " (an IANA name such as " code { "\"America/New_York\"" } "). Every time in the setup is local to it." }
                li { code { "[booking]" } ": the booking policy. " code { "slot_step_minutes" } " (1\u{2013}240) spaces the start times offered; "
                    code { "min_notice_minutes" } " is the shortest notice for an online booking; " code { "horizon_days" } " (1\u{2013}730) is how far ahead clients can book; "
                    code { "cancel_notice_hours" } " is how late clients may cancel or move a booking themselves." }
                li { code { "[[closures]]" } ": dates the whole clinic is closed, " code { "from" } " and " code { "to" } " inclusive, e.g. " code { "from = \"2026-12-25\"" } "." }
                li { code { "[[rooms]]" } ": an " code { "id" } " and a " code { "name" } " per treatment room." }
                li { code { "[[practitioners]]" } ": " code { "id" } ", " code { "name" } ", " code { "title" } " and the " code { "services" } " they offer (service ids). "
                    "Weekly hours go under " code { "[practitioners.hours]" } " by weekday " code { "mon" } " to " code { "sun" } ", as " code { "\"HH:MM-HH:MM\"" } " spans, e.g. "
                    code { "mon = [\"09:00-12:30\", \"13:30-17:00\"]" } "; a day left out is a day off. "
                    "Date overrides go under " code { "[practitioners.dates]" } ", e.g. " code { "\"2026-12-24\" = [\"09:00-12:00\"]" } ", replacing that day's weekly hours (" code { "[]" } " closes the day). "
                    "Time off is " code { "[[practitioners.time_off]]" } " with " code { "from" } " and " code { "to" } " as dates or local date-times such as " code { "\"2027-01-04T13:00\"" } "." }
                li { code { "[[services]]" } ": " code { "id" } ", " code { "name" } ", " code { "price" } " (e.g. " code { "\"250.00\"" } "), " code { "requires_screening" } " and " code { "description" } ". "
                    "Each service runs in back-to-back " code { "phases" } ", each with a " code { "name" } ", " code { "minutes" } " and what it " code { "uses" } ": "
                    code { "[\"practitioner\", \"room\"]" } " for the treatment itself, " code { "[\"room\"]" } " alone for numbing or cleanup, so the practitioner is free meanwhile." }
                li { "Ids use letters, digits, " code { "-" } " and " code { "_" } ". Keep them stable: bookings refer to them. Anything you remove is retired, and past bookings keep their names." }
                li { code { "[screening.rules]" } " and " code { "[plans]" } " hold the clinic's own changes to the screening rules and treatment-plan limits; leave them out to use the defaults." }
            }
        }
    }
}

/// Why a form was refused: by key (see [`field_id`]), what the field is called and what is
/// wrong, in the order found.
#[derive(Debug, Default)]
pub(super) struct Problems {
    /// `(key, label, message)`, for the summary at the top.
    pub(super) list: Vec<(String, String, String)>,
}

impl Problems {
    /// Records a problem; only the first for each key is kept, as a field shows one message.
    pub(super) fn add(
        &mut self,
        key: impl Into<String>,
        label: impl Into<String>,
        message: impl Into<String>,
    ) {
        let key = key.into();
        if self.get(&key).is_none() {
            self.list.push((key, label.into(), message.into()));
        }
    }

    /// The message for one field, to show beside it.
    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, m)| m.as_str())
    }

    /// Whether the change may go on to validation.
    pub(super) fn is_empty(&self) -> bool {
        self.list.is_empty()
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
    /// Why that form was refused.
    pub(super) problems: Problems,
}

/// The whole page: notices, the smaller forms, and the document editor holding `text`.
pub(super) fn page_body(
    state: &AppState,
    session: &StaffSession,
    text: &str,
    view: &View<'_>,
) -> Markup {
    let clinic = state.clinic();
    let setup = &clinic.setup;
    let error = view.document.as_ref().map(|(_, message)| message.as_str());
    let described = if error.is_some() {
        "setup-hint setup-error"
    } else {
        "setup-hint"
    };
    html! {
        h1 { "Clinic setup" }
        @if let Some(message) = error {
            div.errors-summary role="alert" aria-labelledby="setup-error-title" tabindex="-1" {
                h2 #setup-error-title { "Not saved: the setup has a mistake" }
                p { a href="#setup-document" { (message) } }
            }
        }
        (problems_summary(&view.problems))
        @if view.saved { div.notice.ok role="status" { p { "Saved. Online booking uses the new setup now." } } }
        p { "Change the booking policy and each practitioner's hours, time off and date overrides with the forms below. "
            "The whole setup (clinic details, closures, rooms, practitioners, services) is one document, at the end. "
            "Every change is checked exactly like the clinic file before anything is saved, so a mistake is shown beside it and changes nothing." }
        nav.setup-toc aria-label="Setup sections" {
            ul {
                li { a href="#policy-title" { "Booking policy" } }
                li { a href="#hours-title" { "Weekly hours at a glance" } }
                @for p in &setup.practitioners { li { a href=(format!("#p-{}", p.id)) { (p.name) } } }
                li { a href="#document-title" { "The whole setup" } }
            }
        }
        (policy_section(session, setup, view))
        section.setup-section aria-labelledby="hours-title" {
            h2 #hours-title { "Weekly hours at a glance" }
            p.muted { "As saved now. Each practitioner's hours, time off and date overrides can be changed below." }
            (hours_table(setup))
        }
        @for p in &setup.practitioners {
            section.setup-section.setup-practitioner aria-labelledby=(format!("p-{}", p.id)) {
                h2 id=(format!("p-{}", p.id)) { (p.name) @if !p.title.is_empty() { span.muted.small { ", " (p.title) } } }
                (hours_form(session, p, view))
                (time_off_form(session, p, view))
                (dates_form(session, p, view))
            }
        }
        section.setup-section aria-labelledby="document-title" {
            h2 #document-title { "The whole setup (advanced)" }
            (guide())
            form method="post" action="/admin/setup" {
                (csrf_field(session))
                div.field.setup-field {
                    label for="setup-document" { "Setup document (TOML)" }
                    p.hint #setup-hint { "Times are \u{201c}HH:MM-HH:MM\u{201d}, weekdays mon to sun, dates YYYY-MM-DD." }
                    @if let Some(message) = error { p.error-text #setup-error { (message) } }
                    textarea #setup-document.setup-document name="document" rows="32" spellcheck="false" autocapitalize="off"
                        autocomplete="off" aria-describedby=(described) aria-invalid=[error.map(|_| "true")] {
                        // A textarea drops one newline right after its start tag; keep the text's own.
                        "\n" (text)
                    }
                }
                button type="submit" { "Check and save" span.visually-hidden { " the whole setup" } }
            }
        }
    }
}

/// The page with `view`, answered with `status`.
pub(super) fn render(
    state: &AppState,
    session: &StaffSession,
    view: &View<'_>,
    status: StatusCode,
) -> Response {
    let text = match &view.document {
        Some((text, _)) => (*text).to_owned(),
        None => match document(&state.clinic().setup) {
            Ok(text) => text,
            Err(err) => return ApiError::internal(err).into_response(),
        },
    };
    let body = page_body(state, session, &text, view);
    (
        status,
        admin_page(state, session, "Setup", "/admin/setup", body),
    )
        .into_response()
}

/// The page again with what was refused, nothing saved.
pub(super) fn refuse(state: &AppState, session: &StaffSession, view: &View<'_>) -> Response {
    render(state, session, view, StatusCode::UNPROCESSABLE_ENTITY)
}

/// Saves a validated setup, makes it current and sends the admin back to the page.
pub(super) async fn store_setup(
    state: &AppState,
    session: &StaffSession,
    setup: &ClinicSetup,
    what: &str,
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
    Redirect::to("/admin/setup?saved=1").into_response()
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
