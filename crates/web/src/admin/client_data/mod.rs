//! A client's rights over their data, in the back office: "Download their data" (the
//! export archive) and "Erase this client" (a page that says what goes, what is kept and
//! until when, and a typed confirmation). Both are the admin's acts: the archive holds every
//! practitioner's records of the client, and an erasure cannot be undone.

mod view;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use maud::{Markup, html};
use serde::Deserialize;
use service::Refusal;
use store::Client;

use super::layout::admin_page;
use crate::auth::{AdminSession, Role, StaffSession};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::forms::FieldErrors;
use crate::ui::refusal::FormRefusal;

/// The erasure form: the client's e-mail address typed again.
#[derive(Debug, Default, Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    confirm: String,
}

/// The client's page's part: the links to both, or what an erasure kept. Admins only.
pub async fn section(
    state: &AppState,
    session: &StaffSession,
    client: &Client,
) -> Result<Markup, Response> {
    if session.role != Role::Admin {
        return Ok(html! {});
    }
    let erasure = state
        .flows
        .erasure_of(&client.id)
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    let clinic = state.clinic();
    Ok(view::section(&clinic, &client.id, erasure.as_ref()))
}

/// The client with this id, or the back office's 404 page.
async fn client_or_404(
    state: &AppState,
    session: &StaffSession,
    id: &str,
) -> Result<Client, Response> {
    match state.store.client(id).await {
        Ok(Some(client)) => Ok(client),
        Ok(None) => Err(not_found(state, session)),
        Err(err) => Err(ApiError::internal(err).into_response()),
    }
}

fn not_found(state: &AppState, session: &StaffSession) -> Response {
    let body = html! {
        h1 { "No such client" }
        p { a href="/admin/clients" { "Search clients" } }
    };
    (
        StatusCode::NOT_FOUND,
        admin_page(state, session, "Not found", "/admin/clients", body),
    )
        .into_response()
}

/// `GET /admin/clients/{id}/export`: everything the clinic holds on the client as one zip
/// archive. The workflow writes the export to the audit trail before it is packed.
pub async fn export(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Path(id): Path<String>,
) -> Response {
    let client = match client_or_404(&state, &session, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let now = Timestamp::now();
    match crate::export::client_archive(&state.flows, &client.email, now).await {
        Ok(archive) => archive_response(archive, now),
        Err(err) => {
            let err = FormRefusal::from(err);
            let body = html! {
                h1 { "Their data could not be exported" }
                p.notice.danger role="alert" { (err.message) }
                p { a href=(format!("/admin/clients/{id}")) { "Back to the client" } }
            };
            (
                err.status,
                admin_page(&state, &session, "Export failed", "/admin/clients", body),
            )
                .into_response()
        }
    }
}

/// The archive as a download: a zip attachment with its name, never stored by a cache.
pub(crate) fn archive_response(archive: Vec<u8>, now: Timestamp) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}\"",
                    crate::export::archive_name(now)
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        archive,
    )
        .into_response()
}

