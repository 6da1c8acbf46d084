//! Planned messages over a real store, on SQLite and on PostgreSQL: booking plans the
//! reminders, moving re-plans them, cancelling withdraws them, completing a treatment plans
//! its aftercare; with a clock the test moves, the worker sends each once at its time and
//! none in quiet hours; and alerts nobody acknowledged are mailed again once per period.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use mail::MailConfig;
use service::{Actor, CheckinInput, StaffStatus};
use store::{BookingMessage, Engine, NewClient};

use crate::common;
use common::*;

fn planned<'a>(list: &'a [BookingMessage], kind: &str) -> Vec<&'a BookingMessage> {
    list.iter()
        .filter(|m| m.kind == kind && m.status == "planned")
        .collect()
}

fn statuses(list: &[BookingMessage]) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    for m in list {
        *out.entry((m.kind.clone(), m.status.clone())).or_default() += 1;
    }
    out
}

/// A treatment (it needs a screening), booked by the desk so it waits for review.
fn treatment(start: Timestamp, email: &str) -> service::BookingInput {
    service::BookingInput {
        service_id: "microneedling-face".into(),
        start,
        practitioner: Some("maya-lee".into()),
        client: NewClient {
            name: "Tess Treated".into(),
            email: email.into(),
            phone: None,
        },
        screening_id: None,
        notes: String::new(),
        policy: None,
    }
}

/// `days` from today at `hour`:00, clinic-local: times whose messages fall at known hours.
fn local(h: &Harness, days: i64, hour: i8) -> Timestamp {
    let clinic = h.flows.clinic();
    let date = clinic.today() + jiff::Span::new().days(days);
    date.at(hour, 0, 0, 0)
        .to_zoned_datetime(clinic.timezone.clone())
        .unwrap()
        .timestamp()
}

fn in_quiet_hours(h: &Harness, at: Timestamp) -> bool {
    let clinic = h.flows.clinic();
    let quiet = clinic
        .setup
        .messages
        .quiet_window()
        .expect("the demo has quiet hours");
    quiet.contains(at.to_zoned_datetime(clinic.timezone.clone()).time())
}

async fn booking_plans_its_reminders(engine: Engine) {
    let h = harness(engine, 0).await;
    let start = local(&h, 5, 10);
    let b = h
        .flows
        .book(
            consultation(start, "maya-lee", "rem@example.com"),
            Actor::Client,
        )
        .await
        .expect("booking");
    let list = h.flows.booking_messages(&b.booking.id).await.unwrap();
    let reminder = planned(&list, "reminder");
    assert_eq!(reminder.len(), 1, "{list:?}");
    let hours = i64::from(h.flows.clinic().setup.messages.reminder_hours);
    let due = reminder[0].due_at;
    assert_eq!(due, start - SignedDuration::from_hours(hours));
    // Three hours before a 10:00 start is 07:00, in the quiet hours: it waits for 08:00.
    let same_day = planned(&list, "same_day");
    assert_eq!(same_day.len(), 1, "{list:?}");
    assert_eq!(same_day[0].due_at, local(&h, 5, 8));
    assert_eq!(
        list.iter().filter(|m| m.kind == "booked").count(),
        1,
        "the confirmation goes at once"
    );
    assert!(list.iter().all(|m| m.channel == "email"));
}

