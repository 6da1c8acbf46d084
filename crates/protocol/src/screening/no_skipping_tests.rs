//! Screening that cannot be skipped around (issue 11, items 2, 3 and 4): a blank date is not
//! "never", a medicine still taken cannot be typed as a date, and inflamed acne both defers
//! and holds for a practitioner.

use jiff::civil::{Date, date};
use serde_json::{Value, json};

use super::*;
use crate::Outcome::*;

const TODAY: Date = date(2026, 11, 10);

/// Everything answered "no" / never, then `extra` on top, with `remove` taken out.
fn json_with(set: &RuleSet, extra: Value, remove: &[&str]) -> Value {
    let mut map = all_clear_json(set);
    for (k, v) in extra.as_object().unwrap() {
        map.insert(k.clone(), v.clone());
    }
    for id in remove {
        map.remove(*id);
    }
    Value::Object(map)
}

fn screen(set: &RuleSet, extra: Value, treatment: Date) -> Screening {
    let answers = set
        .parse_answers(&json_with(set, extra, &[]), TODAY)
        .unwrap();
    set.screen(&answers, treatment, TODAY)
}

#[test]
fn a_blank_date_question_must_be_answered() {
    let set = RuleSet::builtin();
    for id in [
        "isotretinoin_last_dose",
        "last_laser_or_peel",
        "last_ablative_laser_or_deep_peel",
        "last_neurotoxin_or_filler",
        "last_facial_surgery",
    ] {
        let err = set
            .parse_answers(&json_with(&set, json!({}), &[id]), TODAY)
            .unwrap_err();
        assert_eq!(err.field, format!("answers.{id}"));
        assert_eq!(err.message, "Please answer this question.");
        assert!(set.question(id).unwrap().required, "{id}");
    }
    // Answers stored without a date answer are not read as "never" either.
    let full = set
        .parse_answers(&json_with(&set, json!({}), &[]), TODAY)
        .unwrap();
    let mut answers = Answers::new();
    for (id, a) in full
        .iter()
        .filter(|(id, _)| *id != "isotretinoin_last_dose")
    {
        answers.insert(id, a.clone());
    }
    let s = set.screen(&answers, TODAY, TODAY);
    assert_eq!(s.outcome, Consult);
    assert_eq!(s.findings[0].rule, "unanswered.isotretinoin_last_dose");
}

#[test]
fn an_explicit_never_is_an_answer() {
    let set = RuleSet::builtin();
    let answers = set
        .parse_answers(
            &json_with(&set, json!({"isotretinoin_last_dose": null}), &[]),
            TODAY,
        )
        .unwrap();
    assert_eq!(
        answers.get("isotretinoin_last_dose"),
        Some(&Answer::Date(None))
    );
    assert_eq!(set.screen(&answers, TODAY, TODAY).outcome, Eligible);
}

#[test]
fn still_taking_isotretinoin_defers_with_no_date() {
    let set = RuleSet::builtin();
    let s = screen(&set, json!({"isotretinoin_last_dose": "current"}), TODAY);
    assert_eq!(s.outcome, Defer);
    assert_eq!(s.earliest_date, None, "no date while still taking it");
    assert_eq!(s.findings[0].rule, "isotretinoin");
    assert_eq!(s.findings[0].until, None);
    let message = &s.findings[0].message;
    assert!(
        message.contains("still taking") && message.contains("6 months after your last dose"),
        "{message}"
    );
    // Years later it is still no: the wait has not started.
    let s = screen(
        &set,
        json!({"isotretinoin_last_dose": "current"}),
        date(2030, 1, 1),
    );
    assert_eq!((s.outcome, s.earliest_date), (Defer, None));

    let stored = serde_json::to_value(
        set.parse_answers(
            &json_with(&set, json!({"isotretinoin_last_dose": "current"}), &[]),
            TODAY,
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(stored["isotretinoin_last_dose"], "current");
    let back: Answers = serde_json::from_value(stored).unwrap();
    assert_eq!(back.get("isotretinoin_last_dose"), Some(&Answer::Current));
}

#[test]
fn current_is_only_for_a_medicine() {
    let set = RuleSet::builtin();
    assert!(
        set.question("isotretinoin_last_dose")
            .unwrap()
            .accepts_current
    );
    let err = set
        .parse_answers(
            &json_with(&set, json!({"last_laser_or_peel": "current"}), &[]),
            TODAY,
        )
        .unwrap_err();
    assert_eq!(err.field, "answers.last_laser_or_peel");
    assert!(err.message.contains("YYYY-MM-DD"), "{}", err.message);
    let questions = serde_json::to_value(set.questions()).unwrap();
    let by_id = |id: &str| {
        questions
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id("isotretinoin_last_dose")["accepts_current"], true);
    assert!(by_id("last_laser_or_peel").get("accepts_current").is_none());
}

#[test]
fn a_last_dose_in_the_future_is_refused() {
    let set = RuleSet::builtin();
    let tomorrow = TODAY.tomorrow().unwrap().to_string();
    let err = set
        .parse_answers(
            &json_with(&set, json!({"isotretinoin_last_dose": tomorrow}), &[]),
            TODAY,
        )
        .unwrap_err();
    assert_eq!(err.field, "answers.isotretinoin_last_dose");
    assert!(
        err.message.contains("a last dose can't be in the future")
            || err.message.contains("A last dose can't be in the future"),
        "{}",
        err.message
    );
    let err = set
        .parse_answers(
            &json_with(&set, json!({"last_neurotoxin_or_filler": tomorrow}), &[]),
            TODAY,
        )
        .unwrap_err();
    assert_eq!(err.field, "answers.last_neurotoxin_or_filler");
    assert!(err.message.contains("future"), "{}", err.message);
    // Today's date is a real last dose: six months from today.
    let s = screen(
        &set,
        json!({"isotretinoin_last_dose": TODAY.to_string()}),
        TODAY,
    );
    assert_eq!(s.earliest_date, Some(date(2027, 5, 10)));
}

#[test]
fn inflamed_acne_defers_today_and_holds_later_dates_for_review() {
    let set = RuleSet::builtin();
    let acne = json!({"inflammatory_acne_in_area": true});
    let today = screen(&set, acne.clone(), TODAY);
    assert_eq!(today.outcome, Defer);
    assert!(today.review, "{today:?}");
    assert_eq!(today.earliest_date, TODAY.tomorrow().ok());
    assert!(today.findings[0].review);

    let later = screen(&set, acne, date(2026, 12, 1));
    assert_eq!(later.outcome, Consult, "{later:?}");
    assert!(later.review);
    assert_eq!(later.findings[0].rule, "inflammatory_acne");
}

#[test]
fn a_dated_deferral_keeps_a_consultation_it_outranks() {
    let set = RuleSet::builtin();
    let s = screen(
        &set,
        json!({"isotretinoin_last_dose": "2026-10-01", "keloid_history": true}),
        TODAY,
    );
    assert_eq!(s.outcome, Defer);
    assert_eq!(s.earliest_date, Some(date(2027, 4, 1)));
    assert!(s.review, "the keloid consultation must not be lost");
    let clear = screen(&set, json!({"isotretinoin_last_dose": "2026-10-01"}), TODAY);
    assert!(!clear.review);
}
