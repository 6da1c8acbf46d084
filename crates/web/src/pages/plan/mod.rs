//! "Plan my treatment": concerns, areas on a face and body diagram, and the plan.
//!
//! The page is a GET form, so a plan is a plain link that can be shared or bookmarked; it holds
//! no health data. Areas can be chosen with checkboxes or by following the links drawn over a
//! face and a body diagram, each of which toggles one area and keeps the other choices.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use protocol::{AreaInfo, Plan, PlanRequest, PlanTables, RangeMm};

use crate::state::AppState;
use crate::ui::forms::{FieldErrors, field_id, query};
use crate::ui::layout::{PageMeta, page as layout_page};
use clinic::ClinicSnapshot;

mod diagram;
use crate::ui::forms::query_pairs;
use diagram::area_diagram;

/// Plain descriptions of the six Fitzpatrick skin types.
const SKIN_TYPES: [(u8, &str); 6] = [
    (1, "Type I: very fair skin that always burns and never tans"),
    (
        2,
        "Type II: fair skin that usually burns and tans with difficulty",
    ),
    (
        3,
        "Type III: medium skin that sometimes burns and tans gradually",
    ),
    (
        4,
        "Type IV: olive or light brown skin that rarely burns and tans easily",
    ),
    (5, "Type V: brown skin that very rarely burns"),
    (6, "Type VI: dark brown or black skin that never burns"),
];

/// The choices read from the page's query string.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Choices {
    concerns: Vec<String>,
    areas: Vec<String>,
    /// The skin type as typed; `None` when the query does not name it at all.
    fitzpatrick: Option<String>,
}

impl Choices {
    /// Reads `concerns`, `areas` (repeated or comma-separated, `[]` suffix allowed) and
    /// `fitzpatrick`; duplicates and empty items are dropped, unknown names ignored.
    fn parse(pairs: &[(String, String)]) -> Choices {
        let mut choices = Choices::default();
        for (name, value) in pairs {
            match name.trim_end_matches("[]") {
                "concerns" => push_list(&mut choices.concerns, value),
                "areas" => push_list(&mut choices.areas, value),
                "fitzpatrick" => choices.fitzpatrick = Some(value.trim().to_owned()),
                _ => {}
            }
        }
        choices
    }

    /// The skin type, if it is a number from 1 to 6.
    fn skin_type(&self) -> Option<u8> {
        self.fitzpatrick
            .as_deref()
            .and_then(|f| f.parse().ok())
            .filter(|n| (1..=6).contains(n))
    }

    /// The query string of these choices with `area` added or removed; only known ids are kept.
    fn toggle_link(&self, area: &str, tables: &PlanTables) -> String {
        let mut areas: Vec<String> = self.areas.clone();
        if let Some(at) = areas.iter().position(|a| a == area) {
            areas.remove(at);
        } else {
            areas.push(area.to_owned());
        }
        let concerns: Vec<String> = tables
            .concerns()
            .into_iter()
            .map(|(id, _)| id)
            .filter(|id| self.concerns.contains(id))
            .collect();
        let areas: Vec<String> = tables
            .areas()
            .into_iter()
            .map(|a| a.id)
            .filter(|id| areas.contains(id))
            .collect();
        let skin = self.skin_type().map(|n| n.to_string()).unwrap_or_default();
        let mut pairs: Vec<(&str, &str)> =
            concerns.iter().map(|c| ("concerns", c.as_str())).collect();
        pairs.extend(areas.iter().map(|a| ("areas", a.as_str())));
        pairs.push(("fitzpatrick", &skin));
        format!("/plan{}#areas", query(&pairs))
    }
}

/// Adds the comma-separated items of `value` to `list`, skipping blanks and repeats.
fn push_list(list: &mut Vec<String>, value: &str) {
    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !list.iter().any(|x| x == item) {
            list.push(item.to_owned());
        }
    }
}

