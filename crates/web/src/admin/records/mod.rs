//! The treatment record pages for practitioners: write the record for a visit, sign it off,
//! amend it afterwards, and recall by lot. Large fields and buttons for a tablet used with
//! gloves; plain forms, no script. Clinical roles only: the front desk never sees a record.

mod form;
pub mod recall;
mod view;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use maud::{Markup, html};
use service::{RecordView, Refusal};
use store::Booking;

use super::layout::{admin_page, csrf_field};
use crate::auth::ClinicalSession;
use crate::state::AppState;
use crate::ui::forms::FieldErrors;
use crate::ui::refusal::FormRefusal;
use form::{RecordForm, input_for};

/// What the page shows besides the record: what was typed, and what was wrong with it.
#[derive(Default)]
struct Typed {
    form: Option<RecordForm>,
    reason: String,
    errors: FieldErrors,
    problem: Option<String>,
}

async fn page(
    state: &AppState,
    session: &ClinicalSession,
    b: &Booking,
    record: Option<&RecordView>,
    typed: Typed,
) -> Markup {
    let clinic = state.clinic();
    let session = &session.0;
    let names = crate::api::records::staff_names(state).await;
    let start = b.start.to_zoned_datetime(clinic.timezone.clone());
    let service = clinic
        .setup
        .service(&b.service_id)
        .map_or(b.service_id.as_str(), |s| s.name.as_str());
    let action = format!("/admin/bookings/{}/record", b.id);
    let prefilled = record.map(|r| RecordForm::from_body(&r.current.to_body()));
    let form = typed.form.or(prefilled).unwrap_or_else(|| RecordForm {
        fields: clinic
            .setup
            .devices
            .first()
            .map(|d| vec![("device".to_owned(), d.id.clone())])
            .unwrap_or_default(),
    });
    let errors = &typed.errors;
    let body = html! {
        p { a href=(format!("/admin/bookings/{}", b.id)) { "← Booking " (b.reference) } }
        h1 { "Treatment record" }
        p { strong { (b.client.name) } " · " (service) " · " (clinic.when(&start)) " · " (b.status.as_str().replace('_', " ")) }
        @if let Some(p) = &typed.problem { div.notice.danger role="alert" { p { (p) } } }
        (errors.summary(|f| f.replace(['_', '.'], " ")))
        // Every level of heading in turn: the record and the form each under an h2.
        @if let Some(r) = record.filter(|r| r.is_signed()) {
                h2 { "The signed record" }
                (view::history(&clinic, r, &names))
                h2 { "Amend the record" }
                p.hint { "The signed record stays as it is; an amendment adds what changed, who changed it and why." }
                form.record-form method="post" action=(format!("{action}/amendments")) {
                    (csrf_field(session))
                    (crate::ui::forms::Input { name: "reason", label: "Why it is amended", kind: "textarea", value: &typed.reason, hint: None, required: true, autocomplete: None }.render(errors))
                    (form::fields(&clinic, &form, errors))
                    button type="submit" { "Save amendment" }
                }
        } @else {
                @if let Some(r) = record {
                    h2 { "The record so far" }
                    (view::history(&clinic, r, &names))
                    form.record-actions method="post" action=(format!("{action}/sign")) {
                        (csrf_field(session))
                        p.hint { "Once signed, the record can no longer be edited, only amended." }
                        button type="submit" { "Sign off the record" }
                    }
                    h2 { "Correct before signing" }
                } @else {
                    h2 { "Write the record" }
                }
                @if clinic.setup.devices.is_empty() {
                    div.notice.danger role="alert" { p { "The clinic file lists no devices; add one under [[devices]] before writing a record." } }
                }
                form.record-form method="post" action=(action) {
                    (csrf_field(session))
                    (form::fields(&clinic, &form, errors))
                    button type="submit" { "Save the record" }
                }
        }
    };
    admin_page(state, session, "Treatment record", "", body)
}

/// Loads the booking a clinical staff member may see, or the page to answer instead.
async fn load(state: &AppState, session: &ClinicalSession, id: &str) -> Result<Booking, Response> {
    super::bookings::load(state, &session.0, id).await
}

async fn refused(
    state: &AppState,
    session: &ClinicalSession,
    b: &Booking,
    err: Refusal,
    mut typed: Typed,
    area_ids: &[String],
    product_rows: &[usize],
) -> Response {
    let record = state.flows.record(b).await.ok().flatten();
    let err = FormRefusal::from(err);
    match &err.field {
        Some(field) if field == "reason" => typed.errors.add("reason", err.message.clone()),
        Some(field) => typed.errors.add(
            input_for(field, area_ids, product_rows),
            err.message.clone(),
        ),
        None => typed.problem = Some(err.message.clone()),
    }
    let markup = page(state, session, b, record.as_ref(), typed).await;
    (err.status, markup).into_response()
}

