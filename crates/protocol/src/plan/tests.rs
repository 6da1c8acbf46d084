//! Table-driven tests of the built-in plan tables.

use serde_json::json;

use super::*;

const CONCERNS: [&str; 8] = [
    "fine_lines",
    "acne_scars",
    "hyperpigmentation",
    "melasma",
    "enlarged_pores",
    "sun_damage",
    "stretch_marks",
    "texture",
];
const AREAS: [&str; 12] = [
    "forehead",
    "periorbital",
    "nose",
    "cheeks",
    "upper_lip",
    "chin",
    "jawline",
    "neck",
    "decolletage",
    "hands",
    "abdomen",
    "thighs",
];

fn req(concerns: &[&str], areas: &[&str], fitzpatrick: u8) -> PlanRequest {
    PlanRequest {
        concerns: concerns.iter().map(|s| s.to_string()).collect(),
        areas: areas.iter().map(|s| s.to_string()).collect(),
        fitzpatrick,
    }
}

fn plan(concerns: &[&str], areas: &[&str], fitzpatrick: u8) -> Plan {
    PlanTables::builtin()
        .plan(&req(concerns, areas, fitzpatrick))
        .unwrap()
}

fn depth(min: f64, max: f64) -> RangeMm {
    RangeMm { min, max }
}

fn range(min: u32, max: u32) -> RangeU32 {
    RangeU32 { min, max }
}

fn has_note(p: &Plan, needle: &str) -> bool {
    p.notes.iter().any(|n| n.contains(needle))
}

fn cites(p: &Plan, key: &str) -> bool {
    p.sources.iter().any(|s| s.ends_with(&format!("[{key}]")))
}

#[test]
fn design_ids_resolve() {
    let t = PlanTables::builtin();
    let concerns: Vec<String> = t.concerns().into_iter().map(|(id, _)| id).collect();
    let offered: Vec<&str> = CONCERNS
        .into_iter()
        .filter(|c| !["hyperpigmentation", "texture"].contains(c))
        .collect();
    assert_eq!(concerns, offered, "unsourced concerns are not offered");
    for id in CONCERNS {
        assert!(
            t.plan(&req(&[id], &["cheeks"], 2)).is_ok(),
            "{id} is still accepted"
        );
    }
    let areas: Vec<String> = t.areas().into_iter().map(|a| a.id).collect();
    assert_eq!(areas, AREAS);
    for a in t.areas() {
        let body = ["decolletage", "hands", "abdomen", "thighs"].contains(&a.id.as_str());
        assert_eq!(a.region, if body { "body" } else { "face" }, "{}", a.id);
        assert!(!a.label.is_empty() && a.depth_mm.min <= a.depth_mm.max);
    }
    assert!(t.concerns().iter().all(|(_, label)| !label.is_empty()));
    assert_eq!(t.version(), "2026-11-1");
}

#[test]
fn every_combination_plans_within_the_area_range() {
    let t = PlanTables::builtin();
    let infos = t.areas();
    for concern in CONCERNS {
        for info in &infos {
            let p = t.plan(&req(&[concern], &[&info.id], 3)).unwrap();
            let d = p.areas[0].depth_mm;
            let what = format!("{concern} on {}", info.id);
            assert!(d.min <= d.max, "{what}");
            assert!(
                d.min >= info.depth_mm.min && d.max <= info.depth_mm.max,
                "{what}: {d:?}"
            );
            assert!(
                p.sessions.min <= p.sessions.max && p.interval_weeks.min <= p.interval_weeks.max
            );
            assert!(!p.sources.is_empty(), "{what}");
            assert!(p.notes.last().unwrap().contains("maintenance"), "{what}");
            assert!(cites(&p, "2"), "{what}");
        }
    }
}

