//! `/login` and `/logout`: sign-in behind its own CSRF check and the throttle
//! (`auth::throttle`, which holds the rule), and sign-out. A member with an authenticator
//! goes on to the second step (`login_code.rs`) instead of getting a session here.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use crate::auth::throttle::{self, Attempt};
use crate::auth::{
    device, password, random_token, session_cookie, session_token_hash, sessions, sign_in_csrf,
    two_factor,
};
use crate::extract::ClientAddr;
use crate::state::AppState;
use crate::ui::forms::{FieldErrors, Input};
use crate::ui::layout::{PageMeta, page};

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    /// The sign-in form's CSRF token (see `auth::sign_in_csrf`).
    #[serde(default)]
    csrf: String,
}

/// `next` when it leads within the back office and can be sent in a `Location` header
/// (no control characters, such as CR/LF), else `/admin`.
pub(super) fn safe_next(next: &str) -> &str {
    if next.starts_with("/admin") && !next.starts_with("//") && !next.chars().any(char::is_control)
    {
        next
    } else {
        "/admin"
    }
}

/// The sign-in form with what was typed (never the password), any errors or message, and
/// a CSRF token with its cookie.
fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    form: &LoginForm,
    errors: &FieldErrors,
    message: Option<&str>,
    status: StatusCode,
) -> Response {
    let (token, cookie) = sign_in_csrf::issue(state, headers);
    let next = safe_next(&form.next);
    let body = html! {
        h1 { "Staff sign-in" }
        @if let Some(m) = message { div.notice.danger role="alert" { p { (m) } } }
        (errors.summary(|f| if f == "email" { "Email".into() } else { "Password".into() }))
        form method="post" action="/login" {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="next" value=(next);
            (Input { name: "email", label: "Email", kind: "email", value: &form.email, hint: None, required: true, autocomplete: Some("username") }.render(errors))
            (Input { name: "password", label: "Password", kind: "password", value: "", hint: None, required: true, autocomplete: Some("current-password") }.render(errors))
            button type="submit" { "Sign in" }
        }
    };
    let mut response = (
        status,
        page(
            state,
            PageMeta::new(
                "Staff sign-in",
                "Sign in to the clinic's back office.",
                "/login",
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

/// `GET /login`.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    login_page(
        &state,
        &headers,
        &LoginForm {
            next: q.next,
            ..Default::default()
        },
        &FieldErrors::default(),
        None,
        StatusCode::OK,
    )
}

/// `POST /login`: refuses a post from another site or without the form's token, counts
/// the attempt with the throttle before looking at the password (with the same work for an
/// unknown email), then starts a session and remembers the device.
pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let shown = LoginForm {
        email: form.email.replace('\0', ""),
        password: String::new(),
        next: safe_next(&form.next).to_owned(),
        csrf: String::new(),
    };
    if let Err(why) = sign_in_csrf::check(&state, &headers, &form.csrf) {
        tracing::warn!(?why, %addr, "refused a sign-in without this site's form token");
        let message = "This sign-in form had expired or was not sent from this site, so nothing was done. Please sign in again.";
        return login_page(
            &state,
            &headers,
            &shown,
            &FieldErrors::default(),
            Some(message),
            StatusCode::FORBIDDEN,
        );
    }
    if service::has_nul(&form.email) || service::has_nul(&form.password) {
        let mut errors = FieldErrors::default();
        let field = if service::has_nul(&form.email) {
            "email"
        } else {
            "password"
        };
        errors.add(field, "Must not contain a NUL character (\\0).");
        return login_page(
            &state,
            &headers,
            &shown,
            &errors,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let email = form.email.trim().to_lowercase();
    let found = match state.store.staff_for_login(&email).await {
        Ok(found) => found,
        Err(err) => return crate::error::ApiError::internal(err).into_response(),
    };
    let staff_id = found.as_ref().map(|(staff, _)| staff.id.as_str());
    let known_device = device::known_for(&state, &headers, staff_id).await;
    let attempt = Attempt {
        account: &email,
        address: addr,
        known_device: known_device.as_deref(),
    };
    let reservation = match throttle::reserve(&state.store, &attempt).await {
        Ok(Ok(reservation)) => reservation,
        Ok(Err(throttled)) => {
            tracing::warn!(%addr, scope = ?throttled.scope, "sign-in throttled");
            let mut response = login_page(
                &state,
                &headers,
                &shown,
                &FieldErrors::default(),
                Some(&throttled.message()),
                StatusCode::TOO_MANY_REQUESTS,
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, throttled.retry_after_s.into());
            return response;
        }
        Err(err) => return crate::error::ApiError::internal(err).into_response(),
    };
    let stored = found
        .as_ref()
        .map_or(password::decoy_hash(), |(_, h)| h.as_str())
        .to_owned();
    let attempt = form.password.clone();
    let ok = tokio::task::spawn_blocking(move || password::verify(&attempt, &stored))
        .await
        .unwrap_or(false);
    let staff = match found {
        Some((staff, _)) if ok && staff.active => staff,
        _ => {
            let mut errors = FieldErrors::default();
            errors.add(
                "password",
                "That email and password do not match an active staff account.",
            );
            return login_page(
                &state,
                &headers,
                &shown,
                &errors,
                None,
                StatusCode::UNAUTHORIZED,
            );
        }
    };
    if let Err(err) = throttle::succeeded(&state.store, reservation).await {
        tracing::warn!(%err, "could not clear the sign-in count after a success");
    }
    let device_cookie =
        device::remember(&state, &headers, &staff.id, known_device.as_deref()).await;
    // Whether it is on needs no secret: a server that cannot open one still asks for the
    // second step, and says there what is wrong.
    let two_factor_on = match state.store.two_factor_on(&staff.id).await {
        Ok(on) => on,
        Err(err) => return crate::error::ApiError::internal(err).into_response(),
    };
    let (location, cookie) = if two_factor_on {
        let token = random_token();
        if let Err(err) = state
            .store
            .create_sign_in_step(
                &store::hash_token(&token),
                &staff.id,
                &shown.next,
                two_factor::STEP_LIFETIME_S,
            )
            .await
        {
            return crate::error::ApiError::internal(err).into_response();
        }
        tracing::info!(staff = %staff.email, "password accepted; waiting for the second step");
        (
            "/login/code".to_owned(),
            two_factor::step_cookie(&state, &headers, &token, two_factor::STEP_LIFETIME_S),
        )
    } else {
        match sessions::start(&state, &headers, addr, &staff.id).await {
            Ok(cookie) => {
                tracing::info!(staff = %staff.email, "signed in");
                (shown.next.clone(), cookie)
            }
            Err(err) => return crate::error::ApiError::internal(err).into_response(),
        }
    };
    let mut response = Redirect::to(&location).into_response();
    for cookie in [Some(cookie), device_cookie].into_iter().flatten() {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The sign-out form's one field.
#[derive(Debug, Default, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`: ends the session; CSRF-checked like every form, so another site cannot
/// sign staff out.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    let Some(session) = crate::auth::session_for(&state, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if form.csrf != session.csrf {
        return (
            StatusCode::FORBIDDEN,
            "This form has expired. Go back, reload the page and try again.",
        )
            .into_response();
    }
    if let Some(hash) = session_token_hash(&headers) {
        let _ = state.store.delete_session(&hash).await;
    }
    tracing::info!(staff = %session.staff.email, "signed out");
    let cookie = session_cookie(&state, &headers, "", 0);
    ([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response()
}
