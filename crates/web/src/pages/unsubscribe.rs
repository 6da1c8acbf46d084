//! `/unsubscribe/{token}`: stop reminders and aftercare notes. The signed link in every
//! optional message is the key, so no sign-in is needed. GET only asks (a mail scanner
//! following links changes nothing); POST unsubscribes, both from the page's button and
//! from a mail program's RFC 8058 one-click request.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use crate::state::AppState;
use crate::ui::layout::{PageMeta, page};
use crate::ui::refusal::FormRefusal;

/// `GET /unsubscribe/{token}`: a confirm button.
pub async fn confirm(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.flows.subscription(&token).await {
        Ok(found) if found.opted_out => done(&state),
        Ok(_) => {
            let body = html! {
                h1 { "Stop reminders and aftercare notes?" }
                p { "We will no longer send you appointment reminders, aftercare notes or a note when your next session is due." }
                p { "You will still receive what you need to know: confirmations, changes to your bookings, and our answers to your healing check-ins." }
                form method="post" action=(format!("/unsubscribe/{token}")) {
                    p.cta-inline { button type="submit" { "Unsubscribe" } }
                }
            };
            frame(&state, "Unsubscribe", body)
        }
        Err(err) => refused(&state, err),
    }
}

/// `POST /unsubscribe/{token}`: unsubscribes; answers the same for a repeated request.
pub async fn unsubscribe(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.flows.unsubscribe(&token).await {
        Ok(_) => done(&state),
        Err(err) => refused(&state, err),
    }
}

fn done(state: &AppState) -> Response {
    let phone = state.clinic().setup.clinic.phone.clone();
    let body = html! {
        h1 { "You are unsubscribed" }
        p { "We will send no more reminders or aftercare notes. Confirmations and changes to your bookings still reach you." }
        p { "Changed your mind, or have a question about your healing? Call us on " (crate::ui::layout::phone_link(&phone)) "." }
    };
    frame(state, "You are unsubscribed", body)
}

fn refused(state: &AppState, err: service::Refusal) -> Response {
    let err = FormRefusal::from(err);
    let body = html! {
        h1 { "This link does not work" }
        p.notice.warn { (err.message) }
        p { "Please use the link in one of our recent messages, or call us." }
    };
    (err.status, frame(state, "This link does not work", body)).into_response()
}

fn frame(state: &AppState, title: &str, body: Markup) -> Response {
    page(
        state,
        PageMeta::new(title, "Choose which messages you receive.", "/unsubscribe").private(),
        body,
    )
    .into_response()
}