/// `GET /admin/clients/{id}/erase`: what an erasure would do, and the form that confirms
/// it; once erased, what was kept, why and until when. An erased client whose kept record
/// was purged has no client row left, but their erasure still shows.
pub async fn erase_page(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Path(id): Path<String>,
) -> Response {
    let client = match state.store.client(&id).await {
        Ok(client) => client,
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let erasure = match state.flows.erasure_of(&id).await {
        Ok(e) => e,
        Err(err) => return ApiError::from(err).into_response(),
    };
    let Some(client) = client else {
        return match erasure {
            Some(erasure) => done(&state, &session, None, &erasure).await,
            None => not_found(&state, &session),
        };
    };
    // The page names the client and their last treatment's date.
    if let Err(e) = crate::audit::record_reads(
        &state,
        &[crate::audit::read("client", &client.id, &client.id)],
    )
    .await
    {
        return e.into_response();
    }
    match erasure {
        Some(erasure) => done(&state, &session, Some(&client), &erasure).await,
        None => {
            confirm(
                &state,
                &session,
                &client,
                "",
                &FieldErrors::default(),
                None,
                StatusCode::OK,
            )
            .await
        }
    }
}

/// `POST /admin/clients/{id}/erase`: erases the client once their e-mail address is typed
/// again; a booking still ahead refuses it with the reason, nothing changed.
pub async fn erase(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Path(id): Path<String>,
    Form(form): Form<EraseForm>,
) -> Response {
    let client = match client_or_404(&state, &session, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let done_page = format!("/admin/clients/{}/erase", client.id);
    match state.flows.erasure_of(&client.id).await {
        Ok(Some(_)) => return Redirect::to(&done_page).into_response(),
        Ok(None) => {}
        Err(err) => return ApiError::from(err).into_response(),
    }
    let typed = form.confirm.trim();
    let mut errors = FieldErrors::default();
    if let Err(refusal) = check_confirmation(&client, typed) {
        errors.add("confirm", refusal.to_string());
    }
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return confirm(&state, &session, &client, typed, &errors, None, status).await;
    }
    match state
        .flows
        .erase_client(&client.email, &session.staff.id, Timestamp::now())
        .await
    {
        Ok(erased) => {
            forget_written_mail(&state, &erased.outbox_ids);
            Redirect::to(&done_page).into_response()
        }
        Err(err) => {
            let err = FormRefusal::from(err);
            let status = err.status;
            confirm(
                &state,
                &session,
                &client,
                typed,
                &errors,
                Some(&err.message),
                status,
            )
            .await
        }
    }
}

/// Checks the typed confirmation of an erasure: the client's e-mail address, in any case.
pub(crate) fn check_confirmation(client: &Client, typed: &str) -> Result<(), Refusal> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(Refusal::invalid(
            "confirm",
            "Type the client's e-mail address to confirm the erasure.",
        ));
    }
    if !typed.eq_ignore_ascii_case(&client.email) {
        return Err(Refusal::invalid(
            "confirm",
            "That is not this client's e-mail address; nothing was erased.",
        ));
    }
    Ok(())
}

/// Removes the `.eml` copies of the client's messages from the outbox folders, as
/// `collagen client erase` does; the rows are gone already, so a failure is only logged.
pub(crate) fn forget_written_mail(state: &AppState, ids: &[String]) {
    let mut dirs = vec![state.config.data_dir.join("outbox")];
    if let crate::MailConfig::Outbox { dir, .. } = &state.config.mail
        && !dirs.contains(dir)
    {
        dirs.push(dir.clone());
    }
    for dir in dirs {
        if let Err(err) = mail::remove_written(&dir, ids) {
            tracing::warn!(dir = %dir.display(), error = %err, "could not remove an erased client's mail files");
        }
    }
}

/// The confirmation page, with what was typed, its error or the workflow's refusal.
async fn confirm(
    state: &AppState,
    session: &StaffSession,
    client: &Client,
    typed: &str,
    errors: &FieldErrors,
    refused: Option<&str>,
    status: StatusCode,
) -> Response {
    let plan = match state.flows.erasure_plan(&client.id, Timestamp::now()).await {
        Ok(plan) => plan,
        Err(err) => return ApiError::from(err).into_response(),
    };
    let clinic = state.clinic();
    let body = view::confirm(&view::Confirm {
        clinic: &clinic,
        session,
        client,
        plan: &plan,
        typed,
        errors,
        refused,
    });
    (
        status,
        admin_page(state, session, "Erase a client", "/admin/clients", body),
    )
        .into_response()
}

/// The page after an erasure: what was kept, why and until when.
async fn done(
    state: &AppState,
    session: &StaffSession,
    client: Option<&Client>,
    erasure: &store::Erasure,
) -> Response {
    let by = match state.store.staff_list().await {
        Ok(staff) => staff
            .into_iter()
            .find(|s| s.id == erasure.requested_by)
            .map_or_else(|| erasure.requested_by.clone(), |s| s.email),
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let clinic = state.clinic();
    let body = view::done(&clinic, client, erasure, &by);
    admin_page(state, session, "Client erased", "/admin/clients", body).into_response()
}
