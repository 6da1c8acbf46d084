//! Refusals say times on the clinic's own clock (`[clinic] clock`, or what `locale`
//! implies), on both engines: a start off the offered times, one already passed, and an
//! erasure held back by a booking still ahead.

use jiff::ToSpan as _;
use service::{Actor, Refusal};
use store::Engine;

use crate::common;
use common::*;

/// The refusals' words on a clinic reading the `clock`-hour clock, each checked for the
/// time of day `expect(hour, minute)` says.
async fn refusals_on(engine: Engine, clock: u8, expect: fn(i8, i8) -> String) {
    let h = harness(engine, 0).await;
    let mut setup = open_all_day();
    setup.clinic.clock = Some(clock);
    h.store.save_setup(&setup).await.unwrap();
    h.flows.refresh_clinic().await.unwrap();
    let tz = setup.timezone();
    let today = jiff::Timestamp::now().to_zoned_datetime(tz.clone()).date();
    let at = |days: i64, hour: i8, minute: i8| {
        today
            .checked_add(days.days())
            .unwrap()
            .at(hour, minute, 0, 0)
            .to_zoned_datetime(tz.clone())
            .unwrap()
            .timestamp()
    };
    let wrong = [if clock == 24 { " PM" } else { "14:" }, " AM"];

    let off_step = h
        .flows
        .book(
            consultation(at(3, 14, 7), "maya-lee", "a@example.com"),
            Actor::Client,
        )
        .await;
    let Err(Refusal::Invalid { message, .. }) = off_step else {
        panic!("expected a refusal off the offered times");
    };
    assert!(
        message.contains(&format!("{} is not one", expect(14, 7))),
        "{message}"
    );
    assert!(!wrong.iter().any(|w| message.contains(w)), "{message}");

    let passed = h
        .flows
        .book(
            consultation(at(-2, 14, 0), "maya-lee", "b@example.com"),
            staff(),
        )
        .await;
    let Err(Refusal::Invalid { message, .. }) = passed else {
        panic!("expected a refusal of a time already passed");
    };
    assert!(
        message.contains(&format!("{} has already passed", expect(14, 0))),
        "{message}"
    );

    h.flows
        .book(
            consultation(at(3, 15, 0), "maya-lee", "c@example.com"),
            staff(),
        )
        .await
        .expect("a booking ahead");
    let erase = h
        .flows
        .erase_client("c@example.com", "desk-1", jiff::Timestamp::now())
        .await;
    let Err(Refusal::Closed { message }) = erase else {
        panic!("expected the erasure to wait for the booking ahead");
    };
    assert!(
        message.contains(&format!("{})", expect(15, 0))),
        "{message}"
    );
}

async fn refusals_speak_a_24_hour_clock(engine: Engine) {
    refusals_on(engine, 24, |h, m| format!(", {h:02}:{m:02}")).await
}

async fn refusals_speak_a_12_hour_clock(engine: Engine) {
    refusals_on(engine, 12, |h, m| format!(", {}:{m:02} PM", h - 12)).await
}

on_both_engines!(
    refusals_speak_a_24_hour_clock,
    refusals_speak_a_12_hour_clock
);
