//! The JSON API under `/api/v1`, as DESIGN.md's contract fixes it.

mod availability_json;
mod bookings;
mod checkins;
pub(crate) mod client_data;
mod clinic;
pub mod consent;
pub(crate) mod courses;
mod openapi;
pub(crate) mod records;
mod screening;
pub(crate) mod waitlist;

use axum::Router;
use axum::routing::{any, get, post};

use crate::error::ApiError;
use crate::problem::ProblemKind;
use crate::state::AppState;

/// Every API route; unknown paths answer a problem, not an HTML page.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/clinic", get(clinic::clinic))
        .route("/services", get(clinic::services))
        .route("/practitioners", get(clinic::practitioners))
        .route("/availability", get(bookings::availability))
        .route("/bookings", post(bookings::create))
        .route("/bookings/{token}", get(bookings::show))
        .route("/bookings/{token}/cancel", post(bookings::cancel))
        .route("/bookings/{token}/reschedule", post(bookings::reschedule))
        .route("/bookings/{token}/calendar.ics", get(bookings::calendar))
        .route(
            "/bookings/{token}/checkins",
            post(checkins::create).layer(axum::extract::DefaultBodyLimit::max(
                crate::admin::photos::UPLOAD_BODY_LIMIT,
            )),
        )
        .route(
            "/bookings/{token}/consent",
            get(consent::documents).post(consent::sign),
        )
        .route("/courses/proposal", get(courses::proposal))
        .route("/courses", post(courses::create))
        .route("/checkin/symptoms", get(checkins::symptoms))
        .route("/screening/questions", get(screening::questions))
        .route("/screenings", post(screening::create))
        .route("/plans", post(screening::plan))
        .route("/waitlist", post(waitlist::join))
        .route("/waitlist/{token}", get(waitlist::show))
        .route("/waitlist/{token}/leave", post(waitlist::leave))
        .route("/waitlist/offers/{token}", get(waitlist::offer))
        .route("/waitlist/offers/{token}/accept", post(waitlist::accept))
        .route("/waitlist/offers/{token}/decline", post(waitlist::decline))
        .route("/openapi.json", get(openapi::spec))
        .fallback(|| async { ApiError::not_found("API endpoint at this path") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                ProblemKind::MethodNotAllowed,
                "This endpoint does not answer that method; see /api/v1/openapi.json.",
            )
        })
}

/// Routes outside `/api/v1` that the contract also names.
pub fn public_routes() -> Router<AppState> {
    Router::new()
        .route("/bookings/{token}/calendar.ics", get(bookings::calendar))
        .route("/openapi.json", get(openapi::spec))
        .route(
            "/api/v1/",
            any(|| async {
                ApiError::not_found("API endpoint at this path; see /api/v1/openapi.json")
            }),
        )
}
