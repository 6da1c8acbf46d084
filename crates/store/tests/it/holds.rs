//! The store on its own, on SQLite and on PostgreSQL: the database itself refuses
//! overlapping holds, a refused change writes nothing, and setups update by id.

use jiff::Timestamp;
use scheduling::{Hold, Resource};
use sqlx::{PgPool, SqlitePool};
use store::{
    Booking, BookingError, BookingStatus, Engine, Mail, NewBooking, NewClient, Placement, Store,
};

/// A fresh, migrated database on one engine, with a second connection for looking
/// at the raw rows.
struct TestDb {
    store: Store,
    raw: Raw,
    _dir: tempfile::TempDir,
}

enum Raw {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

fn postgres_admin_url() -> String {
    std::env::var("COLLAGEN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

impl TestDb {
    async fn new(engine: Engine) -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = match engine {
            Engine::Sqlite => format!("sqlite://{}", dir.path().join("collagen.db").display()),
            Engine::Postgres => {
                let admin = postgres_admin_url();
                let name = format!("collagen_test_{}", store::new_id());
                let pool = PgPool::connect(&admin).await.unwrap_or_else(|e| {
                    panic!("PostgreSQL is required for this test at {admin}: {e}")
                });
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&pool)
                    .await
                    .expect("create test database");
                pool.close().await;
                let (base, _) = admin
                    .rsplit_once('/')
                    .expect("database URL with a database name");
                format!("{base}/{name}")
            }
        };
        let store = Store::connect(&url).await.expect("connect");
        store.migrate().await.expect("migrate");
        assert_eq!(store.engine(), engine);
        let raw = match engine {
            Engine::Sqlite => Raw::Sqlite(
                SqlitePool::connect(&url)
                    .await
                    .expect("raw sqlite connection"),
            ),
            Engine::Postgres => Raw::Postgres(
                PgPool::connect(&url)
                    .await
                    .expect("raw postgres connection"),
            ),
        };
        TestDb {
            store,
            raw,
            _dir: dir,
        }
    }

    /// `SELECT COUNT(*) FROM <table>`.
    async fn count(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        match &self.raw {
            Raw::Sqlite(pool) => sqlx::query_scalar(&sql)
                .fetch_one(pool)
                .await
                .expect("count"),
            Raw::Postgres(pool) => sqlx::query_scalar(&sql)
                .fetch_one(pool)
                .await
                .expect("count"),
        }
    }

    /// A practitioner row: name, title and whether it is active.
    async fn practitioner_row(&self, id: &str) -> Option<(String, String, bool)> {
        let sql = "SELECT name, title, active FROM practitioners WHERE id = $1";
        match &self.raw {
            Raw::Sqlite(pool) => sqlx::query_as(sql)
                .bind(id)
                .fetch_optional(pool)
                .await
                .expect("practitioner"),
            Raw::Postgres(pool) => sqlx::query_as(sql)
                .bind(id)
                .fetch_optional(pool)
                .await
                .expect("practitioner"),
        }
    }
}

/// Declares a test that runs once on SQLite and once on PostgreSQL.
macro_rules! on_both_engines {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(super::TestDb::new(store::Engine::Sqlite).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = "needs PostgreSQL at COLLAGEN_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/test); run with --ignored"]
            async fn postgres() {
                super::$name(super::TestDb::new(store::Engine::Postgres).await).await
            }
        }
    };
}

/// A fixed instant on a day in the future, `hh:mm` UTC.
fn at(hh_mm: &str) -> Timestamp {
    format!("2030-03-05T{hh_mm}:00Z")
        .parse()
        .expect("timestamp")
}

fn practitioner(id: &str, start: &str, end: &str) -> Hold {
    Hold {
        resource: Resource::Practitioner(id.into()),
        start: at(start),
        end: at(end),
    }
}

fn room(id: &str, start: &str, end: &str) -> Hold {
    Hold {
        resource: Resource::Room(id.into()),
        start: at(start),
        end: at(end),
    }
}

/// A placement holding the practitioner and the room for the whole of `start..end`.
fn whole(practitioner_id: &str, room_id: &str, start: &str, end: &str) -> Placement {
    Placement {
        practitioner_id: practitioner_id.into(),
        room_id: room_id.into(),
        start: at(start),
        end: at(end),
        holds: vec![
            practitioner(practitioner_id, start, end),
            room(room_id, start, end),
        ],
    }
}

