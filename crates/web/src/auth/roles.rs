//! Role checks as extractors: a handler that names `AdminSession` or `ClinicalSession` in
//! its arguments cannot run for the wrong role, and no handler repeats the check.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::{Role, StaffSession, forbidden};
use crate::error::ApiError;
use crate::problem::ProblemKind;

/// The signed-in staff member, if their role is one of `allowed`; else the 403 answer,
/// as a problem detail on the API and as a page elsewhere.
#[allow(
    clippy::result_large_err,
    reason = "the rejection is the response itself, returned as is"
)]
fn with_role(parts: &Parts, allowed: &[Role]) -> Result<StaffSession, Response> {
    let Some(session) = parts.extensions.get::<StaffSession>().cloned() else {
        return Err(axum::http::StatusCode::UNAUTHORIZED.into_response());
    };
    if allowed.contains(&session.role) {
        return Ok(session);
    }
    if parts.uri.path().starts_with("/api/") {
        Err(
            ApiError::new(ProblemKind::Forbidden, "Your role does not include this.")
                .into_response(),
        )
    } else {
        Err(forbidden())
    }
}

/// A signed-in admin: the owner's screens (setup, staff).
pub struct AdminSession(pub StaffSession);

impl<S: Send + Sync> FromRequestParts<S> for AdminSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        with_role(parts, &[Role::Admin]).map(AdminSession)
    }
}

/// A signed-in practitioner or admin: whoever may read clinical detail and review it.
pub struct ClinicalSession(pub StaffSession);

impl<S: Send + Sync> FromRequestParts<S> for ClinicalSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        with_role(parts, &[Role::Admin, Role::Practitioner]).map(ClinicalSession)
    }
}
