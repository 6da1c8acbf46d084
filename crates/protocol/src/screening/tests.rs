//! Table-driven tests of the built-in screening rules.

use jiff::civil::{Date, date};
use serde_json::{Value, json};

use super::*;
use crate::Outcome::{self, *};

const TODAY: Date = date(2026, 11, 10);
const TREATMENT: Date = date(2026, 11, 20);

/// The question ids and kinds DESIGN.md requires.
const DESIGN_QUESTIONS: [(&str, QuestionKind); 18] = [
    ("isotretinoin_last_dose", QuestionKind::Date),
    ("active_infection_in_area", QuestionKind::YesNo),
    ("cold_sore_history", QuestionKind::YesNo),
    ("inflammatory_acne_in_area", QuestionKind::YesNo),
    ("keloid_history", QuestionKind::YesNo),
    ("pregnant_or_breastfeeding", QuestionKind::YesNo),
    ("bleeding_disorder_or_anticoagulants", QuestionKind::YesNo),
    ("immunosuppressed", QuestionKind::YesNo),
    ("uncontrolled_diabetes", QuestionKind::YesNo),
    ("skin_condition_flare_in_area", QuestionKind::YesNo),
    ("skin_cancer_in_area", QuestionKind::YesNo),
    ("sunburn_in_area", QuestionKind::YesNo),
    ("metal_or_anaesthetic_allergy", QuestionKind::YesNo),
    ("last_neurotoxin_or_filler", QuestionKind::Date),
    ("last_laser_or_peel", QuestionKind::Date),
    ("last_ablative_laser_or_deep_peel", QuestionKind::Date),
    ("radiation_to_area", QuestionKind::YesNo),
    ("age_under_22", QuestionKind::YesNo),
];

/// Every required question answered "no", then `extra` on top.
fn json_answers(set: &RuleSet, extra: Value) -> Value {
    let mut map = all_clear_json(set);
    for (k, v) in extra.as_object().unwrap() {
        map.insert(k.clone(), v.clone());
    }
    Value::Object(map)
}

fn answers(set: &RuleSet, extra: Value) -> Answers {
    set.parse_answers(&json_answers(set, extra), TODAY).unwrap()
}

fn screen_at(set: &RuleSet, extra: Value, treatment: Date) -> Screening {
    set.screen(&answers(set, extra), treatment, TODAY)
}

