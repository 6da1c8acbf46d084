//! `/admin/staff`: the owner's list of staff logins, enabling and disabling them, resetting
//! a password, and adding a login. Admins only.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use store::Staff;

use super::layout::{admin_page, csrf_field};
use crate::auth::password;
use crate::auth::{Role, StaffSession};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::forms::{FieldAria, FieldErrors, Input};

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    done: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct AddForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    practitioner: String,
    #[serde(default)]
    password: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    active: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

/// What the page shows besides the list: a notice, the add form's values and errors, and
/// an error on one row's form.
#[derive(Default)]
struct View<'a> {
    notice: Option<&'static str>,
    add: Option<&'a AddForm>,
    add_errors: FieldErrors,
    /// Why an action on one row failed, shown at the top.
    alert: Option<String>,
    /// The staff id and message of a refused password reset, shown beside that field.
    password_error: Option<(&'a str, String)>,
}

/// The sentence shown after a successful action, from the redirect's `done`.
fn done_notice(done: &str) -> Option<&'static str> {
    match done {
        "added" => Some("Staff login added. They can sign in now."),
        "enabled" => Some("Login enabled."),
        "disabled" => Some("Login disabled; any open sessions have been signed out."),
        "password" => Some("Password reset; that login's open sessions have been signed out."),
        _ => None,
    }
}

/// A plausible email address: something before and after one `@`, no spaces.
fn email_problem(email: &str) -> Option<&'static str> {
    if email.is_empty() {
        return Some("Enter the staff member's email address.");
    }
    let plausible = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    (!plausible).then_some("Enter an email address like name@clinic.example.")
}

const ROLES: [(Role, &str); 3] = [
    (Role::FrontDesk, "Front desk"),
    (Role::Practitioner, "Practitioner"),
    (Role::Admin, "Admin (everything, including staff and setup)"),
];

fn role_label(role: &str) -> &str {
    match Role::parse(role) {
        Some(Role::Admin) => "Admin",
        Some(Role::Practitioner) => "Practitioner",
        Some(Role::FrontDesk) => "Front desk",
        None => role,
    }
}

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

async fn render(
    state: &AppState,
    session: &StaffSession,
    view: View<'_>,
    status: StatusCode,
) -> Response {
    let staff = match state.store.staff_list().await {
        Ok(s) => s,
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let body = page_body(state, session, &staff, &view);
    (
        status,
        admin_page(state, session, "Staff", "/admin/staff", body),
    )
        .into_response()
}

fn page_body(state: &AppState, session: &StaffSession, staff: &[Staff], view: &View<'_>) -> Markup {
    let clinic = state.clinic();
    let setup = &clinic.setup;
    let empty = AddForm::default();
    let add = view.add.unwrap_or(&empty);
    let errors = &view.add_errors;
    let practitioner_name = |id: &str| {
        setup
            .practitioner(id)
            .map_or_else(|| id.to_owned(), |p| p.name.clone())
    };
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
                    @for s in staff {
                        @let myself = s.id == session.staff.id;
                        @let row_error = view.password_error.as_ref().filter(|(id, _)| *id == s.id).map(|(_, m)| m.as_str());
                        tr {
                            th scope="row" { (s.email) @if myself { span.muted { " (you)" } } }
                            td { (role_label(&s.role)) }
                            td { @if let Some(p) = &s.practitioner_id { (practitioner_name(p)) } @else { span.muted { "None" } } }
                            td { @if s.active { "Active" } @else { strong { "Disabled" } } }
                            td {
                                @if myself {
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
                                    @if let Some(message) = row_error { p.error-text id=(error_id) { (message) } }
                                    input id=(input_id) type="password" name="password" autocomplete="new-password" required minlength="12"
                                        aria-invalid=[row_error.map(|_| "true")] aria-describedby=[row_error.map(|_| error_id.as_str())];
                                    button.small type="submit" { "Reset password" span.visually-hidden { " for " (s.email) } }
                                }
                            }
                        }
                    }
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
                @for p in &setup.practitioners {
                    option value=(p.id) selected[add.practitioner == p.id] { (p.name) }
                }
            }))
            (Input { name: "password", label: "Password", kind: "password", value: "", hint: Some("At least 12 characters; a short sentence works well. Give it to them in person or by phone."), required: true, autocomplete: Some("new-password") }.render(errors))
            button type="submit" { "Add staff" }
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

