//! `/admin/account/two-factor`: setting up an authenticator. A secret is made on request,
//! shown as text and as an `otpauth://` link, and counts only once a code from the app
//! confirms it; the ten recovery codes are then shown once and only their hashes kept.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::admin::layout::{admin_page, csrf_field};
use crate::auth::{ENROL_PATH, StaffSession, totp, two_factor};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::forms::{FieldErrors, Input};

/// The confirming code as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    code: String,
}

/// The secret in groups of four, easier to type into an app by hand.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `otpauth://` URI as a QR code in inline SVG (drawn here: no outside image, and
/// colours as attributes, which the CSP allows), for scanning from the phone's app.
fn qr_code(uri: &str) -> Option<maud::PreEscaped<String>> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    let start = image.find("<svg")?;
    Some(maud::PreEscaped(image[start..].to_owned()))
}

/// The page in whichever state the member's authenticator is in.
pub(super) async fn render(
    state: &AppState,
    session: &StaffSession,
    errors: &FieldErrors,
    status: StatusCode,
) -> Response {
    let tf = match state.store.two_factor(&session.staff.id).await {
        Ok(tf) => tf,
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let required = two_factor::required(state, session.role);
    let body = html! {
        h1 { "Two-factor sign-in" }
        @if required && tf.as_ref().is_none_or(|t| t.confirmed_at.is_none()) {
            div.notice.danger role="alert" { p { "The clinic requires two-factor sign-in for your role. Set it up here to go on using the back office." } }
        }
        @match &tf {
            Some(t) if t.confirmed_at.is_some() => {
                p { "Two-factor sign-in is on for " strong { (session.staff.email) } ". If you lose your phone and your recovery codes, ask an admin to reset it." }
                (super::recovery_codes::form(session, errors))
                p { a href="/admin/account" { "Back to your account" } }
            }
            Some(t) => (confirm_step(state, session, &t.secret, errors)),
            None => {
                p { "After your password, signing in will ask for a six-digit code from an authenticator app on your phone (any app that supports time-based codes). Someone who learns your password still cannot sign in as you." }
                form method="post" action=(format!("{ENROL_PATH}/start")) {
                    (csrf_field(session))
                    button type="submit" { "Set up two-factor sign-in" }
                }
            }
        }
    };
    (
        status,
        admin_page(state, session, "Two-factor sign-in", "/admin/account", body),
    )
        .into_response()
}

/// The secret, its link, and the form that confirms it with a code.
fn confirm_step(
    state: &AppState,
    session: &StaffSession,
    secret: &str,
    errors: &FieldErrors,
) -> Markup {
    let clinic = state.clinic();
    let uri = totp::otpauth_uri(&clinic.setup.clinic.name, &session.staff.email, secret);
    html! {
        ol {
            li { "In your authenticator app, add an account. Type in this key (spaces do not matter), as a time-based key:"
                p { code.secret { (grouped(secret)) } } }
            li { "Or scan this code with the app:"
                @if let Some(svg) = qr_code(&uri) { div.qr-code role="img" aria-label="QR code of the key for your authenticator app" { (svg) } } }
            li { "Or, on the phone itself, open this link: " a href=(uri) { "add to an authenticator app" } }
            li { "Type the six-digit code the app now shows for " (clinic.setup.clinic.name) "." }
        }
        (errors.summary(|_| "Code".into()))
        form method="post" action=(format!("{ENROL_PATH}/confirm")) {
            (csrf_field(session))
            (Input { name: "code", label: "Code from the app", kind: "text", value: "", hint: None, required: true, autocomplete: Some("one-time-code") }.render(errors))
            button type="submit" { "Turn on two-factor sign-in" }
        }
        form method="post" action=(format!("{ENROL_PATH}/start")) {
            (csrf_field(session))
            button.small.secondary type="submit" { "Start again with a new key" }
        }
    }
}

/// `GET /admin/account/two-factor`.
pub async fn page(State(state): State<AppState>, session: StaffSession) -> Response {
    render(&state, &session, &FieldErrors::default(), StatusCode::OK).await
}

/// `POST /admin/account/two-factor/start`: a new secret, unless one is already on.
pub async fn start(State(state): State<AppState>, session: StaffSession) -> Response {
    let secret = totp::base32_encode(&totp::new_secret());
    match state
        .store
        .begin_two_factor(&session.staff.id, &secret)
        .await
    {
        Ok(_) => Redirect::to(ENROL_PATH).into_response(),
        Err(err) => ApiError::internal(err).into_response(),
    }
}

/// `POST /admin/account/two-factor/confirm`: turns the pending authenticator on when the
/// code matches, and shows the recovery codes, once.
pub async fn confirm(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<ConfirmForm>,
) -> Response {
    let pending = match state.store.two_factor(&session.staff.id).await {
        Ok(Some(t)) if t.confirmed_at.is_none() => t,
        Ok(_) => return Redirect::to(ENROL_PATH).into_response(),
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let key = totp::base32_decode(&pending.secret).unwrap_or_default();
    let code = two_factor::normalize(&form.code);
    let now = jiff::Timestamp::now().as_second();
    let refused = |message: &str| {
        let mut errors = FieldErrors::default();
        errors.add("code", message);
        errors
    };
    let Some(step) = totp::matching_step(&key, &code, now) else {
        let errors = refused(if code.is_empty() {
            "Type the six-digit code your app shows."
        } else {
            "That code does not match. Check the key was typed exactly and that your phone's clock is set automatically, then type the current code."
        });
        return render(&state, &session, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let (shown, hashes) = two_factor::new_recovery_codes();
    match state
        .store
        .confirm_two_factor(&session.staff.id, step, &hashes)
        .await
    {
        Ok(true) => {}
        Ok(false) => {
            let errors = refused("That code was already used. Type the next code your app shows.");
            return render(&state, &session, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(err) => return ApiError::internal(err).into_response(),
    }
    tracing::info!(staff = %session.staff.email, "two-factor sign-in turned on");
    let body = html! {
        h1 { "Two-factor sign-in is on" }
        div.notice.ok role="status" { p { "From now on, signing in asks for a code from your app after your password." } }
        (super::recovery_codes::shown(&shown))
        p { a href="/admin/account?done=two-factor" { "I have kept them: back to your account" } }
    };
    admin_page(&state, &session, "Recovery codes", "/admin/account", body).into_response()
}
