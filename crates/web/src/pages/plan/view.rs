//! The plan page's markup: the suggested plan, and the form with the diagram that builds it.

use clinic::ClinicSnapshot;
use maud::{Markup, html};
use protocol::{Plan, PlanRequest, PlanTables, RangeMm};

use super::diagram::area_diagram;
use super::{Choices, book_link};
use crate::state::AppState;
use crate::ui::forms::{FieldErrors, field_id};
use crate::ui::layout::{PageMeta, page as layout_page};

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

/// The whole page: the plan first when there is one (`planned`), then the form to change it.
pub(super) fn page(
    state: &AppState,
    clinic: &ClinicSnapshot,
    choices: &Choices,
    errors: &FieldErrors,
    planned: Option<(&Plan, &PlanRequest)>,
) -> Markup {
    let body = html! {
        h1 { "Plan my treatment" }
        p.lead { "Tell us what you would like to improve and where, and we will show you the course of treatment our clinic's protocol suggests: how deep the needles go, how many sessions, and how far apart." }
        p { "The plan is a starting point, not a prescription. Your practitioner looks at your skin and confirms the needle depth at your visit. Nothing you choose here is stored." }
        @if let Some((plan, request)) = planned {
            (plan_section(clinic, plan, request))
        }
        (plan_form(&clinic.plans, choices, errors, planned.is_some()))
    };
    let meta = PageMeta::new(
        "Plan my treatment",
        "Choose your skin concerns and the areas to treat, and see the microneedling course our clinic's protocol suggests, with its sources.",
        "/plan",
    );
    layout_page(state, meta, body)
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
pub(super) fn depth_text(d: RangeMm) -> String {
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

/// The suggested plan: sessions, spacing and depth per area, with its notes and sources.
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

/// The GET form of choices; its heading changes once a plan is shown above it.
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

/// A field's error, with the id its `aria-describedby` names.
fn error_text(field: &str, errors: &FieldErrors) -> Markup {
    html! { @if let Some(m) = errors.get(field) { p.error-text id=(format!("{}-error", field_id(field))) { (m) } } }
}

/// The concerns to improve, as checkboxes.
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

/// The Fitzpatrick skin type, described in words rather than numbers.
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

/// The areas to treat: the diagram, and the same choices as checkboxes by region.
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
