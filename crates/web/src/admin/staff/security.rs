//! The staff page's sign-in security, for admins: every API token with a revoke button,
//! resetting a member's two-factor sign-in (for a lost phone), and signing everyone out.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use store::{Staff, StaffToken};

use crate::admin::account::view_tokens;
use crate::admin::layout::csrf_field;
use crate::auth::{AdminSession, Credential, StaffSession};
use crate::error::ApiError;
use crate::state::AppState;

/// The sentence shown after one of these actions, from the redirect's `done`.
pub(super) fn done_notice(done: &str) -> Option<&'static str> {
    match done {
        "token-revoked" => Some("API token revoked; it no longer works."),
        "signed-out" => Some("Everyone else has been signed out; they must sign in again."),
        "two-factor-reset" => Some(
            "Two-factor sign-in removed for that login; they can set it up again after signing in with their password.",
        ),
        "gone" => Some("That had already ended; nothing else changed."),
        _ => None,
    }
}

/// The section under the staff list.
pub(super) fn section(
    state: &AppState,
    session: &StaffSession,
    staff: &[Staff],
    tokens: &[StaffToken],
    two_factor_on: &[String],
) -> Markup {
    html! {
        h2 #two-factor { "Two-factor sign-in" }
        @if state.clinic().setup.security.require_two_factor {
            p { "The clinic requires it of admins and practitioners." }
        } @else {
            p { "Every login may turn it on from its account page. To require it of admins and practitioners, set " code { "require_two_factor = true" } " under " code { "[security]" } " in the clinic file." }
        }
        @let on: Vec<&Staff> = staff.iter().filter(|s| two_factor_on.contains(&s.id)).collect();
        @if on.is_empty() {
            p.muted { "No login has it on yet." }
        } @else {
            ul {
                @for s in on {
                    li {
                        (s.email) " "
                        form.inline method="post" action=(format!("/admin/staff/{}/two-factor/reset", s.id)) {
                            (csrf_field(session))
                            button.small.secondary type="submit" { "Reset" span.visually-hidden { " two-factor sign-in for " (s.email) } }
                        }
                    }
                }
            }
        }
        h2 #api-tokens { "API tokens" }
        p { "Made on the server with " code { "collagen staff token EMAIL" } "; each acts with its owner's current role." }
        @if tokens.is_empty() {
            p.muted { "No login has an API token." }
        } @else {
            (view_tokens(state, session, tokens, true))
        }
        h2 #sign-out-everyone { "Sign everyone out" }
        p { "Ends every open session but yours, for example after a shared computer was used or a password may have been seen. API tokens are not affected." }
        form method="post" action="/admin/staff/sign-out-everyone" {
            (csrf_field(session))
            button.secondary type="submit" { "Sign everyone else out" }
        }
    }
}

/// `POST /admin/staff/tokens/{id}/revoke`: any member's token.
pub async fn revoke_token(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Path(id): Path<String>,
) -> Response {
    match state.store.revoke_staff_token(&id, None).await {
        Ok(true) => {
            tracing::info!(by = %session.staff.email, token = %id, "API token revoked");
            Redirect::to("/admin/staff?done=token-revoked").into_response()
        }
        Ok(false) => Redirect::to("/admin/staff?done=gone").into_response(),
        Err(err) => ApiError::internal(err).into_response(),
    }
}

/// `POST /admin/staff/sign-out-everyone`: ends every session but the admin's own.
pub async fn sign_out_everyone(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    credential: Credential,
) -> Response {
    let keep = match credential {
        Credential::Session { id, .. } => id,
        Credential::Bearer { .. } => String::new(),
    };
    match state.store.end_all_sessions(&keep).await {
        Ok(n) => {
            tracing::info!(by = %session.staff.email, sessions = n, "signed everyone out");
            Redirect::to("/admin/staff?done=signed-out").into_response()
        }
        Err(err) => ApiError::internal(err).into_response(),
    }
}

/// `POST /admin/staff/{id}/two-factor/reset`: removes a member's authenticator and
/// recovery codes, and ends their sessions, so they sign in again with their password.
pub async fn reset_two_factor(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Path(id): Path<String>,
) -> Response {
    match state.store.remove_two_factor(&id).await {
        Ok(true) => {
            tracing::info!(by = %session.staff.email, staff = %id, "two-factor sign-in reset");
            Redirect::to("/admin/staff?done=two-factor-reset").into_response()
        }
        Ok(false) => Redirect::to("/admin/staff?done=gone").into_response(),
        Err(err) => ApiError::internal(err).into_response(),
    }
}
