//! Courses over a real store, on SQLite and on PostgreSQL: the proposal keeps the interval,
//! a course books all its sessions in one transaction or none, and a session lost to a
//! racing booking during the commit leaves nothing behind and offers a new proposal.

use std::time::Duration;

use jiff::{Timestamp, ToSpan};
use service::{Actor, CourseInput, Refusal};
use store::{Engine, NewClient};

use crate::common;
use common::*;

const FACE: &str = "microneedling-face";

/// A course of the face service for `email`, with staff booking it (no screening needed:
/// the sessions are held for review, which is all the gate asks of staff).
fn course(starts: Vec<Timestamp>, email: &str) -> CourseInput {
    CourseInput {
        service_id: FACE.into(),
        starts,
        practitioner: Some("maya-lee".into()),
        client: NewClient {
            name: "Ada Client".into(),
            email: email.into(),
            phone: None,
        },
        screening_id: None,
        policy: None,
    }
}

fn days(d: i64) -> jiff::Span {
    d.days()
}

/// `start` and three more, `weeks` apart at the same wall-clock time in the clinic's zone.
fn every(start: Timestamp, weeks: i64, count: usize, tz: &jiff::tz::TimeZone) -> Vec<Timestamp> {
    let z = start.to_zoned_datetime(tz.clone());
    (0..count as i64)
        .map(|i| z.checked_add(days(7 * weeks * i)).unwrap().timestamp())
        .collect()
}

async fn count(url: &str, sql: &str) -> i64 {
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        let n: i64 = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        n
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        let n: i64 = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        n
    }
}

async fn a_proposal_keeps_the_interval_and_the_practitioner(engine: Engine) {
    let h = harness(engine, 0).await;
    let clinic = h.flows.clinic();
    let start = hours_ahead(24);
    let proposal = h
        .flows
        .propose_course(FACE, start, 4, None)
        .await
        .expect("a proposal");
    assert_eq!(proposal.len(), 4);
    assert_eq!(proposal[0].start.timestamp(), start);
    // The clinic is open all day and empty: each next session falls exactly 4 weeks on,
    // at the same wall-clock time, with the first session's practitioner.
    let expected = every(start, 4, 4, &clinic.timezone);
    let got: Vec<Timestamp> = proposal.iter().map(|s| s.start.timestamp()).collect();
    assert_eq!(got, expected);
    assert!(
        proposal
            .iter()
            .all(|s| s.practitioner == proposal[0].practitioner)
    );

    // The practitioner is away on the day four weeks on: the nearest free time within the
    // tolerance, never earlier than the sourced two weeks.
    let taken = expected[1];
    // Another face treatment: its treatment phase holds the practitioner at the same time.
    let mut other = consultation(taken, &proposal[0].practitioner, "other@example.com");
    other.service_id = FACE.into();
    h.flows
        .book(other, staff())
        .await
        .expect("a booking in the way");
    let again = h
        .flows
        .propose_course(FACE, start, 4, Some(&proposal[0].practitioner))
        .await
        .expect("a proposal around it");
    let second = again[1].start.timestamp();
    assert_ne!(second, taken);
    assert!(
        (second - taken).abs() <= jiff::SignedDuration::from_hours(2),
        "{second} vs {taken}"
    );

    for (n, field) in [(0, "sessions"), (5, "sessions")] {
        let refused = h.flows.propose_course(FACE, start, n, None).await;
        assert!(
            matches!(&refused, Err(Refusal::Invalid { field: f, .. }) if f == field),
            "{n}: {refused:?}"
        );
    }
    let single = h.flows.propose_course("consultation", start, 2, None).await;
    assert!(matches!(&single, Err(Refusal::Invalid { field, .. }) if field == "service"));
}

async fn a_course_books_all_its_sessions_with_one_confirmation(engine: Engine) {
    let h = harness(engine, 0).await;
    let tz = h.flows.clinic().timezone.clone();
    let starts = every(hours_ahead(30), 4, 4, &tz);
    let booked = h
        .flows
        .book_course(course(starts.clone(), "ada@example.com"), staff())
        .await
        .expect("the course");
    let got: Vec<Timestamp> = booked.course.bookings.iter().map(|b| b.start).collect();
    assert_eq!(got, starts);
    assert_eq!(booked.session_tokens.len(), 4);
    let opened = h
        .flows
        .course_by_token(&booked.manage_token)
        .await
        .unwrap()
        .expect("the course's link opens it");
    assert_eq!(opened, booked.course);
    // One confirmation for the course, on its first session; reminders for each session.
    let first = h.store.mail_for_booking(&got_id(&booked, 0)).await.unwrap();
    let kinds: Vec<&str> = first.iter().map(|(k, _, _)| k.as_str()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "course_booked").count(),
        1,
        "{kinds:?}"
    );
    assert!(!kinds.contains(&"booked"), "{kinds:?}");
    for i in 1..4 {
        let mail = h.store.mail_for_booking(&got_id(&booked, i)).await.unwrap();
        assert!(
            mail.iter()
                .all(|(k, _, _)| k != "course_booked" && k != "booked")
        );
    }
    let (_, to, status) = first.iter().find(|(k, _, _)| k == "course_booked").unwrap();
    assert_eq!(
        (to.as_str(), status.as_str()),
        ("ada@example.com", "pending")
    );
}