#[test]
fn acne_scars_on_cheeks() {
    let p = plan(&["acne_scars"], &["cheeks"], 2);
    assert_eq!(p.areas[0].depth_mm, depth(1.5, 2.0));
    assert!(
        p.areas[0]
            .note
            .as_deref()
            .unwrap()
            .contains("safety was not evaluated")
    );
    assert_eq!((p.sessions, p.interval_weeks), (range(3, 6), range(4, 4)));
    assert!(has_note(
        &p,
        "Rolling and boxcar acne scars respond better than icepick scars"
    ));
    assert!(has_note(&p, "[5][21][34]"));
    assert!(has_note(&p, "at least 3 months"));
    for key in ["5", "6", "18", "21", "34", "30"] {
        assert!(cites(&p, key), "[{key}] in {:?}", p.sources);
    }
    assert!(!has_note(&p, "hyperpigmentation"));
}

#[test]
fn around_the_eyes_never_deeper_than_half_a_millimetre() {
    for concern in CONCERNS {
        let p = plan(&[concern], &["periorbital"], 3);
        let d = p.areas[0].depth_mm;
        assert!(d.max <= 0.5 && d.min >= 0.25, "{concern}: {d:?}");
        assert!(has_note(
            &p,
            "never inside the orbital rim or on the eyelids. [17]"
        ));
        assert!(p.areas[0].note.as_deref().unwrap().contains("orbital rim"));
        assert!(cites(&p, "17"));
    }
    let p = plan(&CONCERNS, &["periorbital"], 3);
    assert_eq!(p.areas[0].depth_mm, depth(0.25, 0.5));
}

#[test]
fn stretch_marks_on_abdomen() {
    let p = plan(&["stretch_marks"], &["abdomen", "thighs"], 3);
    assert_eq!(p.areas[0].depth_mm, depth(1.5, 2.0));
    assert_eq!(p.areas[1].depth_mm, depth(1.5, 2.0));
    assert_eq!((p.sessions, p.interval_weeks), (range(1, 3), range(4, 4)));
    assert!(cites(&p, "23"));
}

#[test]
fn indication_courses() {
    let cases = [
        (
            "fine_lines",
            "forehead",
            depth(0.5, 0.75),
            range(4, 4),
            range(4, 4),
            "25",
        ),
        (
            "sun_damage",
            "cheeks",
            depth(0.5, 1.0),
            range(4, 4),
            range(4, 4),
            "26",
        ),
        (
            "melasma",
            "cheeks",
            depth(1.5, 1.5),
            range(2, 2),
            range(4, 4),
            "24",
        ),
        (
            "enlarged_pores",
            "forehead",
            depth(0.25, 0.75),
            range(2, 6),
            range(4, 6),
            "1",
        ),
        (
            "texture",
            "cheeks",
            depth(0.5, 2.0),
            range(2, 6),
            range(4, 6),
            "2",
        ),
        (
            "hyperpigmentation",
            "nose",
            depth(0.25, 0.5),
            range(2, 6),
            range(4, 6),
            "2",
        ),
    ];
    for (concern, area, d, sessions, interval, key) in cases {
        let p = plan(&[concern], &[area], 2);
        assert_eq!(p.areas[0].depth_mm, d, "{concern}");
        assert_eq!(
            (p.sessions, p.interval_weeks),
            (sessions, interval),
            "{concern}"
        );
        assert!(cites(&p, key), "{concern}");
    }
    assert!(has_note(
        &plan(&["melasma"], &["cheeks"], 2),
        "triple-combination cream"
    ));
    let p = plan(&["enlarged_pores", "texture"], &["cheeks"], 2);
    assert!(has_note(
        &p,
        "No published dosing was found for enlarged pores;"
    ));
    assert!(has_note(
        &p,
        "We found no sourced microneedling protocol for skin texture"
    ));
}

#[test]
fn several_concerns_combine() {
    // depth: union; sessions and interval: largest minimum, largest maximum
    let p = plan(&["fine_lines", "acne_scars"], &["cheeks"], 2);
    assert_eq!(p.areas[0].depth_mm, depth(0.5, 2.0));
    assert_eq!((p.sessions, p.interval_weeks), (range(4, 6), range(4, 4)));
    let p = plan(&["stretch_marks", "melasma"], &["cheeks"], 2);
    assert_eq!((p.sessions, p.interval_weeks), (range(2, 3), range(4, 4)));
    // an unsourced concern adds nothing to a sourced one's course, only its note
    let p = plan(&["acne_scars", "texture"], &["cheeks"], 2);
    assert_eq!(p.areas[0].depth_mm, depth(1.5, 2.0));
    assert_eq!((p.sessions, p.interval_weeks), (range(3, 6), range(4, 4)));
    assert!(has_note(&p, "a consultation is advised"));
    // duplicates count once
    assert_eq!(
        plan(&["acne_scars", "acne_scars"], &["cheeks", "cheeks"], 2),
        plan(&["acne_scars"], &["cheeks"], 2)
    );
}

