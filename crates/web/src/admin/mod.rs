//! The back office: front desk, practitioners and the owner. Every route here sits behind
//! [`crate::auth::require_staff`], applied to the whole router, so a new route cannot forget
//! it; a handler that needs a role names it in its arguments
//! ([`crate::auth::AdminSession`], [`crate::auth::ClinicalSession`]).

mod account;
mod alerts;
mod answers;
mod api;
mod audit;
mod booked_courses;
mod booking_policy;
mod bookings;
mod calendar;
mod checkin_photos;
pub(crate) mod client_data;
mod clients;
mod course;
mod desk_booking;
mod flash;
mod layout;
mod login;
mod login_code;
mod messages;
pub(crate) mod photos;
mod records;
mod review;
mod screening_link;
mod setup;
mod staff;
mod today;
mod undo;
mod visits;
mod waitlist;

pub(crate) use bookings::may_see;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};

use crate::api::client_data as api_client_data;
use crate::api::records as api_records;
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
    ("GET", "/admin/checkin-photos/{id}"),
    ("GET", "/admin/bookings/new"),
    ("POST", "/admin/bookings"),
    ("GET", "/admin/bookings/{id}"),
    ("POST", "/admin/bookings/{id}/status"),
    ("POST", "/admin/bookings/{id}/move"),
    ("POST", "/admin/bookings/{id}/review"),
    ("POST", "/admin/bookings/{id}/update-client"),
    ("POST", "/admin/bookings/{id}/screening-link"),
    ("POST", "/admin/bookings/{id}/undo"),
    ("GET", "/admin/clients"),
    ("GET", "/admin/clients/{id}"),
    ("GET", "/admin/clients/{id}/export"),
    ("GET", "/admin/clients/{id}/erase"),
    ("POST", "/admin/clients/{id}/erase"),
    ("GET", "/api/v1/admin/clients/{id}/export"),
    ("POST", "/api/v1/admin/clients/{id}/erase"),
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
    ("POST", "/admin/setup/clinic"),
    ("POST", "/admin/setup/rooms"),
    ("POST", "/admin/setup/rooms/rename"),
    ("POST", "/admin/setup/rooms/remove"),
    ("POST", "/admin/setup/services"),
    ("POST", "/admin/setup/services/save"),
    ("POST", "/admin/setup/services/remove"),
    ("POST", "/admin/setup/phases"),
    ("POST", "/admin/setup/phases/save"),
    ("POST", "/admin/setup/phases/move"),
    ("POST", "/admin/setup/phases/remove"),
    ("POST", "/admin/setup/devices"),
    ("POST", "/admin/setup/devices/save"),
    ("POST", "/admin/setup/devices/remove"),
    ("POST", "/admin/setup/practitioners"),
    ("POST", "/admin/setup/practitioners/save"),
    ("POST", "/admin/setup/practitioners/photo"),
    ("GET", "/api/v1/admin/bookings"),
    ("POST", "/api/v1/admin/bookings/{id}/review"),
    ("GET", "/api/v1/admin/alerts"),
    ("POST", "/api/v1/admin/alerts/{id}/ack"),
    ("GET", "/admin/bookings/{id}/arrival"),
    ("GET", "/admin/bookings/{id}/consent"),
    ("POST", "/admin/bookings/{id}/consent"),
    ("GET", "/admin/bookings/{id}/consent/print"),
    ("GET", "/admin/bookings/{id}/reconfirm"),
    ("POST", "/admin/bookings/{id}/reconfirm"),
    ("POST", "/admin/bookings/{id}/reconfirm/answers"),
    ("GET", "/admin/bookings/{id}/record"),
    ("POST", "/admin/bookings/{id}/record"),
    ("POST", "/admin/bookings/{id}/record/sign"),
    ("POST", "/admin/bookings/{id}/record/amendments"),
    ("GET", "/admin/recall"),
    ("GET", "/admin/recall.csv"),
    ("POST", "/admin/recall/write"),
    ("GET", "/api/v1/admin/bookings/{id}/record"),
    ("PUT", "/api/v1/admin/bookings/{id}/record"),
    ("POST", "/api/v1/admin/bookings/{id}/record/sign"),
    ("POST", "/api/v1/admin/bookings/{id}/record/amendments"),
    ("GET", "/api/v1/admin/recall"),
    ("POST", "/api/v1/admin/bookings/{id}/status"),
    ("GET", "/admin/bookings/{id}/photos"),
    ("POST", "/admin/bookings/{id}/photos"),
    ("GET", "/admin/photos/{id}"),
    ("GET", "/admin/account"),
    ("POST", "/admin/account/sessions/{id}/end"),
    ("POST", "/admin/account/tokens/{id}/revoke"),
    ("GET", "/admin/account/two-factor"),
    ("POST", "/admin/account/two-factor/start"),
    ("POST", "/admin/account/two-factor/confirm"),
    ("POST", "/admin/account/two-factor/recovery-codes"),
    ("POST", "/admin/staff/tokens/{id}/revoke"),
    ("POST", "/admin/staff/{id}/two-factor/reset"),
    ("POST", "/admin/staff/sign-out-everyone"),
    ("GET", "/api/v1/admin/bookings/{id}/messages"),
    ("GET", "/admin/audit"),
    ("GET", "/api/v1/admin/audit"),
    ("GET", "/admin/waitlist"),
    ("POST", "/admin/waitlist/{id}/offer"),
];