/// Checks the choices; returns the request for a plan when everything needed is there.
///
/// Unknown ids and an unusable skin type are always reported. Missing choices are reported only
/// once the form itself was sent (it always sends `fitzpatrick`), so a first click on the
/// diagram does not greet the visitor with errors.
fn check(choices: &Choices, tables: &PlanTables) -> (Option<PlanRequest>, FieldErrors) {
    let mut errors = FieldErrors::default();
    let submitted = choices.fitzpatrick.is_some();
    let concern_ids: Vec<String> = tables.concerns().into_iter().map(|(id, _)| id).collect();
    let area_ids: Vec<String> = tables.areas().into_iter().map(|a| a.id).collect();
    check_ids(
        &mut errors,
        "concerns",
        &choices.concerns,
        &concern_ids,
        "concern",
        submitted,
    );
    check_ids(
        &mut errors,
        "areas",
        &choices.areas,
        &area_ids,
        "area",
        submitted,
    );
    let skin = choices.skin_type();
    match choices.fitzpatrick.as_deref() {
        Some("") => errors.add("fitzpatrick", "Please choose your skin type."),
        Some(_) if skin.is_none() => errors.add(
            "fitzpatrick",
            "Please choose a skin type from the list (types 1 to 6).",
        ),
        _ => {}
    }
    let request = match skin {
        Some(fitzpatrick)
            if errors.is_empty() && !choices.concerns.is_empty() && !choices.areas.is_empty() =>
        {
            Some(PlanRequest {
                concerns: choices.concerns.clone(),
                areas: choices.areas.clone(),
                fitzpatrick,
            })
        }
        _ => None,
    };
    (request, errors)
}

fn check_ids(
    errors: &mut FieldErrors,
    field: &str,
    ids: &[String],
    known: &[String],
    what: &str,
    submitted: bool,
) {
    if let Some(unknown) = ids.iter().find(|id| !known.contains(id)) {
        errors.add(
            field,
            format!("We don't know the {what} \"{unknown}\"; please choose from the list."),
        );
    } else if ids.is_empty() && submitted {
        errors.add(field, format!("Please choose at least one {what}."));
    }
}

/// Builds the plan, turning a refusal into an error beside the right fieldset.
fn build_plan(
    tables: &PlanTables,
    request: &PlanRequest,
    errors: &mut FieldErrors,
) -> Option<Plan> {
    match tables.plan(request) {
        Ok(plan) => Some(plan),
        Err(e) => {
            let field = e.field.split('[').next().unwrap_or("concerns").to_owned();
            errors.add(field, e.message);
            None
        }
    }
}

/// `GET /plan`: the form and the diagram, and the plan once concerns, areas and skin type are chosen.
pub async fn page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let clinic = state.clinic();
    let choices = Choices::parse(&query_pairs(raw.as_deref().unwrap_or("")));
    let (request, mut errors) = check(&choices, &clinic.plans);
    let plan = request
        .as_ref()
        .and_then(|r| build_plan(&clinic.plans, r, &mut errors));
    let body = html! {
        h1 { "Plan my treatment" }
        p.lead { "Tell us what you would like to improve and where, and we will show you the course of treatment our clinic's protocol suggests: how deep the needles go, how many sessions, and how far apart." }
        p { "The plan is a starting point, not a prescription. Your practitioner looks at your skin and confirms the needle depth at your visit. Nothing you choose here is stored." }
        @if let (Some(plan), Some(request)) = (&plan, &request) {
            (plan_section(&clinic, plan, request))
        }
        (plan_form(&clinic.plans, &choices, &errors, plan.is_some()))
    };
    let meta = PageMeta::new(
        "Plan my treatment",
        "Choose your skin concerns and the areas to treat, and see the microneedling course our clinic's protocol suggests, with its sources.",
        "/plan",
    );
    layout_page(&state, meta, body).into_response()
}

/// Millimetres for people: 0.25 → "0.25", 2.0 → "2.0".
fn mm(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.1}")
    } else {
        format!("{x}")
    }
}