#[test]
fn areas_without_a_published_depth_borrow_one() {
    let p = plan(
        &["fine_lines"],
        &["jawline", "chin", "decolletage", "hands", "neck"],
        2,
    );
    assert_eq!(p.areas[0].depth_mm, p.areas[1].depth_mm);
    assert_eq!(p.areas[2].depth_mm, p.areas[4].depth_mm);
    assert_eq!(p.areas[3].depth_mm, p.areas[4].depth_mm);
    for (i, like) in [(0, "chin"), (2, "neck"), (3, "neck")] {
        let note = p.areas[i].note.as_deref().unwrap();
        assert!(
            note.starts_with(&format!(
                "{}: no published needle depth was found; the plan treats it like the {like}.",
                p.areas[i]
                    .area
                    .replace("decolletage", "Décolletage")
                    .replace("jawline", "Jawline")
                    .replace("hands", "Hands")
            )),
            "{note}"
        );
    }
    assert!(has_note(&p, "Décolletage: no published needle depth"));
    assert!(has_note(
        &p,
        "FDA-cleared for neck wrinkles in Fitzpatrick skin types II–IV. [16]"
    ));
    assert!(cites(&p, "16"));
}

#[test]
fn dark_skin_types_get_the_pih_note() {
    for fitzpatrick in 1..=6 {
        let p = plan(&["acne_scars"], &["cheeks"], fitzpatrick);
        let noted = has_note(&p, "post-inflammatory hyperpigmentation");
        assert_eq!(noted, fitzpatrick >= 4, "type {fitzpatrick}");
        assert_eq!(cites(&p, "7") && cites(&p, "22"), fitzpatrick >= 4);
        if noted {
            assert!(has_note(
                &p,
                "keeps to the gentler part of each area's depth range. [7][22]"
            ));
        }
    }
}

#[test]
fn clinic_caps_depth() {
    let overrides: PlanOverrides =
        toml::from_str("[max_depth_mm]\ncheeks = 1.0\nforehead = 0.6\n").unwrap();
    let t = PlanTables::builtin().with_overrides(&overrides).unwrap();
    assert_eq!(t.version(), "2026-11-1+clinic");
    let p = t.plan(&req(&["acne_scars"], &["cheeks"], 2)).unwrap();
    assert_eq!(p.areas[0].depth_mm, depth(1.0, 1.0));
    assert!(
        p.areas[0]
            .note
            .as_deref()
            .unwrap()
            .contains("capped at 1.0 mm by the clinic's protocol")
    );
    let p = t
        .plan(&req(&["fine_lines"], &["forehead", "chin"], 2))
        .unwrap();
    assert_eq!(p.areas[0].depth_mm, depth(0.5, 0.6));
    assert_eq!(p.areas[1].depth_mm, depth(0.5, 1.0));
    assert_eq!(p.areas[1].note, None);
    let cheeks = t.areas().into_iter().find(|a| a.id == "cheeks").unwrap();
    assert_eq!(cheeks.depth_mm, depth(0.5, 1.0));
    // a cap above the plan's depth changes nothing and adds no note
    let p = t.plan(&req(&["fine_lines"], &["cheeks"], 2)).unwrap();
    assert_eq!(
        (p.areas[0].depth_mm, &p.areas[0].note),
        (depth(0.5, 1.0), &None)
    );
}

