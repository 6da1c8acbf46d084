//! The staff page's markup: the list of logins with their row forms, and the add form. It
//! only lays out what the handlers looked up; nothing here reads the store or the clinic.

use clinic::PractitionerSetup;
use maud::{Markup, html};
use store::Staff;

use super::AddForm;
use crate::admin::layout::csrf_field;
use crate::auth::{Role, StaffSession};
use crate::ui::forms::{FieldAria, FieldErrors, Input};

/// What the page shows besides the list: a notice, the add form's values and errors, and
/// an error on one row's form.
#[derive(Default)]
pub(super) struct View<'a> {
    /// The sentence confirming the action just done.
    pub(super) notice: Option<&'static str>,
    /// The add form as typed, after a refusal.
    pub(super) add: Option<&'a AddForm>,
    pub(super) add_errors: FieldErrors,
    /// Why an action on one row failed, shown at the top.
    pub(super) alert: Option<String>,
    /// The staff id and message of a refused password reset, shown beside that field.
    pub(super) password_error: Option<(&'a str, String)>,
}

/// One login as the list shows it, looked up before the page is laid out.
pub(super) struct Row<'a> {
    pub(super) staff: &'a Staff,
    /// The name of the practitioner a practitioner login belongs to (the id, if retired).
    pub(super) practitioner: Option<String>,
    /// The signed-in admin's own login, which cannot be disabled from here.
    pub(super) myself: bool,
    /// Why a password reset on this row was refused, shown beside its field.
    pub(super) password_error: Option<&'a str>,
}

/// The roles offered when adding a login, in the order a clinic most often needs them.
const ROLES: [(Role, &str); 3] = [
    (Role::FrontDesk, "Front desk"),
    (Role::Practitioner, "Practitioner"),
    (Role::Admin, "Admin (everything, including staff and setup)"),
];

/// A stored role in words; an unknown one is shown as stored rather than hidden.
fn role_label(role: &str) -> &str {
    match Role::parse(role) {
        Some(Role::Admin) => "Admin",
        Some(Role::Practitioner) => "Practitioner",
        Some(Role::FrontDesk) => "Front desk",
        None => role,
    }
}

/// A field's label in the error summary.
fn field_label(field: &str) -> String {
    match field {
        "email" => "Email",
        "role" => "Role",
        "practitioner" => "Practitioner",
        "password" => "Password",
        other => other,
    }
    .to_owned()
}

/// The page: notices, the list of `rows`, and the add form offering `practitioners`.
pub(super) fn page_body(
    session: &StaffSession,
    rows: &[Row<'_>],
    practitioners: &[PractitionerSetup],
    view: &View<'_>,
) -> Markup {
    let empty = AddForm::default();
    let add = view.add.unwrap_or(&empty);
    let errors = &view.add_errors;
    html! {
        h1 { "Staff" }
        @if let Some(notice) = view.notice { div.notice.ok role="status" { p { (notice) } } }
        @if let Some(message) = &view.alert {
            div.notice.danger role="alert" {
                p {
                    (message)
                    @if let Some((id, reason)) = &view.password_error { " " a href=(format!("#pw-{id}")) { (reason) } }
                }
            }
        }
        p { "Front desk sees the calendar, bookings and clients but no screening answers. Practitioners see their own schedule and clients, with screenings. Admins see everything." }
        div.table-scroll {
            table.staff-table {
                thead {
                    tr {
                        th scope="col" { "Email" }
                        th scope="col" { "Role" }
                        th scope="col" { "Practitioner" }
                        th scope="col" { "Status" }
                        th scope="col" { "Sign-in" }
                        th scope="col" { "Reset password" }
                    }
                }
                tbody {
                    @for row in rows { (staff_row(session, row)) }
                }
            }
        }
        h2 #add-staff { "Add staff" }
        (errors.summary(field_label))
        form method="post" action="/admin/staff" aria-labelledby="add-staff" {
            (csrf_field(session))
            (Input { name: "email", label: "Email", kind: "email", value: &add.email, hint: None, required: true, autocomplete: Some("off") }.render(errors))
            (select_field("role", "Role", None, errors, html! {
                @for (role, label) in ROLES {
                    option value=(role.as_str()) selected[add.role == role.as_str()] { (label) }
                }
            }))
            (select_field("practitioner", "Practitioner", Some("Required for a practitioner login: whose schedule and clients they see."), errors, html! {
                option value="" { "None" }
                @for p in practitioners {
                    option value=(p.id) selected[add.practitioner == p.id] { (p.name) }
                }
            }))
            (Input { name: "password", label: "Password", kind: "password", value: "", hint: Some("At least 12 characters; a short sentence works well. Give it to them in person or by phone."), required: true, autocomplete: Some("new-password") }.render(errors))
            button type="submit" { "Add staff" }
        }
    }
}

/// One login's row, with its enable/disable and reset-password forms.
fn staff_row(session: &StaffSession, row: &Row<'_>) -> Markup {
    let s = row.staff;
    html! {
        tr {
            th scope="row" { (s.email) @if row.myself { span.muted { " (you)" } } }
            td { (role_label(&s.role)) }
            td { @if let Some(name) = &row.practitioner { (name) } @else { span.muted { "None" } } }
            td { @if s.active { "Active" } @else { strong { "Disabled" } } }
            td {
                @if row.myself {
                    span.muted { "You cannot disable yourself." }
                } @else {
                    form method="post" action=(format!("/admin/staff/{}/active", s.id)) {
                        (csrf_field(session))
                        @if s.active {
                            input type="hidden" name="active" value="false";
                            button.small.secondary type="submit" { "Disable" span.visually-hidden { " " (s.email) } }
                        } @else {
                            input type="hidden" name="active" value="true";
                            button.small.secondary type="submit" { "Enable" span.visually-hidden { " " (s.email) } }
                        }
                    }
                }
            }
            td {
                @let input_id = format!("pw-{}", s.id);
                @let error_id = format!("pw-{}-error", s.id);
                form.row-password method="post" action=(format!("/admin/staff/{}/password", s.id)) {
                    (csrf_field(session))
                    label.small for=(input_id) { "New password" span.visually-hidden { " for " (s.email) } }
                    @if let Some(message) = row.password_error { p.error-text id=(error_id) { (message) } }
                    input id=(input_id) type="password" name="password" autocomplete="new-password" required minlength="12"
                        aria-invalid=[row.password_error.map(|_| "true")] aria-describedby=[row.password_error.map(|_| error_id.as_str())];
                    button.small type="submit" { "Reset password" span.visually-hidden { " for " (s.email) } }
                }
            }
        }
    }
}

/// A labelled select with its hint and error, wired like [`Input`].
fn select_field(
    name: &str,
    label: &str,
    hint: Option<&str>,
    errors: &FieldErrors,
    options: Markup,
) -> Markup {
    let FieldAria {
        id,
        hint_id,
        error_id,
        described,
        error,
    } = FieldAria::new(name, hint, errors);
    html! {
        div.field {
            label for=(id) { (label) }
            @if let Some(hint) = hint { p.hint id=(hint_id) { (hint) } }
            @if let Some(message) = error { p.error-text id=(error_id) { (message) } }
            select id=(id) name=(name) aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described.as_deref()] { (options) }
        }
    }
}

/// The page for a staff id that is not (or no longer) in the list.
pub(super) fn not_found_body() -> Markup {
    html! {
        h1 { "No such staff login" }
        p { a href="/admin/staff" { "Back to staff" } }
    }
}
