//! `/admin/review`: bookings held for a practitioner's review of their screening.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use store::{Booking, BookingStatus};

use super::layout::admin_page;
use super::today::{booking_row, booking_table, visible};
use crate::auth::{Role, StaffSession};
use crate::error::ApiError;
use crate::mail::compose;
use crate::state::AppState;

/// `GET /admin/review`.
pub async fn page(State(state): State<AppState>, session: StaffSession) -> Response {
    if let Err(r) = session.require(&[Role::Admin, Role::Practitioner]) {
        return r;
    }
    let clinic = state.clinic();
    let pending = match state.store.bookings_pending_review().await {
        Ok(b) => visible(&session, b),
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let body = html! {
        h1 { "Review queue" }
        p { "These bookings hold their time until a practitioner reads the screening and confirms or declines. Open one to see its findings." }
        @if pending.is_empty() { p.notice { "Nothing waiting for review." } } @else {
            (booking_table(html! { @for b in &pending { (booking_row(&clinic, &session, b)) } }))
        }
    };
    admin_page(&state, &session, "Review queue", "/admin/review", body).into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub note: String,
}

/// Confirms or declines a pending booking and tells the client by mail.
pub async fn apply(
    state: &AppState,
    session: &StaffSession,
    b: &Booking,
    decision: &str,
    note: &str,
) -> Result<Booking, ApiError> {
    let confirmed = match decision {
        "confirm" => true,
        "decline" => false,
        _ => return Err(ApiError::invalid("decision", "Choose confirm or decline.")),
    };
    if !session.role.sees_clinical() {
        return Err(ApiError::new(
            crate::problem::ProblemKind::Forbidden,
            "Only practitioners review screenings.",
        ));
    }
    let clinic = state.clinic();
    let status = if confirmed {
        BookingStatus::Confirmed
    } else {
        BookingStatus::Declined
    };
    let note = note.trim();
    state
        .store
        .set_booking_status(
            &b.id,
            status,
            Some(note).filter(|n| !n.is_empty()),
            |current| {
                if current.status == BookingStatus::PendingReview {
                    Ok(())
                } else {
                    Err(ApiError::new(
                        crate::problem::ProblemKind::BookingClosed,
                        "This booking is not waiting for review.",
                    ))
                }
            },
            |after| vec![compose::reviewed(&clinic, after, confirmed, note)],
        )
        .await
        .map_err(|e| match e {
            store::BookingError::Refused(e) => e,
            store::BookingError::NotFound => ApiError::not_found("booking"),
            other => ApiError::internal(other),
        })
}

/// `POST /admin/bookings/{id}/review`.
pub async fn decide(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Response {
    if let Err(r) = session.require(&[Role::Admin, Role::Practitioner]) {
        return r;
    }
    let b = match super::bookings::load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    match apply(&state, &session, &b, &form.decision, &form.note).await {
        Ok(_) => Redirect::to("/admin/review").into_response(),
        Err(err) => (err.kind.status(), err.detail).into_response(),
    }
}
