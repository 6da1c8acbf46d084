//! The visit in the back office: the arrival check, the clinic's tablet on which a client
//! signs consent or re-confirms their screening, and the printable record of a signed consent.

pub mod arrival;
pub mod consent;
pub mod reconfirm;

use axum::response::Response;
use maud::{Markup, html};
use service::Refusal;

use super::layout::refused_page;
use crate::auth::StaffSession;
use crate::state::AppState;

/// A refusal on a visit page, shown above a link back to the arrival check.
pub fn refused(state: &AppState, session: &StaffSession, id: &str, refusal: Refusal) -> Response {
    refused_page(
        state,
        session,
        ("That did not go through", "Not done"),
        refusal,
        (
            &format!("/admin/bookings/{id}/arrival"),
            "Back to the arrival check",
        ),
    )
}

/// The page frame for what the client does on the clinic's tablet: large text and targets.
pub fn tablet(body: Markup) -> Markup {
    html! { div.tablet { (body) } }
}
