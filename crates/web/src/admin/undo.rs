//! "Undo" beside the notice after a cancellation, a no-show or an arrival, for
//! `service::UNDO_MINUTES` (`POST /admin/bookings/{id}/undo`). Whether a change may be undone,
//! and what happens to the client's mail, is the workflow's rule; this only offers and asks.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use clinic::ClinicSnapshot;
use jiff::Timestamp;
use maud::{Markup, html};
use store::Booking;

use super::bookings::load;
use super::layout::{csrf_field, refused_page};
use crate::auth::StaffSession;
use crate::state::AppState;

/// The undo offer for a booking whose last change may still be undone until `until`.
pub fn offer(
    clinic: &ClinicSnapshot,
    session: &StaffSession,
    b: &Booking,
    until: Timestamp,
) -> Markup {
    let until = clinic.clock(&until.to_zoned_datetime(clinic.timezone.clone()));
    html! {
        form.cta-inline.undo method="post" action=(format!("/admin/bookings/{}/undo", b.id)) {
            (csrf_field(session))
            span.small { "Made by mistake? You can undo this until " (until) ". " }
            button.small.secondary type="submit" { "Undo" }
        }
    }
}

/// `POST /admin/bookings/{id}/undo`.
pub async fn undo(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Response {
    let b = match load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    match state.flows.undo(&b).await {
        Ok(undone) => {
            let done = if undone.client_was_told {
                "undone-told"
            } else {
                "undone"
            };
            Redirect::to(&format!("/admin/bookings/{id}?done={done}")).into_response()
        }
        Err(err) => refused_page(
            &state,
            &session,
            ("Not undone", "Not undone"),
            err,
            (&format!("/admin/bookings/{id}"), "Back to the booking"),
        ),
    }
}