fn new_booking(email: &str, service: &str) -> NewBooking {
    NewBooking {
        reference: store::new_reference(),
        manage_token_hash: store::new_token().1,
        service_id: service.into(),
        client: NewClient {
            name: format!("Client {email}"),
            email: email.into(),
            phone: Some("+1 555 0123".into()),
        },
        status: BookingStatus::Confirmed,
        screening_id: None,
        notes: String::new(),
        created_by: "client".into(),
        policy: None,
    }
}

fn mail_for(booking: &Booking, kind: &str) -> Vec<Mail> {
    vec![Mail {
        kind: kind.into(),
        recipient: booking.client.email.clone(),
        subject: format!("{kind} {}", booking.reference),
        body_text: "text".into(),
        body_html: "<p>html</p>".into(),
        ics: None,
        plan: None,
    }]
}

/// Books `placement` for `email`, bypassing the engine: `decide` just returns it.
async fn book(
    db: &TestDb,
    email: &str,
    placement: Placement,
) -> Result<Booking, BookingError<&'static str>> {
    let window = (placement.start, placement.end);
    db.store
        .create_booking(
            &new_booking(email, "consultation"),
            window,
            move |_| Ok(placement),
            |b| mail_for(b, "booked"),
        )
        .await
}

async fn setup(db: &TestDb) {
    db.store
        .save_setup(&clinic::demo())
        .await
        .expect("save setup");
}

/// Every hold on the test day, sorted.
async fn holds_on_the_day(db: &TestDb) -> Vec<Hold> {
    let mut holds = db
        .store
        .holds_between(at("00:00"), at("23:59"))
        .await
        .expect("holds");
    holds.sort();
    holds
}

fn sorted(mut holds: Vec<Hold>) -> Vec<Hold> {
    holds.sort();
    holds
}

/// A placement whose holds overlap an existing booking's is refused by the database even
/// though `decide` approved it, and the failed attempt leaves no client, booking, hold or mail.
async fn overlapping_holds_are_refused_and_nothing_is_half_written(db: TestDb) {
    setup(&db).await;
    let first = book(
        &db,
        "first@example.com",
        whole("maya-lee", "room-1", "15:00", "15:30"),
    )
    .await
    .expect("first booking");

    // Same practitioner, other room, overlapping by 15 minutes.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let clash = whole("maya-lee", "room-2", "15:15", "15:45");
    let result = db
        .store
        .create_booking(
            &new_booking("second@example.com", "consultation"),
            (clash.start, clash.end),
            {
                let seen = seen.clone();
                move |holds| {
                    *seen.lock().unwrap() = holds.to_vec();
                    Ok::<_, &str>(clash)
                }
            },
            |b| mail_for(b, "booked"),
        )
        .await;
    let seen = seen.lock().unwrap().clone();
    assert!(
        matches!(result, Err(BookingError::SlotTaken)),
        "practitioner overlap refused: {result:?}"
    );
    assert!(
        seen.contains(&practitioner("maya-lee", "15:00", "15:30")),
        "decide saw the existing holds in its window: {seen:?}"
    );

    // Other practitioner, same room, overlapping by 10 minutes.
    let result = book(
        &db,
        "third@example.com",
        whole("sam-ortiz", "room-1", "15:20", "15:50"),
    )
    .await;
    assert!(
        matches!(result, Err(BookingError::SlotTaken)),
        "room overlap refused: {result:?}"
    );

    // A placement that is fine for the room but clashes for the practitioner through a
    // later phase only: one overlapping hold is enough to refuse all of it.
    let partial = Placement {
        practitioner_id: "maya-lee".into(),
        room_id: "room-2".into(),
        start: at("14:00"),
        end: at("15:10"),
        holds: vec![
            room("room-2", "14:00", "15:10"),
            practitioner("maya-lee", "14:30", "15:10"),
        ],
    };
    let result = book(&db, "fourth@example.com", partial).await;
    assert!(
        matches!(result, Err(BookingError::SlotTaken)),
        "a later overlapping phase is refused: {result:?}"
    );

    assert_eq!(
        db.count("bookings").await,
        1,
        "only the first booking exists"
    );
    assert_eq!(
        db.count("holds").await,
        2,
        "only the first booking's holds exist"
    );
    assert_eq!(
        db.count("clients").await,
        1,
        "no client rows from the failed attempts"
    );
    assert_eq!(
        db.count("outbox").await,
        1,
        "no mail queued for the failed attempts"
    );
    let bookings = db
        .store
        .bookings_between(at("00:00"), at("23:59"))
        .await
        .unwrap();
    assert_eq!(bookings, vec![first.clone()]);
    assert_eq!(
        db.store.booking(&first.id).await.unwrap().as_ref(),
        Some(&first),
        "stored as returned"
    );
    assert_eq!(
        holds_on_the_day(&db).await,
        sorted(whole("maya-lee", "room-1", "15:00", "15:30").holds)
    );
    let mail = db.store.mail_for_booking(&first.id).await.unwrap();
    assert_eq!(
        mail,
        vec![(
            "booked".to_owned(),
            "first@example.com".to_owned(),
            "pending".to_owned()
        )]
    );
}
on_both_engines!(overlapping_holds_are_refused_and_nothing_is_half_written);

