//! The planned messages word for word: reminder (with and without the cold-sore note), the
//! same-day note, each aftercare step, the next-session note, and the clinic's repeated
//! alert. A change to any of them shows up here in review.

use jiff::Timestamp;
use mail::compose::{self, AftercareStep, Links, MessageTexts};
use store::{Booking, BookingStatus, Client, Mail};

fn booking() -> Booking {
    let start: Timestamp = "2027-03-15T13:00:00Z".parse().unwrap();
    Booking {
        id: "b-1".into(),
        reference: "NSC-7KQ2".into(),
        service_id: "microneedling-face".into(),
        practitioner_id: "maya-lee".into(),
        room_id: "room-1".into(),
        start,
        end: start + jiff::SignedDuration::from_mins(90),
        status: BookingStatus::Confirmed,
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

const LINKS: Links<'static> = Links {
    manage: "https://clinic.example/manage/TOKEN",
    unsubscribe: "https://clinic.example/unsubscribe/c-1.SIGNATURE",
};
const CHECKIN: &str = "https://clinic.example/manage/TOKEN/checkin";

fn clinic() -> std::sync::Arc<clinic::ClinicSnapshot> {
    clinic::ClinicSnapshot::new(clinic::demo(), 1)
}

fn words() -> MessageTexts {
    MessageTexts::builtin()
}

#[test]
fn reminder() {
    let mail = compose::reminder(&clinic(), &words(), &booking(), LINKS, false, None);
    assert!(!mail.body_text.contains("antiviral"));
    assert!(!mail.body_text.contains("consent"));
    assert!(!mail.body_text.contains("{{"), "{}", mail.body_text);
    insta::assert_snapshot!(readable(&mail));
}

#[test]
fn reminder_after_a_cold_sore_history() {
    let mail = compose::reminder(&clinic(), &words(), &booking(), LINKS, true, None);
    assert!(mail.body_text.contains("antiviral"));
    insta::assert_snapshot!(readable(&mail));
}

#[test]
fn reminder_with_the_consent_form() {
    let consent = "https://clinic.example/manage/TOKEN/consent";
    let mail = compose::reminder(&clinic(), &words(), &booking(), LINKS, false, Some(consent));
    assert!(mail.body_text.contains(consent), "{}", mail.body_text);
    assert!(mail.body_html.contains(&format!("href=\"{consent}\"")));
    insta::assert_snapshot!(readable(&mail));
}

#[test]
fn same_day_note() {
    let mail = compose::same_day(&clinic(), &words(), &booking(), LINKS);
    insta::assert_snapshot!(readable(&mail));
}

#[test]
fn aftercare_timeline() {
    for step in AftercareStep::ALL {
        let mail = compose::aftercare_step(
            &clinic(),
            &words(),
            &booking(),
            step,
            CHECKIN,
            LINKS.unsubscribe,
        );
        assert!(mail.body_text.contains(CHECKIN), "{step:?}");
        assert!(
            !mail.body_text.contains("{{"),
            "{step:?}: {}",
            mail.body_text
        );
        insta::assert_snapshot!(
            format!("aftercare_{step:?}").to_lowercase(),
            readable(&mail)
        );
    }
}

#[test]
fn next_session() {
    let date: jiff::civil::Date = "2027-04-12".parse().unwrap();
    let url = "https://clinic.example/book?service=microneedling-face&practitioner=maya-lee&month=2027-04&date=2027-04-12";
    let mail = compose::next_session(
        &clinic(),
        &words(),
        &booking(),
        date,
        url,
        LINKS.unsubscribe,
    );
    insta::assert_snapshot!(readable(&mail));
}

/// A clinic's own words: its preparation list, same-day note, an aftercare step with its
/// own subject, and a next-session paragraph, each figure still filled from the protocol.
#[test]
fn the_clinic_s_own_words() {
    let mut own = words();
    own.preparation = vec![
        "Pause retinoids {{fact:retinoid_pause}} before your visit.".into(),
        "Bring a list of the medicines you take.".into(),
    ];
    own.same_day = "Come bare-faced; numbing takes {{fact:numbing}}.".into();
    let day1 = &mut own.aftercare[1];
    day1.subject = "Your skin, one day on".into();
    day1.parts = [
        "Pinkness is {{normal:redness}}.".into(),
        "Sunscreen ({{fact:spf}}) every morning.".into(),
        "Skip the gym today.".into(),
    ];
    own.next_session = Some("Our course clients book the same weekday.".into());
    let snapshot = clinic();
    let texts = protocol::Placeholders::new(&snapshot.rules, &snapshot.plans);
    own.check(&texts).expect("the clinic's words are valid");
    let mails = [
        compose::reminder(&clinic(), &own, &booking(), LINKS, true, None),
        compose::same_day(&clinic(), &own, &booking(), LINKS),
        compose::aftercare_step(
            &clinic(),
            &own,
            &booking(),
            AftercareStep::Day1,
            CHECKIN,
            LINKS.unsubscribe,
        ),
        compose::next_session(
            &clinic(),
            &own,
            &booking(),
            "2027-04-12".parse().unwrap(),
            "https://clinic.example/book",
            LINKS.unsubscribe,
        ),
    ];
    for mail in &mails {
        assert!(!mail.body_text.contains("{{"), "{}", mail.body_text);
    }
    // The antiviral line stays the app's, after the clinic's list.
    assert!(mails[0].body_text.contains("antiviral"));
    assert!(!mails[0].body_text.contains("Sunbeds"));
    let all: Vec<String> = mails.iter().map(readable).collect();
    insta::assert_snapshot!(all.join("\n=====\n"));
}

#[test]
fn alert_mailed_again() {
    let alert = store::Alert {
        id: "a-1".into(),
        booking_id: "b-1".into(),
        booking_reference: "NSC-7KQ2".into(),
        client_id: "c-1".into(),
        client_name: "Ada Client".into(),
        client_phone: Some("+1 555 0100".into()),
        triage: "call_today".into(),
        symptoms: vec!["increasing_redness".into(), "pus".into()],
        pain: 6,
        note: None,
        created_at: "2027-03-16T15:00:00Z".parse().unwrap(),
        acknowledged_at: None,
        ack_note: None,
        photo_id: None,
    };
    let mail = compose::alert_again(&clinic(), &alert, "https://clinic.example/admin/alerts");
    assert_eq!(mail.recipient, clinic().setup.clinic.email);
    insta::assert_snapshot!(readable(&mail));
}
