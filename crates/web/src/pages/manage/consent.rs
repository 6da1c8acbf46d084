//! `/manage/{token}/consent`: the client reads and signs the clinic's consent documents at
//! home, as a form that works without JavaScript. The manage link's secret token is the key,
//! as for the manage page's other forms.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use service::{consent_path, manage_path};

use super::Managed;
use crate::api::consent::user_agent;
use crate::extract::ClientAddr;
use crate::state::AppState;
use crate::ui::consent_form::{ConsentForms, Typed, refusal_errors};
use crate::ui::forms::{FieldErrors, query_pairs};
use crate::ui::layout::{PageMeta, page};

const TITLE: &str = "Consent before your treatment";

/// `GET /manage/{token}/consent`: every document, signed or with its form.
pub async fn form(State(state): State<AppState>, Managed { token, booking }: Managed) -> Response {
    render(
        &state,
        &token,
        &booking,
        &Typed::default(),
        &FieldErrors::default(),
        None,
    )
    .await
}

/// `POST /manage/{token}/consent`: signs one document; the page again, with the signature or
/// with what to fix and everything typed kept.
pub async fn submit(
    State(state): State<AppState>,
    Managed { token, booking }: Managed,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let typed = Typed::from_pairs(&query_pairs(&String::from_utf8_lossy(&body)));
    let input = typed.input(addr.to_string(), user_agent(&headers), None);
    match state
        .flows
        .sign_consent(&booking, input, jiff::Timestamp::now())
        .await
    {
        // The signed document's own id, never the typed one, goes into the Location header.
        Ok(signed) => Redirect::to(&format!("{}#doc-{}", consent_path(&token), signed.document))
            .into_response(),
        Err(refusal) => {
            let (errors, above, status) = refusal_errors(&typed, refusal);
            let page = render(&state, &token, &booking, &typed, &errors, above.as_deref()).await;
            (status, page).into_response()
        }
    }
}

async fn render(
    state: &AppState,
    token: &str,
    booking: &store::Booking,
    typed: &Typed,
    errors: &FieldErrors,
    above: Option<&str>,
) -> Response {
    let docs = match state.flows.consent_documents(booking).await {
        Ok(docs) => docs,
        Err(err) => return crate::error::ApiError::from(err).into_response(),
    };
    let clinic = state.clinic();
    let action = consent_path(token);
    let forms = ConsentForms {
        action: &action,
        csrf: None,
        docs: &docs,
        typed,
        errors,
        clinic: &clinic,
    };
    let body: Markup = html! {
        h1 { (TITLE) }
        p.lead { "Please read each document and sign it with your full name. You can ask us about anything before you sign, and change your mind at any time." }
        @if let Some(message) = above { div.notice.warn role="alert" { p { (message) } } }
        (forms.render())
        p { a href=(manage_path(token)) { "Back to your appointment" } }
    };
    page(
        state,
        PageMeta::new(TITLE, "Read and sign your consent.", "/manage").private(),
        body,
    )
    .into_response()
}

/// The manage page's pointer to the consent page: what is still to sign, or that it is done.
pub fn manage_link(token: &str, missing: bool) -> Markup {
    html! {
        h2 { "Consent" }
        @if missing {
            p { "Please read and sign your consent before your treatment." }
            p { a.button href=(consent_path(token)) { "Read and sign" } }
        } @else {
            p { "Thank you: your consent is signed. " a href=(consent_path(token)) { "Read it or change your photo choice" } }
        }
    }
}