fn got_id(booked: &service::BookedCourse, i: usize) -> String {
    booked.course.bookings[i].id.clone()
}

async fn bad_courses_are_refused_naming_the_session(engine: Engine) {
    let h = harness(engine, 0).await;
    let clinic = h.flows.clinic();
    let tz = clinic.timezone.clone();
    let start = hours_ahead(30);
    let field_of = |r: Result<service::BookedCourse, Refusal>| match r {
        Err(Refusal::Invalid { field, message }) => (field, message),
        Err(other) => panic!("expected invalid input, got {other}"),
        Ok(_) => panic!("expected a refusal, got a course"),
    };
    // Ten days between sessions: below the sourced two weeks for the face.
    let mut close = every(start, 4, 3, &tz);
    close[2] = close[1]
        .to_zoned_datetime(tz.clone())
        .checked_add(days(10))
        .unwrap()
        .timestamp();
    let (field, message) = field_of(
        h.flows
            .book_course(course(close, "a@example.com"), staff())
            .await,
    );
    assert_eq!(field, "sessions[2].start");
    assert!(
        message.contains("at least 14 days") && message.contains("[6][25][26]"),
        "{message}"
    );
    // Five sessions of a four-session course.
    let (field, _) = field_of(
        h.flows
            .book_course(course(every(start, 4, 5, &tz), "a@example.com"), staff())
            .await,
    );
    assert_eq!(field, "sessions");
    // The clinic closes for a week under the third session.
    let starts = every(start, 4, 4, &tz);
    let day = starts[2].to_zoned_datetime(tz.clone()).date();
    let mut setup = h.flows.clinic().setup.clone();
    setup.closures.push(clinic::Closure {
        from: day,
        to: day.checked_add(days(6)).unwrap(),
    });
    h.store.save_setup(&setup).await.unwrap();
    h.flows.refresh_clinic().await.unwrap();
    let (field, message) = field_of(
        h.flows
            .book_course(course(starts, "a@example.com"), staff())
            .await,
    );
    assert_eq!(field, "sessions[2].start");
    assert!(message.contains("closed"), "{message}");
    // Nothing of any refused course was written.
    assert_eq!(count(&h.url, "SELECT COUNT(*) FROM bookings").await, 0);
    assert_eq!(count(&h.url, "SELECT COUNT(*) FROM courses").await, 0);
}

/// The contract's race: while a course of four sessions four weeks apart is being booked,
/// another transaction takes the third session's time and commits. Nothing of the course is
/// booked, the refusal names session 2 (0-based), and a new proposal avoids the taken time.
async fn a_session_lost_during_the_commit_books_nothing(engine: Engine) {
    let h = harness(engine, 0).await;
    let tz = h.flows.clinic().timezone.clone();
    let starts = every(hours_ahead(30), 4, 4, &tz);
    // The racer: a booking elsewhere whose hold moves onto the third session's time in a
    // transaction left open while the course is booked.
    let racer = h
        .flows
        .book(
            consultation(hours_ahead(200), "maya-lee", "racer@example.com"),
            staff(),
        )
        .await
        .expect("the racer's booking")
        .booking;
    let (s3, e3) = (
        starts[2].as_second(),
        (starts[2] + 90.minutes()).as_second(),
    );
    let take = "INSERT INTO holds (booking_id, resource, start_at, end_at) VALUES ($1, 'practitioner:maya-lee', $2, $3)";
    let flows = h.flows.clone();
    let input = course(starts.clone(), "ada@example.com");
    let booking = async move { flows.book_course(input, staff()).await };
    let result = if h.url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&h.url).await.unwrap();
        let mut tx = pool.begin().await.unwrap();
        sqlx::query(take)
            .bind(&racer.id)
            .bind(s3)
            .bind(e3)
            .execute(&mut *tx)
            .await
            .unwrap();
        let course = tokio::spawn(booking);
        tokio::time::sleep(Duration::from_millis(300)).await;
        tx.commit().await.unwrap();
        course.await.unwrap()
    } else {
        let pool = sqlx::SqlitePool::connect(&h.url).await.unwrap();
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
        sqlx::query(take)
            .bind(&racer.id)
            .bind(s3)
            .bind(e3)
            .execute(&mut *tx)
            .await
            .unwrap();
        let course = tokio::spawn(booking);
        tokio::time::sleep(Duration::from_millis(300)).await;
        tx.commit().await.unwrap();
        course.await.unwrap()
    };
    let Err(Refusal::CourseSlotTaken { index, proposal }) = result else {
        panic!(
            "expected the course to lose session 3, got {:?}",
            result.map(|c| c.course.id)
        );
    };
    assert_eq!(index, Some(2));
    assert_eq!(count(&h.url, "SELECT COUNT(*) FROM courses").await, 0);
    assert_eq!(
        count(&h.url, "SELECT COUNT(*) FROM course_sessions").await,
        0
    );
    assert_eq!(
        count(&h.url, "SELECT COUNT(*) FROM bookings").await,
        1,
        "only the racer's booking stands"
    );
    assert_eq!(
        count(
            &h.url,
            "SELECT COUNT(*) FROM outbox WHERE kind = 'course_booked'"
        )
        .await,
        0
    );
    assert_eq!(proposal.len(), 4);
    assert_eq!(proposal[0].start.timestamp(), starts[0]);
    assert_ne!(
        proposal[2].start.timestamp(),
        starts[2],
        "the new proposal avoids the taken time"
    );
    // The new proposal books.
    let again: Vec<Timestamp> = proposal.iter().map(|s| s.start.timestamp()).collect();
    h.flows
        .book_course(course(again, "ada@example.com"), staff())
        .await
        .expect("the new proposal books");
}