/// Holds that touch end to start are not an overlap, and a practitioner held only in the
/// treatment phase is free for someone else while the first client's numbing cream works.
async fn back_to_back_and_phase_holds_are_accepted(db: TestDb) {
    setup(&db).await;
    book(
        &db,
        "a@example.com",
        whole("maya-lee", "room-1", "15:00", "15:30"),
    )
    .await
    .expect("first");
    book(
        &db,
        "b@example.com",
        whole("maya-lee", "room-1", "15:30", "16:00"),
    )
    .await
    .expect("starts as the first ends");
    book(
        &db,
        "c@example.com",
        whole("maya-lee", "room-1", "14:30", "15:00"),
    )
    .await
    .expect("ends as the first starts");

    // A face treatment: room through numbing, treatment and cleanup; practitioner only
    // in the treatment phase.
    let face = Placement {
        practitioner_id: "sam-ortiz".into(),
        room_id: "room-2".into(),
        start: at("10:00"),
        end: at("11:30"),
        holds: vec![
            room("room-2", "10:00", "11:30"),
            practitioner("sam-ortiz", "10:30", "11:15"),
        ],
    };
    book(&db, "face@example.com", face)
        .await
        .expect("face treatment");
    book(
        &db,
        "numbing@example.com",
        whole("sam-ortiz", "room-1", "10:00", "10:30"),
    )
    .await
    .expect("practitioner free during numbing");
    let result = book(
        &db,
        "clash@example.com",
        whole("sam-ortiz", "room-1", "10:45", "11:15"),
    )
    .await;
    assert!(
        matches!(result, Err(BookingError::SlotTaken)),
        "but not during treatment: {result:?}"
    );
    let result = book(
        &db,
        "room@example.com",
        whole("maya-lee", "room-2", "11:15", "11:45"),
    )
    .await;
    assert!(
        matches!(result, Err(BookingError::SlotTaken)),
        "the room stays held through cleanup: {result:?}"
    );

    assert_eq!(db.count("bookings").await, 5);
    assert_eq!(db.count("holds").await, 10);
    assert_eq!(db.count("outbox").await, 5);
}
on_both_engines!(back_to_back_and_phase_holds_are_accepted);

