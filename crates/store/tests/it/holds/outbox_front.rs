//! The mail a booking queued, claimed from a long queue: a message that no longer stands is
//! never handed out, even while it lies further back than a claim looks for such messages,
//! and is set aside once it reaches the front.

use jiff::{SignedDuration, Timestamp};
use store::{Mail, Plan};

use super::{TestDb, at, new_booking, setup};

fn planned(kind: &str, to: &str, due: Timestamp, expires: Timestamp) -> Mail {
    Mail {
        kind: kind.into(),
        recipient: to.into(),
        subject: kind.into(),
        body_text: "text".into(),
        body_html: "<p>html</p>".into(),
        ics: None,
        plan: Some(Plan {
            due_at: due,
            expires_at: expires,
            unsubscribe_url: "https://clinic.example/unsubscribe/x".into(),
        }),
    }
}

/// 250 reminders due two hours ago and still worth sending, then one due an hour ago whose
/// moment passed half an hour ago: the claim hands out the 250 and never the stale one,
/// which is set aside by the next claim, once it is at the front.
async fn a_stale_message_behind_a_backlog_is_never_sent(db: TestDb) {
    setup(&db).await;
    let now = Timestamp::now();
    let hours = |h: i64| SignedDuration::from_hours(h);
    let placement = super::whole("maya-lee", "room-1", "09:00", "09:30");
    db.store
        .create_booking(
            &new_booking("backlog@example.com", "consultation"),
            (at("09:00"), at("09:30")),
            move |_| Ok::<_, &str>(placement),
            move |b| {
                let to = b.client.email.clone();
                let mut mail: Vec<Mail> = (0..250)
                    .map(|_| planned("reminder", &to, now - hours(2), now + hours(24)))
                    .collect();
                mail.push(planned(
                    "same_day",
                    &to,
                    now - hours(1),
                    now - SignedDuration::from_mins(30),
                ));
                mail
            },
        )
        .await
        .expect("booked");
    let claimed = db.store.claim_due(now, "email", 500).await.expect("claim");
    assert_eq!(claimed.len(), 250, "every standing reminder, nothing else");
    assert!(
        claimed.iter().all(|m| m.kind == "reminder"),
        "the stale message was handed out"
    );
    for mail in &claimed {
        db.store.mark_mail_sent(&mail.id).await.expect("sent");
    }
    let again = db
        .store
        .claim_due(now, "email", 500)
        .await
        .expect("claim again");
    assert!(again.is_empty(), "nothing left to send: {again:?}");
    let skipped = db
        .count("outbox WHERE kind = 'same_day' AND status = 'skipped'")
        .await;
    assert_eq!(skipped, 1, "the stale message is set aside");
}
on_both_engines!(a_stale_message_behind_a_backlog_is_never_sent);
