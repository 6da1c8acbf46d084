//! "Plan my treatment": concerns, areas on a face and body diagram, and the plan.
//!
//! The page is a GET form, so a plan is a plain link that can be shared or bookmarked; it holds
//! no health data. Areas can be chosen with checkboxes or by following the links drawn over a
//! face and a body diagram, each of which toggles one area and keeps the other choices.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use clinic::ClinicSnapshot;
use protocol::{Plan, PlanRequest, PlanTables};

use crate::state::AppState;
use crate::ui::forms::{FieldErrors, query, query_pairs};

mod diagram;
mod view;

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

/// Reports the first unknown id of a list, or an empty list once the form was sent.
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

/// `GET /plan`: the form and the diagram, and the plan once concerns, areas and skin type are chosen.
pub async fn page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let clinic = state.clinic();
    let choices = Choices::parse(&query_pairs(raw.as_deref().unwrap_or("")));
    let (request, mut errors) = check(&choices, &clinic.plans);
    let plan = request
        .as_ref()
        .and_then(|r| build_plan(&clinic.plans, r, &mut errors));
    let planned = plan.as_ref().zip(request.as_ref());
    view::page(&state, &clinic, &choices, &errors, planned).into_response()
}

#[cfg(test)]
mod tests;