/// The routes that show a client's clinical data, each writing an audit entry before it
/// answers; the security tests hold every one of them to that.
pub const AUDITED_READS: &[(&str, &str)] = &[
    ("GET", "/admin/review"),
    ("GET", "/admin/bookings/{id}"),
    ("GET", "/admin/clients/{id}"),
    ("GET", "/admin/clients/{id}/export"),
    ("GET", "/admin/clients/{id}/erase"),
    ("GET", "/api/v1/admin/clients/{id}/export"),
    ("GET", "/admin/alerts"),
    ("GET", "/api/v1/admin/alerts"),
    ("GET", "/admin/bookings/{id}/arrival"),
    ("GET", "/admin/bookings/{id}/consent"),
    ("GET", "/admin/bookings/{id}/consent/print"),
    ("GET", "/admin/bookings/{id}/reconfirm"),
    ("GET", "/admin/bookings/{id}/record"),
    ("GET", "/api/v1/admin/bookings/{id}/record"),
    ("GET", "/admin/recall"),
    ("GET", "/admin/recall.csv"),
    ("GET", "/api/v1/admin/recall"),
    ("GET", "/admin/bookings/{id}/photos"),
    ("GET", "/admin/photos/{id}"),
];

/// The back office's routes, all behind the staff guard, plus sign-in and sign-out.
pub fn routes(state: AppState) -> Router<AppState> {
    let guarded = Router::new()
        .route("/admin", get(today::page))
        .route("/admin/calendar", get(calendar::page))
        .route("/admin/review", get(review::page))
        .route("/admin/alerts", get(alerts::page))
        .route("/admin/alerts/{id}/ack", post(alerts::ack))
        .route("/admin/checkin-photos/{id}", get(checkin_photos::show))
        .route("/admin/bookings/new", get(desk_booking::new_form))
        .route("/admin/bookings", post(desk_booking::create))
        .route("/admin/bookings/{id}", get(bookings::show))
        .route("/admin/bookings/{id}/status", post(bookings::set_status))
        .route("/admin/bookings/{id}/move", post(bookings::move_booking))
        .route("/admin/bookings/{id}/review", post(review::decide))
        .route("/admin/bookings/{id}/undo", post(undo::undo))
        .route(
            "/admin/bookings/{id}/screening-link",
            post(screening_link::send),
        )
        .route(
            "/admin/bookings/{id}/update-client",
            post(clients::adopt_booked),
        )
        .route("/admin/bookings/{id}/arrival", get(visits::arrival::page))
        .route(
            "/admin/bookings/{id}/consent",
            get(visits::consent::form).post(visits::consent::submit),
        )
        .route(
            "/admin/bookings/{id}/consent/print",
            get(visits::consent::print),
        )
        .route(
            "/admin/bookings/{id}/reconfirm",
            get(visits::reconfirm::page).post(visits::reconfirm::submit),
        )
        .route(
            "/admin/bookings/{id}/reconfirm/answers",
            post(visits::reconfirm::answers),
        )
        .route(
            "/admin/bookings/{id}/photos",
            get(photos::page)
                .post(photos::upload)
                .layer(DefaultBodyLimit::max(photos::UPLOAD_BODY_LIMIT)),
        )
        .route("/admin/photos/{id}", get(photos::show))
        .route("/admin/clients", get(clients::search))
        .route("/admin/clients/{id}", get(clients::show))
        .route("/admin/clients/{id}/export", get(client_data::export))
        .route(
            "/admin/clients/{id}/erase",
            get(client_data::erase_page).post(client_data::erase),
        )
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
        .route("/admin/setup/clinic", post(setup::save_clinic))
        .route("/admin/setup/rooms", post(setup::add_room))
        .route("/admin/setup/rooms/rename", post(setup::rename_room))
        .route("/admin/setup/rooms/remove", post(setup::remove_room))
        .route("/admin/setup/services", post(setup::add_service))
        .route("/admin/setup/services/save", post(setup::save_service))
        .route("/admin/setup/services/remove", post(setup::remove_service))
        .route("/admin/setup/phases", post(setup::add_phase))
        .route("/admin/setup/phases/save", post(setup::save_phase))
        .route("/admin/setup/phases/move", post(setup::move_phase))
        .route("/admin/setup/phases/remove", post(setup::remove_phase))
        .route("/admin/setup/devices", post(setup::add_device))
        .route("/admin/setup/devices/save", post(setup::save_device))
        .route("/admin/setup/devices/remove", post(setup::remove_device))
        .route("/admin/setup/practitioners", post(setup::add_practitioner))
        .route(
            "/admin/setup/practitioners/save",
            post(setup::save_practitioner),
        )
        .route(
            "/admin/setup/practitioners/photo",
            post(setup::upload_photo).layer(DefaultBodyLimit::max(setup::PHOTO_BODY_LIMIT)),
        )
        .route(
            "/admin/bookings/{id}/record",
            get(records::show).post(records::save),
        )
        .route("/admin/bookings/{id}/record/sign", post(records::sign))
        .route(
            "/admin/bookings/{id}/record/amendments",
            post(records::amend),
        )
        .route("/admin/recall", get(records::recall::page))
        .route("/admin/recall.csv", get(records::recall::csv))
        .route("/admin/recall/write", post(records::recall::write))
        .route(
            "/api/v1/admin/bookings/{id}/record",
            get(api_records::show).put(api_records::save),
        )
        .route(
            "/api/v1/admin/bookings/{id}/record/sign",
            post(api_records::sign),
        )
        .route(
            "/api/v1/admin/bookings/{id}/record/amendments",
            post(api_records::amend),
        )
        .route("/api/v1/admin/recall", get(api_records::recall))
        .route(
            "/api/v1/admin/clients/{id}/export",
            get(api_client_data::export),
        )
        .route(
            "/api/v1/admin/clients/{id}/erase",
            post(api_client_data::erase),
        )
        .route(
            "/api/v1/admin/bookings/{id}/status",
            post(api_records::set_status),
        )
        .route("/admin/account", get(account::page))
        .route(
            "/admin/account/sessions/{id}/end",
            post(account::end_session),
        )
        .route(
            "/admin/account/tokens/{id}/revoke",
            post(account::revoke_token),
        )
        .route(
            "/admin/account/two-factor",
            get(account::two_factor_pages::page),
        )
        .route(
            "/admin/account/two-factor/start",
            post(account::two_factor_pages::start),
        )
        .route(
            "/admin/account/two-factor/confirm",
            post(account::two_factor_pages::confirm),
        )
        .route(
            account::recovery_codes::RENEW_PATH,
            post(account::recovery_codes::renew),
        )
        .route("/admin/staff/tokens/{id}/revoke", post(staff::revoke_token))
        .route(
            "/admin/staff/{id}/two-factor/reset",
            post(staff::reset_two_factor),
        )
        .route(
            "/admin/staff/sign-out-everyone",
            post(staff::sign_out_everyone),
        )
        .route("/admin/audit", get(audit::page))
        .route("/api/v1/admin/audit", get(audit::list_json))
        .route("/admin/waitlist", get(waitlist::page))
        .route("/admin/waitlist/{id}/offer", post(waitlist::offer))
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
        .route(
            "/login/code",
            get(login_code::form).post(login_code::submit),
        )
        .route("/logout", post(login::logout))
        .merge(guarded)
}
