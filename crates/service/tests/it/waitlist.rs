//! The waitlist over a real store, on SQLite and on PostgreSQL: a freed time goes to the
//! first who joined, held in the database like a booking; accepting books it, declining
//! or expiry moves it on, and nothing is half-booked.

use jiff::Timestamp;
use service::{Actor, Joined, Refusal, WaitlistInput};
use store::{Engine, EntryStatus, NewClient, OfferStatus};

use crate::common;
use common::*;

fn wants(start: Timestamp, email: &str) -> WaitlistInput {
    let day = start.to_zoned_datetime(clinic::demo().timezone()).date();
    WaitlistInput {
        service_id: "consultation".into(),
        from: day,
        to: day,
        times: Vec::new(),
        practitioner: Some("maya-lee".into()),
        client: NewClient {
            name: format!("Waiting {email}"),
            email: email.into(),
            phone: None,
        },
        screening_id: None,
    }
}

/// The offer tokens mailed so far, by recipient, read from the queued mail.
async fn offer_tokens(h: &Harness) -> Vec<(String, String)> {
    let far = Timestamp::now() + jiff::SignedDuration::from_hours(24 * 400);
    let mail = h.store.claim_due(far, "email", 500).await.expect("mail");
    mail.into_iter()
        .filter(|m| m.kind == "waitlist_offer")
        .map(|m| {
            let token = m
                .body_text
                .split("/waitlist/offers/")
                .nth(1)
                .expect("the offer link")
                .split_whitespace()
                .next()
                .unwrap()
                .to_owned();
            (m.recipient, token)
        })
        .collect()
}

async fn join_three(h: &Harness, start: Timestamp) -> Vec<Joined> {
    let mut joined = Vec::new();
    for email in [
        "first@example.com",
        "second@example.com",
        "third@example.com",
    ] {
        joined.push(
            h.flows
                .join_waitlist(wants(start, email))
                .await
                .expect("join"),
        );
    }
    joined
}

async fn open_offers(h: &Harness, joined: &[Joined]) -> Vec<usize> {
    let mut open = Vec::new();
    for (i, j) in joined.iter().enumerate() {
        let offers = h.store.offers_for_entry(&j.entry.id).await.expect("offers");
        open.extend(
            offers
                .iter()
                .filter(|o| o.status == OfferStatus::Open)
                .map(|_| i),
        );
    }
    open
}

async fn a_cancellation_offers_the_time_to_the_first_of_three(engine: Engine) {
    let h = harness(engine, 0).await;
    let start = hours_ahead(72);
    let taken = h
        .flows
        .book(
            consultation(start, "maya-lee", "taken@example.com"),
            Actor::Client,
        )
        .await
        .expect("booked");
    let joined = join_three(&h, start).await;
    h.flows
        .cancel(&taken.booking, Actor::Client)
        .await
        .expect("cancelled");

    assert_eq!(
        open_offers(&h, &joined).await,
        [0],
        "one offer, to the first"
    );
    let tokens = offer_tokens(&h).await;
    assert_eq!(tokens.len(), 1, "one offer mail");
    assert_eq!(tokens[0].0, "first@example.com");

    // The offer holds the time: a direct booking is refused, by the engine and the database.
    let direct = h
        .flows
        .book(
            consultation(start, "maya-lee", "direct@example.com"),
            Actor::Client,
        )
        .await;
    assert!(
        matches!(direct, Err(Refusal::SlotTaken { .. })),
        "{:?}",
        direct.map(|b| b.booking.id)
    );

    let booked = h.flows.accept_offer(&tokens[0].1).await.expect("accepted");
    assert_eq!(booked.booking.start, start);
    assert_eq!(booked.booking.practitioner_id, "maya-lee");
    assert_eq!(booked.booking.client.email, "first@example.com");
    let entry = h
        .flows
        .waitlist_by_token(&joined[0].manage_token)
        .await
        .unwrap();
    assert_eq!(entry.status, EntryStatus::Booked);
    // Accepting twice books nothing more.
    let again = h.flows.accept_offer(&tokens[0].1).await;
    assert!(matches!(again, Err(Refusal::Closed { .. })));
    // The booking holds the time now: the others are not offered it.
    assert!(open_offers(&h, &joined).await.is_empty());
    let wrong = h.flows.accept_offer("not-a-token").await;
    assert!(matches!(wrong, Err(Refusal::NotFound { .. })));
}

