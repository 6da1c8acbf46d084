//! `/login` and `/logout`: sign-in with throttling after repeated failures.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use crate::auth::{SESSION_SECONDS, password, random_token, session_cookie, session_token_hash};
use crate::extract::ClientAddr;
use crate::state::AppState;
use crate::ui::forms::{FieldErrors, Input};
use crate::ui::layout::{PageMeta, page};

/// Failed sign-ins allowed per account and per address in [`WINDOW_S`].
const MAX_FAILURES: i64 = 8;
const WINDOW_S: i64 = 15 * 60;

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
}

/// `next` when it leads within the back office and can be sent in a `Location` header
/// (no control characters, such as CR/LF), else `/admin`.
fn safe_next(next: &str) -> &str {
    if next.starts_with("/admin") && !next.starts_with("//") && !next.chars().any(char::is_control)
    {
        next
    } else {
        "/admin"
    }
}

fn login_page(
    state: &AppState,
    form: &LoginForm,
    errors: &FieldErrors,
    message: Option<&str>,
    status: StatusCode,
) -> Response {
    let body = html! {
        h1 { "Staff sign-in" }
        @if let Some(m) = message { div.notice.danger role="alert" { p { (m) } } }
        (errors.summary(|f| if f == "email" { "Email".into() } else { "Password".into() }))
        form method="post" action="/login" {
            input type="hidden" name="next" value=(form.next);
            (Input { name: "email", label: "Email", kind: "email", value: &form.email, hint: None, required: true, autocomplete: Some("username") }.render(errors))
            (Input { name: "password", label: "Password", kind: "password", value: "", hint: None, required: true, autocomplete: Some("current-password") }.render(errors))
            button type="submit" { "Sign in" }
        }
    };
    (
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
        .into_response()
}

/// `GET /login`.
pub async fn form(State(state): State<AppState>, Query(q): Query<LoginQuery>) -> Response {
    login_page(
        &state,
        &LoginForm {
            next: q.next,
            ..Default::default()
        },
        &FieldErrors::default(),
        None,
        StatusCode::OK,
    )
}

/// `POST /login`: checks throttling first, then the password (with the same work for an
/// unknown email), then starts a session.
pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if service::has_nul(&form.email) || service::has_nul(&form.password) {
        let mut errors = FieldErrors::default();
        let field = if service::has_nul(&form.email) {
            "email"
        } else {
            "password"
        };
        errors.add(field, "Must not contain a NUL character (\\0).");
        let shown = LoginForm {
            email: form.email.replace('\0', ""),
            password: String::new(),
            next: safe_next(&form.next).to_owned(),
        };
        return login_page(
            &state,
            &shown,
            &errors,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let email = form.email.trim().to_lowercase();
    let keys = [format!("account:{email}"), format!("address:{addr}")];
    for key in &keys {
        match state.store.login_failures_since(key, WINDOW_S).await {
            Ok(n) if n >= MAX_FAILURES => {
                let message = "Too many failed sign-ins. For your security, please wait 15 minutes and try again, or ask an admin to reset your password.";
                let mut response = login_page(
                    &state,
                    &form,
                    &FieldErrors::default(),
                    Some(message),
                    StatusCode::TOO_MANY_REQUESTS,
                );
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, WINDOW_S.into());
                return response;
            }
            Ok(_) => {}
            Err(err) => return crate::error::ApiError::internal(err).into_response(),
        }
    }
    let found = state.store.staff_for_login(&email).await.ok().flatten();
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
            let _ = state.store.record_login_failure(&keys).await;
            let mut errors = FieldErrors::default();
            errors.add(
                "password",
                "That email and password do not match an active staff account.",
            );
            return login_page(&state, &form, &errors, None, StatusCode::UNAUTHORIZED);
        }
    };
    let _ = state.store.clear_login_failures(&keys[0]).await;
    let token = random_token();
    if let Err(err) = state
        .store
        .create_session(
            &store::hash_token(&token),
            &staff.id,
            &random_token(),
            SESSION_SECONDS,
        )
        .await
    {
        return crate::error::ApiError::internal(err).into_response();
    }
    tracing::info!(staff = %staff.email, "signed in");
    let cookie = session_cookie(&state, &headers, &token, SESSION_SECONDS);
    (
        [(header::SET_COOKIE, cookie)],
        Redirect::to(safe_next(&form.next)),
    )
        .into_response()
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
