//! What a client on the waitlist receives, word for word.

use jiff::Timestamp;
use store::{BookedAs, Client, EntryStatus, Mail, Offer, OfferStatus, WaitlistEntry};

fn entry() -> WaitlistEntry {
    WaitlistEntry {
        id: "w-1".into(),
        service_id: "consultation".into(),
        practitioner_id: Some("maya-lee".into()),
        from: jiff::civil::date(2027, 3, 15),
        to: jiff::civil::date(2027, 3, 19),
        times: vec!["morning".into()],
        screening_id: None,
        status: EntryStatus::Waiting,
        joined_at: "2027-03-01T12:00:00Z".parse().unwrap(),
        client: Client {
            id: "c-1".into(),
            name: "Ada Client".into(),
            email: "ada@example.com".into(),
            phone: None,
        },
        joined_as: BookedAs {
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

#[test]
fn offer_of_a_freed_time() {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let start: Timestamp = "2027-03-16T14:00:00Z".parse().unwrap();
    let offer = Offer {
        id: "o-1".into(),
        entry_id: "w-1".into(),
        service_id: "consultation".into(),
        practitioner_id: "maya-lee".into(),
        room_id: "room-1".into(),
        start,
        end: start + jiff::SignedDuration::from_mins(30),
        status: OfferStatus::Open,
        expires_at: "2027-03-15T16:30:00Z".parse().unwrap(),
        booking_id: None,
        created_by: "waitlist".into(),
    };
    let mail = mail::compose::waitlist_offer(
        &clinic,
        &entry(),
        &offer,
        "https://clinic.example/waitlist/offers/TOKEN",
    );
    insta::assert_snapshot!(readable(&mail));
}

#[test]
fn joined_the_waitlist() {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let mail =
        mail::compose::waitlist_joined(&clinic, &entry(), "https://clinic.example/waitlist/TOKEN");
    insta::assert_snapshot!(readable(&mail));
}