async fn moving_replans_and_cancelling_withdraws(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = h
        .flows
        .book(
            consultation(hours_ahead(96), "maya-lee", "mv@example.com"),
            Actor::Client,
        )
        .await
        .expect("booking");
    let before = planned(
        &h.flows.booking_messages(&b.booking.id).await.unwrap(),
        "reminder",
    )[0]
    .due_at;
    let moved = h
        .flows
        .reschedule(&b.booking, hours_ahead(150), None, staff(), None)
        .await
        .expect("move");
    let list = h.flows.booking_messages(&b.booking.id).await.unwrap();
    let counts = statuses(&list);
    assert_eq!(
        counts.get(&("reminder".into(), "withdrawn".into())),
        Some(&1),
        "{list:?}"
    );
    let reminder = planned(&list, "reminder");
    assert_eq!(reminder.len(), 1, "{list:?}");
    assert!(reminder[0].due_at > before);
    let hours = i64::from(h.flows.clinic().setup.messages.reminder_hours);
    assert!(reminder[0].due_at >= moved.start - SignedDuration::from_hours(hours));
    // A staff move still gives the reminder a working manage link.
    let due = h
        .store
        .claim_due(reminder[0].due_at, "email", 50)
        .await
        .unwrap();
    let mail = due
        .iter()
        .find(|m| m.kind == "reminder")
        .expect("the reminder is due");
    let link = mail
        .body_text
        .split_whitespace()
        .find(|w| w.starts_with("http://clinic.test/manage/"))
        .expect("a manage link")
        .trim_end_matches('.');
    let token = link.rsplit('/').next().unwrap();
    assert_eq!(
        h.flows.by_token(token).await.expect("the link opens").id,
        b.booking.id
    );
    assert!(
        mail.unsubscribe_url
            .as_deref()
            .is_some_and(|u| u.starts_with("http://clinic.test/unsubscribe/"))
    );

    h.flows.cancel(&moved, staff()).await.expect("cancel");
    let list = h.flows.booking_messages(&b.booking.id).await.unwrap();
    assert!(
        planned(&list, "reminder").is_empty() && planned(&list, "same_day").is_empty(),
        "{list:?}"
    );
    assert!(list.iter().any(|m| m.kind == "cancelled"));
}

/// These visits lie days ahead, so no treatment record can be written for them yet: staff
/// complete them with a written reason, which plans the same aftercare as a signed record
/// (that path is `records.rs: record_and_completion_need_a_signed_consent`).
const PAPER_RECORD: &str = "Recorded on paper; scanned into the client file";

async fn completing_a_treatment_plans_aftercare(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = h
        .flows
        .book(treatment(local(&h, 2, 10), "after@example.com"), staff())
        .await
        .expect("booking");
    let done = h
        .flows
        .set_status_overriding(
            &b.booking,
            StaffStatus::Completed,
            "desk-1",
            Some(PAPER_RECORD),
        )
        .await
        .expect("complete");
    let list = h.flows.booking_messages(&done.id).await.unwrap();
    let aftercare = planned(&list, "aftercare");
    assert_eq!(aftercare.len(), 4, "{list:?}");
    let tz = h.flows.clinic().timezone.clone();
    let day = done.start.to_zoned_datetime(tz.clone()).date();
    let days: Vec<i32> = aftercare
        .iter()
        .map(|m| (m.due_at.to_zoned_datetime(tz.clone()).date() - day).get_days())
        .collect();
    assert_eq!(days, [0, 1, 3, 7], "the evening, day 1, day 3 and day 7");
    assert!(aftercare.iter().all(|m| !in_quiet_hours(&h, m.due_at)));
    // The face course comes round again after its interval.
    let next = planned(&list, "next_session");
    assert_eq!(next.len(), 1, "{list:?}");
    let course = h
        .flows
        .clinic()
        .setup
        .service("microneedling-face")
        .unwrap()
        .course
        .unwrap();
    let from_day = (next[0].due_at.to_zoned_datetime(tz.clone()).date() - day).get_days();
    assert_eq!(
        from_day,
        (course.interval_days() - course.tolerance_days) as i32
    );
    // The reminders planned for the appointment were withdrawn on completion.
    assert!(planned(&list, "reminder").is_empty() && planned(&list, "same_day").is_empty());
}

async fn all(h: &Harness, ids: &[String]) -> Vec<BookingMessage> {
    let mut out = Vec::new();
    for id in ids {
        out.extend(h.flows.booking_messages(id).await.unwrap());
    }
    out
}