/// "0.5–2.0 mm", or "0.5 mm" for a single depth.
fn depth_text(d: RangeMm) -> String {
    if d.min == d.max {
        return format!("{} mm", mm(d.max));
    }
    format!("{}–{} mm", mm(d.min), mm(d.max))
}

/// "4" or "2–4".
fn range_text(min: u32, max: u32) -> String {
    if min == max {
        min.to_string()
    } else {
        format!("{min}–{max}")
    }
}

/// The treatment service that best fits the plan, if the clinic offers it.
fn best_service(request: &PlanRequest) -> &'static str {
    let has = |id: &str| request.concerns.iter().any(|c| c == id);
    let on_body = request
        .areas
        .iter()
        .any(|a| a == "abdomen" || a == "thighs");
    if has("acne_scars") {
        "microneedling-acne-scars"
    } else if has("stretch_marks") && on_body {
        "microneedling-body"
    } else {
        "microneedling-face"
    }
}

/// The link that books the best-fitting treatment (or the booking page when it is not offered).
fn book_link(clinic: &ClinicSnapshot, request: &PlanRequest) -> String {
    let service = best_service(request);
    if clinic.setup.service(service).is_some() {
        format!("/book{}", query(&[("service", service)]))
    } else {
        "/book".to_owned()
    }
}

fn plan_section(clinic: &ClinicSnapshot, plan: &Plan, request: &PlanRequest) -> Markup {
    let areas = clinic.plans.areas();
    let label = |id: &str| {
        areas
            .iter()
            .find(|a| a.id == id)
            .map_or(id.to_owned(), |a| a.label.clone())
    };
    let weeks = range_text(plan.interval_weeks.min, plan.interval_weeks.max);
    html! {
        section.plan-result #plan aria-labelledby="plan-title" {
            h2 #plan-title { "Your suggested plan" }
            p.notice { "This is our clinic's protocol as a starting point. Your practitioner will check your skin and confirm the depth for each area at your visit." }
            dl.summary {
                dt { "Sessions" }
                dd { (range_text(plan.sessions.min, plan.sessions.max)) @if plan.sessions.max == 1 { " session" } @else { " sessions" } }
                dt { "Time between sessions" }
                dd { (weeks) @if weeks == "1" { " week" } @else { " weeks" } }
                dt { "Skin type" }
                dd { (SKIN_TYPES.iter().find(|(n, _)| *n == request.fitzpatrick).map_or("", |(_, d)| *d)) }
            }
            h3 { "Needle depth by area" }
            div.table-scroll {
                table {
                    thead { tr { th scope="col" { "Area" } th scope="col" { "Depth" } th scope="col" { "Note" } } }
                    tbody {
                        @for a in &plan.areas {
                            tr {
                                th scope="row" { (label(&a.area)) }
                                td.nowrap { (depth_text(a.depth_mm)) }
                                td { (a.note.as_deref().unwrap_or("—")) }
                            }
                        }
                    }
                }
            }
            @if !plan.notes.is_empty() {
                h3 { "Good to know" }
                ul { @for note in &plan.notes { li { (note) } } }
            }
            @if !plan.sources.is_empty() {
                h3 { "Sources" }
                ul.sources.small { @for source in &plan.sources { li { (source) } } }
            }
            p.cta-inline {
                a.button href=(book_link(clinic, request)) { "Book your first session" }
                a.button.secondary href="/suitability" { "Is microneedling right for me?" }
            }
        }
    }
}

fn plan_form(
    tables: &PlanTables,
    choices: &Choices,
    errors: &FieldErrors,
    has_plan: bool,
) -> Markup {
    let label_of = |field: &str| match field {
        "concerns" => "What to improve".to_owned(),
        "areas" => "Areas".to_owned(),
        _ => "Skin type".to_owned(),
    };
    html! {
        h2 #plan-form-title { @if has_plan { "Change your choices" } @else { "Your skin and the areas to treat" } }
        (errors.summary(label_of))
        form.plan-form method="get" action="/plan" aria-labelledby="plan-form-title" {
            (concerns_fieldset(tables, choices, errors))
            (skin_type_field(choices, errors))
            (areas_fieldset(tables, choices, errors))
            button type="submit" { "Show my plan" }
        }
    }
}

