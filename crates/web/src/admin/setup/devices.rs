//! The clinic's devices: what each is called and the deepest setting it is used at, which
//! treatment records and plans keep within.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use clinic::ClinicSetup;
use maud::{Markup, html};
use serde::Deserialize;

use super::problems::{Problems, Target, file_refusal, settle};
use super::sections::{Field, form_error};
use super::{View, refused_form};
use crate::admin::layout::csrf_field;
use crate::auth::{AdminSession, StaffSession};
use crate::state::AppState;

/// Where the page returns after a change to the devices.
const ANCHOR: &str = "devices-title";

/// A device as posted: its id (empty when adding), name and depth as typed.
#[derive(Debug, Default, Deserialize)]
pub struct DeviceForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    max_depth_mm: String,
}

/// A depth as people type it: `2`, `2.5`, `2,5`, `2.5 mm`.
pub(super) fn parse_depth(text: &str) -> Result<f64, String> {
    let t = text.trim().to_ascii_lowercase();
    let t = t.strip_suffix("mm").unwrap_or(&t).trim().replace(',', ".");
    if t.is_empty() {
        return Err("Enter the deepest setting in mm, e.g. 2.0.".into());
    }
    t.parse::<f64>()
        .ok()
        .filter(|d| d.is_finite())
        .ok_or_else(|| {
            format!(
                "Enter the depth in mm as a number, e.g. 2.0: \u{201c}{}\u{201d} is not one.",
                text.trim()
            )
        })
}

/// The devices section.
pub(super) fn section(session: &StaffSession, setup: &ClinicSetup, view: &View<'_>) -> Markup {
    let fields = |prefix: &str, name: &str, depth: &str, whose: &str| {
        let (name_key, depth_key) = (format!("{prefix}.name"), format!("{prefix}.max_depth_mm"));
        let (name, depth) = (view.value(&name_key, name), view.value(&depth_key, depth));
        html! {
            div.setup-grid {
                (Field::text(&name_key, "name", html! { "Device name" span.visually-hidden { (whose) } }, &name).render(&view.problems))
                (Field { numeric: false, ..Field::text(&depth_key, "max_depth_mm", html! { "Deepest setting (mm)" span.visually-hidden { (whose) } }, &depth) }
                    .hint("Above 0, at most 3.0 mm.").render(&view.problems))
            }
        }
    };
    html! {
        section.setup-section aria-labelledby=(ANCHOR) {
            h2 id=(ANCHOR) { "Devices" }
            p.hint { "What the clinic treats with. Treatment records and plans never go deeper than a device's setting." }
            @if setup.devices.is_empty() { p.muted { "No devices yet." } }
            ul.setup-rows {
                @for d in &setup.devices {
                    @let prefix = format!("device.{}", d.id);
                    li {
                        form.setup-row method="post" action="/admin/setup/devices/save" aria-label=(format!("Device: {}", d.name)) {
                            (csrf_field(session))
                            input type="hidden" name="id" value=(d.id);
                            (form_error(&view.problems, &format!("{prefix}.form")))
                            (fields(&prefix, &d.name, &d.max_depth_mm.to_string(), &format!(" ({})", d.name)))
                            div.setup-actions {
                                button type="submit" { "Save device" span.visually-hidden { " " (d.name) } }
                                button.secondary type="submit" formaction="/admin/setup/devices/remove" { "Remove" span.visually-hidden { " " (d.name) } }
                            }
                        }
                    }
                }
            }
            form.setup-form method="post" action="/admin/setup/devices" aria-label="Add a device" {
                (csrf_field(session))
                (form_error(&view.problems, "device.new.form"))
                (fields("device.new", "", "", " (new device)"))
                button type="submit" { "Add device" }
            }
        }
    }
}

/// The device fields' targets for the refusal of the device at `i`.
fn targets(i: usize, prefix: &str, label: &str) -> Vec<Target> {
    vec![
        (
            format!("devices[{i}].name"),
            format!("{prefix}.name"),
            format!("{label}, name"),
        ),
        (
            format!("devices[{i}].max_depth_mm"),
            format!("{prefix}.max_depth_mm"),
            format!("{label}, deepest setting"),
        ),
        (
            format!("devices[{i}]"),
            format!("{prefix}.name"),
            label.to_owned(),
        ),
    ]
}

/// `POST /admin/setup/devices` (add) and `/admin/setup/devices/save` (change one).
async fn change(
    state: AppState,
    session: StaffSession,
    form: DeviceForm,
    adding: bool,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    let prefix = if adding {
        "device.new".to_owned()
    } else {
        format!("device.{}", form.id)
    };
    let label = match state
        .clinic()
        .setup
        .devices
        .iter()
        .find(|d| d.id == form.id)
    {
        Some(d) if !adding => d.name.clone(),
        _ => "New device".to_owned(),
    };
    let depth = parse_depth(&form.max_depth_mm);
    if let Err(message) = &depth {
        problems.add(
            format!("{prefix}.max_depth_mm"),
            format!("{label}, deepest setting"),
            message,
        );
    }
    let edited = match (adding, depth) {
        (_, Err(_)) => None,
        (true, Ok(depth)) => Some(
            setup
                .add_device(&form.name, depth)
                .map(|_| setup.devices.len() - 1),
        ),
        (false, Ok(depth)) => Some(
            setup
                .device_mut(&form.id)
                .map(|d| {
                    d.name = form.name.trim().to_owned();
                    d.max_depth_mm = depth;
                })
                .map(|()| {
                    setup
                        .devices
                        .iter()
                        .position(|d| d.id == form.id)
                        .unwrap_or(0)
                }),
        ),
    };
    match edited {
        Some(Ok(i)) => {
            let form_key = format!("{prefix}.form");
            let what = if adding {
                "device added"
            } else {
                "device changed"
            };
            if let Some(saved) = settle(
                &state,
                &session,
                &setup,
                what,
                ANCHOR,
                &targets(i, &prefix, &label),
                (form_key.as_str(), label.as_str()),
                &mut problems,
            )
            .await
            {
                return saved;
            }
        }
        Some(Err(refused)) => file_refusal(&mut problems, &prefix, &label, &refused),
        None => {}
    }
    refused_form(
        &state,
        &session,
        problems,
        vec![
            (format!("{prefix}.name"), form.name),
            (format!("{prefix}.max_depth_mm"), form.max_depth_mm),
        ],
    )
}

/// `POST /admin/setup/devices`: adds a device.
pub async fn add_device(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<DeviceForm>,
) -> Response {
    change(state, session, form, true).await
}

/// `POST /admin/setup/devices/save`: renames a device or changes its deepest setting.
pub async fn save_device(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<DeviceForm>,
) -> Response {
    change(state, session, form, false).await
}

/// `POST /admin/setup/devices/remove`.
pub async fn remove_device(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<DeviceForm>,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    let prefix = format!("device.{}", form.id);
    let label = "Device";
    match setup.remove_device(&form.id) {
        Ok(()) => {
            let form_key = format!("{prefix}.form");
            if let Some(saved) = settle(
                &state,
                &session,
                &setup,
                "device removed",
                ANCHOR,
                &[],
                (form_key.as_str(), label),
                &mut problems,
            )
            .await
            {
                return saved;
            }
        }
        Err(refused) => file_refusal(&mut problems, &prefix, label, &refused),
    }
    refused_form(&state, &session, problems, Vec::new())
}
