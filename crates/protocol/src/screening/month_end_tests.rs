//! Every rule of `data/screening.toml` that has a wait, at the day before and the day its wait
//! ends, for answers dated on every month end of a common year (2027) and a leap year (2028).
//!
//! The expected end is computed here from the wait's text, independently of `Wait::after`: a
//! waiting period ends no earlier than the full period, so a day of month that the target month
//! lacks moves to the first of the next month (issue 11, item 1).

use jiff::{
    Span,
    civil::{Date, date},
};
use serde_json::{Value, json};

use super::*;
use crate::Outcome;

/// A rule with a wait, as written in the data file.
struct WaitedRule {
    id: String,
    question: String,
    kind: String,
    outcome: Outcome,
    wait: String,
    /// For a choice question: an option that triggers the rule.
    when: Option<String>,
}

/// The rules of `data/screening.toml` that have a `wait`, read from the file itself.
fn waited_rules() -> Vec<WaitedRule> {
    let file: toml::Table = toml::from_str(include_str!("../../data/screening.toml")).unwrap();
    let kind_of = |question: &str| {
        file["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"].as_str() == Some(question))
            .and_then(|q| q["kind"].as_str())
            .unwrap_or_else(|| panic!("question {question} has no kind"))
            .to_owned()
    };
    file["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| {
            let wait = r.get("wait")?.as_str().unwrap().to_owned();
            let question = r["question"].as_str().unwrap().to_owned();
            Some(WaitedRule {
                id: r["id"].as_str().unwrap().to_owned(),
                kind: kind_of(&question),
                question,
                outcome: r["outcome"].clone().try_into().unwrap(),
                wait,
                when: r
                    .get("when")
                    .and_then(|w| w.as_array()?.first()?.as_str())
                    .map(str::to_owned),
            })
        })
        .collect()
}

/// The first day on which `wait` has fully passed since `from`.
fn full_period_end(from: Date, wait: &str) -> Date {
    let span: Span = wait.parse().unwrap();
    let months = i64::from(from.month()) - 1
        + 12 * i64::from(span.get_years())
        + i64::from(span.get_months());
    let year = i16::try_from(i64::from(from.year()) + months.div_euclid(12)).unwrap();
    let month = i8::try_from(months.rem_euclid(12) + 1).unwrap();
    let calendar_end = Date::new(year, month, from.day()).unwrap_or_else(|_| {
        // The day does not exist in that month: the period is complete only on the next 1st.
        let (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        date(year, month, 1)
    });
    let days = 7 * i64::from(span.get_weeks()) + i64::from(span.get_days());
    calendar_end.checked_add(Span::new().days(days)).unwrap()
}

/// The last day of every month of 2027 and 2028.
fn month_ends() -> Vec<Date> {
    [2027, 2028]
        .into_iter()
        .flat_map(|year| (1..=12).map(move |month| date(year, month, 1).last_of_month()))
        .collect()
}

/// Every required question answered "no", then the answer that triggers `rule` from `from`.
fn answers_triggering(set: &RuleSet, rule: &WaitedRule, from: Date) -> Answers {
    let mut map = all_clear_json(set);
    let answer = match rule.kind.as_str() {
        "date" => json!(from.to_string()),
        "yes_no" => json!(true),
        "choice" => json!(rule.when.as_deref().expect("a choice rule lists `when`")),
        other => panic!("rule {}: unknown question kind {other}", rule.id),
    };
    map.insert(rule.question.clone(), answer);
    set.parse_answers(&Value::Object(map), from).unwrap()
}

#[test]
fn the_walk_covers_every_rule_with_a_wait() {
    let set = RuleSet::builtin();
    let walked: Vec<String> = waited_rules().into_iter().map(|r| r.id).collect();
    let loaded: Vec<&str> = set
        .rules
        .iter()
        .filter(|r| r.wait.is_some())
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(walked, loaded);
    assert!(walked.len() >= 5, "{walked:?}");
}

#[test]
fn the_expected_ends_hold_to_the_full_period() {
    for (from, wait, end) in [
        (date(2027, 8, 31), "6 months", date(2028, 3, 1)),
        (date(2027, 8, 29), "6 months", date(2028, 2, 29)),
        (date(2028, 8, 31), "6 months", date(2029, 3, 1)),
        (date(2028, 11, 30), "3 months", date(2029, 3, 1)),
        (date(2028, 2, 29), "1 year", date(2029, 3, 1)),
        (date(2027, 3, 31), "1 month", date(2027, 5, 1)),
        (date(2027, 12, 31), "6 months", date(2028, 7, 1)),
        (date(2028, 2, 29), "1 year 2 weeks", date(2029, 3, 15)),
        (date(2027, 12, 31), "3 weeks", date(2028, 1, 21)),
    ] {
        assert_eq!(full_period_end(from, wait), end, "{from} + {wait}");
    }
}

/// The table-driven walk of issue 11's "Done when": the day before the end is held by the rule
/// (deferred until the end, for a deferring rule); the end itself is not.
#[test]
fn every_wait_ends_on_the_full_period_at_every_month_end() {
    let set = RuleSet::builtin();
    for rule in waited_rules() {
        for from in month_ends() {
            let end = full_period_end(from, &rule.wait);
            let case = format!("{} ({}) from {from}", rule.id, rule.wait);
            let answers = answers_triggering(&set, &rule, from);

            let day_before = end.yesterday().unwrap();
            let s = set.screen(&answers, day_before, from);
            let held: Vec<&Finding> = s.findings.iter().filter(|f| f.rule == rule.id).collect();
            assert_eq!(held.len(), 1, "{case}, treated {day_before}: {s:?}");
            assert_eq!(held[0].outcome, rule.outcome, "{case}");
            assert_eq!(held[0].until, Some(end), "{case}");
            assert_eq!(s.outcome, rule.outcome, "{case}, treated {day_before}");
            if rule.outcome == Outcome::Defer {
                assert_eq!(s.earliest_date, Some(end), "{case}, treated {day_before}");
            }

            let s = set.screen(&answers, end, from);
            assert!(
                s.findings.iter().all(|f| f.rule != rule.id),
                "{case}, treated {end}: {s:?}"
            );
            assert_eq!(s.outcome, Outcome::Eligible, "{case}, treated {end}");
        }
    }
}