/// Two clients race for the same four sessions with real concurrent requests: exactly one
/// course stands, and the other client has nothing booked.
async fn racing_courses_leave_one_course_whole(engine: Engine) {
    let h = harness(engine, 0).await;
    let tz = h.flows.clinic().timezone.clone();
    let starts = every(hours_ahead(30), 4, 4, &tz);
    let (a, b) = (h.flows.clone(), h.flows.clone());
    let (sa, sb) = (starts.clone(), starts.clone());
    let (ra, rb) = tokio::join!(
        tokio::spawn(async move { a.book_course(course(sa, "a@example.com"), staff()).await }),
        tokio::spawn(async move { b.book_course(course(sb, "b@example.com"), staff()).await }),
    );
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert!(ra.is_ok() != rb.is_ok(), "exactly one course wins");
    let lost = if ra.is_err() { ra.err() } else { rb.err() };
    assert!(
        matches!(lost, Some(Refusal::CourseSlotTaken { index: Some(0), .. })),
        "{lost:?}"
    );
    assert_eq!(count(&h.url, "SELECT COUNT(*) FROM bookings").await, 4);
    assert_eq!(count(&h.url, "SELECT COUNT(*) FROM courses").await, 1);
}

/// Moving a session keeps two weeks from its neighbours; cancelling the rest cancels every
/// later live session.
async fn moving_a_session_keeps_the_minimum_interval(engine: Engine) {
    let h = harness(engine, 0).await;
    let tz = h.flows.clinic().timezone.clone();
    let starts = every(hours_ahead(30), 4, 4, &tz);
    let booked = h
        .flows
        .book_course(course(starts.clone(), "ada@example.com"), staff())
        .await
        .unwrap();
    let second = &booked.course.bookings[1];
    // Ten days before the third session: too close to it.
    let near_third = starts[2]
        .to_zoned_datetime(tz.clone())
        .checked_sub(days(10))
        .unwrap()
        .timestamp();
    let refused = h
        .flows
        .reschedule(second, near_third, None, staff(), None)
        .await;
    assert!(
        matches!(&refused, Err(Refusal::Invalid { field, message }) if field == "start" && message.contains("next one too close")),
        "{refused:?}"
    );
    // A week later than planned still keeps two weeks from both.
    let later = starts[1]
        .to_zoned_datetime(tz.clone())
        .checked_add(days(7))
        .unwrap()
        .timestamp();
    let moved = h
        .flows
        .reschedule(second, later, None, staff(), None)
        .await
        .expect("a move within the interval");
    assert_eq!(moved.start, later);
    let cancelled = h
        .flows
        .cancel_course_from(&booked.course, 2, staff())
        .await
        .expect("the rest cancelled");
    assert_eq!(cancelled, 2);
    let course = h
        .flows
        .course_by_token(&booked.manage_token)
        .await
        .unwrap()
        .unwrap();
    let live: Vec<bool> = course.bookings.iter().map(|b| b.status.is_live()).collect();
    assert_eq!(live, [true, true, false, false]);
    let _ = Actor::Client;
}

on_both_engines!(
    a_proposal_keeps_the_interval_and_the_practitioner,
    a_course_books_all_its_sessions_with_one_confirmation,
    bad_courses_are_refused_naming_the_session,
    a_session_lost_during_the_commit_books_nothing,
    racing_courses_leave_one_course_whole,
    moving_a_session_keeps_the_minimum_interval,
);
