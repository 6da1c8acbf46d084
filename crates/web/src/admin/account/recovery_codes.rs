//! `POST /admin/account/two-factor/recovery-codes`: a member with two-factor sign-in on
//! makes ten new recovery codes, and the old ones stop working at once (after using some,
//! or fearing the list was seen). It takes a current code from their app, counted like a
//! sign-in code, so a browser left signed in cannot make codes for someone else to keep.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::two_factor_pages;
use crate::admin::layout::{admin_page, csrf_field};
use crate::auth::throttle::{self, Attempt};
use crate::auth::{ENROL_PATH, StaffSession, device, totp, two_factor};
use crate::error::ApiError;
use crate::extract::ClientAddr;
use crate::state::AppState;
use crate::ui::forms::{FieldErrors, Input};

/// Where the form posts.
pub const RENEW_PATH: &str = "/admin/account/two-factor/recovery-codes";

/// The code from the app, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct RenewForm {
    #[serde(default)]
    code: String,
}

/// The form on the two-factor page, for a member whose two-factor sign-in is on.
pub fn form(session: &StaffSession, errors: &FieldErrors) -> Markup {
    html! {
        h2 { "New recovery codes" }
        p { "Used some of your recovery codes, or worried someone saw them? Make ten new ones: the old ones stop working at once." }
        (errors.summary(|_| "Code".into()))
        form method="post" action=(RENEW_PATH) {
            (csrf_field(session))
            (Input { name: "code", label: "Code from your app", kind: "text", value: "", hint: None, required: true, autocomplete: Some("one-time-code") }.render(errors))
            button type="submit" { "Make new recovery codes" }
        }
    }
}

/// The codes as shown, this once.
pub fn shown(codes: &[String]) -> Markup {
    html! {
        h2 { "Your recovery codes" }
        p { "If you lose your phone, each of these signs you in once instead of a code. Write them down or print this page now and keep them somewhere safe: they are shown only this once." }
        ul.recovery-codes { @for c in codes { li { code { (c) } } } }
    }
}

/// The two-factor page again, with the code's error.
async fn refused(
    state: &AppState,
    session: &StaffSession,
    message: String,
    status: StatusCode,
) -> Response {
    let mut errors = FieldErrors::default();
    errors.add("code", message);
    two_factor_pages::render(state, session, &errors, status).await
}

/// `POST /admin/account/two-factor/recovery-codes`.
pub async fn renew(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    session: StaffSession,
    Form(form): Form<RenewForm>,
) -> Response {
    let tf = match state.store.two_factor(&session.staff.id).await {
        Ok(Some(tf)) if tf.confirmed_at.is_some() => tf,
        Ok(_) => return Redirect::to(ENROL_PATH).into_response(),
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let known_device = device::known_for(&state, &headers, Some(&session.staff.id)).await;
    let attempt = Attempt {
        account: &session.staff.id,
        address: addr,
        known_device: known_device.as_deref(),
    };
    let reservation = match throttle::reserve_code(&state.store, &attempt).await {
        Ok(Ok(reservation)) => reservation,
        Ok(Err(throttled)) => {
            let mut response = refused(
                &state,
                &session,
                throttled.message(),
                StatusCode::TOO_MANY_REQUESTS,
            )
            .await;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, throttled.retry_after_s.into());
            return response;
        }
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let key = totp::base32_decode(&tf.secret).unwrap_or_default();
    let code = two_factor::normalize(&form.code);
    let step = totp::matching_step(&key, &code, jiff::Timestamp::now().as_second());
    let (codes, hashes) = two_factor::new_recovery_codes();
    let renewed = match step {
        Some(step) => {
            match state
                .store
                .renew_recovery_codes(&session.staff.id, step, &hashes)
                .await
            {
                Ok(renewed) => renewed,
                Err(err) => return ApiError::internal(err).into_response(),
            }
        }
        None => false,
    };
    if !renewed {
        let message = if code.is_empty() {
            "Type the six-digit code your app shows."
        } else if step.is_some() {
            "That code was already used. Wait for the next code in your app and type that."
        } else {
            "That code is not right. Check that your phone's clock is set automatically, then type the current code."
        };
        return refused(
            &state,
            &session,
            message.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    if let Err(err) = throttle::succeeded(&state.store, reservation).await {
        tracing::warn!(%err, "could not clear the code count after a success");
    }
    tracing::info!(staff = %session.staff.email, "new recovery codes made; the old ones no longer work");
    let body = html! {
        h1 { "New recovery codes" }
        div.notice.ok role="status" { p { "Your old recovery codes no longer work." } }
        (shown(&codes))
        p { a href="/admin/account" { "I have kept them: back to your account" } }
    };
    admin_page(&state, &session, "Recovery codes", "/admin/account", body).into_response()
}
