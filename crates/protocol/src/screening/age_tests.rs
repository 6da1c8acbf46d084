//! Age from a date of birth (issue 11, item 12): under 18 not suitable online, 18–21 consult,
//! with birthdays counted so that an age is never reached a day early.

use jiff::civil::{Date, date};
use serde_json::{Value, json};

use super::*;
use crate::Outcome::{self, *};

const TODAY: Date = date(2026, 11, 10);

fn answers_born(set: &RuleSet, born: &str, today: Date) -> Result<Answers, AnswerError> {
    let mut map = all_clear_json(set);
    map.insert("date_of_birth".into(), json!(born));
    set.parse_answers(&Value::Object(map), today)
}

fn outcome_on(set: &RuleSet, born: Date, treated: Date) -> (Outcome, Vec<String>) {
    let answers = answers_born(set, &born.to_string(), treated).unwrap();
    let s = set.screen(&answers, treated, treated);
    let rules = s.findings.iter().map(|f| f.rule.clone()).collect();
    (s.outcome, rules)
}

#[test]
fn the_18th_and_22nd_birthdays_to_the_day() {
    let set = RuleSet::builtin();
    let born = date(2004, 11, 10);
    assert_eq!(outcome_on(&set, born, date(2022, 11, 9)).0, NotSuitable);
    assert_eq!(outcome_on(&set, born, date(2022, 11, 10)).0, Consult);
    let (outcome, rules) = outcome_on(&set, born, date(2026, 11, 9));
    assert_eq!((outcome, rules), (Consult, vec!["under_22".to_owned()]));
    assert_eq!(outcome_on(&set, born, date(2026, 11, 10)).0, Eligible);
}

#[test]
fn a_29_february_birthday_in_a_common_year_is_1_march() {
    let set = RuleSet::builtin();
    let born = date(2008, 2, 29);
    // 2026 is a common year: 18 only on 1 March, never on 28 February.
    assert_eq!(outcome_on(&set, born, date(2026, 2, 28)).0, NotSuitable);
    assert_eq!(outcome_on(&set, born, date(2026, 3, 1)).0, Consult);
    // 2030 is common too: 22 on 1 March.
    assert_eq!(outcome_on(&set, born, date(2030, 2, 28)).0, Consult);
    assert_eq!(outcome_on(&set, born, date(2030, 3, 1)).0, Eligible);
    // 2032 is a leap year: the birthday itself.
    assert_eq!(evaluate::birthday(born, 24), date(2032, 2, 29));
}

#[test]
fn under_18_says_a_guardian_comes_too() {
    let set = RuleSet::builtin();
    let answers = answers_born(&set, "2010-05-01", TODAY).unwrap();
    let s = set.screen(&answers, TODAY, TODAY);
    assert_eq!(s.outcome, NotSuitable);
    let finding = s.findings.iter().find(|f| f.rule == "under_18").unwrap();
    assert!(finding.message.contains("guardian"), "{}", finding.message);
    assert!(finding.source.contains("[12]"), "{}", finding.source);
    assert_eq!(finding.until, Some(date(2028, 5, 1)));
}

#[test]
fn an_impossible_date_of_birth_is_refused() {
    let set = RuleSet::builtin();
    for (born, words) in [
        ("2026-11-11", "future"),
        ("1906-11-09", "120 years"),
        ("1800-01-01", "120 years"),
    ] {
        let err = answers_born(&set, born, TODAY).unwrap_err();
        assert_eq!(err.field, "answers.date_of_birth", "{born}");
        assert!(err.message.contains(words), "{born}: {}", err.message);
    }
    assert!(answers_born(&set, "1906-11-10", TODAY).is_ok());
    assert!(answers_born(&set, "2026-11-10", TODAY).is_ok());
    let mut map = all_clear_json(&set);
    map.insert("date_of_birth".into(), json!(null));
    let err = set.parse_answers(&Value::Object(map), TODAY).unwrap_err();
    assert_eq!(err.field, "answers.date_of_birth");
}

#[test]
fn the_old_age_question_still_answers_for_the_api() {
    let set = RuleSet::builtin();
    let mut map = all_clear_json(&set);
    map.remove("date_of_birth");
    let err = set
        .parse_answers(&Value::Object(map.clone()), TODAY)
        .unwrap_err();
    assert_eq!(err.field, "answers.date_of_birth");
    map.insert("age_under_22".into(), json!(true));
    let answers = set.parse_answers(&Value::Object(map), TODAY).unwrap();
    let s = set.screen(&answers, TODAY, TODAY);
    assert_eq!(s.outcome, Consult);
    assert_eq!(s.findings[0].rule, "age_under_22");
    let old = set.question("age_under_22").unwrap();
    assert!(!old.on_forms() && !old.required);
    assert!(!set.question("date_of_birth").unwrap().accepts_never);
}
