//! What planning a booking's messages costs: the reminder and same-day note when it is
//! booked, and the aftercare timeline with the next-session note when it is completed. It
//! runs inside the booking's write transaction, so it must stay small beside the database.

use jiff::{SignedDuration, Timestamp};
use service::Planner;
use store::{BookedAs, Booking, BookingStatus, Client};

fn main() {
    divan::main();
}

fn booking(start: Timestamp) -> Booking {
    Booking {
        id: "b-1".into(),
        reference: "NSC-7KQ2".into(),
        service_id: "microneedling-face".into(),
        practitioner_id: "maya-lee".into(),
        room_id: "room-1".into(),
        start,
        end: start + SignedDuration::from_mins(90),
        status: BookingStatus::Confirmed,
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
        booked_as: BookedAs {
            name: "Ada Client".into(),
            phone: None,
        },
    }
}

/// Booked: the reminder (with the cold-sore note) and the same-day note.
#[divan::bench]
fn before(bencher: divan::Bencher) {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let now = Timestamp::now();
    let b = booking(now + SignedDuration::from_hours(24 * 5));
    let words = mail::compose::MessageTexts::builtin();
    let planner = Planner {
        clinic: &clinic,
        words: &words,
        now,
        public_url: "https://clinic.example",
        unsubscribe_url: "https://clinic.example/unsubscribe/c-1.0123456789abcdef0123456789abcdef",
    };
    bencher.bench_local(|| {
        let mail = planner.before(
            divan::black_box(&b),
            "https://clinic.example/manage/T",
            true,
        );
        assert_eq!(mail.len(), 2);
        mail
    });
}

/// Completed: four aftercare notes and the next-session note.
#[divan::bench]
fn after(bencher: divan::Bencher) {
    let clinic = clinic::ClinicSnapshot::new(clinic::demo(), 1);
    let now = Timestamp::now();
    let b = booking(now + SignedDuration::from_hours(24 * 2));
    let words = mail::compose::MessageTexts::builtin();
    let planner = Planner {
        clinic: &clinic,
        words: &words,
        now,
        public_url: "https://clinic.example",
        unsubscribe_url: "https://clinic.example/unsubscribe/c-1.0123456789abcdef0123456789abcdef",
    };
    bencher.bench_local(|| {
        let mail = planner.after(
            divan::black_box(&b),
            "https://clinic.example/manage/T/checkin",
        );
        assert!(mail.len() >= 4);
        mail
    });
}
