//! The clinic's tablet for consent (`/admin/bookings/{id}/consent`): a staff member opens it
//! for the client, who reads and signs with large targets; the signature records who opened
//! it. And the printable copy of every consent the client signed (`…/consent/print`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{PreEscaped, html};
use service::PhotoUse;

use super::tablet;
use crate::admin::bookings::load;
use crate::admin::layout::admin_page;
use crate::api::consent::user_agent;
use crate::auth::StaffSession;
use crate::error::ApiError;
use crate::extract::ClientAddr;
use crate::state::AppState;
use crate::ui::consent_form::{ConsentForms, Typed, markdown_html, refusal_errors};
use crate::ui::forms::{FieldErrors, query_pairs};

/// `GET /admin/bookings/{id}/consent`: the documents for the client to sign on the tablet.
pub async fn form(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Response {
    let b = match load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    if let Err(e) = crate::audit::record_reads(
        &state,
        &[crate::audit::read("consent", &b.id, &b.client.id)],
    )
    .await
    {
        return e.into_response();
    }
    render(
        &state,
        &session,
        &b,
        &Typed::default(),
        &FieldErrors::default(),
        None,
    )
    .await
}

/// `POST /admin/bookings/{id}/consent`: signs one document for the client at the clinic.
pub async fn submit(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let b = match load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let typed = Typed::from_pairs(&query_pairs(&String::from_utf8_lossy(&body)));
    let input = typed.input(
        addr.to_string(),
        user_agent(&headers),
        Some(session.staff.id.clone()),
    );
    match state
        .flows
        .sign_consent(&b, input, jiff::Timestamp::now())
        .await
    {
        // The signed document's own id, never the typed one, goes into the Location header.
        Ok(signed) => Redirect::to(&format!(
            "/admin/bookings/{id}/consent#doc-{}",
            signed.document
        ))
        .into_response(),
        Err(refusal) => {
            let (errors, above, status) = refusal_errors(&typed, refusal);
            let page = render(&state, &session, &b, &typed, &errors, above.as_deref()).await;
            (status, page).into_response()
        }
    }
}

async fn render(
    state: &AppState,
    session: &StaffSession,
    b: &store::Booking,
    typed: &Typed,
    errors: &FieldErrors,
    above: Option<&str>,
) -> Response {
    let docs = match state.flows.consent_documents(b).await {
        Ok(docs) => docs,
        Err(err) => return ApiError::from(err).into_response(),
    };
    let clinic = state.clinic();
    let action = format!("/admin/bookings/{}/consent", b.id);
    let forms = ConsentForms {
        action: &action,
        csrf: Some(&session.csrf),
        docs: &docs,
        typed,
        errors,
        clinic: &clinic,
    };
    let body = tablet(html! {
        h1 { "Consent: " (b.client.name) }
        p.lead { "Please read each document, then type your full name, tick that you agree and sign. Ask us about anything first." }
        @if let Some(message) = above { div.notice.warn role="alert" { p { (message) } } }
        (forms.render())
        p { a href=(format!("/admin/bookings/{}/arrival", b.id)) { "Done: back to the arrival check" } }
    });
    admin_page(state, session, "Consent", "", body).into_response()
}

/// `GET /admin/bookings/{id}/consent/print`: every consent the client signed, one per printed
/// page, with the exact text, its hash and how it was signed.
pub async fn print(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Response {
    let b = match load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    if let Err(e) = crate::audit::record_reads(
        &state,
        &[crate::audit::read("consent", &b.id, &b.client.id)],
    )
    .await
    {
        return e.into_response();
    }
    let signed = match state.flows.signed_consents(&b).await {
        Ok(s) => s,
        Err(err) => return ApiError::from(err).into_response(),
    };
    let clinic = state.clinic();
    let tz = clinic.timezone.clone();
    let body = html! {
        h1.no-print { "Signed consents: " (b.client.name) }
        p.no-print { "Print this page for the paper record; each consent starts on a new page." }
        @if signed.is_empty() { p.notice { "This client has not signed a consent yet." } }
        @for s in &signed {
            article.consent-print {
                h2 { (s.title) }
                p.small { (clinic.setup.clinic.name) " · version " (s.version) }
                div.consent-text { (PreEscaped(markdown_html(&s.text))) }
                dl.summary {
                    dt { "Client" } dd { (b.client.name) @if let Some(e) = b.client.email_address() { " · " (e) } }
                    @if let Some(choice) = s.choice.as_deref().and_then(PhotoUse::parse) { dt { "Choice" } dd { (choice.words()) } }
                    dt { "Signed by" } dd { strong { (s.signed_name) } ", typed with \"I agree\" ticked" }
                    dt { "Signed at" } dd { (clinic.when(&s.signed_at.to_zoned_datetime(tz.clone()))) }
                    dt { "Where" } dd { @if s.witnessed_by.is_some() { "On the clinic's tablet" } @else { "Online, from the client's manage link" } }
                    dt { "Address" } dd { (s.address) }
                    dt { "Browser" } dd.small { (s.user_agent) }
                    dt { "SHA-256 of the text" } dd { code { (s.sha256) } }
                }
            }
        }
    };
    admin_page(&state, &session, "Signed consents", "", body).into_response()
}