/// Moves a clock through every planned moment of a booking's reminders and a completed
/// treatment's aftercare: a second before its time a message is still waiting, at its
/// time it goes, and it never goes twice; every delivery is one file in the outbox folder.
async fn each_message_goes_once_at_its_time(engine: Engine) {
    let h = harness(engine, 0).await;
    let dir = tempfile::tempdir().unwrap();
    let config = MailConfig::Outbox {
        dir: dir.path().to_path_buf(),
        from: "Clinic <clinic@example.com>".into(),
    };
    let visit = h
        .flows
        .book(
            consultation(local(&h, 5, 11), "maya-lee", "clock@example.com"),
            Actor::Client,
        )
        .await
        .expect("booking");
    let b = h
        .flows
        .book(treatment(local(&h, 2, 10), "clock2@example.com"), staff())
        .await
        .expect("booking");
    let completed = h
        .flows
        .set_status_overriding(
            &b.booking,
            StaffStatus::Completed,
            "desk-1",
            Some(PAPER_RECORD),
        )
        .await
        .expect("complete");
    let ids = [visit.booking.id.clone(), completed.id.clone()];
    let mut plan: Vec<BookingMessage> = all(&h, &ids)
        .await
        .into_iter()
        .filter(|m| m.status == "planned" && m.kind != "booked")
        .collect();
    plan.sort_by_key(|m| m.due_at);
    assert!(
        plan.windows(2).all(|w| w[0].due_at < w[1].due_at),
        "distinct moments: {plan:?}"
    );
    let kinds: Vec<&str> = plan.iter().map(|m| m.kind.as_str()).collect();
    assert!(
        kinds.contains(&"reminder")
            && kinds.contains(&"aftercare")
            && kinds.contains(&"next_session"),
        "{kinds:?}"
    );
    let mut delivered = mail::deliver::deliver_due(&h.store, &config, None, Timestamp::now())
        .await
        .unwrap();
    for m in &plan {
        assert!(!in_quiet_hours(&h, m.due_at), "{m:?} is due in quiet hours");
        let find = |list: Vec<BookingMessage>| {
            list.into_iter()
                .find(|x| x.kind == m.kind && x.due_at == m.due_at)
                .expect("still listed")
        };
        delivered += mail::deliver::deliver_due(
            &h.store,
            &config,
            None,
            m.due_at - SignedDuration::from_secs(1),
        )
        .await
        .unwrap();
        assert_eq!(
            find(all(&h, &ids).await).status,
            "planned",
            "{m:?} went early"
        );
        delivered += mail::deliver::deliver_due(&h.store, &config, None, m.due_at)
            .await
            .unwrap();
        assert_eq!(
            find(all(&h, &ids).await).status,
            "sent",
            "{m:?} did not go at its time"
        );
    }
    let later = plan.last().unwrap().due_at + SignedDuration::from_hours(24 * 60);
    delivered += mail::deliver::deliver_due(&h.store, &config, None, later)
        .await
        .unwrap();
    let sent = all(&h, &ids)
        .await
        .into_iter()
        .filter(|m| m.status == "sent")
        .count();
    assert_eq!(delivered, sent, "each message delivered once");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), sent);
    assert!(
        all(&h, &ids)
            .await
            .iter()
            .all(|m| m.status != "planned" && m.status != "failed")
    );
}

