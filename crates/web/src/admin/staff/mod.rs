//! `/admin/staff`: the owner's list of staff logins, enabling and disabling them, resetting
//! a password, and adding a login. Admins only.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use store::Staff;

use super::layout::admin_page;
use crate::auth::password;
use crate::auth::{AdminSession, Role, StaffSession};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::forms::FieldErrors;

mod security;
mod view;

pub use security::{reset_two_factor, revoke_token, sign_out_everyone};

use view::{Row, View, not_found_body, page_body};

/// `?done=…` after a redirect, naming the action to confirm.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    done: String,
}

/// A new login as typed; every field defaults to empty so a missing one gets its message.
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

/// Enable (`true`) or disable (`false`) a login; anything else is refused with a message.
#[derive(Debug, Default, Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    active: String,
}

/// The new password an admin sets for someone who lost theirs.
#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

/// The sentence shown after a successful action, from the redirect's `done`.
fn done_notice(done: &str) -> Option<&'static str> {
    match done {
        "added" => Some("Staff login added. They can sign in now."),
        "enabled" => Some("Login enabled."),
        "disabled" => Some("Login disabled; any open sessions have been signed out."),
        "password" => Some("Password reset; that login's open sessions have been signed out."),
        other => security::done_notice(other),
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

/// The page with `view`, answered with `status`: looks up the list and the names it shows.
async fn render(
    state: &AppState,
    session: &StaffSession,
    view: View<'_>,
    status: StatusCode,
) -> Response {
    let looked_up = async {
        Ok::<_, store::StoreError>((
            state.store.staff_list().await?,
            state.store.staff_tokens(None).await?,
            state.store.two_factor_staff_ids().await?,
        ))
    };
    let (staff, tokens, two_factor_on) = match looked_up.await {
        Ok(found) => found,
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let clinic = state.clinic();
    let setup = &clinic.setup;
    let rows: Vec<Row<'_>> = staff
        .iter()
        .map(|s| Row {
            staff: s,
            practitioner: s.practitioner_id.as_deref().map(|id| {
                setup
                    .practitioner(id)
                    .map_or_else(|| id.to_owned(), |p| p.name.clone())
            }),
            myself: s.id == session.staff.id,
            password_error: view
                .password_error
                .as_ref()
                .filter(|(id, _)| *id == s.id)
                .map(|(_, m)| m.as_str()),
        })
        .collect();
    let body = maud::html! {
        (page_body(session, &rows, &setup.practitioners, &view))
        (security::section(state, session, &staff, &tokens, &two_factor_on))
    };
    (
        status,
        admin_page(state, session, "Staff", "/admin/staff", body),
    )
        .into_response()
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
    AdminSession(session): AdminSession,
    Query(query): Query<PageQuery>,
) -> Response {
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
    AdminSession(session): AdminSession,
    Form(form): Form<AddForm>,
) -> Response {
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

/// The 404 page for a login that is not (or no longer) there.
fn not_found(state: &AppState, session: &StaffSession) -> Response {
    (
        StatusCode::NOT_FOUND,
        admin_page(
            state,
            session,
            "Not found",
            "/admin/staff",
            not_found_body(),
        ),
    )
        .into_response()
}

/// `POST /admin/staff/{id}/active`.
pub async fn set_active(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Path(id): Path<String>,
    Form(form): Form<ActiveForm>,
) -> Response {
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
    AdminSession(session): AdminSession,
    Path(id): Path<String>,
    Form(form): Form<PasswordForm>,
) -> Response {
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
mod tests;