fn rules_of(s: &Screening) -> Vec<&str> {
    s.findings.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn design_questions_exist_with_their_kind() {
    let set = RuleSet::builtin();
    for (id, kind) in DESIGN_QUESTIONS {
        let q = set.question(id).unwrap_or_else(|| panic!("missing {id}"));
        assert_eq!(q.kind, kind, "{id}");
        // A blank date is not "never"; the age question gave way to the date of birth.
        assert_eq!(q.required, id != "age_under_22", "{id}");
    }
    for q in set.questions() {
        let in_design =
            DESIGN_QUESTIONS.iter().any(|(id, _)| *id == q.id) || q.id == "date_of_birth";
        assert!(
            in_design || !q.required || q.kind == QuestionKind::Date,
            "extra question {} must be optional",
            q.id
        );
        assert!(
            ["Your skin today", "Your health", "Recent treatments"].contains(&q.group.as_str()),
            "{}",
            q.id
        );
        assert!(!q.text.contains('{') && !q.why.is_empty(), "{}", q.id);
    }
    assert_eq!(set.version(), "2026-11-1");
}

#[test]
fn every_rule_has_a_source_and_a_plain_message() {
    let set = RuleSet::builtin();
    for r in &set.rules {
        assert!(r.source.contains('['), "{}: {}", r.id, r.source);
        let m = r.message();
        assert!(!m.contains('{') && m.ends_with('.'), "{}: {m}", r.id);
    }
}

#[test]
fn sunburn_question_shows_its_wait() {
    let set = RuleSet::builtin();
    let q = set.question("sunburn_in_area").unwrap();
    assert!(q.text.contains("in the last 2 weeks"), "{}", q.text);
}

/// For every rule: answers that trigger it (with the outcome) and answers that don't.
#[test]
fn every_rule_triggers_and_does_not() {
    let recent = "2026-11-10";
    let cases: &[(&str, Value, Outcome, Value)] = &[
        (
            "isotretinoin",
            json!({"isotretinoin_last_dose": "2026-06-01"}),
            Defer,
            json!({"isotretinoin_last_dose": "2026-05-01"}),
        ),
        (
            "active_infection",
            json!({"active_infection_in_area": true}),
            Defer,
            json!({"active_infection_in_area": false}),
        ),
        (
            // Later than the day of answering, inflamed acne waits for a practitioner.
            "inflammatory_acne",
            json!({"inflammatory_acne_in_area": true}),
            Consult,
            json!({"inflammatory_acne_in_area": false}),
        ),
        (
            "skin_condition_flare",
            json!({"skin_condition_flare_in_area": true}),
            Defer,
            json!({"skin_condition_flare_in_area": false}),
        ),
        (
            "sunburn",
            json!({"sunburn_in_area": "yes"}),
            Defer,
            json!({"sunburn_in_area": "no"}),
        ),
        (
            "skin_cancer",
            json!({"skin_cancer_in_area": true}),
            NotSuitable,
            json!({"skin_cancer_in_area": false}),
        ),
        (
            "keloid",
            json!({"keloid_history": true}),
            Consult,
            json!({"keloid_history": false}),
        ),
        (
            "recent_scars_or_stretch_marks",
            json!({"recent_scars_or_stretch_marks": true}),
            Consult,
            json!({}),
        ),
        (
            "pregnancy",
            json!({"pregnant_or_breastfeeding": true}),
            Defer,
            json!({"pregnant_or_breastfeeding": false}),
        ),
        (
            "bleeding",
            json!({"bleeding_disorder_or_anticoagulants": true}),
            Consult,
            json!({"bleeding_disorder_or_anticoagulants": false}),
        ),
        (
            "immunosuppression",
            json!({"immunosuppressed": true}),
            Consult,
            json!({"immunosuppressed": false}),
        ),
        (
            "diabetes",
            json!({"uncontrolled_diabetes": true}),
            Consult,
            json!({"uncontrolled_diabetes": false}),
        ),
        (
            "herpes_history",
            json!({"cold_sore_history": true}),
            Consult,
            json!({"cold_sore_history": false}),
        ),
        (
            "metal_or_anaesthetic_allergy",
            json!({"metal_or_anaesthetic_allergy": true}),
            Consult,
            json!({"metal_or_anaesthetic_allergy": false}),
        ),
        (
            "radiation",
            json!({"radiation_to_area": true}),
            Consult,
            json!({"radiation_to_area": false}),
        ),
        (
            "age_under_22",
            json!({"age_under_22": true}),
            Consult,
            json!({"age_under_22": false}),
        ),
        (
            "under_18",
            json!({"date_of_birth": "2010-01-01"}),
            NotSuitable,
            json!({"date_of_birth": "1980-06-15"}),
        ),
        (
            "under_22",
            json!({"date_of_birth": "2006-01-01"}),
            Consult,
            json!({"date_of_birth": "2004-11-20"}),
        ),
        (
            "laser_or_peel",
            json!({"last_laser_or_peel": recent}),
            Defer,
            json!({"last_laser_or_peel": null}),
        ),
        (
            "ablative_laser_or_deep_peel",
            json!({"last_ablative_laser_or_deep_peel": recent}),
            Defer,
            json!({"last_ablative_laser_or_deep_peel": "2026-01-01"}),
        ),
        (
            "neurotoxin_or_filler",
            json!({"last_neurotoxin_or_filler": recent}),
            Defer,
            json!({}),
        ),
        (
            "facial_surgery",
            json!({"last_facial_surgery": "2026-01-15"}),
            Consult,
            json!({"last_facial_surgery": "2025-01-15"}),
        ),
    ];
    let set = RuleSet::builtin();
    for rule in &set.rules {
        assert!(
            cases.iter().any(|c| c.0 == rule.id),
            "no test case for rule {}",
            rule.id
        );
    }
    assert_eq!(screen_at(&set, json!({}), TREATMENT).outcome, Eligible);
    for (rule, yes, outcome, no) in cases {
        let s = screen_at(&set, yes.clone(), TREATMENT);
        assert_eq!(rules_of(&s), [*rule], "{rule} should trigger");
        assert_eq!(s.outcome, *outcome, "{rule}");
        let f = &s.findings[0];
        assert_eq!(f.outcome, *outcome);
        assert!(!f.clinic_override);
        let s = screen_at(&set, no.clone(), TREATMENT);
        assert!(
            s.findings.is_empty(),
            "{rule} should not trigger: {:?}",
            s.findings
        );
        assert_eq!(s.outcome, Eligible);
    }
}

/// The day before `until` is still covered; `until` itself is allowed.
#[test]
fn waiting_periods_end_on_the_until_date() {
    let set = RuleSet::builtin();
    let cases = [
        (
            "isotretinoin",
            "isotretinoin_last_dose",
            date(2026, 3, 31),
            date(2026, 10, 1),
            Defer,
        ),
        (
            "isotretinoin",
            "isotretinoin_last_dose",
            date(2026, 5, 15),
            date(2026, 11, 15),
            Defer,
        ),
        (
            "isotretinoin",
            "isotretinoin_last_dose",
            date(2025, 8, 31),
            date(2026, 3, 1),
            Defer,
        ),
        (
            "neurotoxin_or_filler",
            "last_neurotoxin_or_filler",
            date(2026, 11, 1),
            date(2026, 11, 15),
            Defer,
        ),
        (
            "laser_or_peel",
            "last_laser_or_peel",
            date(2026, 11, 1),
            date(2026, 11, 22),
            Defer,
        ),
        (
            "ablative_laser_or_deep_peel",
            "last_ablative_laser_or_deep_peel",
            date(2026, 8, 31),
            date(2026, 12, 1),
            Defer,
        ),
        (
            "facial_surgery",
            "last_facial_surgery",
            date(2025, 11, 20),
            date(2026, 11, 20),
            Consult,
        ),
    ];
    for (rule, question, answered, until, outcome) in cases {
        let extra = json!({ question: answered.to_string() });
        let day_before = until.yesterday().unwrap();
        let s = screen_at(&set, extra.clone(), day_before);
        assert_eq!(
            (s.outcome, rules_of(&s)),
            (outcome, vec![rule]),
            "{rule} on {day_before}"
        );
        assert_eq!(s.findings[0].until, Some(until), "{rule}");
        if outcome == Defer {
            assert_eq!(s.earliest_date, Some(until), "{rule}");
        }
        let s = screen_at(&set, extra, until);
        assert_eq!(s.outcome, Eligible, "{rule} on {until}");
    }
}

#[test]
fn sunburn_waits_two_weeks_from_today() {
    let set = RuleSet::builtin();
    let until = date(2026, 11, 24);
    let s = screen_at(&set, json!({"sunburn_in_area": true}), date(2026, 11, 23));
    assert_eq!(s.outcome, Defer);
    assert_eq!(s.findings[0].until, Some(until));
    assert_eq!(s.earliest_date, Some(until));
    assert!(s.findings[0].message.contains("2 weeks"));
    let s = screen_at(&set, json!({"sunburn_in_area": true}), until);
    assert_eq!(s.outcome, Eligible);
}

#[test]
fn undated_deferrals_have_no_until() {
    let set = RuleSet::builtin();
    for q in [
        "active_infection_in_area",
        "pregnant_or_breastfeeding",
        "skin_condition_flare_in_area",
    ] {
        let s = screen_at(&set, json!({ q: true }), date(2030, 1, 1));
        assert_eq!(s.outcome, Defer, "{q}");
        assert_eq!(s.findings[0].until, None, "{q}");
        assert_eq!(s.earliest_date, None, "{q}");
    }
}

#[test]
fn worst_finding_wins() {
    let set = RuleSet::builtin();
    let cases = [
        (json!({"keloid_history": true}), Consult),
        (
            json!({"keloid_history": true, "pregnant_or_breastfeeding": true}),
            Defer,
        ),
        (
            json!({"pregnant_or_breastfeeding": true, "skin_cancer_in_area": true}),
            NotSuitable,
        ),
        (
            json!({"keloid_history": true, "skin_cancer_in_area": true, "last_laser_or_peel": "2026-11-10"}),
            NotSuitable,
        ),
    ];
    for (extra, outcome) in cases {
        let s = screen_at(&set, extra.clone(), TREATMENT);
        assert_eq!(s.outcome, outcome, "{extra}");
        assert_eq!(s.findings[0].outcome, outcome, "worst first: {extra}");
        assert!(s.findings.windows(2).all(|w| w[0].outcome >= w[1].outcome));
        if outcome != Defer {
            assert_eq!(s.earliest_date, None);
        }
    }
}

#[test]
fn earliest_date_is_the_last_of_the_dated_deferrals() {
    let set = RuleSet::builtin();
    let dated = json!({
        "isotretinoin_last_dose": "2026-05-25",        // until 2026-11-25
        "last_neurotoxin_or_filler": "2026-11-10",     // until 2026-11-24
        "last_laser_or_peel": "2026-11-10",            // until 2026-12-01
        "cold_sore_history": true,                     // consult, no effect on the date
    });
    let s = screen_at(&set, dated.clone(), TREATMENT);
    assert_eq!(s.outcome, Defer);
    assert_eq!(s.findings.len(), 4);
    assert_eq!(s.earliest_date, Some(date(2026, 12, 1)));

    let mut with_pregnancy = dated;
    with_pregnancy["pregnant_or_breastfeeding"] = json!(true);
    let s = screen_at(&set, with_pregnancy, TREATMENT);
    assert_eq!(s.outcome, Defer);
    assert_eq!(s.earliest_date, None);
}

#[test]
fn screening_json_shape() {
    let set = RuleSet::builtin();
    let s = screen_at(
        &set,
        json!({"isotretinoin_last_dose": "2026-06-01", "keloid_history": true}),
        TREATMENT,
    );
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(v["outcome"], "defer");
    assert_eq!(v["earliest_date"], "2026-12-01");
    assert_eq!(v["findings"][0]["rule"], "isotretinoin");
    assert_eq!(v["findings"][0]["until"], "2026-12-01");
    assert_eq!(
        v["findings"][0]["message"],
        "Isotretinoin slows skin healing; we wait 6 months after the last dose before needling."
    );
    assert!(v["findings"][1].get("until").is_none());
    assert_eq!(v["findings"][1]["outcome"], "consult");
    assert_eq!(v["findings"][1]["clinic_override"], false);
    let s = screen_at(&set, json!({}), TREATMENT);
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(v, json!({"outcome": "eligible", "findings": []}));

    let q = serde_json::to_value(&set.questions()[0]).unwrap();
    assert_eq!(q["kind"], "yes_no");
    assert!(q.get("options").is_none());
}

#[test]
fn unusable_answers_ask_for_a_consultation() {
    let set = RuleSet::builtin();
    let s = set.screen(&Answers::new(), TREATMENT, TODAY);
    assert_eq!(s.outcome, Consult);
    let required = set.questions().iter().filter(|q| q.required).count();
    assert_eq!(s.findings.len(), required);
    assert!(s.findings.iter().all(|f| f.rule.starts_with("unanswered.")));

    let mut a = answers(&set, json!({}));
    a.insert("isotretinoin_last_dose", Answer::YesNo(true));
    let s = set.screen(&a, TREATMENT, TODAY);
    assert_eq!(rules_of(&s), ["unanswered.isotretinoin_last_dose"]);
}

// ------------------------------------------------------------------ clinic overrides

fn overrides(toml_text: &str) -> ScreeningOverrides {
    toml::from_str(toml_text).unwrap()
}

#[test]
fn wait_override_moves_the_boundary() {
    let set = RuleSet::builtin()
        .with_overrides(&overrides("[rules.isotretinoin]\nwait = \"12 months\"\n"))
        .unwrap();
    assert_eq!(set.version(), "2026-11-1+clinic");
    let extra = json!({"isotretinoin_last_dose": "2026-03-31"});
    // Eligible under the default 6 months (from 2026-10-01); now deferred until 2027-03-31.
    let s = screen_at(&set, extra.clone(), date(2026, 10, 1));
    assert_eq!(s.outcome, Defer);
    let f = &s.findings[0];
    assert_eq!(f.until, Some(date(2027, 3, 31)));
    assert!(f.clinic_override);
    assert!(f.message.contains("12 months"), "{}", f.message);
    assert!(
        f.source
            .starts_with("Clinic protocol (default: SkinPen Precision instructions for use [17];"),
        "{}",
        f.source
    );
    assert_eq!(
        screen_at(&set, extra.clone(), date(2027, 3, 30)).outcome,
        Defer
    );
    assert_eq!(screen_at(&set, extra, date(2027, 3, 31)).outcome, Eligible);
}

#[test]
fn wait_override_updates_question_text() {
    let set = RuleSet::builtin()
        .with_overrides(&overrides("[rules.sunburn]\nwait = \"3 weeks\"\n"))
        .unwrap();
    let q = set.question("sunburn_in_area").unwrap();
    assert!(q.text.contains("in the last 3 weeks"), "{}", q.text);
    let s = screen_at(&set, json!({"sunburn_in_area": true}), date(2026, 11, 30));
    assert_eq!(s.findings[0].until, Some(date(2026, 12, 1)));
}

#[test]
fn outcome_override() {
    let set = RuleSet::builtin()
        .with_overrides(&overrides(
            "[rules.keloid]\noutcome = \"not_suitable\"\n[rules.age_under_22]\noutcome = \"eligible\"\nreason = \"Guardian consent on file.\"\n",
        ))
        .unwrap();
    let s = screen_at(&set, json!({"keloid_history": true}), TREATMENT);
    assert_eq!(s.outcome, NotSuitable);
    assert!(s.findings[0].clinic_override);
    assert!(
        s.findings[0]
            .source
            .starts_with("Clinic protocol (default: ")
    );
    // eligible switches the rule off
    let s = screen_at(&set, json!({"age_under_22": true}), TREATMENT);
    assert_eq!(s.outcome, Eligible);
    assert!(s.findings.is_empty());
    // untouched rules keep their source
    let s = screen_at(&set, json!({"cold_sore_history": true}), TREATMENT);
    assert!(!s.findings[0].clinic_override);
}

#[test]
fn empty_overrides_change_nothing() {
    let set = RuleSet::builtin()
        .with_overrides(&ScreeningOverrides::default())
        .unwrap();
    assert_eq!(set.version(), "2026-11-1");
    let set = set
        .with_overrides(&overrides("[rules.isotretinoin]\n"))
        .unwrap();
    assert_eq!(set.version(), "2026-11-1");
}

#[test]
fn override_errors_name_the_field() {
    let cases = [
        (
            "[rules.nope]\noutcome = \"consult\"\n",
            "screening.rules.nope",
            "no screening rule",
        ),
        (
            "[rules.isotretinoin]\nwait = \"a while\"\n",
            "screening.rules.isotretinoin.wait",
            "not a waiting period",
        ),
        (
            "[rules.isotretinoin]\nwait = \"-1 month\"\n",
            "screening.rules.isotretinoin.wait",
            "negative",
        ),
        (
            "[rules.pregnancy]\nwait = \"1 year\"\n",
            "screening.rules.pregnancy.wait",
            "no waiting period",
        ),
    ];
    for (text, field, message) in cases {
        let err = RuleSet::builtin()
            .with_overrides(&overrides(text))
            .unwrap_err();
        assert_eq!(err.field, field, "{text}");
        assert!(err.message.contains(message), "{text}: {}", err.message);
    }
    // A misspelt key is a deserialisation error in the clinic file.
    assert!(
        toml::from_str::<ScreeningOverrides>("[rules.isotretinoin]\nwiat = \"1 year\"\n").is_err()
    );
    assert!(toml::from_str::<ScreeningOverrides>("[rules.keloid]\noutcome = \"maybe\"\n").is_err());
}

// ------------------------------------------------------------------ parsing answers

#[test]
fn parse_answers_accepts_valid_input() {
    let set = RuleSet::builtin();
    let a = set
        .parse_answers(
            &json_answers(
                &set,
                json!({"keloid_history": "yes", "cold_sore_history": " No ",
                   "isotretinoin_last_dose": "2026-03-31", "last_laser_or_peel": null}),
            ),
            TODAY,
        )
        .unwrap();
    assert_eq!(a.get("keloid_history"), Some(&Answer::YesNo(true)));
    assert_eq!(a.get("cold_sore_history"), Some(&Answer::YesNo(false)));
    assert_eq!(
        a.get("isotretinoin_last_dose"),
        Some(&Answer::Date(Some(date(2026, 3, 31))))
    );
    assert_eq!(a.get("last_laser_or_peel"), Some(&Answer::Date(None)));
    assert_eq!(
        a.get("last_neurotoxin_or_filler"),
        Some(&Answer::Date(None))
    );
}

#[test]
fn parse_answers_errors_name_the_field() {
    let set = RuleSet::builtin();
    let iso = "answers.isotretinoin_last_dose";
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"isotretinoin_last_dose": "2026-13-40"}),
            iso,
            "not a real date",
        ),
        (
            json!({"isotretinoin_last_dose": "2026-02-30"}),
            iso,
            "not a real date",
        ),
        (
            json!({"isotretinoin_last_dose": "yesterday"}),
            iso,
            "YYYY-MM-DD",
        ),
        (
            json!({"isotretinoin_last_dose": "2026-3-1"}),
            iso,
            "YYYY-MM-DD",
        ),
        (
            json!({"isotretinoin_last_dose": "2026-03-01T00:00"}),
            iso,
            "YYYY-MM-DD",
        ),
        (json!({"isotretinoin_last_dose": true}), iso, "YYYY-MM-DD"),
        (
            json!({"keloid_history": 1}),
            "answers.keloid_history",
            "yes or no",
        ),
        (
            json!({"keloid_history": "maybe"}),
            "answers.keloid_history",
            "yes or no",
        ),
        (
            json!({"keloid_history": null}),
            "answers.keloid_history",
            "yes or no",
        ),
        (
            json!({"favourite_colour": "blue"}),
            "answers.favourite_colour",
            "no screening question",
        ),
    ];
    for (extra, field, message) in cases {
        let err = set
            .parse_answers(&json_answers(&set, extra.clone()), TODAY)
            .unwrap_err();
        assert_eq!(err.field, field, "{extra}");
        assert!(err.message.contains(message), "{extra}: {}", err.message);
    }

    let mut missing = json_answers(&set, json!({}));
    missing
        .as_object_mut()
        .unwrap()
        .remove("pregnant_or_breastfeeding");
    let err = set.parse_answers(&missing, TODAY).unwrap_err();
    assert_eq!(err.field, "answers.pregnant_or_breastfeeding");
    assert_eq!(err.message, "Please answer this question.");

    for not_object in [json!([]), json!("yes"), json!(null)] {
        assert_eq!(
            set.parse_answers(&not_object, TODAY).unwrap_err().field,
            "answers"
        );
    }
}

