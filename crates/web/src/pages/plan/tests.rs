use protocol::{PlanRequest, PlanTables, RangeMm};

use super::diagram::{area_shapes, depth_band};
use super::view::depth_text;
use super::{Choices, best_service, check};
use crate::ui::forms::query_pairs;

fn pairs(raw: &str) -> Vec<(String, String)> {
    query_pairs(raw)
}

#[test]
fn decodes_pairs() {
    assert_eq!(
        pairs("a=1&b=x+y&c=%C3%A9&d&e=%zz&=v"),
        vec![
            ("a".into(), "1".into()),
            ("b".into(), "x y".into()),
            ("c".into(), "é".into()),
            ("d".into(), "".into()),
            ("e".into(), "%zz".into()),
            ("".into(), "v".into()),
        ]
    );
    assert!(pairs("").is_empty());
}

#[test]
fn reads_repeated_and_comma_lists() {
    let c = Choices::parse(&pairs(
        "concerns=fine_lines&concerns=acne_scars,texture&areas[]=cheeks,,nose&areas=cheeks&fitzpatrick=3",
    ));
    assert_eq!(c.concerns, ["fine_lines", "acne_scars", "texture"]);
    assert_eq!(c.areas, ["cheeks", "nose"]);
    assert_eq!(c.skin_type(), Some(3));
}

#[test]
fn odd_skin_types_are_errors_not_panics() {
    let tables = PlanTables::builtin();
    for bad in ["abc", "0", "7", "-1", "300"] {
        let c = Choices::parse(&pairs(&format!(
            "concerns=fine_lines&areas=cheeks&fitzpatrick={bad}"
        )));
        let (request, errors) = check(&c, &tables);
        assert!(request.is_none());
        assert!(errors.get("fitzpatrick").is_some(), "{bad}");
    }
}

#[test]
fn unknown_ids_are_reported_beside_their_field() {
    let tables = PlanTables::builtin();
    let c = Choices::parse(&pairs("concerns=fine_lines&areas=elbow&fitzpatrick=2"));
    let (request, errors) = check(&c, &tables);
    assert!(request.is_none());
    assert!(errors.get("areas").is_some_and(|m| m.contains("elbow")));
    assert!(errors.get("concerns").is_none());
}

#[test]
fn missing_choices_wait_for_the_form() {
    let tables = PlanTables::builtin();
    let (_, errors) = check(&Choices::parse(&pairs("areas=cheeks")), &tables);
    assert!(errors.is_empty());
    let (_, errors) = check(
        &Choices::parse(&pairs("areas=cheeks&fitzpatrick=")),
        &tables,
    );
    assert!(errors.get("concerns").is_some() && errors.get("fitzpatrick").is_some());
    let (request, errors) = check(
        &Choices::parse(&pairs("concerns=fine_lines&areas=cheeks&fitzpatrick=4")),
        &tables,
    );
    assert!(errors.is_empty());
    assert_eq!(request.map(|r| r.fitzpatrick), Some(4));
}

#[test]
fn toggle_links_add_and_remove_one_area() {
    let tables = PlanTables::builtin();
    let c = Choices::parse(&pairs(
        "concerns=fine_lines&areas=nose,cheeks,bogus&fitzpatrick=x",
    ));
    assert_eq!(
        c.toggle_link("cheeks", &tables),
        "/plan?concerns=fine_lines&areas=nose#areas"
    );
    assert_eq!(
        c.toggle_link("forehead", &tables),
        "/plan?concerns=fine_lines&areas=forehead&areas=nose&areas=cheeks#areas"
    );
    let c = Choices::parse(&pairs("fitzpatrick=5"));
    assert_eq!(
        c.toggle_link("neck", &tables),
        "/plan?areas=neck&fitzpatrick=5#areas"
    );
}

#[test]
fn every_area_is_drawn() {
    for a in PlanTables::builtin().areas() {
        assert!(!area_shapes(&a.id).is_empty(), "{}", a.id);
    }
}

#[test]
fn best_service_follows_concerns_and_areas() {
    let req = |concerns: &[&str], areas: &[&str]| PlanRequest {
        concerns: concerns.iter().map(|s| s.to_string()).collect(),
        areas: areas.iter().map(|s| s.to_string()).collect(),
        fitzpatrick: 2,
    };
    assert_eq!(
        best_service(&req(&["acne_scars", "stretch_marks"], &["thighs"])),
        "microneedling-acne-scars"
    );
    assert_eq!(
        best_service(&req(&["stretch_marks"], &["abdomen"])),
        "microneedling-body"
    );
    assert_eq!(
        best_service(&req(&["stretch_marks"], &["cheeks"])),
        "microneedling-face"
    );
    assert_eq!(
        best_service(&req(&["fine_lines"], &["neck"])),
        "microneedling-face"
    );
}

#[test]
fn depth_bands() {
    assert_eq!(
        depth_band(RangeMm {
            min: 0.25,
            max: 0.5
        }),
        "light"
    );
    assert_eq!(
        depth_band(RangeMm {
            min: 0.25,
            max: 1.0
        }),
        "medium"
    );
    assert_eq!(depth_band(RangeMm { min: 0.5, max: 2.0 }), "deep");
    assert_eq!(
        depth_text(RangeMm {
            min: 0.25,
            max: 2.0
        }),
        "0.25–2.0 mm"
    );
    assert_eq!(depth_text(RangeMm { min: 0.5, max: 0.5 }), "0.5 mm");
}
