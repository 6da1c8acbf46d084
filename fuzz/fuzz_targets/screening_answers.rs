//! Screening answers as `POST /api/v1/screenings` reads them, judged for any treatment date
//! and any today: parsing and judging never panic, and answers that parse read back from
//! their stored JSON as the same answers, with the same outcome (the booking workflow
//! judges the stored copy again).
//!
//! Input: two little-endian i16 day offsets (today, then the treatment date, from
//! 2026-01-01), then the answers' JSON.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

static RULES: LazyLock<protocol::RuleSet> = LazyLock::new(protocol::RuleSet::builtin);

fuzz_target!(|data: &[u8]| {
    let Some((days, json)) = data.split_first_chunk::<4>() else {
        return;
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(json) else {
        return;
    };
    let base = jiff::civil::date(2026, 1, 1);
    let offset = |b: [u8; 2]| jiff::Span::new().days(i64::from(i16::from_le_bytes(b)));
    let today = base.checked_add(offset([days[0], days[1]])).unwrap();
    let treatment = base.checked_add(offset([days[2], days[3]])).unwrap();
    let all = RULES.validate_answers(&value, today);
    match RULES.parse_answers(&value, today) {
        Ok(answers) => {
            assert!(all.is_ok());
            let judged = RULES.screen(&answers, treatment, today);
            let stored = serde_json::to_string(&answers).unwrap();
            let read: protocol::Answers = serde_json::from_str(&stored).unwrap();
            assert_eq!(
                read, answers,
                "stored answers read back differently: {stored}"
            );
            assert_eq!(RULES.screen(&read, treatment, today), judged);
        }
        Err(first) => {
            let errors = all.expect_err("validate_answers agrees with parse_answers");
            assert_eq!(errors[0], first);
        }
    }
});
