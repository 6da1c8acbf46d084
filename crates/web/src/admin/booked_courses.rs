//! The courses a client booked, on the staff's client page: sessions done and left, and
//! the course price to take at the clinic.

use clinic::ClinicSnapshot;
use maud::{Markup, html};
use store::{BookingStatus, Course};

use crate::pages::site::money;

/// One row per course: the service, sessions done and left, the next session, the price.
pub(super) fn view(clinic: &ClinicSnapshot, courses: &[Course]) -> Markup {
    if courses.is_empty() {
        return html! {};
    }
    let now = jiff::Timestamp::now();
    html! {
        h2 { "Courses booked" }
        div.table-scroll {
            table {
                thead { tr {
                    th scope="col" { "Service" }
                    th scope="col" { "Done" }
                    th scope="col" { "Left" }
                    th scope="col" { "Next session" }
                    th scope="col" { "Course price" }
                } }
                tbody {
                    @for c in courses {
                        @let done = c.bookings.iter().filter(|b| b.status == BookingStatus::Completed).count();
                        @let left = c.bookings.iter().filter(|b| b.status.is_live() && b.status != BookingStatus::Completed).count();
                        @let next = c.bookings.iter().find(|b| b.status.is_live() && b.status != BookingStatus::Completed && b.start > now);
                        tr {
                            td { (clinic.setup.service(&c.service_id).map_or(c.service_id.as_str(), |s| s.name.as_str())) }
                            td { (done) " of " (c.bookings.len()) }
                            td { (left) }
                            td { @match next {
                                Some(b) => a href=(format!("/admin/bookings/{}", b.id)) { (clinic.when(&b.start.to_zoned_datetime(clinic.timezone.clone()))) },
                                None => span.muted { "None" },
                            } }
                            td { @match &c.price {
                                Some(p) => { (money(&clinic.setup.clinic.currency, p)) " (paid at the clinic)" },
                                None => span.muted { "Per session" },
                            } }
                        }
                    }
                }
            }
        }
    }
}