#[test]
fn validate_answers_reports_every_problem() {
    let set = RuleSet::builtin();
    let errors = set
        .validate_answers(&json!({"zzz": 1, "keloid_history": 3}), TODAY)
        .unwrap_err();
    assert_eq!(errors[0].field, "answers.zzz");
    let required = set.questions().iter().filter(|q| q.required).count();
    assert_eq!(errors.len(), 1 + required);
    assert!(
        errors
            .iter()
            .any(|e| e.field == "answers.keloid_history" && e.message.contains("yes or no"))
    );
}

#[test]
fn answers_round_trip_as_a_json_object() {
    let set = RuleSet::builtin();
    let a = answers(
        &set,
        json!({"isotretinoin_last_dose": "2026-03-31", "last_laser_or_peel": null}),
    );
    let stored = serde_json::to_value(&a).unwrap();
    assert_eq!(stored["isotretinoin_last_dose"], "2026-03-31");
    assert_eq!(stored["last_laser_or_peel"], Value::Null);
    assert_eq!(stored["keloid_history"], false);
    let back: Answers = serde_json::from_value(stored.clone()).unwrap();
    assert_eq!(back, a);
    assert_eq!(set.parse_answers(&stored, TODAY).unwrap(), a);
}

// ------------------------------------------------------------------ other rule sets