/// Quiet hours hold at send time too, with a clock the test sets: a planned message whose
/// retry would fall in them, or that a worker first claims in them (it was down), waits for
/// their end; the confirmations, sent at once, never wait.
async fn quiet_hours_hold_retries_and_late_deliveries(engine: Engine) {
    let h = harness(engine, 0).await;
    let dir = tempfile::tempdir().unwrap();
    let from = "Clinic <clinic@example.com>".to_owned();
    let good = MailConfig::Outbox {
        dir: dir.path().join("out"),
        from: from.clone(),
    };
    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    // A file where the folder should be: every write fails, as an SMTP outage would.
    std::fs::write(dir.path().join("file"), "").unwrap();
    let broken = MailConfig::Outbox {
        dir: dir.path().join("file"),
        from,
    };
    let quiet = h.flows.quiet_rule();
    let a = h
        .flows
        .book(
            consultation(local(&h, 5, 11), "maya-lee", "quiet-a@example.com"),
            Actor::Client,
        )
        .await
        .expect("booking");
    let b = h
        .flows
        .book(
            consultation(local(&h, 6, 11), "maya-lee", "quiet-b@example.com"),
            Actor::Client,
        )
        .await
        .expect("booking");
    let ids = [a.booking.id.clone(), b.booking.id.clone()];
    let status = async |booking: &str, kind: &str| {
        h.flows
            .booking_messages(booking)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.kind == kind)
            .unwrap_or_else(|| panic!("{kind} of {booking}"))
            .status
    };
    let deliver = async |config: &MailConfig, at: Timestamp| {
        mail::deliver::deliver_due_with(&h.store, config, None, at, &quiet)
            .await
            .unwrap()
    };
    let second = SignedDuration::from_secs(1);

    // 20:59:30 on A's reminder day: everything due fails; the retries are a minute away.
    assert_eq!(
        deliver(&broken, local(&h, 3, 21) - SignedDuration::from_secs(30)).await,
        0
    );
    assert_eq!(status(&ids[0], "reminder").await, "planned");
    // 21:01: the confirmations go again; the reminder's retry waits for 08:00.
    assert_eq!(deliver(&good, local(&h, 3, 21) + 60 * second).await, 2);
    assert_eq!(status(&ids[0], "booked").await, "sent");
    assert_eq!(status(&ids[1], "booked").await, "sent");
    assert_eq!(status(&ids[0], "reminder").await, "planned");
    assert_eq!(deliver(&good, local(&h, 4, 8) - second).await, 0);
    assert_eq!(deliver(&good, local(&h, 4, 8)).await, 1);
    assert_eq!(status(&ids[0], "reminder").await, "sent");

    // B's reminder fell due at 11:00, but the first worker to see it runs at 23:00.
    assert_eq!(deliver(&good, local(&h, 4, 23)).await, 0);
    assert_eq!(status(&ids[1], "reminder").await, "planned");
    assert_eq!(deliver(&good, local(&h, 5, 8) - second).await, 0);
    // 08:00: B's reminder and A's same-day note (planned for 08:00) go.
    assert_eq!(deliver(&good, local(&h, 5, 8)).await, 2);
    assert_eq!(status(&ids[1], "reminder").await, "sent");
    assert_eq!(status(&ids[0], "same_day").await, "sent");
    assert_eq!(
        std::fs::read_dir(dir.path().join("out")).unwrap().count(),
        5
    );
}

/// A planned message for a booking that no longer stands, or past its moment, is skipped
/// at send time; so is an optional one after the client unsubscribed.
async fn what_no_longer_stands_is_skipped(engine: Engine) {
    let h = harness(engine, 0).await;
    let b = h
        .flows
        .book(
            consultation(hours_ahead(96), "maya-lee", "skip@example.com"),
            Actor::Client,
        )
        .await
        .expect("booking");
    let list = h.flows.booking_messages(&b.booking.id).await.unwrap();
    let reminder = planned(&list, "reminder")[0].clone();
    // Past the reminder's tolerance (after the appointment): dropped, not sent late.
    let late = b.booking.start + SignedDuration::from_hours(1);
    let claimed = h.store.claim_due(late, "email", 50).await.unwrap();
    assert!(
        claimed
            .iter()
            .all(|m| m.kind != "reminder" && m.kind != "same_day"),
        "{claimed:?}"
    );
    let list = h.flows.booking_messages(&b.booking.id).await.unwrap();
    let skipped = list.iter().find(|m| m.kind == "reminder").unwrap();
    assert_eq!(skipped.status, "skipped");
    assert_eq!(skipped.note.as_deref(), Some("past its moment"));
    assert_eq!(skipped.due_at, reminder.due_at);

    // Unsubscribing: the next booking's optional messages are skipped, its confirmation goes.
    let c = h
        .flows
        .book(
            consultation(hours_ahead(120), "maya-lee", "skip@example.com"),
            Actor::Client,
        )
        .await
        .expect("second booking");
    let due = planned(
        &h.flows.booking_messages(&c.booking.id).await.unwrap(),
        "reminder",
    )[0]
    .due_at;
    let url = {
        let peek = h.store.claim_due(due, "email", 50).await.unwrap();
        let m = peek.iter().find(|m| m.kind == "reminder").expect("due");
        m.unsubscribe_url
            .clone()
            .expect("optional mail carries an unsubscribe link")
    };
    let token = url.rsplit('/').next().unwrap();
    assert!(!h.flows.subscription(token).await.unwrap().opted_out);
    assert!(
        h.flows
            .subscription(&token.replace('.', ".0"))
            .await
            .is_err(),
        "a forged link"
    );
    assert!(h.flows.unsubscribe(token).await.unwrap().opted_out);
    assert!(
        h.flows.unsubscribe(token).await.unwrap().opted_out,
        "twice is fine"
    );
    // The lease from the peek above runs out; then the reminder is skipped, not sent.
    let after_lease = due + SignedDuration::from_mins(5);
    let again = h.store.claim_due(after_lease, "email", 50).await.unwrap();
    assert!(again.iter().all(|m| m.kind != "reminder"), "{again:?}");
    let list = h.flows.booking_messages(&c.booking.id).await.unwrap();
    let r = list.iter().find(|m| m.kind == "reminder").unwrap();
    assert_eq!(
        (r.status.as_str(), r.note.as_deref()),
        ("skipped", Some("the client unsubscribed"))
    );
}

