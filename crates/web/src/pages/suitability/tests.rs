use serde_json::json;

use protocol::{Outcome, QuestionKind, RuleSet, Screening};

use super::answers::{answers_json, form_answers, form_message};
use super::form::groups;
use super::result::long_date;
use super::{Carry, can_book};

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn form_pairs_become_answers_json() {
    let rules = RuleSet::builtin();
    let form = form_answers(&pairs(&[
        ("service", "microneedling-face"),
        ("answers.pregnant_or_breastfeeding", "no"),
        ("answers.keloid_history", "yes"),
        ("answers.isotretinoin_last_dose", ""),
        ("answers.isotretinoin_last_dose.never", "yes"),
        ("answers.last_neurotoxin_or_filler", ""),
        ("answers.last_ablative_laser_or_deep_peel", ""),
        ("answers.last_ablative_laser_or_deep_peel.current", "yes"),
        ("answers.last_facial_surgery.current", "yes"),
        ("answers.last_facial_surgery.never", "yes"),
        ("answers.last_laser_or_peel", " 2026-01-31 "),
        ("answers.cold_sore_history", "maybe"),
        ("answers.not_a_question", "yes"),
    ]));
    let json = answers_json(rules.questions(), &form);
    assert_eq!(
        json,
        json!({
            "pregnant_or_breastfeeding": false,
            "keloid_history": true,
            "isotretinoin_last_dose": null,
            "last_laser_or_peel": "2026-01-31",
            "last_facial_surgery": null,
            "cold_sore_history": "maybe",
        })
    );
}

#[test]
fn missing_answers_are_reported_per_question() {
    let rules = RuleSet::builtin();
    let json = answers_json(
        rules.questions(),
        &form_answers(&pairs(&[("answers.keloid_history", "no")])),
    );
    let errors = rules
        .validate_answers(&json, jiff::civil::date(2026, 11, 10))
        .expect_err("most questions are unanswered");
    assert!(
        errors
            .iter()
            .any(|e| e.field == "answers.pregnant_or_breastfeeding")
    );
    assert!(!errors.iter().any(|e| e.field == "answers.keloid_history"));
    // A blank date is not "never": it is asked for like any other answer.
    assert!(
        errors
            .iter()
            .any(|e| e.field == "answers.isotretinoin_last_dose")
    );
}

#[test]
fn all_no_is_valid() {
    let rules = RuleSet::builtin();
    let list: Vec<(String, String)> = rules
        .questions()
        .iter()
        .filter(|q| q.on_forms())
        .map(|q| match q.kind {
            QuestionKind::Date if q.accepts_never => (format!("answers.{}.never", q.id), "yes"),
            QuestionKind::Date => (format!("answers.{}", q.id), "1990-04-02"),
            _ => (format!("answers.{}", q.id), "no"),
        })
        .map(|(k, v)| (k, v.to_owned()))
        .collect();
    let json = answers_json(rules.questions(), &form_answers(&list));
    assert!(
        rules
            .validate_answers(&json, jiff::civil::date(2026, 11, 10))
            .is_ok()
    );
}

#[test]
fn form_messages_speak_to_people() {
    let rules = RuleSet::builtin();
    assert_eq!(
        form_message(&rules, "answers.keloid_history", "x"),
        "Please choose Yes or No."
    );
    assert!(form_message(&rules, "answers.isotretinoin_last_dose", "null").contains("\"Never\""));
    assert_eq!(
        form_message(
            &rules,
            "answers.last_laser_or_peel",
            "Please answer this question."
        ),
        "Please answer: give the date, or tick \"Never\"."
    );
    assert!(
        form_message(&rules, "answers.isotretinoin_last_dose", "in the future")
            .contains("I am still taking it")
    );
    assert_eq!(form_message(&rules, "answers", "whole"), "whole");
}

#[test]
fn groups_keep_question_order() {
    let rules = RuleSet::builtin();
    let grouped = groups(rules.questions());
    let names: Vec<&str> = grouped.iter().map(|(g, _)| *g).collect();
    assert_eq!(
        names,
        ["Your skin today", "Your health", "Recent treatments"]
    );
    assert_eq!(
        grouped.iter().map(|(_, q)| q.len()).sum::<usize>(),
        rules.questions().len()
    );
}

#[test]
fn booking_follows_the_outcome() {
    let date = jiff::civil::date(2027, 5, 4);
    let s = |outcome, earliest_date| Screening {
        outcome,
        earliest_date,
        review: false,
        findings: vec![],
    };
    assert!(can_book(&s(Outcome::Eligible, None)));
    assert!(can_book(&s(Outcome::Consult, None)));
    assert!(can_book(&s(Outcome::Defer, Some(date))));
    assert!(!can_book(&s(Outcome::Defer, None)));
    assert!(!can_book(&s(Outcome::NotSuitable, None)));
    assert_eq!(long_date(date), "Tuesday 4 May 2027");
}

#[test]
fn booking_urls_carry_only_ids() {
    let carry = Carry {
        service: "microneedling-face".into(),
        practitioner: "maya-lee".into(),
        ..Carry::default()
    };
    assert_eq!(
        carry.book_url(&carry.service, "abc"),
        "/book?service=microneedling-face&practitioner=maya-lee&screening=abc"
    );
    assert_eq!(Carry::default().book_url("", "abc"), "/book?screening=abc");
}
