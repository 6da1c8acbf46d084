//! `/admin/account`: a staff member's own sign-in security, whatever their role: their
//! two-factor sign-in (set up in `two_factor.rs`), the browsers they are signed in on
//! (any of which they can sign out), and their API tokens (which they can revoke).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::layout::admin_page;
use crate::auth::sessions::Credential;
use crate::auth::{StaffSession, session_cookie, two_factor};
use crate::error::ApiError;
use crate::state::AppState;

pub mod recovery_codes;
pub mod two_factor_pages;
mod view;

pub(crate) use view::token_table as view_tokens;

/// `?done=…` after a redirect, naming the action to confirm.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    done: String,
}

/// The sentence shown after an action, from the redirect's `done`.
fn done_notice(done: &str) -> Option<&'static str> {
    match done {
        "ended" => Some("That session has been signed out."),
        "revoked" => Some("The API token has been revoked; it no longer works."),
        "gone" => Some("That had already ended; nothing else changed."),
        "two-factor" => Some("Two-factor sign-in is on."),
        _ => None,
    }
}

/// A Unix time as the clinic's local time, for people.
pub(crate) fn when(state: &AppState, unix_s: i64) -> String {
    jiff::Timestamp::from_second(unix_s)
        .map(|t| {
            state
                .clinic()
                .when(&t.to_zoned_datetime(state.clinic().timezone.clone()))
        })
        .unwrap_or_default()
}

/// `GET /admin/account`.
pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    credential: Credential,
    Query(query): Query<PageQuery>,
) -> Response {
    let me = &session.staff.id;
    let idle_s = state.clinic().setup.security.session_idle_seconds();
    let looked_up = async {
        Ok::<_, store::StoreError>((
            state.store.two_factor(me).await?,
            state.store.recovery_codes_left(me).await?,
            state.store.staff_sessions(me, idle_s).await?,
            state.store.staff_tokens(Some(me)).await?,
        ))
    };
    let (tf, codes_left, sessions, tokens) = match looked_up.await {
        Ok(found) => found,
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let current = match credential {
        Credential::Session { id, .. } => Some(id),
        Credential::Bearer { .. } => None,
    };
    let body = view::page_body(
        &state,
        &session,
        &view::Account {
            notice: done_notice(&query.done),
            two_factor_on: tf.is_some_and(|t| t.confirmed_at.is_some()),
            two_factor_required: two_factor::required(&state, session.role),
            codes_left,
            sessions: &sessions,
            current: current.as_deref(),
            tokens: &tokens,
        },
    );
    admin_page(&state, &session, "Your account", "/admin/account", body).into_response()
}

/// `POST /admin/account/sessions/{id}/end`: signs out one of the member's own sessions;
/// ending the one in use signs this browser out too.
pub async fn end_session(
    State(state): State<AppState>,
    session: StaffSession,
    credential: Credential,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    match state.store.end_staff_session(&session.staff.id, &id).await {
        Ok(true) => {
            tracing::info!(staff = %session.staff.email, "ended one of their sessions");
            let this_one =
                matches!(credential, Credential::Session { id: current, .. } if current == id);
            if this_one {
                let cookie = session_cookie(&state, &headers, "", 0);
                return ([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response();
            }
            Redirect::to("/admin/account?done=ended").into_response()
        }
        Ok(false) => Redirect::to("/admin/account?done=gone").into_response(),
        Err(err) => ApiError::internal(err).into_response(),
    }
}

/// `POST /admin/account/tokens/{id}/revoke`: revokes one of the member's own tokens.
pub async fn revoke_token(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Response {
    match state
        .store
        .revoke_staff_token(&id, Some(&session.staff.id))
        .await
    {
        Ok(true) => {
            tracing::info!(staff = %session.staff.email, "revoked one of their API tokens");
            Redirect::to("/admin/account?done=revoked").into_response()
        }
        Ok(false) => Redirect::to("/admin/account?done=gone").into_response(),
        Err(err) => ApiError::internal(err).into_response(),
    }
}
