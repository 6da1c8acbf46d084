//! The booking page's "no screening on file" notice and its two ways forward: screen now with
//! the client, or mail them the link to the questions for this booking
//! (`POST /admin/bookings/{id}/screening-link`). The rule for when a link may go is
//! `service::screening_link_blocked`; a disabled button says why not.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use clinic::ClinicSnapshot;
use maud::{Markup, html};
use store::Booking;

use super::bookings::load;
use super::layout::{csrf_field, refused_page};
use crate::auth::StaffSession;
use crate::state::AppState;

/// The notice for a live booking with no screening on file, or nothing.
pub fn no_screening_panel(clinic: &ClinicSnapshot, session: &StaffSession, b: &Booking) -> Markup {
    if !(b.status.is_live() && super::today::no_screening_on_file(clinic, b)) {
        return html! {};
    }
    let blocked = service::screening_link_blocked(clinic, b, jiff::Timestamp::now());
    html! {
        div.notice.warn.no-screening {
            p { strong { "No screening on file." } " The client has not answered the safety questions for this treatment. "
                "Go through them with the client (in person or on the phone), or send them the link to answer them for this booking, before treatment." }
            div.cta-inline {
                a.button.small href=(format!("/admin/bookings/{}/reconfirm", b.id)) { "Screen now with the client" }
                form.cta-inline method="post" action=(format!("/admin/bookings/{}/screening-link", b.id)) {
                    (csrf_field(session))
                    @if blocked.is_some() {
                        button.small.secondary type="submit" disabled aria-describedby="screening-link-why" { "Send the screening link" }
                    } @else {
                        button.small.secondary type="submit" { "Send the screening link" }
                    }
                }
            }
            @if let Some(why) = blocked { p.small #screening-link-why { (why) } }
        }
    }
}

/// `POST /admin/bookings/{id}/screening-link`: mails the link, then back to the booking.
pub async fn send(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Response {
    let b = match load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    match state.flows.send_screening_link(&b).await {
        Ok(()) => {
            Redirect::to(&format!("/admin/bookings/{id}?done=screening-link")).into_response()
        }
        Err(err) => refused_page(
            &state,
            &session,
            ("Screening link not sent", "Screening link"),
            err,
            (&format!("/admin/bookings/{id}"), "Back to the booking"),
        ),
    }
}