/// The `aria-describedby` value for a field with an optional hint and error.
fn described_by(field: &str, hint: bool, error: bool) -> Option<String> {
    let id = field_id(field);
    let ids: Vec<String> = [
        hint.then(|| format!("{id}-hint")),
        error.then(|| format!("{id}-error")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The id of a checkbox: the first of a group carries the group's id, so error links reach it.
fn checkbox_id(field: &str, index: usize, value: &str) -> String {
    if index == 0 {
        field_id(field)
    } else {
        format!("{}-{value}", field_id(field))
    }
}

fn error_text(field: &str, errors: &FieldErrors) -> Markup {
    html! { @if let Some(m) = errors.get(field) { p.error-text id=(format!("{}-error", field_id(field))) { (m) } } }
}

fn concerns_fieldset(tables: &PlanTables, choices: &Choices, errors: &FieldErrors) -> Markup {
    let invalid = errors.get("concerns").is_some();
    html! {
        fieldset aria-describedby=[described_by("concerns", true, invalid)] {
            legend { "What would you like to improve?" }
            p.hint id=(format!("{}-hint", field_id("concerns"))) { "Choose one or more." }
            (error_text("concerns", errors))
            div.check-grid {
                @for (i, (id, label)) in tables.concerns().iter().enumerate() {
                    label.choice for=(checkbox_id("concerns", i, id)) {
                        input type="checkbox" id=(checkbox_id("concerns", i, id)) name="concerns" value=(id)
                            checked[choices.concerns.contains(id)] aria-invalid=[invalid.then_some("true")];
                        (label)
                    }
                }
            }
        }
    }
}

fn skin_type_field(choices: &Choices, errors: &FieldErrors) -> Markup {
    let id = field_id("fitzpatrick");
    let invalid = errors.get("fitzpatrick").is_some();
    let chosen = choices.skin_type();
    html! {
        div.field {
            label for=(id) { "Your skin type (Fitzpatrick scale)" }
            p.hint id=(format!("{id}-hint")) { "How your skin reacts to the sun. Not sure? Choose the closest; your practitioner will check." }
            (error_text("fitzpatrick", errors))
            select id=(id) name="fitzpatrick" aria-invalid=[invalid.then_some("true")]
                aria-describedby=[described_by("fitzpatrick", true, invalid)] {
                option value="" selected[chosen.is_none()] { "Choose your skin type" }
                @for (n, text) in SKIN_TYPES {
                    option value=(n) selected[chosen == Some(n)] { (text) }
                }
            }
        }
    }
}

fn areas_fieldset(tables: &PlanTables, choices: &Choices, errors: &FieldErrors) -> Markup {
    let invalid = errors.get("areas").is_some();
    let areas = tables.areas();
    html! {
        fieldset #areas aria-describedby=[described_by("areas", true, invalid)] {
            legend { "Which areas would you like treated?" }
            p.hint id=(format!("{}-hint", field_id("areas"))) {
                "Tap an area on the drawings to add or remove it, or tick the boxes below. The colour shows how deep the needles usually go there."
            }
            (error_text("areas", errors))
            (area_diagram(tables, &areas, choices))
            @for (region, title) in [("face", "Face and neck"), ("body", "Body")] {
                p.check-heading { (title) }
                div.check-grid {
                    @for (i, a) in areas.iter().enumerate().filter(|(_, a)| a.region == region) {
                        label.choice for=(checkbox_id("areas", i, &a.id)) {
                            input type="checkbox" id=(checkbox_id("areas", i, &a.id)) name="areas" value=(a.id)
                                checked[choices.areas.contains(&a.id)] aria-invalid=[invalid.then_some("true")];
                            (a.label) span.muted { " (" (depth_text(a.depth_mm)) ")" }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::diagram::{area_shapes, depth_band};
    use super::*;

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
}