#[test]
fn cap_errors_name_the_field() {
    let cases = [
        ("elbows", 1.0, "no area"),
        ("cheeks", 0.0, "positive"),
        ("cheeks", -1.0, "positive"),
        ("cheeks", f64::NAN, "positive"),
    ];
    for (area, cap, message) in cases {
        let overrides = PlanOverrides {
            max_depth_mm: [(area.to_string(), cap)].into(),
            ..Default::default()
        };
        let err = PlanTables::builtin()
            .with_overrides(&overrides)
            .unwrap_err();
        assert_eq!(err.field, format!("plans.max_depth_mm.{area}"));
        assert!(err.message.contains(message), "{}", err.message);
    }
}

#[test]
fn request_errors_name_the_field() {
    let t = PlanTables::builtin();
    let cases = [
        (req(&[], &["cheeks"], 3), "concerns", "at least one concern"),
        (req(&["acne_scars"], &[], 3), "areas", "at least one area"),
        (
            req(&["acne_scars", "texture", "wrinkles"], &["cheeks"], 3),
            "concerns[2]",
            "\"wrinkles\"",
        ),
        (
            req(&["acne_scars"], &["elbows"], 3),
            "areas[0]",
            "\"elbows\"",
        ),
        (
            req(&["acne_scars"], &["cheeks"], 0),
            "fitzpatrick",
            "1 to 6",
        ),
        (
            req(&["acne_scars"], &["cheeks"], 7),
            "fitzpatrick",
            "1 to 6",
        ),
    ];
    for (r, field, message) in cases {
        let err = t.plan(&r).unwrap_err();
        assert_eq!(err.field, field);
        assert!(err.message.contains(message), "{}", err.message);
    }
}

#[test]
fn plan_json_shape() {
    let request: PlanRequest = serde_json::from_value(
        json!({"concerns": ["acne_scars"], "areas": ["cheeks", "periorbital"], "fitzpatrick": 2}),
    )
    .unwrap();
    let p = PlanTables::builtin().plan(&request).unwrap();
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(
        v["areas"][0],
        json!({"area": "cheeks", "depth_mm": {"min": 1.5, "max": 2.0},
               "note": "Cheeks: deeper than 1.5 mm; the SkinPen instructions for use say safety was not evaluated beyond that depth. [17]"})
    );
    assert!(v["areas"][1]["note"].is_string());
    assert_eq!(v["sessions"], json!({"min": 3, "max": 6}));
    assert_eq!(v["interval_weeks"], json!({"min": 4, "max": 4}));
    assert!(v["notes"].is_array() && v["sources"].is_array());
    let mut sorted = p.sources.clone();
    sorted.dedup();
    assert_eq!(sorted, p.sources, "sources are distinct");
}

#[test]
fn loader_rejects_bad_tables() {
    let text = include_str!("../../data/plans.toml");
    assert!(PlanTables::from_toml(text).is_ok());
    let broken = [
        text.replace("sources = [\"24\"]", "sources = [\"27\"]"),
        text.replace("same_as = \"chin\"", "same_as = \"jawline\""),
        text.replace("region = \"body\"", "region = \"legs\""),
        text.replace("notes = [\"melasma\"]", "notes = [\"nope\"]"),
        text.replace("depth_mm = [1.5, 2.0]", "depth_mm = [2.0, 1.5]"),
        text.replace("[notes.maintenance]", "[notes.other]"),
        text.replace("interval_weeks = [4, 4]     # 30 days apart", ""),
    ];
    for t in broken {
        assert!(PlanTables::from_toml(&t).is_err());
    }
}

