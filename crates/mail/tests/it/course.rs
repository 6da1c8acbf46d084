//! The course confirmation, word for word: one message listing every session.

use jiff::Timestamp;
use store::{Booking, BookingStatus, Client, Mail};

fn session(i: i64, status: BookingStatus) -> Booking {
    // 4 weeks apart, at 09:00 in New York, across the spring clock change (2027-03-14).
    let start: Timestamp = "2027-02-15T14:00:00Z".parse().unwrap();
    let start = start
        .to_zoned_datetime(jiff::tz::TimeZone::get("America/New_York").unwrap())
        .checked_add(jiff::Span::new().days(28 * i))
        .unwrap()
        .timestamp();
    Booking {
        id: format!("b-{i}"),
        reference: format!("NSC-7KQ{i}"),
        service_id: "microneedling-face".into(),
        practitioner_id: if i == 2 { "sam-ortiz" } else { "maya-lee" }.into(),
        room_id: "room-1".into(),
        start,
        end: start + jiff::SignedDuration::from_mins(105),
        status,
        screening_id: None,
        notes: String::new(),
        review_note: None,
        created_by: "client".into(),
        client: Client {
            id: "c-1".into(),
            name: "Ada Client".into(),
            email: "ada@example.com".into(),
            phone: None,
        },
        booked_as: store::BookedAs {
            name: "Ada Client".into(),
            phone: None,
        },
    }
}

fn readable(mail: &Mail) -> String {
    format!(
        "kind: {}\nto: {}\nsubject: {}\nhas invite: {}\n\n--- text ---\n{}\n--- html ---\n{}\n",
        mail.kind,
        mail.recipient,
        mail.subject,
        mail.ics.is_some(),
        mail.body_text,
        mail.body_html.replace("><", ">\n<")
    )
}

const MANAGE: &str = "https://clinic.example/courses/TOKEN";

#[test]
fn course_confirmation() {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let sessions: Vec<Booking> = (0..4)
        .map(|i| session(i, BookingStatus::Confirmed))
        .collect();
    let mail = mail::compose::course_booked(&clinic, &sessions, Some("900.00"), MANAGE);
    assert_eq!(mail.recipient, "ada@example.com");
    assert!(mail.plan.is_none(), "sent at once");
    insta::assert_snapshot!(readable(&mail));
}

#[test]
fn course_held_for_review_without_a_course_price() {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let sessions: Vec<Booking> = (0..2)
        .map(|i| session(i, BookingStatus::PendingReview))
        .collect();
    let mail = mail::compose::course_booked(&clinic, &sessions, None, MANAGE);
    assert!(
        mail.subject.starts_with("Course received: 2 sessions"),
        "{}",
        mail.subject
    );
    assert!(!mail.body_text.contains("Course price"));
    assert!(mail.body_text.contains("review your answers first"));
}
