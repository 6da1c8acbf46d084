//! The addresses a client keeps: the manage page and the calendar file. One home, so mail,
//! pages and the API never disagree on a link.

/// The manage page's path for a token: `/manage/{token}`.
pub fn manage_path(token: &str) -> String {
    format!("/manage/{token}")
}

/// The invite's path for a token: `/bookings/{token}/calendar.ics`.
pub fn calendar_path(token: &str) -> String {
    format!("/bookings/{token}/calendar.ics")
}
