//! Hours as people type them: every span written in the canonical form reads back as
//! itself, and the ways people write the same span all land on that form.

use proptest::prelude::*;

use crate::{format_span, parse_span};

/// A span of whole minutes, start before end, the end possibly midnight (24:00).
fn spans() -> impl Strategy<Value = (u32, u32)> {
    (0u32..1440).prop_flat_map(|start| (Just(start), (start + 1)..=1440))
}

fn hhmm(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// The same time on a 12-hour clock: `9am`, `5:30pm`, `12am` for midnight.
fn twelve(m: u32) -> String {
    let (h, min) = ((m / 60) % 24, m % 60);
    let suffix = if h < 12 { "am" } else { "pm" };
    let h12 = match h % 12 {
        0 => 12,
        h => h,
    };
    if min == 0 {
        format!("{h12}{suffix}")
    } else {
        format!("{h12}:{min:02}{suffix}")
    }
}

proptest! {
    #[test]
    fn the_canonical_form_round_trips((start, end) in spans()) {
        let text = format!("{}-{}", hhmm(start), hhmm(end));
        let span = parse_span(&text).unwrap();
        prop_assert_eq!(format_span(&span), text.clone());
        prop_assert_eq!(format_span(&parse_span(&format_span(&span)).unwrap()), text);
    }

    #[test]
    fn twelve_hour_and_dashed_forms_reach_the_canonical_one((start, end) in spans(), dash in 0usize..4) {
        let canonical = format!("{}-{}", hhmm(start), hhmm(end));
        let sep = ["-", " - ", "\u{2013}", " to "][dash];
        let typed = format!("{}{sep}{}", twelve(start), twelve(end));
        let span = parse_span(&typed).map_err(|e| TestCaseError::fail(format!("{typed}: {e}")))?;
        prop_assert_eq!(format_span(&span), canonical, "{}", typed);
    }

    #[test]
    fn whole_hours_without_am_or_pm_read_as_opening_hours(start in 7u32..12, end in 1u32..12) {
        // "9-5": an end that would come before the start is the afternoon; "9-11" stays
        // in the morning.
        let span = parse_span(&format!("{start}-{end}")).unwrap();
        let end24 = if end <= start { end + 12 } else { end };
        prop_assert_eq!(format_span(&span), format!("{:02}:00-{:02}:00", start, end24));
    }

    #[test]
    fn nothing_typed_panics(text in "\\PC{0,16}") {
        let _ = parse_span(&text);
    }
}