/// A booking is decided among every hold its time overlaps, however long ago that hold began:
/// after half-hour holds, an eight-hour one that began hours before the asked time is still
/// among those `decide` sees, so it is not placed over it.
async fn a_long_hold_that_began_hours_before_is_still_seen(db: TestDb) {
    setup(&db).await;
    book(
        &db,
        "short@example.com",
        whole("maya-lee", "room-1", "06:00", "06:30"),
    )
    .await
    .expect("short");
    let long = whole("sam-ortiz", "room-2", "00:30", "08:30");
    let long_booking = book(&db, "long@example.com", long.clone())
        .await
        .expect("long");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let result = db
        .store
        .create_booking(
            &new_booking("late@example.com", "consultation"),
            (at("08:00"), at("08:45")),
            {
                let seen = seen.clone();
                move |holds: &[Hold]| {
                    seen.lock().unwrap().extend_from_slice(holds);
                    Err("only looking")
                }
            },
            |b| mail_for(b, "booked"),
        )
        .await;
    assert!(matches!(result, Err(BookingError::Refused("only looking"))));
    let seen = sorted(seen.lock().unwrap().clone());
    assert_eq!(
        seen,
        sorted(long.holds.clone()),
        "the short hold ended long before"
    );
    let read = db
        .store
        .holds_between(at("08:00"), at("08:45"))
        .await
        .expect("holds");
    assert_eq!(
        sorted(read),
        sorted(long.holds),
        "the reading path sees it too"
    );

    // The bound is the longest hold ever written: cancelling it does not shrink it.
    let sql = "SELECT longest_s FROM hold_span";
    let longest = || async {
        match &db.raw {
            Raw::Sqlite(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
            Raw::Postgres(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
        }
        .expect("hold_span")
    };
    assert_eq!(longest().await, 8 * 3600);
    db.store
        .set_booking_status(
            &long_booking.id,
            BookingStatus::Cancelled,
            None,
            |_| Ok::<_, &str>(()),
            |b| mail_for(b, "cancelled"),
        )
        .await
        .expect("cancel");
    assert_eq!(longest().await, 8 * 3600, "still the longest ever written");
}
on_both_engines!(a_long_hold_that_began_hours_before_is_still_seen);

/// Cancelling releases the holds so the time can be booked again; a status that keeps the
/// booking live keeps its time.
async fn cancelling_frees_the_time(db: TestDb) {
    setup(&db).await;
    let first = book(
        &db,
        "first@example.com",
        whole("maya-lee", "room-1", "15:00", "15:30"),
    )
    .await
    .expect("first");
    let cancelled = db
        .store
        .set_booking_status(
            &first.id,
            BookingStatus::Cancelled,
            None,
            |_| Ok::<_, &str>(()),
            |b| mail_for(b, "cancelled"),
        )
        .await
        .expect("cancel");
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
    assert_eq!(
        db.store.booking(&first.id).await.unwrap().unwrap().status,
        BookingStatus::Cancelled,
        "stored"
    );
    assert!(
        holds_on_the_day(&db).await.is_empty(),
        "a cancelled booking holds nothing"
    );

    let second = book(
        &db,
        "second@example.com",
        whole("maya-lee", "room-1", "15:00", "15:30"),
    )
    .await
    .expect("the same time again");
    db.store
        .set_booking_status(
            &second.id,
            BookingStatus::Arrived,
            None,
            |_| Ok::<_, &str>(()),
            |_| vec![],
        )
        .await
        .expect("arrived");
    let result = book(
        &db,
        "third@example.com",
        whole("maya-lee", "room-2", "15:10", "15:40"),
    )
    .await;
    assert!(
        matches!(result, Err(BookingError::SlotTaken)),
        "an arrived booking still holds its time: {result:?}"
    );

    // A guard that refuses changes nothing.
    let refused = db
        .store
        .set_booking_status(
            &second.id,
            BookingStatus::Cancelled,
            None,
            |_| Err("too late"),
            |b| mail_for(b, "cancelled"),
        )
        .await;
    assert!(
        matches!(refused, Err(BookingError::Refused("too late"))),
        "{refused:?}"
    );
    assert_eq!(
        db.store.booking(&second.id).await.unwrap().unwrap().status,
        BookingStatus::Arrived
    );
    assert_eq!(
        holds_on_the_day(&db).await,
        sorted(whole("maya-lee", "room-1", "15:00", "15:30").holds)
    );
    let missing = db
        .store
        .set_booking_status(
            "no-such-id",
            BookingStatus::Cancelled,
            None,
            |_| Ok::<_, &str>(()),
            |_| vec![],
        )
        .await;
    assert!(
        matches!(missing, Err(BookingError::NotFound)),
        "{missing:?}"
    );
    // booked + cancelled for the first, booked for the second.
    assert_eq!(db.count("outbox").await, 3);
}
on_both_engines!(cancelling_frees_the_time);

/// A reschedule that fails, by refusal or by a lost race, leaves the booking and its holds
/// exactly as they were; one that succeeds may overlap the booking's own old time.
async fn failed_reschedule_leaves_the_original_untouched(db: TestDb) {
    setup(&db).await;
    let original = book(
        &db,
        "mover@example.com",
        whole("maya-lee", "room-1", "15:00", "15:30"),
    )
    .await
    .expect("original");
    let other = book(
        &db,
        "other@example.com",
        whole("sam-ortiz", "room-2", "16:00", "16:30"),
    )
    .await
    .expect("other");
    let before_holds = holds_on_the_day(&db).await;
    assert_eq!(before_holds.len(), 4);

    let refused = db
        .store
        .reschedule_booking(
            &original.id,
            (at("17:00"), at("17:30")),
            |_, _| Err("closed"),
            |a, b| [mail_for(a, "x"), mail_for(b, "y")].concat(),
        )
        .await;
    assert!(
        matches!(refused, Err(BookingError::Refused("closed"))),
        "{refused:?}"
    );
    assert_eq!(
        db.store.booking(&original.id).await.unwrap().as_ref(),
        Some(&original)
    );
    assert_eq!(
        holds_on_the_day(&db).await,
        before_holds,
        "the original holds are back after a refusal"
    );

    let raced = db
        .store
        .reschedule_booking(
            &original.id,
            (at("16:15"), at("16:45")),
            |_, _| Ok::<_, &str>(whole("sam-ortiz", "room-2", "16:15", "16:45")),
            |_, after| mail_for(after, "rescheduled"),
        )
        .await;
    assert!(
        matches!(raced, Err(BookingError::SlotTaken)),
        "moving onto another booking is refused: {raced:?}"
    );
    assert_eq!(
        db.store.booking(&original.id).await.unwrap().as_ref(),
        Some(&original)
    );
    assert_eq!(
        db.store.booking(&other.id).await.unwrap().as_ref(),
        Some(&other)
    );
    assert_eq!(
        holds_on_the_day(&db).await,
        before_holds,
        "the original holds are back after a lost race"
    );
    assert_eq!(
        db.count("outbox").await,
        2,
        "no mail for failed reschedules"
    );

    let missing = db
        .store
        .reschedule_booking(
            "no-such-id",
            (at("17:00"), at("17:30")),
            |_, _| Ok::<_, &str>(whole("maya-lee", "room-1", "17:00", "17:30")),
            |_, _| vec![],
        )
        .await;
    assert!(
        matches!(missing, Err(BookingError::NotFound)),
        "{missing:?}"
    );

    // Fifteen minutes later overlaps only its own old time: allowed, and decide does not
    // see the booking's own holds.
    let mut seen = Vec::new();
    let moved = db
        .store
        .reschedule_booking(
            &original.id,
            (at("15:15"), at("15:45")),
            |current, holds| {
                assert_eq!(current.id, original.id);
                seen = holds.to_vec();
                Ok::<_, &str>(whole("maya-lee", "room-1", "15:15", "15:45"))
            },
            |_, after| mail_for(after, "rescheduled"),
        )
        .await
        .expect("move onto its own old time");
    assert!(
        !seen.contains(&practitioner("maya-lee", "15:00", "15:30")),
        "own holds are released before deciding: {seen:?}"
    );
    assert_eq!((moved.start, moved.end), (at("15:15"), at("15:45")));
    assert_eq!(
        db.store.booking(&original.id).await.unwrap().unwrap().start,
        at("15:15")
    );
    let mut expected = whole("maya-lee", "room-1", "15:15", "15:45").holds;
    expected.extend(whole("sam-ortiz", "room-2", "16:00", "16:30").holds);
    assert_eq!(holds_on_the_day(&db).await, sorted(expected));
    assert_eq!(db.count("outbox").await, 3);
}
on_both_engines!(failed_reschedule_leaves_the_original_untouched);

/// Saving a setup again updates records by id: the version goes up, a renamed
/// practitioner shows the new name, and one left out is retired, not deleted.
async fn saving_a_setup_twice_updates_by_id(db: TestDb) {
    assert_eq!(
        db.store.load_setup().await.unwrap(),
        None,
        "an empty database has no setup"
    );
    assert_eq!(db.store.setup_version().await.unwrap(), 0);
    let first = clinic::demo();
    let v1 = db.store.save_setup(&first).await.expect("first save");
    assert_eq!(db.store.setup_version().await.unwrap(), v1);
    let with_sam = book(
        &db,
        "sam-client@example.com",
        whole("sam-ortiz", "room-2", "15:00", "15:30"),
    )
    .await
    .expect("booking with sam");

    let mut second = clinic::demo();
    second
        .practitioners
        .iter_mut()
        .find(|p| p.id == "maya-lee")
        .unwrap()
        .name = "Dr. Maya Lee-Chen".into();
    second.practitioners.retain(|p| p.id != "sam-ortiz");
    let v2 = db.store.save_setup(&second).await.expect("second save");
    assert_eq!(v2, v1 + 1, "the version increments");
    assert_eq!(db.store.setup_version().await.unwrap(), v2);
    let (loaded, version) = db.store.load_setup().await.unwrap().expect("setup");
    assert_eq!(version, v2);
    assert_eq!(loaded, second, "the stored document is the second setup");

    let (name, title, active) = db.practitioner_row("maya-lee").await.expect("maya-lee row");
    assert_eq!(
        (name.as_str(), title.as_str(), active),
        ("Dr. Maya Lee-Chen", "Dermatologist", true)
    );
    let (name, _, active) = db
        .practitioner_row("sam-ortiz")
        .await
        .expect("sam-ortiz is kept, not deleted");
    assert_eq!(name, "Sam Ortiz");
    assert!(!active, "sam-ortiz is retired");
    assert_eq!(db.count("practitioners").await, 2);
    assert_eq!(db.count("rooms").await, 2);
    assert_eq!(db.count("services").await, 4);
    assert_eq!(
        db.store.booking(&with_sam.id).await.unwrap().as_ref(),
        Some(&with_sam),
        "past bookings still read"
    );

    // Bringing him back reactivates the same row.
    let v3 = db.store.save_setup(&first).await.expect("third save");
    assert_eq!(v3, v2 + 1);
    assert!(
        db.practitioner_row("sam-ortiz").await.unwrap().2,
        "active again"
    );
    assert_eq!(
        db.practitioner_row("maya-lee").await.unwrap().0,
        "Dr. Maya Lee"
    );
    assert_eq!(db.count("practitioners").await, 2);
}
on_both_engines!(saving_a_setup_twice_updates_by_id);

/// A booking made with an existing client's email, in any case, never renames the client:
/// the booking keeps what was typed, the record and earlier bookings stay as they were,
/// and only staff take the typed details into the record.
async fn a_booking_never_renames_an_existing_client(db: TestDb) {
    setup(&db).await;
    let first = book(
        &db,
        "ana@example.com",
        whole("maya-lee", "room-1", "09:00", "09:30"),
    )
    .await
    .expect("first");
    let mut other = new_booking("ANA@Example.COM", "consultation");
    other.client.name = "Somebody Else".into();
    other.client.phone = Some("+1 555 0999".into());
    let placement = whole("maya-lee", "room-1", "10:00", "10:30");
    let window = (placement.start, placement.end);
    let second = db
        .store
        .create_booking(
            &other,
            window,
            move |_| Ok::<_, &str>(placement),
            |b| mail_for(b, "booked"),
        )
        .await
        .expect("second");
    assert_eq!(second.client.id, first.client.id);
    assert_eq!(second.client.name, "Client ana@example.com");
    assert_eq!(second.client.phone.as_deref(), Some("+1 555 0123"));
    assert_eq!(second.booked_as.name, "Somebody Else");
    assert_eq!(second.booked_differently(), Some(&second.booked_as));

    let record = db.store.client(&first.client.id).await.unwrap().unwrap();
    assert_eq!(record.name, "Client ana@example.com");
    assert_eq!(record.phone.as_deref(), Some("+1 555 0123"));
    let stored_first = db.store.booking(&first.id).await.unwrap().unwrap();
    assert_eq!(stored_first.client.name, "Client ana@example.com");
    assert_eq!(stored_first.booked_differently(), None);
    let stored_second = db.store.booking(&second.id).await.unwrap().unwrap();
    assert_eq!(stored_second.booked_as.name, "Somebody Else");
    assert_eq!(
        stored_second.booked_as.phone.as_deref(),
        Some("+1 555 0999")
    );
    assert_eq!(stored_second.client.name, "Client ana@example.com");

    // Staff decide the second booking's details are the client's own.
    let update = db
        .store
        .update_client_from_booking(&second.id)
        .await
        .unwrap()
        .expect("booking found");
    assert_eq!(update.before.name, "Client ana@example.com");
    assert_eq!(update.after.name, "Somebody Else");
    assert_eq!(update.after.phone.as_deref(), Some("+1 555 0999"));
    let record = db.store.client(&first.client.id).await.unwrap().unwrap();
    assert_eq!(record, update.after);
    let stored_second = db.store.booking(&second.id).await.unwrap().unwrap();
    assert_eq!(stored_second.booked_differently(), None);
    let stored_first = db.store.booking(&first.id).await.unwrap().unwrap();
    assert_eq!(
        stored_first.booked_differently().map(|b| b.name.as_str()),
        Some("Client ana@example.com")
    );
    assert!(
        db.store
            .update_client_from_booking("no-such-booking")
            .await
            .unwrap()
            .is_none()
    );
}
on_both_engines!(a_booking_never_renames_an_existing_client);

// After `on_both_engines!` above, which it uses with this file's `TestDb`.
mod grouped;
mod outbox_front;
