//! `/login/code`: the second step of signing in, for a member with an authenticator. The
//! password was right; the browser holds a short-lived step cookie, and must now give a
//! current code (each taken once) or an unused recovery code. The form has the sign-in
//! form's CSRF protection, and codes are throttled like passwords (`auth::throttle`).

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use crate::auth::throttle::{self, Attempt};
use crate::auth::two_factor::{self, Checked};
use crate::auth::{device, sessions, sign_in_csrf};
use crate::error::ApiError;
use crate::extract::ClientAddr;
use crate::state::AppState;
use crate::ui::forms::{FieldErrors, Input};
use crate::ui::layout::{PageMeta, page};

/// The second step's form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
}

/// The code form with an error or message, a CSRF token and its cookie.
fn code_page(
    state: &AppState,
    headers: &HeaderMap,
    errors: &FieldErrors,
    message: Option<&str>,
    status: StatusCode,
) -> Response {
    let (token, cookie) = sign_in_csrf::issue(state, headers);
    let body = html! {
        h1 { "Enter your sign-in code" }
        @if let Some(m) = message { div.notice.danger role="alert" { p { (m) } } }
        (errors.summary(|_| "Code".into()))
        p { "Open the authenticator app on your phone and type the six-digit code it shows for this clinic. If you do not have your phone, type one of your recovery codes instead; each works once." }
        form method="post" action="/login/code" {
            input type="hidden" name="csrf" value=(token);
            (Input { name: "code", label: "Code", kind: "text", value: "", hint: None, required: true, autocomplete: Some("one-time-code") }.render(errors))
            button type="submit" { "Sign in" }
        }
        p { a href="/login" { "Start again" } }
    };
    let mut response = (
        status,
        page(
            state,
            PageMeta::new(
                "Sign-in code",
                "The second step of signing in to the clinic's back office.",
                "/login/code",
            )
            .private(),
            body,
        ),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Back to the password, when there is no pending second step (it ran out or was used).
fn start_again() -> Response {
    Redirect::to("/login").into_response()
}

/// `GET /login/code`.
pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(hash) = two_factor::step_token_hash(&headers) else {
        return start_again();
    };
    match state.store.sign_in_step(&hash).await {
        Ok(Some(_)) => code_page(
            &state,
            &headers,
            &FieldErrors::default(),
            None,
            StatusCode::OK,
        ),
        Ok(None) => start_again(),
        Err(err) => ApiError::internal(err).into_response(),
    }
}

/// `POST /login/code`: same-site and token checks first, then the throttle, then the code;
/// the pending step is ended by exactly one request, which gets the session.
pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    if let Err(why) = sign_in_csrf::check(&state, &headers, &form.csrf) {
        tracing::warn!(?why, %addr, "refused a sign-in code without this site's form token");
        let message = "This form had expired or was not sent from this site, so nothing was done. Please type your code again.";
        return code_page(
            &state,
            &headers,
            &FieldErrors::default(),
            Some(message),
            StatusCode::FORBIDDEN,
        );
    }
    let Some(hash) = two_factor::step_token_hash(&headers) else {
        return start_again();
    };
    let (staff, next) = match state.store.sign_in_step(&hash).await {
        Ok(Some(found)) => found,
        Ok(None) => return start_again(),
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let known_device = device::known_for(&state, &headers, Some(&staff.id)).await;
    let attempt = Attempt {
        account: &staff.id,
        address: addr,
        known_device: known_device.as_deref(),
    };
    let reservation = match throttle::reserve_code(&state.store, &attempt).await {
        Ok(Ok(reservation)) => reservation,
        Ok(Err(throttled)) => {
            tracing::warn!(%addr, staff = %staff.email, "sign-in code throttled");
            let mut response = code_page(
                &state,
                &headers,
                &FieldErrors::default(),
                Some(&throttled.message()),
                StatusCode::TOO_MANY_REQUESTS,
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, throttled.retry_after_s.into());
            return response;
        }
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let checked = match two_factor::check(&state, &staff.id, &form.code).await {
        Ok(checked) => checked,
        Err(err) if err.is_secret_key() => {
            tracing::error!(%err, staff = %staff.email, "a two-factor secret does not open with this process's secret key");
            return code_page(
                &state,
                &headers,
                &FieldErrors::default(),
                Some(two_factor::KEY_TROUBLE),
                StatusCode::SERVICE_UNAVAILABLE,
            );
        }
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let problem = match checked {
        Checked::Code | Checked::RecoveryCode => None,
        Checked::Reused => Some(
            "That code was already used. Wait for the next code in your app (a new one appears every 30 seconds) and type that.",
        ),
        Checked::Wrong if form.code.trim().is_empty() => {
            Some("Type the six-digit code from your authenticator app, or a recovery code.")
        }
        Checked::Wrong => Some(
            "That code is not right. Check that your phone's clock is set automatically, or use a recovery code you have not used before.",
        ),
    };
    if let Some(problem) = problem {
        tracing::warn!(%addr, staff = %staff.email, ?checked, "sign-in code refused");
        let mut errors = FieldErrors::default();
        errors.add("code", problem);
        return code_page(&state, &headers, &errors, None, StatusCode::UNAUTHORIZED);
    }
    if let Err(err) = throttle::succeeded(&state.store, reservation).await {
        tracing::warn!(%err, "could not clear the code count after a success");
    }
    match state.store.finish_sign_in_step(&hash).await {
        Ok(true) => {}
        Ok(false) => return start_again(),
        Err(err) => return ApiError::internal(err).into_response(),
    }
    let cookie = match sessions::start(&state, &headers, addr, &staff.id).await {
        Ok(cookie) => cookie,
        Err(err) => return ApiError::internal(err).into_response(),
    };
    tracing::info!(staff = %staff.email, recovery = checked == Checked::RecoveryCode, "signed in with a second step");
    let mut response = Redirect::to(super::login::safe_next(&next)).into_response();
    for cookie in [cookie, two_factor::step_cookie(&state, &headers, "", 0)] {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}
