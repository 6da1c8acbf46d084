//! A client's course at a glance, for clinical roles: their sessions side by side by date,
//! each with its before and after photos and the depths per area its treatment record notes.

use clinic::ClinicSnapshot;
use maud::{Markup, html};
use store::{Booking, BookingStatus, PhotoMeta};

/// One depth worked at in an area, as the treatment record notes it.
#[derive(Clone, Debug, PartialEq)]
pub struct AreaDepth {
    pub area: String,
    pub depth_mm: f64,
}

/// One session of the course: the visit and what was recorded of it.
#[derive(Clone, Debug)]
pub struct CourseSession {
    pub booking: Booking,
    pub photos: Vec<PhotoMeta>,
    /// Depths per area from the treatment record ([`depths_of`]); empty until one is written.
    pub depths: Vec<AreaDepth>,
}

/// The sessions of a course, oldest first, from a client's bookings and their photos:
/// every visit that took place or is still to come, and any other that has photos.
pub fn sessions(bookings: &[Booking], photos: &[PhotoMeta]) -> Vec<CourseSession> {
    let mut list: Vec<CourseSession> = bookings
        .iter()
        .map(|b| CourseSession {
            booking: b.clone(),
            photos: photos
                .iter()
                .filter(|p| p.booking_id == b.id)
                .cloned()
                .collect(),
            depths: Vec::new(),
        })
        .filter(|s| {
            !s.photos.is_empty()
                || !matches!(
                    s.booking.status,
                    BookingStatus::Cancelled | BookingStatus::Declined | BookingStatus::NoShow
                )
        })
        .collect();
    list.sort_by_key(|s| s.booking.start);
    list
}

/// The depths a session's treatment record notes, as amended; none without a record.
pub fn depths_of(record: Option<&service::RecordView>) -> Vec<AreaDepth> {
    record
        .map(|r| {
            r.current
                .areas
                .iter()
                .map(|a| AreaDepth {
                    area: a.area.clone(),
                    depth_mm: a.depth_mm,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// An area as the treatment record names it ("Around the eyes"), so both pages agree.
fn area_label(clinic: &ClinicSnapshot, id: &str) -> String {
    clinic
        .plans
        .areas()
        .into_iter()
        .find(|a| a.id == id)
        .map_or_else(|| id.replace('_', " "), |a| a.label)
}

/// The course as columns, one per session, oldest on the left; a narrow screen scrolls
/// sideways rather than stacking, so the sessions stay side by side.
pub fn view(clinic: &ClinicSnapshot, sessions: &[CourseSession]) -> Markup {
    let setup = &clinic.setup;
    html! {
        section.course aria-labelledby="course-heading" {
            h2 #course-heading { "Course" }
            p.small.muted { "Photos are for the clinical record only." }
            @if sessions.is_empty() {
                p.muted { "No sessions yet." }
            } @else {
                ol.course-sessions {
                    @for (i, s) in sessions.iter().enumerate() {
                        @let b = &s.booking;
                        li.course-session {
                            h3 {
                                "Session " (i + 1) ": "
                                time datetime=(b.start.to_zoned_datetime(clinic.timezone.clone()).date()) {
                                    (b.start.to_zoned_datetime(clinic.timezone.clone()).strftime("%-d %b %Y"))
                                }
                            }
                            p.small {
                                (setup.service(&b.service_id).map_or(b.service_id.as_str(), |s| s.name.as_str()))
                                " · " span class=(format!("status {}", b.status.as_str())) { (b.status.as_str().replace('_', " ")) }
                                " · " a href=(format!("/admin/bookings/{}", b.id)) { (b.reference) }
                            }
                            @if !s.depths.is_empty() {
                                ul.course-depths {
                                    @for d in &s.depths { li { (area_label(clinic, &d.area)) ": " (d.depth_mm) " mm" } }
                                }
                            }
                            @for (kind, label) in [("before", "Before"), ("after", "After")] {
                                @let shown: Vec<&PhotoMeta> = s.photos.iter().filter(|p| p.kind == kind).collect();
                                div.course-photos {
                                    h4 { (label) }
                                    @if shown.is_empty() { p.small.muted { "No photo" } }
                                    @for p in shown { (super::photos::figure(p)) }
                                }
                            }
                            p.small { a href=(format!("/admin/bookings/{}/photos", b.id)) { "Add or view photos" } }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn booking(id: &str, day: i64, status: BookingStatus) -> Booking {
        let start = jiff::Timestamp::from_second(day * 86_400).unwrap();
        Booking {
            id: id.into(),
            reference: id.to_uppercase(),
            service_id: "microneedling-face".into(),
            practitioner_id: "maya-lee".into(),
            room_id: "room-1".into(),
            start,
            end: start,
            status,
            screening_id: None,
            notes: String::new(),
            review_note: None,
            created_by: "client".into(),
            client: store::Client {
                id: "c1".into(),
                name: "Ana".into(),
                email: "ana@example.com".into(),
                phone: None,
            },
            booked_as: store::BookedAs {
                name: "Ana".into(),
                phone: None,
            },
        }
    }

    fn photo(booking: &str, kind: &str) -> PhotoMeta {
        PhotoMeta {
            id: format!("{booking}-{kind}"),
            booking_id: booking.into(),
            practitioner_id: "maya-lee".into(),
            client_id: "c1".into(),
            kind: kind.into(),
            caption: String::new(),
            content_type: "image/jpeg".into(),
            size: 1,
            uploaded_by: "s1".into(),
            created_at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn sessions_run_by_date_with_their_own_photos() {
        let bookings = [
            booking("c", 30, BookingStatus::Confirmed),
            booking("a", 1, BookingStatus::Completed),
            booking("x", 10, BookingStatus::Cancelled),
            booking("n", 12, BookingStatus::NoShow),
            booking("b", 15, BookingStatus::Completed),
        ];
        let photos = [
            photo("b", "after"),
            photo("a", "before"),
            photo("n", "before"),
        ];
        let list = sessions(&bookings, &photos);
        let order: Vec<&str> = list.iter().map(|s| s.booking.id.as_str()).collect();
        assert_eq!(
            order,
            ["a", "n", "b", "c"],
            "cancelled without photos is left out"
        );
        assert_eq!(list[0].photos, [photo("a", "before")]);
        assert_eq!(list[2].photos, [photo("b", "after")]);
        assert!(list[3].photos.is_empty());
    }
}