/// Hashes off the async threads: argon2 is deliberately slow.
async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(ApiError::internal)
}

/// `GET /admin/staff`.
pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    Query(query): Query<PageQuery>,
) -> Response {
    if let Err(r) = session.require(&[Role::Admin]) {
        return r;
    }
    let view = View {
        notice: done_notice(&query.done),
        ..View::default()
    };
    render(&state, &session, view, StatusCode::OK).await
}

/// Checks the add form; the role and practitioner to store when it is fine.
fn check_add(
    form: &AddForm,
    email: &str,
    setup: &clinic::ClinicSetup,
) -> Result<(Role, Option<String>), FieldErrors> {
    let mut errors = FieldErrors::default();
    if let Some(problem) = email_problem(email) {
        errors.add("email", problem);
    }
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.add("role", "Choose admin, practitioner or front desk.");
    }
    let practitioner = Some(form.practitioner.trim()).filter(|p| !p.is_empty());
    match practitioner {
        Some(p) if setup.practitioner(p).is_none() => {
            errors.add("practitioner", "Choose a practitioner from the list.")
        }
        None if role == Some(Role::Practitioner) => errors.add(
            "practitioner",
            "A practitioner login needs its practitioner: choose whose schedule it sees.",
        ),
        _ => {}
    }
    if let Some(reason) = password::weakness(&form.password, email) {
        errors.add("password", reason);
    }
    match role {
        Some(role) if errors.is_empty() => Ok((role, practitioner.map(str::to_owned))),
        _ => Err(errors),
    }
}

