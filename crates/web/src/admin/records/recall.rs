//! Recall by lot: which clients and visits a cartridge or product lot touched, as a table,
//! as CSV, and a letter to each of those clients through the outbox.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use service::{RecallQuery, Recalled, recall_csv};

use crate::admin::layout::{admin_page, csrf_field};
use crate::api::records::RecallParams;
use crate::auth::ClinicalSession;
use crate::state::AppState;
use crate::ui::forms::{FieldErrors, Input, query};
use crate::ui::refusal::FormRefusal;

fn view(
    state: &AppState,
    session: &ClinicalSession,
    params: &RecallParams,
    found: Option<&[Recalled]>,
    message: &str,
    errors: &FieldErrors,
    notice: Option<&str>,
) -> Markup {
    let clinic = state.clinic();
    let pairs = [
        ("lot", params.lot.as_str()),
        ("from", params.from.as_str()),
        ("to", params.to.as_str()),
    ];
    let body = html! {
        h1 { "Recall by lot" }
        p.hint { "Every client and visit whose treatment record names a cartridge or product lot, including lots corrected by an amendment." }
        @if let Some(n) = notice { div.notice role="status" { p { (n) } } }
        (errors.summary(|f| f.to_owned()))
        form.record-form method="get" action="/admin/recall" {
            (Input { name: "lot", label: "Lot number", kind: "text", value: &params.lot, hint: None, required: true, autocomplete: None }.render(errors))
            (Input { name: "from", label: "Treated from", kind: "date", value: &params.from, hint: None, required: false, autocomplete: None }.render(errors))
            (Input { name: "to", label: "Treated until", kind: "date", value: &params.to, hint: None, required: false, autocomplete: None }.render(errors))
            button type="submit" { "Search" }
        }
        @if let Some(found) = found {
            h2 { (found.len()) " visits" }
            @if !found.is_empty() {
                p { a.button.secondary href=(format!("/admin/recall.csv{}", query(&pairs))) { "Download as CSV" } }
                table.recall-table {
                    thead { tr { th { "Client" } th { "Email" } th { "Visit" } th { "Treated" } th { "Lot" } } }
                    tbody {
                        @for r in found {
                            tr {
                                td { a href=(format!("/admin/clients/{}", r.booking.client.id)) { (r.booking.client.name) } }
                                td { (r.booking.client.email_address().unwrap_or("no email")) }
                                td { a href=(format!("/admin/bookings/{}/record", r.booking.id)) { (r.booking.reference) } }
                                td { (clinic.when(&r.booking.start.to_zoned_datetime(clinic.timezone.clone()))) }
                                td { (r.lot) " (" (r.kind) ")" }
                            }
                        }
                    }
                }
                h2 { "Write to these clients" }
                form.record-form method="post" action="/admin/recall/write" {
                    (csrf_field(&session.0))
                    input type="hidden" name="lot" value=(params.lot);
                    input type="hidden" name="from" value=(params.from);
                    input type="hidden" name="to" value=(params.to);
                    (Input { name: "message", label: "What the clients should know", kind: "textarea", value: message, hint: Some("Each client receives one letter about their latest visit with this lot, with the clinic's phone number."), required: true, autocomplete: None }.render(errors))
                    button type="submit" { "Queue the letters" }
                }
            }
        }
    };
    admin_page(state, &session.0, "Recall", "/admin/recall", body)
}

async fn search(state: &AppState, params: &RecallParams) -> Result<Vec<Recalled>, FormRefusal> {
    let query = RecallQuery::parse(&params.lot, &params.from, &params.to)?;
    let found = state.flows.recall(&query).await?;
    crate::audit::record_reads(state, &crate::audit::recall_reads(&params.lot, &found))
        .await
        .map_err(|_| service::Refusal::Internal("the audit entry could not be written".into()))?;
    Ok(found)
}

fn with_error(err: &FormRefusal) -> FieldErrors {
    let mut errors = FieldErrors::default();
    errors.add(
        err.field.clone().unwrap_or_else(|| "lot".into()),
        err.message.clone(),
    );
    errors
}

/// `GET /admin/recall[?lot=…&from=…&to=…]`.
pub async fn page(
    State(state): State<AppState>,
    session: ClinicalSession,
    Query(params): Query<RecallParams>,
) -> Response {
    if params.lot.is_empty() && params.from.is_empty() && params.to.is_empty() {
        return view(
            &state,
            &session,
            &params,
            None,
            "",
            &FieldErrors::default(),
            None,
        )
        .into_response();
    }
    match search(&state, &params).await {
        Ok(found) => view(
            &state,
            &session,
            &params,
            Some(&found),
            "",
            &FieldErrors::default(),
            None,
        )
        .into_response(),
        Err(err) => (
            err.status,
            view(&state, &session, &params, None, "", &with_error(&err), None),
        )
            .into_response(),
    }
}

/// `GET /admin/recall.csv?lot=…`: the same list for a spreadsheet.
pub async fn csv(
    State(state): State<AppState>,
    session: ClinicalSession,
    Query(params): Query<RecallParams>,
) -> Response {
    match search(&state, &params).await {
        Ok(found) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"recall.csv\"",
                ),
            ],
            recall_csv(&state.clinic(), &found),
        )
            .into_response(),
        Err(err) => (
            err.status,
            view(&state, &session, &params, None, "", &with_error(&err), None),
        )
            .into_response(),
    }
}

/// The letter form: the search it applies to and the clinic's message.
#[derive(Debug, Default, Deserialize)]
pub struct WriteForm {
    #[serde(default)]
    lot: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    message: String,
}

/// `POST /admin/recall/write`: queues one letter to each client the lot touched.
pub async fn write(
    State(state): State<AppState>,
    session: ClinicalSession,
    Form(form): Form<WriteForm>,
) -> Response {
    let params = RecallParams {
        lot: form.lot.clone(),
        from: form.from.clone(),
        to: form.to.clone(),
    };
    let queued = match RecallQuery::parse(&params.lot, &params.from, &params.to) {
        Ok(q) => state.flows.write_to_recalled(&q, &form.message).await,
        Err(e) => Err(e),
    };
    let found = search(&state, &params).await.ok();
    match queued {
        Ok(n) => {
            let notice = format!("Queued {n} letters; they go out with the clinic's other mail.");
            view(
                &state,
                &session,
                &params,
                found.as_deref(),
                "",
                &FieldErrors::default(),
                Some(&notice),
            )
            .into_response()
        }
        Err(err) => {
            let err = FormRefusal::from(err);
            let status = if err.status.is_success() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                err.status
            };
            (
                status,
                view(
                    &state,
                    &session,
                    &params,
                    found.as_deref(),
                    &form.message,
                    &with_error(&err),
                    None,
                ),
            )
                .into_response()
        }
    }
}
