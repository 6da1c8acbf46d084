//! The visit in the back office: the arrival check, the clinic's tablet on which a client
//! signs consent or re-confirms their screening, and the printable record of a signed consent.

pub mod arrival;
pub mod consent;
pub mod reconfirm;

use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use service::Refusal;

use super::layout::admin_page;
use crate::auth::StaffSession;
use crate::state::AppState;
use crate::ui::refusal::FormRefusal;

/// A refusal on a visit page, shown above a link back to the arrival check.
pub fn refused(state: &AppState, session: &StaffSession, id: &str, refusal: Refusal) -> Response {
    let err = FormRefusal::from(refusal);
    let body = html! {
        h1 { "That did not go through" }
        div.notice.danger role="alert" { p { (err.message) } }
        p { a href=(format!("/admin/bookings/{id}/arrival")) { "Back to the arrival check" } }
    };
    (err.status, admin_page(state, session, "Not done", "", body)).into_response()
}

/// The page frame for what the client does on the clinic's tablet: large text and targets.
pub fn tablet(body: Markup) -> Markup {
    html! { div.tablet { (body) } }
}
