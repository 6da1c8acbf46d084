//! Services: name, price, description and whether a screening comes first; add and remove
//! a service. Each service's phases (what it takes, in order, and what each holds) have
//! their own editor in [`phases`]; a service's length is theirs added up.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use clinic::{ClinicSetup, ServiceSetup};
use maud::{Markup, html};
use serde::Deserialize;

use super::parse::{MINUTES, parse_count};
use super::problems::{Problems, Target, file_refusal, settle};
use super::sections::{Field, form_error};
use super::widgets::{checkbox, textarea, tick_text};
use super::{View, refused_form};
use crate::admin::layout::csrf_field;
use crate::auth::{AdminSession, StaffSession};
use crate::state::AppState;

mod phases;

pub use phases::{add_phase, move_phase, remove_phase, save_phase};

/// Where the page returns after a change to the list of services.
const ANCHOR: &str = "services-title";

/// The element id of one service's part of the page, where a change to it returns.
fn service_anchor(id: &str) -> String {
    format!("s-{id}")
}

/// A service as posted. `minutes` is only for a new one: its first phase's length.
#[derive(Debug, Default, Deserialize)]
pub struct ServiceForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    requires_screening: String,
    #[serde(default)]
    minutes: String,
}

/// A price as people type it (`250`, `$250.00`, ` 250.00 `), tidied for the clinic file's
/// check, which refuses anything else.
fn price_text(text: &str) -> String {
    let price = text
        .trim()
        .trim_start_matches(['$', '\u{20ac}', '\u{a3}'])
        .trim();
    if !price.is_empty() && price.bytes().all(|b| b.is_ascii_digit()) {
        format!("{price}.00")
    } else {
        price.to_owned()
    }
}

/// The services section: each service with its phases, then the form to add one.
pub(super) fn section(session: &StaffSession, setup: &ClinicSetup, view: &View<'_>) -> Markup {
    html! {
        section.setup-section aria-labelledby=(ANCHOR) {
            h2 id=(ANCHOR) { "Services" }
            p.hint { "A service runs in phases, back to back. Each phase holds the practitioner, a room, or both: numbing in a room alone leaves the practitioner free meanwhile." }
            @for s in &setup.services {
                (service(session, s, view))
            }
            h3 #service-new-title { "Add a service" }
            form.setup-form method="post" action="/admin/setup/services" aria-labelledby="service-new-title" {
                (csrf_field(session))
                (form_error(&view.problems, "service.new.form"))
                (details_fields("service.new", None, view))
                @let minutes = view.value("service.new.minutes", "");
                div.setup-grid {
                    (Field { numeric: true, ..Field::text("service.new.minutes", "minutes", html! { "Treatment length (minutes)" }, &minutes) }
                        .hint("Its first phase, holding the practitioner and a room; add numbing or cleanup phases after.").render(&view.problems))
                }
                button type="submit" { "Add service" }
            }
        }
    }
}

/// The fields a service's details form and the new-service form share.
fn details_fields(prefix: &str, s: Option<&ServiceSetup>, view: &View<'_>) -> Markup {
    let key = |f: &str| format!("{prefix}.{f}");
    let whose = s.map(|s| format!(" ({})", s.name)).unwrap_or_default();
    let name = view.value(&key("name"), s.map_or("", |s| s.name.as_str()));
    let price = view.value(&key("price"), s.map_or("", |s| s.price.as_str()));
    let description = view.value(
        &key("description"),
        s.map_or("", |s| s.description.as_str()),
    );
    let screening = view.ticked(
        &key("requires_screening"),
        s.is_none_or(|s| s.requires_screening),
    );
    html! {
        div.setup-grid {
            (Field::text(&key("name"), "name", html! { "Service name" span.visually-hidden { (whose) } }, &name).render(&view.problems))
            (Field::text(&key("price"), "price", html! { "Price" span.visually-hidden { (whose) } }, &price)
                .hint("e.g. 250.00; paid at the clinic.").render(&view.problems))
        }
        (textarea(&key("description"), "description", html! { "Description" span.visually-hidden { (whose) } }, &description,
            "A few lines clients read when choosing.", &view.problems))
        (checkbox(&key("requires_screening"), "requires_screening", html! { "Clients answer the safety questions before booking" span.visually-hidden { (whose) } }, screening))
    }
}