/// `POST /admin/staff`.
pub async fn add(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<AddForm>,
) -> Response {
    if let Err(r) = session.require(&[Role::Admin]) {
        return r;
    }
    let email = form.email.trim().to_lowercase();
    let checked = check_add(&form, &email, &state.clinic().setup);
    let (role, practitioner) = match checked {
        Ok(ok) => ok,
        Err(errors) => {
            let view = View {
                add: Some(&form),
                add_errors: errors,
                ..View::default()
            };
            return render(&state, &session, view, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let hash = match hash_password(form.password.clone()).await {
        Ok(h) => h,
        Err(err) => return err.into_response(),
    };
    match state
        .store
        .create_staff(&email, &hash, role.as_str(), practitioner.as_deref())
        .await
    {
        Ok(Some(created)) => {
            tracing::info!(by = %session.staff.email, staff = %created.email, role = %created.role, "staff login added");
            Redirect::to("/admin/staff?done=added").into_response()
        }
        Ok(None) => {
            let mut errors = FieldErrors::default();
            errors.add("email", "A staff login with this email already exists.");
            let view = View {
                add: Some(&form),
                add_errors: errors,
                ..View::default()
            };
            render(&state, &session, view, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => ApiError::internal(err).into_response(),
    }
}

/// The staff login with this id, or the page to answer with instead.
async fn find_staff(state: &AppState, session: &StaffSession, id: &str) -> Result<Staff, Response> {
    match state.store.staff_list().await {
        Ok(list) => list
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| not_found(state, session)),
        Err(err) => Err(ApiError::internal(err).into_response()),
    }
}

fn not_found(state: &AppState, session: &StaffSession) -> Response {
    let body = html! {
        h1 { "No such staff login" }
        p { a href="/admin/staff" { "Back to staff" } }
    };
    (
        StatusCode::NOT_FOUND,
        admin_page(state, session, "Not found", "/admin/staff", body),
    )
        .into_response()
}

/// `POST /admin/staff/{id}/active`.
pub async fn set_active(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<ActiveForm>,
) -> Response {
    if let Err(r) = session.require(&[Role::Admin]) {
        return r;
    }
    let target = match find_staff(&state, &session, &id).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let active = match form.active.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            let view = View {
                alert: Some("Choose to enable or disable the login.".into()),
                ..View::default()
            };
            return render(&state, &session, view, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    if !active && target.id == session.staff.id {
        let view = View {
            alert: Some("You cannot disable your own login; ask another admin.".into()),
            ..View::default()
        };
        return render(&state, &session, view, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match state.store.set_staff_active(&target.id, active).await {
        Ok(true) => {
            tracing::info!(by = %session.staff.email, staff = %target.email, active, "staff login changed");
            Redirect::to(if active {
                "/admin/staff?done=enabled"
            } else {
                "/admin/staff?done=disabled"
            })
            .into_response()
        }
        Ok(false) => not_found(&state, &session),
        Err(err) => ApiError::internal(err).into_response(),
    }
}

/// `POST /admin/staff/{id}/password`.
pub async fn reset_password(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<PasswordForm>,
) -> Response {
    if let Err(r) = session.require(&[Role::Admin]) {
        return r;
    }
    let target = match find_staff(&state, &session, &id).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Some(reason) = password::weakness(&form.password, &target.email) {
        let view = View {
            alert: Some(format!(
                "The password for {} was not changed.",
                target.email
            )),
            password_error: Some((&id, reason)),
            ..View::default()
        };
        return render(&state, &session, view, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let hash = match hash_password(form.password).await {
        Ok(h) => h,
        Err(err) => return err.into_response(),
    };
    match state.store.set_staff_password(&target.id, &hash).await {
        Ok(true) => {
            tracing::info!(by = %session.staff.email, staff = %target.email, "staff password reset");
            Redirect::to("/admin/staff?done=password").into_response()
        }
        Ok(false) => not_found(&state, &session),
        Err(err) => ApiError::internal(err).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(email: &str, role: &str, practitioner: &str, password: &str) -> AddForm {
        AddForm {
            email: email.into(),
            role: role.into(),
            practitioner: practitioner.into(),
            password: password.into(),
        }
    }

    const GOOD: &str = "correct horse battery staple";

    #[test]
    fn emails_are_checked_plainly() {
        assert_eq!(email_problem("maya@clinic.example"), None);
        assert!(email_problem("").is_some());
        for bad in [
            "maya",
            "@clinic.example",
            "maya@",
            "maya@clinic",
            "ma ya@clinic.example",
            "a@b@c.example",
            "maya@.example",
        ] {
            assert!(email_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn the_add_form_needs_a_practitioner_for_practitioners() {
        let setup = clinic::demo();
        let ok = check_add(
            &form("sam@clinic.example", "practitioner", "sam-ortiz", GOOD),
            "sam@clinic.example",
            &setup,
        );
        assert_eq!(
            ok.ok(),
            Some((Role::Practitioner, Some("sam-ortiz".to_owned())))
        );
        let missing = check_add(
            &form("sam@clinic.example", "practitioner", "", GOOD),
            "sam@clinic.example",
            &setup,
        )
        .unwrap_err();
        assert!(missing.get("practitioner").is_some());
        let unknown = check_add(
            &form("sam@clinic.example", "front-desk", "nobody", GOOD),
            "sam@clinic.example",
            &setup,
        )
        .unwrap_err();
        assert!(unknown.get("practitioner").is_some());
        let desk = check_add(
            &form("desk@clinic.example", "front-desk", "", GOOD),
            "desk@clinic.example",
            &setup,
        );
        assert_eq!(desk.ok(), Some((Role::FrontDesk, None)));
    }

    #[test]
    fn the_add_form_reports_every_problem_beside_its_field() {
        let setup = clinic::demo();
        let errors = check_add(&form("nope", "owner", "", "short"), "nope", &setup).unwrap_err();
        for field in ["email", "role", "password"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn notices_are_known_words_only() {
        assert!(done_notice("added").is_some());
        assert!(done_notice("<script>").is_none());
    }
}