const CHOICE_SET: &str = r#"
version = "t1"
[[questions]]
id = "skin_reaction"
group = "Your skin today"
kind = "choice"
options = ["none", "mild", "severe"]
text = "How did your skin react last time?"
why = "Test."
[[rules]]
id = "severe_reaction"
question = "skin_reaction"
outcome = "consult"
when = ["severe"]
message = "Test."
sources = ["C"]
"#;

#[test]
fn choice_questions() {
    let set = RuleSet::from_toml(CHOICE_SET).unwrap();
    let q = serde_json::to_value(&set.questions()[0]).unwrap();
    assert_eq!(q["kind"], "choice");
    assert_eq!(q["options"], json!(["none", "mild", "severe"]));
    let a = set
        .parse_answers(&json!({"skin_reaction": "severe"}), TODAY)
        .unwrap();
    assert_eq!(set.screen(&a, TREATMENT, TODAY).outcome, Consult);
    let a = set
        .parse_answers(&json!({"skin_reaction": "mild"}), TODAY)
        .unwrap();
    assert_eq!(set.screen(&a, TREATMENT, TODAY).outcome, Eligible);
    let err = set
        .parse_answers(&json!({"skin_reaction": "awful"}), TODAY)
        .unwrap_err();
    assert_eq!(err.field, "answers.skin_reaction");
    assert!(err.message.contains("none, mild, severe"));
    let err = set.parse_answers(&json!({}), TODAY).unwrap_err();
    assert_eq!(err.field, "answers.skin_reaction");
    // round trip of a choice answer
    let stored = serde_json::to_value(&a).unwrap();
    assert_eq!(serde_json::from_value::<Answers>(stored).unwrap(), a);
}

#[test]
fn loader_rejects_bad_files() {
    let broken = [
        CHOICE_SET.replace("sources = [\"C\"]", "sources = [\"99\"]"),
        CHOICE_SET.replace("sources = [\"C\"]", "sources = []"),
        CHOICE_SET.replace("question = \"skin_reaction\"", "question = \"nope\""),
        CHOICE_SET.replace("when = [\"severe\"]", "when = [\"terrible\"]"),
        CHOICE_SET.replace("kind = \"choice\"", "kind = \"date\""),
        CHOICE_SET.replace("outcome = \"consult\"", "outcome = \"maybe\""),
        CHOICE_SET.replace("message = \"Test.\"", "message = \"Wait {wait}.\""),
        CHOICE_SET.replace("[[rules]]", "[[rules]]\nwait = \"soon\""),
    ];
    for text in broken {
        assert!(RuleSet::from_toml(&text).is_err(), "{text}");
    }
}