/// `GET /admin/bookings/{id}/record`.
pub async fn show(
    State(state): State<AppState>,
    session: ClinicalSession,
    Path(id): Path<String>,
) -> Response {
    let b = match load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    if let Err(e) =
        crate::audit::record_reads(&state, &[crate::audit::read("record", &b.id, &b.client.id)])
            .await
    {
        return e.into_response();
    }
    match state.flows.record(&b).await {
        Ok(record) => page(&state, &session, &b, record.as_ref(), Typed::default())
            .await
            .into_response(),
        Err(err) => refused(&state, &session, &b, err, Typed::default(), &[], &[]).await,
    }
}

fn fields_without_csrf(fields: Vec<(String, String)>) -> Vec<(String, String)> {
    fields.into_iter().filter(|(n, _)| n != "csrf").collect()
}

/// `POST /admin/bookings/{id}/record`: writes or corrects the unsigned record.
pub async fn save(
    State(state): State<AppState>,
    session: ClinicalSession,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let b = match load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let typed_form = RecordForm {
        fields: fields_without_csrf(fields),
    };
    let mut errors = FieldErrors::default();
    let (body, area_ids, product_rows) = typed_form.to_body(&state.clinic(), &mut errors);
    let typed = |errors| Typed {
        form: Some(typed_form.clone()),
        errors,
        ..Typed::default()
    };
    if !errors.is_empty() {
        let record = state.flows.record(&b).await.ok().flatten();
        let markup = page(&state, &session, &b, record.as_ref(), typed(errors)).await;
        return (StatusCode::UNPROCESSABLE_ENTITY, markup).into_response();
    }
    match state
        .flows
        .save_record(&b, &body, &session.0.staff.id, Timestamp::now())
        .await
    {
        Ok(_) => Redirect::to(&format!("/admin/bookings/{id}/record")).into_response(),
        Err(err) => {
            refused(
                &state,
                &session,
                &b,
                err,
                typed(errors),
                &area_ids,
                &product_rows,
            )
            .await
        }
    }
}

/// `POST /admin/bookings/{id}/record/sign`.
pub async fn sign(
    State(state): State<AppState>,
    session: ClinicalSession,
    Path(id): Path<String>,
) -> Response {
    let b = match load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    match state
        .flows
        .sign_record(&b, &session.0.staff.id, Timestamp::now())
        .await
    {
        Ok(_) => Redirect::to(&format!("/admin/bookings/{id}/record")).into_response(),
        Err(err) => refused(&state, &session, &b, err, Typed::default(), &[], &[]).await,
    }
}

/// `POST /admin/bookings/{id}/record/amendments`: the whole form as it should read now,
/// and the reason; what differs from the record becomes the amendment.
pub async fn amend(
    State(state): State<AppState>,
    session: ClinicalSession,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let b = match load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let fields = fields_without_csrf(fields);
    let reason = fields
        .iter()
        .find(|(n, _)| n == "reason")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let typed_form = RecordForm { fields };
    let mut errors = FieldErrors::default();
    let (body, area_ids, product_rows) = typed_form.to_body(&state.clinic(), &mut errors);
    let record = match state.flows.record(&b).await {
        Ok(r) => r,
        Err(err) => return refused(&state, &session, &b, err, Typed::default(), &[], &[]).await,
    };
    let typed = |errors| Typed {
        form: Some(typed_form.clone()),
        reason: reason.clone(),
        errors,
        problem: None,
    };
    if !errors.is_empty() {
        let markup = page(&state, &session, &b, record.as_ref(), typed(errors)).await;
        return (StatusCode::UNPROCESSABLE_ENTITY, markup).into_response();
    }
    let before = record.map(|r| r.current.to_body()).unwrap_or_default();
    let changes = body.changed_from(&before);
    match state
        .flows
        .amend_record(&b, &reason, &changes, &session.0.staff.id, Timestamp::now())
        .await
    {
        Ok(_) => Redirect::to(&format!("/admin/bookings/{id}/record")).into_response(),
        Err(err) => {
            refused(
                &state,
                &session,
                &b,
                err,
                typed(errors),
                &area_ids,
                &product_rows,
            )
            .await
        }
    }
}
