//! The account page's markup: two-factor status, sessions and API tokens, each with the
//! form that ends it. Only lays out what the handler looked up.

use maud::{Markup, html};
use store::{SessionInfo, StaffToken};

use super::when;
use crate::admin::layout::csrf_field;
use crate::auth::{ENROL_PATH, StaffSession};
use crate::state::AppState;

/// What the account page shows.
pub(super) struct Account<'a> {
    pub(super) notice: Option<&'static str>,
    pub(super) two_factor_on: bool,
    pub(super) two_factor_required: bool,
    pub(super) codes_left: i64,
    pub(super) sessions: &'a [SessionInfo],
    /// The id of the session this page was asked for with.
    pub(super) current: Option<&'a str>,
    pub(super) tokens: &'a [StaffToken],
}

/// The whole page body.
pub(super) fn page_body(state: &AppState, session: &StaffSession, a: &Account<'_>) -> Markup {
    html! {
        h1 { "Your account" }
        @if let Some(notice) = a.notice { div.notice.ok role="status" { p { (notice) } } }
        p { "Signed in as " strong { (session.staff.email) } "." }
        h2 { "Two-factor sign-in" }
        @if a.two_factor_on {
            p { "On: signing in asks for a code from your authenticator app after your password. "
                (a.codes_left) " of your recovery codes are unused." }
        } @else {
            @if a.two_factor_required {
                div.notice.danger role="alert" { p { "The clinic requires two-factor sign-in for your role. Set it up to use the back office." } }
            }
            p { "Off. With it on, a stolen password alone cannot open your account." }
            p { a href=(ENROL_PATH) { "Set up two-factor sign-in" } }
        }
        h2 #sessions { "Where you are signed in" }
        p { "Each browser you signed in on, most recently used first. Sign out any you do not recognise. A session ends by itself after "
            (state.clinic().setup.security.session_idle_minutes) " minutes without use, and 12 hours after signing in." }
        div.table-scroll {
            table {
                thead { tr {
                    th scope="col" { "Signed in" }
                    th scope="col" { "Last used" }
                    th scope="col" { "Address" }
                    th scope="col" { "Browser" }
                    th scope="col" { span.visually-hidden { "Sign out" } }
                } }
                tbody {
                    @for s in a.sessions {
                        @let this_one = a.current == Some(s.id.as_str());
                        tr {
                            td { (when(state, s.created_at)) @if this_one { " " strong { "(this browser)" } } }
                            td { (when(state, s.last_seen_at)) }
                            td { (s.address) }
                            td { @if s.user_agent.is_empty() { span.muted { "Not given" } } @else { (s.user_agent) } }
                            td {
                                form method="post" action=(format!("/admin/account/sessions/{}/end", s.id)) {
                                    (csrf_field(session))
                                    button.small.secondary type="submit" { "Sign out" span.visually-hidden { " the session started " (when(state, s.created_at)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 #tokens { "API tokens" }
        p { "A token lets a program use the back office's API as you, with your role. The clinic's operator makes them on the server with "
            code { "collagen staff token " (session.staff.email) } ". Revoke any you no longer use." }
        @if a.tokens.is_empty() {
            p.muted { "You have no API tokens." }
        } @else {
            (token_table(state, session, a.tokens, false))
        }
    }
}

/// A list of tokens with a revoke button each; `everyone` adds the owner's email and
/// posts to the admin's route.
pub(crate) fn token_table(
    state: &AppState,
    session: &StaffSession,
    tokens: &[StaffToken],
    everyone: bool,
) -> Markup {
    html! {
        div.table-scroll {
            table {
                thead { tr {
                    @if everyone { th scope="col" { "Staff" } }
                    th scope="col" { "Name" }
                    th scope="col" { "Created" }
                    th scope="col" { "Last used" }
                    th scope="col" { span.visually-hidden { "Revoke" } }
                } }
                tbody {
                    @for t in tokens {
                        tr {
                            @if everyone { td { (t.email) } }
                            td { (t.label) }
                            td { (when(state, t.created_at)) }
                            td { @match t.last_used_at { Some(at) => (when(state, at)), None => span.muted { "Never" } } }
                            td {
                                @let action = if everyone { format!("/admin/staff/tokens/{}/revoke", t.id) } else { format!("/admin/account/tokens/{}/revoke", t.id) };
                                form method="post" action=(action) {
                                    (csrf_field(session))
                                    button.small.secondary type="submit" { "Revoke" span.visually-hidden { " the token " (t.label) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
