//! Server-rendered pages. Every one works without JavaScript.

mod book;
mod course;
mod info;
mod manage;
pub(crate) mod people;
mod plan;
mod screening_link;
pub(crate) mod site;
pub(crate) mod suitability;
mod unsubscribe;
mod waitlist;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub use site::not_found;

/// Every page route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(site::home))
        .route("/healthz", get(info::healthz))
        .route("/robots.txt", get(info::robots))
        .route("/sitemap.xml", get(info::sitemap))
        .route("/services", get(site::services))
        .route("/practitioners", get(site::practitioners))
        .route("/practitioners/{id}/photo", get(people::photo))
        .route("/photos/{name}", get(crate::photos::serve))
        .route("/illustrations/{file}", get(crate::illustrations::serve))
        .route("/problems/{slug}", get(info::problem))
        .route("/book", get(book::start).post(book::submit))
        .route("/book/details", get(book::details))
        .route("/book/course", get(course::proposal).post(course::submit))
        .route("/book/course/change", get(course::change))
        .route("/courses/{token}", get(course::show))
        .route(
            "/courses/{token}/cancel",
            axum::routing::post(course::cancel_rest),
        )
        .route("/manage/{token}", get(manage::show))
        .route(
            "/manage/{token}/checkin",
            get(manage::checkin::form)
                .post(manage::checkin::submit)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::admin::photos::UPLOAD_BODY_LIMIT,
                )),
        )
        .route(
            "/manage/{token}/consent",
            get(manage::consent::form).post(manage::consent::submit),
        )
        .route(
            "/manage/{token}/cancel",
            get(manage::confirm_cancel).post(manage::cancel),
        )
        .route(
            "/manage/{token}/reschedule",
            get(manage::reschedule_form).post(manage::reschedule),
        )
        .route(
            "/unsubscribe/{token}",
            get(unsubscribe::confirm).post(unsubscribe::unsubscribe),
        )
        .route(
            "/screening-link/{token}",
            get(screening_link::form).post(screening_link::submit),
        )
        .route("/waitlist", get(waitlist::form).post(waitlist::join))
        .route("/waitlist/{token}", get(waitlist::entry))
        .route("/waitlist/{token}/leave", post(waitlist::leave))
        .route("/waitlist/offers/{token}", get(waitlist::offer))
        .route("/waitlist/offers/{token}/accept", post(waitlist::accept))
        .route("/waitlist/offers/{token}/decline", post(waitlist::decline))
        .merge(suitability::routes())
        .route("/plan", get(plan::page))
        .route("/{slug}", get(site::content_page))
}
