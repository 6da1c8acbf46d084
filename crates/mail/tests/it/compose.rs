//! What a client receives, word for word: a change to any message shows up here in review.

use jiff::Timestamp;
use store::{Booking, BookingStatus, Client, Mail};

fn booking(status: BookingStatus) -> Booking {
    let start: Timestamp = "2027-03-15T13:00:00Z".parse().unwrap();
    Booking {
        id: "b-1".into(),
        reference: "NSC-7KQ2".into(),
        service_id: "microneedling-face".into(),
        practitioner_id: "maya-lee".into(),
        room_id: "room-1".into(),
        start,
        end: start + jiff::SignedDuration::from_mins(90),
        status,
        screening_id: Some("s-1".into()),
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

/// The parts a client reads; the invite is checked on its own, without its stamp.
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

/// The invite without the lines that change with the clock (the stamp and, on a move, the
/// sequence).
fn stable_invite(ics: &str) -> String {
    ics.lines()
        .filter(|l| !l.starts_with("DTSTAMP:") && !l.starts_with("SEQUENCE:"))
        .collect::<Vec<_>>()
        .join("\n")
}

const MANAGE: &str = "https://clinic.example/manage/TOKEN";

#[test]
fn confirmation() {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let mail = mail::compose::booked(&clinic, &booking(BookingStatus::Confirmed), MANAGE);
    insta::assert_snapshot!(readable(&mail));
    insta::assert_snapshot!(
        "confirmation_invite",
        stable_invite(mail.ics.as_deref().unwrap())
    );
}

#[test]
fn request_held_for_review() {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let mail = mail::compose::booked(&clinic, &booking(BookingStatus::PendingReview), MANAGE);
    insta::assert_snapshot!(readable(&mail));
}

/// The desk booked a treatment by phone with no screening: the mail must not thank her for
/// answers she never gave, and points her to the questions instead.
#[test]
fn desk_booking_without_a_screening() {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let mut held = booking(BookingStatus::PendingReview);
    held.screening_id = None;
    held.created_by = "staff:s-1".into();
    let mail = mail::compose::booked(&clinic, &held, MANAGE);
    assert!(
        !mail.body_text.contains("since you answered")
            && !mail.body_html.contains("since you answered"),
        "{}",
        mail.body_text
    );
    assert!(
        mail.body_text
            .contains("https://clinic.example/suitability")
            && mail
                .body_html
                .contains("https://clinic.example/suitability"),
        "{}",
        mail.body_text
    );
    assert!(
        !mail.body_text.contains("review your answers"),
        "{}",
        mail.body_text
    );
    insta::assert_snapshot!(readable(&mail));
}

#[test]
fn moved() {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let before = booking(BookingStatus::Confirmed);
    let mut after = before.clone();
    after.start += jiff::SignedDuration::from_hours(48);
    after.end += jiff::SignedDuration::from_hours(48);
    let mail = mail::compose::rescheduled(&clinic, &before, &after, Some(MANAGE));
    insta::assert_snapshot!(readable(&mail));
}

#[test]
fn cancellation() {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let mail = mail::compose::cancelled(&clinic, &booking(BookingStatus::Cancelled));
    insta::assert_snapshot!(readable(&mail));
    insta::assert_snapshot!(
        "cancellation_invite",
        stable_invite(mail.ics.as_deref().unwrap())
    );
}

#[test]
fn review_confirmed_with_a_note() {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let mail = mail::compose::reviewed(
        &clinic,
        &booking(BookingStatus::Confirmed),
        true,
        " Please avoid retinoids for a week before. ",
    );
    insta::assert_snapshot!(readable(&mail));
}

#[test]
fn review_declined() {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let mail = mail::compose::reviewed(&clinic, &booking(BookingStatus::Declined), false, "");
    insta::assert_snapshot!(readable(&mail));
}

#[test]
fn checkin_alert_to_the_clinic() {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let symptoms = protocol::Symptoms::builtin();
    let reported = [
        symptoms.get("pus").unwrap(),
        symptoms.get("redness").unwrap(),
    ];
    let mail = mail::compose::checkin_alert(
        &clinic,
        &booking(BookingStatus::Completed),
        protocol::Triage::CallToday,
        &reported,
        6,
        Some("It started this morning."),
        "https://clinic.example/admin/alerts",
    );
    assert_eq!(mail.recipient, clinic.setup.clinic.email);
    insta::assert_snapshot!(readable(&mail));
}

#[test]
fn recall_letter() {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let mail = mail::compose::recall(
        &clinic,
        &booking(BookingStatus::Completed),
        "CART-2027-118",
        "The maker has told us this batch may not have been sterile. The risk is low, and we would like to see you for a free skin check.",
    );
    assert_eq!(mail.recipient, "ada@example.com");
    assert!(mail.ics.is_none());
    insta::assert_snapshot!(readable(&mail));
}

/// The desk sends a phone booking's client the questions for that appointment.
#[test]
fn screening_link_for_a_desk_booking() {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let mut held = booking(BookingStatus::PendingReview);
    held.screening_id = None;
    held.created_by = "staff:s-1".into();
    let link = "https://clinic.example/screening-link/TOKEN";
    let mail = mail::compose::screening_link(&clinic, &held, link);
    assert_eq!(mail.recipient, "ada@example.com");
    assert!(mail.body_text.contains(link) && mail.body_html.contains(link));
    insta::assert_snapshot!(readable(&mail));
}

/// The desk undid a cancellation the client had already been told about.
#[test]
fn booking_stands_after_all() {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let mail = mail::compose::reinstated(&clinic, &booking(BookingStatus::Confirmed), MANAGE);
    assert!(mail.body_text.contains("stands after all"));
    let ics = mail.ics.as_deref().unwrap();
    assert!(ics.contains("SEQUENCE:65536"), "{ics}");
    assert!(!ics.contains("STATUS:CANCELLED"), "{ics}");
    insta::assert_snapshot!(readable(&mail));
}
