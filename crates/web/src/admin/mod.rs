//! The back office: front desk, practitioners and the owner. Every route here sits behind
//! [`crate::auth::require_staff`], applied to the whole router, so a new route cannot forget
//! it; a handler that needs a role names it in its arguments
//! ([`crate::auth::AdminSession`], [`crate::auth::ClinicalSession`]).

mod alerts;
mod api;
mod bookings;
mod calendar;
mod clients;
mod layout;
mod login;
mod messages;
mod review;
mod setup;
mod staff;
mod today;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};

use crate::auth::require_staff;
use crate::state::AppState;

/// Every back-office route as (method, path), for the security tests that prove each one
/// refuses anonymous and wrong-role access. Keep it in step with [`routes`].
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/admin"),
    ("GET", "/admin/calendar"),
    ("GET", "/admin/review"),
    ("GET", "/admin/alerts"),
    ("POST", "/admin/alerts/{id}/ack"),
    ("GET", "/admin/bookings/new"),
    ("POST", "/admin/bookings"),
    ("GET", "/admin/bookings/{id}"),
    ("POST", "/admin/bookings/{id}/status"),
    ("POST", "/admin/bookings/{id}/move"),
    ("POST", "/admin/bookings/{id}/review"),
    ("POST", "/admin/bookings/{id}/update-client"),
    ("GET", "/admin/clients"),
    ("GET", "/admin/clients/{id}"),
    ("GET", "/admin/staff"),
    ("POST", "/admin/staff"),
    ("POST", "/admin/staff/{id}/active"),
    ("POST", "/admin/staff/{id}/password"),
    ("GET", "/admin/setup"),
    ("POST", "/admin/setup"),
    ("POST", "/admin/setup/policy"),
    ("POST", "/admin/setup/hours"),
    ("POST", "/admin/setup/time-off"),
    ("POST", "/admin/setup/time-off/remove"),
    ("POST", "/admin/setup/dates"),
    ("POST", "/admin/setup/dates/remove"),
    ("GET", "/api/v1/admin/bookings"),
    ("POST", "/api/v1/admin/bookings/{id}/review"),
    ("GET", "/api/v1/admin/alerts"),
    ("POST", "/api/v1/admin/alerts/{id}/ack"),
    ("GET", "/api/v1/admin/bookings/{id}/messages"),
];

/// The back office's routes, all behind the staff guard, plus sign-in and sign-out.
pub fn routes(state: AppState) -> Router<AppState> {
    let guarded = Router::new()
        .route("/admin", get(today::page))
        .route("/admin/calendar", get(calendar::page))
        .route("/admin/review", get(review::page))
        .route("/admin/alerts", get(alerts::page))
        .route("/admin/alerts/{id}/ack", post(alerts::ack))
        .route("/admin/bookings/new", get(bookings::new_form))
        .route("/admin/bookings", post(bookings::create))
        .route("/admin/bookings/{id}", get(bookings::show))
        .route("/admin/bookings/{id}/status", post(bookings::set_status))
        .route("/admin/bookings/{id}/move", post(bookings::move_booking))
        .route("/admin/bookings/{id}/review", post(review::decide))
        .route(
            "/admin/bookings/{id}/update-client",
            post(clients::adopt_booked),
        )
        .route("/admin/clients", get(clients::search))
        .route("/admin/clients/{id}", get(clients::show))
        .route("/admin/staff", get(staff::page).post(staff::add))
        .route("/admin/staff/{id}/active", post(staff::set_active))
        .route("/admin/staff/{id}/password", post(staff::reset_password))
        .route("/admin/setup", get(setup::page).post(setup::save))
        .route("/admin/setup/policy", post(setup::save_policy))
        .route("/admin/setup/hours", post(setup::save_hours))
        .route("/admin/setup/time-off", post(setup::add_time_off))
        .route("/admin/setup/time-off/remove", post(setup::remove_time_off))
        .route("/admin/setup/dates", post(setup::save_date))
        .route("/admin/setup/dates/remove", post(setup::remove_date))
        .route("/admin/{*rest}", get(layout::not_found))
        .route("/api/v1/admin/bookings", get(api::bookings))
        .route("/api/v1/admin/bookings/{id}/review", post(api::review))
        .route("/api/v1/admin/alerts", get(alerts::list_json))
        .route("/api/v1/admin/alerts/{id}/ack", post(alerts::ack_json))
        .route(
            "/api/v1/admin/bookings/{id}/messages",
            get(messages::list_json),
        )
        .route(
            "/api/v1/admin/{*rest}",
            get(api::not_found).post(api::not_found),
        )
        .route_layer(from_fn_with_state(state, require_staff));
    Router::new()
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .merge(guarded)
}