#[test]
fn darker_skin_keeps_to_the_lower_half_of_each_range() {
    // cheeks 0.5–2.0 mm: the lower half ends at 1.25 mm
    for fitzpatrick in 4..=6 {
        let p = plan(
            &["acne_scars"],
            &["cheeks", "periorbital", "forehead"],
            fitzpatrick,
        );
        assert_eq!(p.areas[0].depth_mm, depth(1.25, 1.25), "type {fitzpatrick}");
        assert_eq!(p.areas[1].depth_mm, depth(0.35, 0.35));
        assert_eq!(p.areas[2].depth_mm, depth(0.5, 0.5));
        assert!(
            p.areas[0]
                .note
                .as_deref()
                .unwrap()
                .contains("kept to 1.25 mm or less for a darker skin type"),
            "{p:?}"
        );
    }
    for fitzpatrick in 1..=3 {
        let p = plan(&["acne_scars"], &["cheeks"], fitzpatrick);
        assert_eq!(p.areas[0].depth_mm, depth(1.5, 2.0));
    }
    // a clinic setting: the whole range
    let overrides = PlanOverrides {
        darker_skin_depth_share: Some(1.0),
        ..Default::default()
    };
    let t = PlanTables::builtin().with_overrides(&overrides).unwrap();
    let p = t.plan(&req(&["acne_scars"], &["cheeks"], 5)).unwrap();
    assert_eq!(p.areas[0].depth_mm, depth(1.5, 2.0));
    for bad in [0.0, 1.5, f64::NAN] {
        let overrides = PlanOverrides {
            darker_skin_depth_share: Some(bad),
            ..Default::default()
        };
        let err = PlanTables::builtin()
            .with_overrides(&overrides)
            .unwrap_err();
        assert_eq!(err.field, "plans.darker_skin_depth_share");
    }
}

#[test]
fn unsourced_concerns_advise_a_consultation() {
    for concern in ["hyperpigmentation", "texture"] {
        let p = plan(&[concern], &["cheeks"], 2);
        assert!(has_note(&p, "no sourced microneedling protocol"), "{p:?}");
        assert!(has_note(&p, "a consultation is advised"));
        assert!(!has_note(&p, "No published dosing"), "{p:?}");
    }
}

#[test]
fn fine_lines_offer_each_sourced_course() {
    for concern in ["fine_lines", "sun_damage"] {
        let p = plan(&[concern], &["forehead"], 2);
        assert_eq!((p.sessions, p.interval_weeks), (range(4, 4), range(4, 4)));
        assert!(
            has_note(
                &p,
                "the sources give a second course too: 6 sessions 2 weeks apart. [6][25][26]"
            ),
            "{p:?}"
        );
    }
}

#[test]
fn decolletage_sessions_are_two_to_four_weeks_apart() {
    for (concern, interval) in [
        ("fine_lines", range(4, 4)),
        ("enlarged_pores", range(4, 4)),
        ("acne_scars", range(4, 4)),
    ] {
        let p = plan(&[concern], &["decolletage"], 2);
        assert_eq!(p.interval_weeks, interval, "{concern}");
        assert!(p.interval_weeks.max <= 4 && p.interval_weeks.min >= 2);
        assert!(
            has_note(&p, "Décolletage: sessions 2–4 weeks apart. [32]"),
            "{p:?}"
        );
        assert!(cites(&p, "32"));
    }
    let p = plan(&["enlarged_pores"], &["cheeks"], 2);
    assert_eq!(
        p.interval_weeks,
        range(4, 6),
        "only where the décolletage is treated"
    );
}

#[test]
fn plans_never_go_deeper_than_the_clinics_devices() {
    let overrides = PlanOverrides {
        device_max_mm: Some(1.0),
        ..Default::default()
    };
    let t = PlanTables::builtin().with_overrides(&overrides).unwrap();
    let p = t
        .plan(&req(&["acne_scars"], &["cheeks", "abdomen"], 2))
        .unwrap();
    assert_eq!(p.areas[0].depth_mm, depth(1.0, 1.0));
    assert_eq!(p.areas[1].depth_mm, depth(1.0, 1.0));
    assert!(has_note(
        &p,
        "capped at 1.0 mm, the deepest the clinic's devices are set to"
    ));
    assert!(!has_note(&p, "safety was not evaluated"));
    let cheeks = t.areas().into_iter().find(|a| a.id == "cheeks").unwrap();
    assert_eq!(cheeks.depth_mm, depth(0.5, 1.0));
}

#[test]
fn beyond_one_and_a_half_millimetres_the_label_note_applies() {
    let p = plan(&["acne_scars"], &["cheeks"], 2);
    assert!(has_note(
        &p,
        "Cheeks: deeper than 1.5 mm; the SkinPen instructions for use say safety was not evaluated beyond that depth. [17]"
    ));
    assert!(cites(&p, "17"));
    let p = plan(&["fine_lines"], &["cheeks"], 2);
    assert!(!has_note(&p, "safety was not evaluated"));
}
