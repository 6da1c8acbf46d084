//! `/admin/setup`: the clinic's whole setup as one editable document, checked by exactly the
//! validation the clinic file goes through (`clinic::parse`) before anything is saved.
//! Admins only.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use clinic::{ClinicSetup, SetupError};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{admin_page, csrf_field};
use crate::auth::{Role, StaffSession};
use crate::error::ApiError;
use crate::state::AppState;

const WEEKDAYS: [(&str, &str); 7] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
];

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    saved: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    document: String,
}

/// A refused setup in one line: `Line 12, field practitioners[0].hours.mon[1]: ...`.
fn describe(error: &SetupError) -> String {
    match error.line {
        Some(line) => format!("Line {line}, field {}: {}", error.field, error.message),
        None => format!("Field {}: {}", error.field, error.message),
    }
}

/// The setup as the document the screen edits.
fn document(setup: &ClinicSetup) -> Result<String, toml::ser::Error> {
    toml::to_string_pretty(setup)
}

/// A practitioner's hours on one weekday, as the summary shows them.
fn day_hours(spans: Option<&Vec<String>>) -> String {
    match spans {
        Some(spans) if !spans.is_empty() => spans
            .iter()
            .map(|s| s.replace('-', "\u{2013}"))
            .collect::<Vec<_>>()
            .join(", "),
        _ => "Off".to_owned(),
    }
}

fn guide() -> Markup {
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

fn hours_table(setup: &ClinicSetup) -> Markup {
    html! {
        @if setup.practitioners.is_empty() {
            p.notice { "No practitioners yet." }
        } @else {
            div.table-scroll {
                table.hours-summary {
                    thead {
                        tr {
                            th scope="col" { "Practitioner" }
                            @for (_, day) in WEEKDAYS { th scope="col" { (day) } }
                        }
                    }
                    tbody {
                        @for p in &setup.practitioners {
                            tr {
                                th scope="row" { (p.name) }
                                @for (key, _) in WEEKDAYS {
                                    @let hours = day_hours(p.hours.get(key));
                                    td { @if hours == "Off" { span.muted { (hours) } } @else { (hours) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn page_body(
    state: &AppState,
    session: &StaffSession,
    text: &str,
    error: Option<&str>,
    saved: bool,
) -> Markup {
    let clinic = state.clinic();
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
        @if saved { div.notice.ok role="status" { p { "Saved. Online booking uses the new setup now." } } }
        p { "The whole setup (clinic details, booking policy, closures, rooms, practitioners and their hours, services) is one document. "
            "It is checked exactly like the clinic file before anything is saved, so a mistake is shown here and changes nothing." }
        h2 { "Practitioners' weekly hours" }
        p.muted { "As saved now. Date overrides and time off are not shown." }
        (hours_table(&clinic.setup))
        h2 { "Edit the setup" }
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
            button type="submit" { "Check and save" }
        }
    }
}

/// `GET /admin/setup`.
pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    Query(query): Query<PageQuery>,
) -> Response {
    if let Err(r) = session.require(&[Role::Admin]) {
        return r;
    }
    let text = match document(&state.clinic().setup) {
        Ok(text) => text,
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let body = page_body(&state, &session, &text, None, query.saved == "1");
    admin_page(&state, &session, "Setup", "/admin/setup", body).into_response()
}

/// `POST /admin/setup`.
pub async fn save(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<SetupForm>,
) -> Response {
    if let Err(r) = session.require(&[Role::Admin]) {
        return r;
    }
    let setup = match clinic::parse(&form.document, Some("setup")) {
        Ok(setup) => setup,
        Err(err) => {
            let message = describe(&err);
            let body = page_body(&state, &session, &form.document, Some(&message), false);
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                admin_page(&state, &session, "Setup", "/admin/setup", body),
            )
                .into_response();
        }
    };
    match state.store.save_setup(&setup).await {
        Ok(version) => tracing::info!(by = %session.staff.email, version, "clinic setup saved"),
        Err(err) => return ApiError::internal(err).into_response(),
    }
    if let Err(err) = state.refresh_clinic().await {
        tracing::warn!(error = %err, "saved the setup but could not reload it yet; the periodic refresh will");
    }
    Redirect::to("/admin/setup?saved=1").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_line_and_field() {
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
    fn the_document_round_trips_through_the_clinic_file_checks() {
        let demo = clinic::demo();
        let text = document(&demo).expect("serializes");
        assert_eq!(
            clinic::parse(&text, Some("setup")).expect("parses back"),
            demo
        );
    }

    #[test]
    fn a_mistake_in_the_document_is_located() {
        let text =
            document(&clinic::demo())
                .expect("serializes")
                .replacen("09:00-12:30", "9am-12:30", 1);
        let error = clinic::parse(&text, Some("setup")).expect_err("refused");
        let line = text
            .lines()
            .position(|l| l.contains("9am-12:30"))
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
    fn weekly_hours_read_plainly() {
        assert_eq!(day_hours(None), "Off");
        assert_eq!(day_hours(Some(&vec![])), "Off");
        assert_eq!(
            day_hours(Some(&vec!["09:00-12:30".into(), "13:30-17:00".into()])),
            "09:00\u{2013}12:30, 13:30\u{2013}17:00"
        );
    }
}
