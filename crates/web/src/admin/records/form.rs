//! The record form: one row of large fields per area (filled in only for the areas
//! treated), read back into the workflow's [`RecordBody`], and a refusal's field placed
//! beside the input it concerns.

use clinic::ClinicSnapshot;
use maud::{Markup, html};
use service::{AreaBody, CartridgeBody, ProductBody, RecordBody};

use crate::ui::forms::{FieldAria, FieldErrors};

/// How many product rows the form offers beyond those already filled in.
const SPARE_PRODUCTS: usize = 2;

/// The fields as typed, kept to show them again when something is wrong.
#[derive(Clone, Debug, Default)]
pub struct RecordForm {
    pub fields: Vec<(String, String)>,
}

impl RecordForm {
    fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The form prefilled from a record (for corrections and amendments).
    pub fn from_body(body: &RecordBody) -> RecordForm {
        let mut f = Vec::new();
        let mut put = |n: String, v: Option<String>| {
            if let Some(v) = v {
                f.push((n, v));
            }
        };
        put("device".into(), body.device.clone());
        if let Some(c) = &body.cartridge {
            put("cartridge_lot".into(), c.lot.clone());
            put("cartridge_expires".into(), c.expires.clone());
        }
        put("anaesthetic".into(), body.anaesthetic.clone());
        put(
            "anaesthetic_minutes".into(),
            body.anaesthetic_minutes.map(|m| m.to_string()),
        );
        for a in body.areas.iter().flatten() {
            let id = a.area.clone().unwrap_or_default();
            put(format!("depth.{id}"), a.depth_mm.map(|d| d.to_string()));
            put(format!("passes.{id}"), a.passes.map(|p| p.to_string()));
            put(format!("endpoint.{id}"), a.endpoint.clone());
        }
        for (i, p) in body.products.iter().flatten().enumerate() {
            put(format!("product_name.{i}"), p.name.clone());
            put(format!("product_lot.{i}"), p.lot.clone());
        }
        put("reactions".into(), body.reactions.clone());
        put("notes".into(), body.notes.clone());
        put("override_reason".into(), body.override_reason.clone());
        RecordForm { fields: f }
    }

    /// Reads the form into a record body; numbers that do not read are errors by input name.
    /// Also answers, for each area and product the body lists, the form input it came from.
    pub fn to_body(
        &self,
        clinic: &ClinicSnapshot,
        errors: &mut FieldErrors,
    ) -> (RecordBody, Vec<String>, Vec<usize>) {
        let text = |name: &str| Some(self.get(name).trim().to_owned()).filter(|v| !v.is_empty());
        let mut areas = Vec::new();
        let mut area_ids = Vec::new();
        for info in clinic.plans.areas() {
            let depth_name = format!("depth.{}", info.id);
            let passes_name = format!("passes.{}", info.id);
            let depth = text(&depth_name);
            let passes = text(&passes_name);
            if depth.is_none() && passes.is_none() {
                continue;
            }
            let depth_mm = depth.and_then(|d| {
                d.replace(',', ".")
                    .parse::<f64>()
                    .map_err(|_| {
                        errors.add(&depth_name, "Enter the depth as a number of mm, e.g. 1.5.")
                    })
                    .ok()
            });
            let passes = passes.and_then(|p| {
                p.parse::<u32>()
                    .map_err(|_| errors.add(&passes_name, "Enter the passes as a whole number."))
                    .ok()
            });
            areas.push(AreaBody {
                area: Some(info.id.clone()),
                depth_mm,
                passes,
                endpoint: text(&format!("endpoint.{}", info.id)),
            });
            area_ids.push(info.id.clone());
        }
        let mut products = Vec::new();
        let mut product_rows = Vec::new();
        for i in 0..self.product_rows() {
            let name = text(&format!("product_name.{i}"));
            let lot = text(&format!("product_lot.{i}"));
            if name.is_none() && lot.is_none() {
                continue;
            }
            products.push(ProductBody { name, lot });
            product_rows.push(i);
        }
        let minutes = text("anaesthetic_minutes").and_then(|m| {
            m.parse::<u32>()
                .map_err(|_| {
                    errors.add(
                        "anaesthetic_minutes",
                        "Enter the minutes as a whole number.",
                    )
                })
                .ok()
        });
        let body = RecordBody {
            device: text("device"),
            cartridge: Some(CartridgeBody {
                lot: text("cartridge_lot"),
                expires: text("cartridge_expires"),
            }),
            anaesthetic: text("anaesthetic"),
            anaesthetic_minutes: minutes,
            areas: Some(areas),
            products: Some(products),
            reactions: text("reactions"),
            notes: text("notes"),
            override_reason: text("override_reason"),
        };
        (body, area_ids, product_rows)
    }

    fn product_rows(&self) -> usize {
        let filled = self
            .fields
            .iter()
            .filter_map(|(n, _)| {
                n.strip_prefix("product_name.")
                    .or(n.strip_prefix("product_lot."))
            })
            .filter_map(|i| i.parse::<usize>().ok())
            .map(|i| i + 1)
            .max()
            .unwrap_or(0);
        // Bounded, so a forged form cannot make the page enormous.
        (filled + SPARE_PRODUCTS).min(40)
    }
}