/// An alert nobody acknowledges is mailed to the clinic again once per period, even with
/// two processes asking at once; an acknowledged one is not.
async fn unacknowledged_alerts_are_mailed_again(engine: Engine) {
    let h = harness(engine, 0).await;
    let other = service::Workflows::new(h.store.clone(), "http://clinic.test/", 0)
        .await
        .unwrap();
    let b = h
        .flows
        .book(
            consultation(hours_ahead(2), "maya-lee", "alert@example.com"),
            staff(),
        )
        .await
        .expect("booking");
    let at = b.booking.start + SignedDuration::from_hours(26);
    h.flows
        .check_in(
            &b.manage_token,
            CheckinInput {
                symptoms: vec!["pus".into()],
                pain: 5,
                note: None,
                photo: None,
            },
            at,
        )
        .await
        .expect("check-in");
    let created = h.flows.alerts().await.unwrap()[0].created_at;
    let hours = i64::from(h.flows.clinic().setup.messages.alert_ack_hours);
    let period = SignedDuration::from_hours(hours);
    let count = |h: &Harness| {
        let store = h.store.clone();
        let id = b.booking.id.clone();
        async move {
            store
                .mail_for_booking(&id)
                .await
                .unwrap()
                .iter()
                .filter(|(k, _, _)| k == "checkin_alert_again")
                .count()
        }
    };
    assert_eq!(
        h.flows
            .resend_alerts(created + period - SignedDuration::from_secs(1))
            .await
            .unwrap(),
        0
    );
    let at = created + period;
    let (a, b2) = tokio::join!(h.flows.resend_alerts(at), other.resend_alerts(at));
    assert_eq!(a.unwrap() + b2.unwrap(), 1, "two processes mail it once");
    assert_eq!(count(&h).await, 1);
    assert_eq!(h.flows.resend_alerts(at + period / 2).await.unwrap(), 0);
    assert_eq!(h.flows.resend_alerts(at + period).await.unwrap(), 1);
    let id = h.flows.alerts().await.unwrap()[0].id.clone();
    h.flows
        .acknowledge_alert(&id, "doc-1", "Called; seen today")
        .await
        .unwrap();
    assert_eq!(h.flows.resend_alerts(at + period * 3).await.unwrap(), 0);
    assert_eq!(count(&h).await, 2);
}

on_both_engines!(
    booking_plans_its_reminders,
    moving_replans_and_cancelling_withdraws,
    completing_a_treatment_plans_aftercare,
    each_message_goes_once_at_its_time,
    quiet_hours_hold_retries_and_late_deliveries,
    what_no_longer_stands_is_skipped,
    unacknowledged_alerts_are_mailed_again,
);
