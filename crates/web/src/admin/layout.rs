//! The back office's frame: a compact bar with the day's tools, and the sign-out form.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use crate::assets::{CSS, ICON, JS};
use crate::auth::{Role, StaffSession};
use crate::state::AppState;

/// A back-office action the workflow refused: its heading, the refusal's words and status,
/// and a link back to where the action was taken (`back`: address and label).
pub fn refused_page(
    state: &AppState,
    session: &StaffSession,
    (heading, title): (&str, &str),
    refusal: service::Refusal,
    (href, label): (&str, &str),
) -> Response {
    let err = crate::ui::refusal::FormRefusal::from(refusal);
    let body = html! {
        h1 { (heading) }
        div.notice.danger role="alert" { p { (err.message) } }
        p { a href=(href) { (label) } }
    };
    (err.status, admin_page(state, session, title, "", body)).into_response()
}

/// Renders a back-office page; `current` is the nav item's path.
pub fn admin_page(
    state: &AppState,
    session: &StaffSession,
    title: &str,
    current: &str,
    body: Markup,
) -> Markup {
    let clinic = state.clinic();
    let mut items = vec![
        ("/admin", "Today"),
        ("/admin/calendar", "Calendar"),
        ("/admin/bookings/new", "New booking"),
        ("/admin/clients", "Clients"),
    ];
    if session.role != Role::Practitioner {
        items.push(("/admin/waitlist", "Waitlist"));
    }
    if session.role.sees_clinical() {
        items.insert(2, ("/admin/review", "Review queue"));
        items.insert(3, ("/admin/alerts", "Aftercare alerts"));
        items.push(("/admin/recall", "Recall"));
    }
    if session.role == Role::Admin {
        items.push(("/admin/staff", "Staff"));
        items.push(("/admin/setup", "Setup"));
        items.push(("/admin/audit", "Audit trail"));
    }
    items.push(("/admin/account", "Account"));
    html! {
        (DOCTYPE)
        html lang="en" data-clinic-zone=(clinic.setup.clinic.timezone) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex, nofollow";
                title { (title) " | " (clinic.setup.clinic.name) " back office" }
                link rel="icon" href=(ICON.url) type="image/svg+xml";
                link rel="stylesheet" href=(CSS.url);
                script src=(JS.url) defer {}
            }
            body {
                a.skip-link href="#main" { "Skip to main content" }
                header.admin-bar {
                    div.wrap {
                        strong { (clinic.setup.clinic.name) }
                        nav aria-label="Back office" {
                            ul.cta-inline.admin-nav {
                                @for (href, label) in &items {
                                    li { a href=(href) aria-current=[(*href == current).then_some("page")] { (label) } }
                                }
                            }
                        }
                        span.small { (session.staff.email) " · " (session.role.as_str()) }
                        form method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(session.csrf);
                            button.small.secondary type="submit" { "Sign out" }
                        }
                    }
                }
                main #main tabindex="-1" { div.wrap { (body) } }
            }
        }
    }
}

/// The CSRF field every back-office form carries.
pub fn csrf_field(session: &StaffSession) -> Markup {
    html! { input type="hidden" name="csrf" value=(session.csrf); }
}

/// Unknown back-office paths (reached only when signed in).
pub async fn not_found(
    axum::extract::State(state): axum::extract::State<AppState>,
    session: StaffSession,
) -> Response {
    let body = html! { h1 { "Not found" } p { a href="/admin" { "Back to today" } } };
    (
        StatusCode::NOT_FOUND,
        admin_page(&state, &session, "Not found", "", body),
    )
        .into_response()
}