/// The form input a workflow's field path names (`areas[1].depth_mm` → `depth.cheeks`).
pub fn input_for(field: &str, area_ids: &[String], product_rows: &[usize]) -> String {
    let field = field.strip_prefix("changes.").unwrap_or(field);
    let indexed = |rest: &str| -> Option<(usize, String)> {
        let (i, name) = rest.split_once("].")?;
        Some((i.parse().ok()?, name.to_owned()))
    };
    if let Some((i, name)) = field.strip_prefix("areas[").and_then(indexed) {
        let id = area_ids.get(i).cloned().unwrap_or_default();
        return match name.as_str() {
            "passes" => format!("passes.{id}"),
            "endpoint" => format!("endpoint.{id}"),
            _ => format!("depth.{id}"),
        };
    }
    if let Some((i, name)) = field.strip_prefix("products[").and_then(indexed) {
        let row = product_rows.get(i).copied().unwrap_or(i);
        return format!("product_{name}.{row}");
    }
    field.replace('.', "_")
}

fn number(name: &str, label: &str, value: &str, step: &str, errors: &FieldErrors) -> Markup {
    let aria = FieldAria::new(name, None, errors);
    html! {
        div.field {
            label for=(aria.id) { (label) }
            @if let Some(e) = aria.error { p.error-text id=(aria.error_id) { (e) } }
            input id=(aria.id) type="number" inputmode="decimal" step=(step) min="0" name=(name) value=(value)
                aria-invalid=[aria.error.map(|_| "true")] aria-describedby=[aria.described.as_deref()];
        }
    }
}

fn text_field(name: &str, label: &str, value: &str, kind: &str, errors: &FieldErrors) -> Markup {
    crate::ui::forms::Input {
        name,
        label,
        kind,
        value,
        hint: None,
        required: false,
        autocomplete: None,
    }
    .render(errors)
}

/// The fields of a record (used by the first write and by amendments).
pub fn fields(clinic: &ClinicSnapshot, form: &RecordForm, errors: &FieldErrors) -> Markup {
    let device_aria = FieldAria::new("device", None, errors);
    let endpoint = protocol_endpoint(clinic);
    html! {
        div.field {
            label for=(device_aria.id) { "Device" }
            @if let Some(e) = device_aria.error { p.error-text id=(device_aria.error_id) { (e) } }
            select id=(device_aria.id) name="device" aria-invalid=[device_aria.error.map(|_| "true")] {
                @for d in &clinic.setup.devices {
                    option value=(d.id) selected[form.get("device") == d.id] { (d.name) " (up to " (d.max_depth_mm) " mm)" }
                }
            }
        }
        fieldset {
            legend { "Needle cartridge" }
            (text_field("cartridge_lot", "Lot number", form.get("cartridge_lot"), "text", errors))
            (text_field("cartridge_expires", "Expiry date", form.get("cartridge_expires"), "date", errors))
        }
        fieldset {
            legend { "Topical anaesthetic" }
            (text_field("anaesthetic", "Product", form.get("anaesthetic"), "text", errors))
            (number("anaesthetic_minutes", "Minutes on the skin", form.get("anaesthetic_minutes"), "1", errors))
        }
        h3 { "Areas treated" }
        p.hint { "Fill in the areas you treated; leave the others empty. The plan's maximum is the clinic's, with its caps. A deeper setting needs the reason below." }
        div.record-areas {
            @for a in clinic.plans.areas() {
                fieldset {
                    legend { (a.label) span.small.muted { " · plan up to " (a.depth_mm.max) " mm" } }
                    (number(&format!("depth.{}", a.id), "Depth (mm)", form.get(&format!("depth.{}", a.id)), "0.05", errors))
                    (number(&format!("passes.{}", a.id), "Passes", form.get(&format!("passes.{}", a.id)), "1", errors))
                    (text_field(&format!("endpoint.{}", a.id), "Endpoint reached", form.get(&format!("endpoint.{}", a.id)), "text", errors))
                }
            }
        }
        p.hint { "The clinical endpoint of a pass: " (endpoint) "." }
        h3 { "Products applied" }
        div.record-products {
            @for i in 0..form.product_rows() {
                (text_field(&format!("product_name.{i}"), "Product", form.get(&format!("product_name.{i}")), "text", errors))
                (text_field(&format!("product_lot.{i}"), "Its lot", form.get(&format!("product_lot.{i}")), "text", errors))
            }
        }
        (text_field("reactions", "Immediate reactions", form.get("reactions"), "textarea", errors))
        (text_field("notes", "Notes", form.get("notes"), "textarea", errors))
        (text_field("override_reason", "Reason for a depth above a maximum", form.get("override_reason"), "textarea", errors))
    }
}

/// The clinical endpoint of a pass (clinical reference §1), from the protocol's facts.
fn protocol_endpoint(clinic: &ClinicSnapshot) -> String {
    protocol::Placeholders::new(&clinic.rules, &clinic.plans)
        .resolve("fact:pass_endpoint")
        .map(|f| format!("{} (sources [2], [4], [6])", f.inline()))
        .unwrap_or_default()
}