async fn declining_moves_the_offer_to_the_next_person(engine: Engine) {
    let h = harness(engine, 0).await;
    let start = hours_ahead(72);
    let taken = h
        .flows
        .book(
            consultation(start, "maya-lee", "taken@example.com"),
            Actor::Client,
        )
        .await
        .expect("booked");
    let joined = join_three(&h, start).await;
    h.flows.cancel(&taken.booking, Actor::Client).await.unwrap();
    let first = offer_tokens(&h).await;
    h.flows.decline_offer(&first[0].1).await.expect("declined");
    assert_eq!(
        open_offers(&h, &joined).await,
        [1],
        "the second is offered it"
    );
    let second = offer_tokens(&h).await;
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].0, "second@example.com");
    // The declined offer cannot be accepted afterwards.
    assert!(matches!(
        h.flows.accept_offer(&first[0].1).await,
        Err(Refusal::Closed { .. })
    ));
    // Leaving withdraws the open offer and passes the time on again.
    h.flows
        .leave_waitlist(&joined[1].manage_token)
        .await
        .expect("left");
    assert_eq!(open_offers(&h, &joined).await, [2]);
}

async fn an_expired_offer_is_refused_and_moves_on(engine: Engine) {
    let h = harness(engine, 0).await;
    let start = hours_ahead(72);
    let taken = h
        .flows
        .book(
            consultation(start, "maya-lee", "taken@example.com"),
            Actor::Client,
        )
        .await
        .expect("booked");
    let joined = join_three(&h, start).await;
    h.flows.cancel(&taken.booking, Actor::Client).await.unwrap();
    let first = offer_tokens(&h).await;
    expire_all_offers(&h).await;

    // Refused before the expiry job has run, and nothing is booked.
    let late = h.flows.accept_offer(&first[0].1).await;
    assert!(
        matches!(late, Err(Refusal::OfferExpired)),
        "{:?}",
        late.err()
    );
    let entry = h
        .flows
        .waitlist_by_token(&joined[0].manage_token)
        .await
        .unwrap();
    assert_eq!(entry.status, EntryStatus::Waiting);

    // The periodic pass expires it and offers the time to the next person first; it also
    // offers every entry any other free time it wants (the clinic is open all day here),
    // never that one again.
    let run = h.flows.run_waitlist().await.expect("run");
    assert_eq!(run.expired, 1);
    let mut holders = Vec::new();
    let mut open = 0;
    for (i, j) in joined.iter().enumerate() {
        let offers = h.store.offers_for_entry(&j.entry.id).await.unwrap();
        let mine: Vec<_> = offers
            .iter()
            .filter(|o| o.status == OfferStatus::Open)
            .collect();
        assert!(mine.len() <= 1, "one open offer per entry");
        open += mine.len();
        holders.extend(mine.iter().filter(|o| o.start == start).map(|_| i));
    }
    assert_eq!(holders, [1]);
    let late = h.flows.accept_offer(&first[0].1).await;
    assert!(matches!(late, Err(Refusal::OfferExpired)));

    // Two passes at once, as two `serve` processes run them: each offer expires once.
    expire_all_offers(&h).await;
    let (a, b) = tokio::join!(h.flows.run_waitlist(), h.flows.run_waitlist());
    let (a, b) = (a.expect("run"), b.expect("run"));
    assert_eq!(a.expired + b.expired, open);
    for j in &joined {
        let offers = h.store.offers_for_entry(&j.entry.id).await.unwrap();
        assert!(
            offers
                .iter()
                .filter(|o| o.status == OfferStatus::Open)
                .count()
                <= 1
        );
    }
}

/// Moves every open offer's expiry into the past, as time passing would.
async fn expire_all_offers(h: &Harness) {
    let sql = "UPDATE waitlist_offers SET expires_at = 1000 WHERE status = 'open'";
    if h.url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&h.url).await.unwrap();
        sqlx::query(sql).execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(&h.url).await.unwrap();
        sqlx::query(sql).execute(&pool).await.unwrap();
        pool.close().await;
    }
}

async fn joining_checks_the_range_and_the_service(engine: Engine) {
    let h = harness(engine, 0).await;
    let start = hours_ahead(72);
    let field = |r: Result<Joined, Refusal>| r.err().and_then(|e| e.field().map(str::to_owned));
    let mut past = wants(start, "p@example.com");
    past.from = h.flows.clinic().today().yesterday().unwrap();
    assert_eq!(
        field(h.flows.join_waitlist(past).await).as_deref(),
        Some("from")
    );
    let mut far = wants(start, "f@example.com");
    far.to = h.flows.clinic().last_bookable_date().tomorrow().unwrap();
    assert_eq!(
        field(h.flows.join_waitlist(far).await).as_deref(),
        Some("to")
    );
    let mut unknown = wants(start, "u@example.com");
    unknown.service_id = "tattoo".into();
    assert_eq!(
        field(h.flows.join_waitlist(unknown).await).as_deref(),
        Some("service")
    );
}

on_both_engines!(
    a_cancellation_offers_the_time_to_the_first_of_three,
    declining_moves_the_offer_to_the_next_person,
    an_expired_offer_is_refused_and_moves_on,
    joining_checks_the_range_and_the_service,
);