/// One service: its details, its phases and the form to add a phase.
fn service(session: &StaffSession, s: &ServiceSetup, view: &View<'_>) -> Markup {
    let anchor = service_anchor(&s.id);
    let prefix = format!("service.{}", s.id);
    html! {
        section.setup-service aria-labelledby=(anchor) {
            h3 id=(anchor) { (s.name) }
            p.muted { "Takes " (s.duration_minutes()) " minutes in all: its phases added up." }
            form.setup-form method="post" action="/admin/setup/services/save" aria-label=(format!("Details of {}", s.name)) {
                (csrf_field(session))
                input type="hidden" name="id" value=(s.id);
                (form_error(&view.problems, &format!("{prefix}.form")))
                (details_fields(&prefix, Some(s), view))
                div.setup-actions {
                    button type="submit" { "Save service" span.visually-hidden { " " (s.name) } }
                    button.secondary type="submit" formaction="/admin/setup/services/remove" { "Remove service" span.visually-hidden { " " (s.name) } }
                }
            }
            (phases::editor(session, s, view))
        }
    }
}

/// The targets of a refusal about the service at `i`.
fn targets(i: usize, prefix: &str, label: &str) -> Vec<Target> {
    ["name", "price", "description"]
        .iter()
        .map(|f| {
            (
                format!("services[{i}].{f}"),
                format!("{prefix}.{f}"),
                format!("{label}, {f}"),
            )
        })
        .collect()
}

/// What the form typed, to show again after a refusal.
fn entered(prefix: &str, form: &ServiceForm) -> Vec<(String, String)> {
    [
        ("name", &form.name),
        ("price", &form.price),
        ("description", &form.description),
        (
            "requires_screening",
            &tick_text(!form.requires_screening.is_empty()),
        ),
        ("minutes", &form.minutes),
    ]
    .into_iter()
    .map(|(f, v)| (format!("{prefix}.{f}"), v.clone()))
    .collect()
}

/// `POST /admin/setup/services`: adds a service with one treatment phase.
pub async fn add_service(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<ServiceForm>,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    let (prefix, label) = ("service.new", "New service");
    match parse_count(&form.minutes, &MINUTES) {
        Err(message) => problems.add("service.new.minutes", "New service, length", message),
        Ok(minutes) => match setup.add_service(&form.name, &price_text(&form.price), minutes) {
            Ok(id) => {
                let i = setup.services.len() - 1;
                let s = &mut setup.services[i];
                s.description = form.description.trim().to_owned();
                s.requires_screening = !form.requires_screening.is_empty();
                let mut targets = targets(i, prefix, label);
                targets.push((
                    format!("services[{i}].phases"),
                    format!("{prefix}.minutes"),
                    "New service, length".into(),
                ));
                let anchor = service_anchor(&id);
                if let Some(saved) = settle(
                    &state,
                    &session,
                    &setup,
                    "service added",
                    &anchor,
                    &targets,
                    ("service.new.form", label),
                    &mut problems,
                )
                .await
                {
                    return saved;
                }
            }
            Err(refused) => file_refusal(&mut problems, prefix, label, &refused),
        },
    }
    refused_form(&state, &session, problems, entered(prefix, &form))
}

/// `POST /admin/setup/services/save`: a service's name, price, description and screening.
pub async fn save_service(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<ServiceForm>,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    let prefix = format!("service.{}", form.id);
    let label = setup
        .service(&form.id)
        .map_or_else(|| "Service".to_owned(), |s| s.name.clone());
    let i = setup
        .services
        .iter()
        .position(|s| s.id == form.id)
        .unwrap_or(0);
    match setup.service_mut(&form.id) {
        Ok(s) => {
            s.name = form.name.trim().to_owned();
            s.price = price_text(&form.price);
            s.description = form.description.trim().to_owned();
            s.requires_screening = !form.requires_screening.is_empty();
            let anchor = service_anchor(&form.id);
            let form_key = format!("{prefix}.form");
            if let Some(saved) = settle(
                &state,
                &session,
                &setup,
                "service changed",
                &anchor,
                &targets(i, &prefix, &label),
                (form_key.as_str(), label.as_str()),
                &mut problems,
            )
            .await
            {
                return saved;
            }
        }
        Err(refused) => file_refusal(&mut problems, &prefix, &label, &refused),
    }
    refused_form(&state, &session, problems, entered(&prefix, &form))
}

/// `POST /admin/setup/services/remove`: refused while a practitioner offers the service.
pub async fn remove_service(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<ServiceForm>,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    let prefix = format!("service.{}", form.id);
    let label = setup
        .service(&form.id)
        .map_or_else(|| "Service".to_owned(), |s| s.name.clone());
    match setup.remove_service(&form.id) {
        Ok(()) => {
            let form_key = format!("{prefix}.form");
            if let Some(saved) = settle(
                &state,
                &session,
                &setup,
                "service removed",
                ANCHOR,
                &[],
                (form_key.as_str(), label.as_str()),
                &mut problems,
            )
            .await
            {
                return saved;
            }
        }
        Err(refused) => file_refusal(&mut problems, &prefix, &label, &refused),
    }
    refused_form(&state, &session, problems, entered(&prefix, &form))
}
