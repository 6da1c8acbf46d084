//! Clinic overrides of the screening defaults: the device label's floor and written reasons.

use super::{EXAMPLE, refuse};
use crate::parse;

fn with_rules(rules: &str) -> String {
    format!("{EXAMPLE}\n{rules}")
}

#[test]
fn a_contraindication_cannot_be_switched_off() {
    let text = with_rules(
        "[screening.rules.pregnancy]\noutcome = \"eligible\"\nreason = \"we are brave\"\n",
    );
    let err = refuse(&text);
    assert_eq!(err.field, "screening.rules.pregnancy.outcome");
    assert!(err.message.contains("contraindication"), "{err}");
    assert!(err.message.contains("[17]"), "{err}");
    let line = text
        .lines()
        .position(|l| l.starts_with("outcome = \"eligible\""))
        .unwrap()
        + 1;
    assert_eq!(err.line, Some(line), "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("clinic.toml, line {line}: "))
    );
}

#[test]
fn every_label_contraindication_has_the_consult_floor() {
    for rule in [
        "skin_cancer",
        "active_infection",
        "metal_or_anaesthetic_allergy",
        "bleeding",
        "pregnancy",
        "isotretinoin",
    ] {
        let text = with_rules(&format!(
            "[screening.rules.{rule}]\noutcome = \"eligible\"\nreason = \"x\"\n"
        ));
        assert_eq!(
            refuse(&text).field,
            format!("screening.rules.{rule}.outcome")
        );
        // down to consult is allowed, with a reason
        let text = with_rules(&format!(
            "[screening.rules.{rule}]\noutcome = \"consult\"\nreason = \"A doctor on site reviews these.\"\n"
        ));
        parse(&text, None).unwrap_or_else(|e| panic!("{rule}: {e}"));
    }
}

#[test]
fn a_zero_wait_on_a_contraindication_is_refused() {
    let err = refuse(&with_rules(
        "[screening.rules.isotretinoin]\nwait = \"0 days\"\nreason = \"x\"\n",
    ));
    assert_eq!(err.field, "screening.rules.isotretinoin.wait");
    assert!(err.message.contains("switch it off"), "{err}");
}

#[test]
fn weakening_another_rule_needs_a_reason() {
    let cases = [
        (
            "[screening.rules.age_under_22]\noutcome = \"eligible\"\n",
            "age_under_22",
        ),
        ("[screening.rules.sunburn]\nwait = \"1 week\"\n", "sunburn"),
        (
            "[screening.rules.neurotoxin_or_filler]\nwait = \"0 days\"\n",
            "neurotoxin_or_filler",
        ),
        (
            "[screening.rules.isotretinoin]\nwait = \"3 months\"\n",
            "isotretinoin",
        ),
        // 13 weeks is shorter than 3 months from some start dates
        (
            "[screening.rules.ablative_laser_or_deep_peel]\nwait = \"13 weeks\"\n",
            "ablative_laser_or_deep_peel",
        ),
    ];
    for (rules, rule) in cases {
        let text = with_rules(rules);
        let err = refuse(&text);
        assert_eq!(
            err.field,
            format!("screening.rules.{rule}.reason"),
            "{rules}"
        );
        assert!(err.message.contains("reason"), "{err}");
        assert!(err.line.is_some(), "{err}");
        let reasoned = format!("{text}reason = \"Our doctor reviews every case.\"\n");
        let setup = parse(&reasoned, None).unwrap_or_else(|e| panic!("{rules}: {e}"));
        let (rules_set, _) = setup.protocol();
        assert_eq!(
            rules_set.clinic_reason(rule),
            Some("Our doctor reviews every case.")
        );
    }
    // a blank reason is no reason
    let err = refuse(&with_rules(
        "[screening.rules.sunburn]\nwait = \"1 week\"\nreason = \"  \"\n",
    ));
    assert_eq!(err.field, "screening.rules.sunburn.reason");
}

#[test]
fn strengthening_needs_no_reason() {
    for rules in [
        "[screening.rules.isotretinoin]\nwait = \"12 months\"\n",
        "[screening.rules.keloid]\noutcome = \"not_suitable\"\n",
        "[screening.rules.sunburn]\nwait = \"14 days\"\n",
    ] {
        parse(&with_rules(rules), None).unwrap_or_else(|e| panic!("{rules}: {e}"));
    }
}

#[test]
fn plans_keep_within_the_clinics_devices() {
    let text = EXAMPLE.replace("max_depth_mm = 2.0", "max_depth_mm = 1.0");
    let setup = parse(&text, None).unwrap();
    let (_, plans) = setup.protocol();
    let plan = plans
        .plan(&protocol::PlanRequest {
            concerns: vec!["acne_scars".into()],
            areas: vec!["cheeks".into()],
            fitzpatrick: 2,
        })
        .unwrap();
    assert_eq!(plan.areas[0].depth_mm.max, 1.0);
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("deepest the clinic's devices"))
    );
}

#[test]
fn the_darker_skin_share_is_a_clinic_setting() {
    let text = format!("{EXAMPLE}\n[plans]\ndarker_skin_depth_share = 1.0\n");
    let (_, plans) = parse(&text, None).unwrap().protocol();
    let request = protocol::PlanRequest {
        concerns: vec!["acne_scars".into()],
        areas: vec!["cheeks".into()],
        fitzpatrick: 5,
    };
    assert_eq!(plans.plan(&request).unwrap().areas[0].depth_mm.max, 2.0);
    let err = refuse(&format!(
        "{EXAMPLE}\n[plans]\ndarker_skin_depth_share = 0\n"
    ));
    assert_eq!(err.field, "plans.darker_skin_depth_share");
    assert!(err.line.is_some(), "{err}");
}
