//! `/admin/review`: bookings held for a practitioner's review of their screening.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use service::Review;

use super::layout::admin_page;
use super::today::{booking_row, booking_table, visible};
use crate::auth::ClinicalSession;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::refusal::FormRefusal;

/// `GET /admin/review`.
pub async fn page(
    State(state): State<AppState>,
    ClinicalSession(session): ClinicalSession,
) -> Response {
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

/// `POST /admin/bookings/{id}/review`.
pub async fn decide(
    State(state): State<AppState>,
    ClinicalSession(session): ClinicalSession,
    Path(id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Response {
    let b = match super::bookings::load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let result = match Review::parse(&form.decision) {
        Ok(decision) => state.flows.review(&b, decision, &form.note).await,
        Err(refusal) => Err(refusal),
    };
    match result {
        Ok(_) => Redirect::to("/admin/review").into_response(),
        Err(err) => {
            let err = FormRefusal::from(err);
            (err.status, err.message).into_response()
        }
    }
}
