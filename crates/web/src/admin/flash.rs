//! The one-line "saved" notice after a change to a booking. The redirect after the change
//! names it (`?done=moved`) and the next page shows the sentence once; only the sentences
//! here can appear, so a crafted link cannot put words of its own on a staff page.

use maud::{Markup, html};
use serde::Deserialize;
use service::StaffStatus;

/// `?done=…` on a page that a change redirects to.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    pub done: String,
}

/// The `done` value a status change redirects with.
pub fn status_done(status: StaffStatus) -> &'static str {
    match status {
        StaffStatus::Arrived => "arrived",
        StaffStatus::Completed => "completed",
        StaffStatus::NoShow => "no-show",
        StaffStatus::Cancelled => "cancelled",
    }
}

/// The sentence for a `done` value, or `None` for anything this module did not write.
pub fn sentence(done: &str) -> Option<&'static str> {
    Some(match done {
        "booked" => "Booked.",
        "moved" => "Booking moved to the new time.",
        "cancelled" => "Booking cancelled; its time is free again.",
        "arrived" => "Marked arrived.",
        "completed" => "Marked completed.",
        "no-show" => "Marked as a no-show.",
        "confirmed" => "Booking confirmed after review.",
        "declined" => "Booking declined after review.",
        "undone" => "Undone: the booking is back as it was.",
        "undone-told" => {
            "Undone: the booking is back, but the client had already been emailed that it was cancelled. They are now emailed that it stands after all; please call them as well."
        }
        "screening-link" => {
            "Screening link sent: the client's answers will be tied to this booking."
        }
        _ => return None,
    })
}

/// The notice for the page's `done`, or nothing.
pub fn notice(done: &str) -> Markup {
    html! {
        @if let Some(text) = sentence(done) {
            div.notice.ok.flash role="status" { p { (text) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_changes_have_words() {
        assert!(sentence("moved").is_some());
        assert!(sentence("<script>").is_none());
        assert!(sentence("").is_none());
        for s in [
            StaffStatus::Arrived,
            StaffStatus::Completed,
            StaffStatus::NoShow,
            StaffStatus::Cancelled,
        ] {
            assert!(sentence(status_done(s)).is_some(), "{s:?}");
        }
    }
}
