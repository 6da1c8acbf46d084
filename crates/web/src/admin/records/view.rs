//! A treatment record as a page shows it: the record as it stands, who wrote and signed
//! it, each amendment (who, when, why, what changed), and the original as signed.

use std::collections::HashMap;

use clinic::ClinicSnapshot;
use jiff::Timestamp;
use maud::{Markup, html};
use service::{RecordBody, RecordView, TreatmentRecord};

fn when(clinic: &ClinicSnapshot, t: Timestamp) -> String {
    clinic.when(&t.to_zoned_datetime(clinic.timezone.clone()))
}

fn name<'a>(names: &'a HashMap<String, String>, id: &'a str) -> &'a str {
    names.get(id).map_or(id, String::as_str)
}

fn area_label(clinic: &ClinicSnapshot, id: &str) -> String {
    clinic
        .plans
        .areas()
        .into_iter()
        .find(|a| a.id == id)
        .map_or_else(|| id.to_owned(), |a| a.label)
}

/// One record's content.
pub fn record(clinic: &ClinicSnapshot, r: &TreatmentRecord) -> Markup {
    html! {
        dl.summary {
            dt { "Device" } dd { (r.device_name) " (" (r.device) ")" }
            dt { "Cartridge lot" } dd { strong { (r.cartridge.lot) } " · expires " (r.cartridge.expires) }
            dt { "Topical anaesthetic" } dd {
                (r.anaesthetic.as_deref().unwrap_or("not recorded"))
                @if let Some(m) = r.anaesthetic_minutes { " · " (m) " minutes" }
            }
        }
        table.recall-table {
            thead { tr { th { "Area" } th { "Depth" } th { "Passes" } th { "Endpoint" } th { "Limits" } } }
            tbody {
                @for a in &r.areas {
                    tr.record-over[a.above_limit()] {
                        td { (area_label(clinic, &a.area)) }
                        td { (a.depth_mm) " mm" }
                        td { (a.passes) }
                        td { (a.endpoint.as_deref().unwrap_or("")) }
                        td {
                            "plan " (a.plan_max_mm) " mm, device " (a.device_max_mm) " mm"
                            @if a.above_limit() { br; strong { "Above a maximum" } }
                        }
                    }
                }
            }
        }
        @if let Some(reason) = &r.override_reason {
            p.record-over { strong { "Reason for a depth above a maximum: " } (reason) }
        }
        @if !r.products.is_empty() {
            h3 { "Products applied" }
            ul { @for p in &r.products { li { (p.name) @if let Some(lot) = &p.lot { " · lot " (lot) } } } }
        }
        @if let Some(x) = &r.reactions { h3 { "Immediate reactions" } p { (x) } }
        @if let Some(x) = &r.notes { h3 { "Notes" } p { (x) } }
    }
}

/// What an amendment changed, field by field, in words.
fn changes(clinic: &ClinicSnapshot, body: &RecordBody) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = &body.device {
        out.push(format!("device: {d}"));
    }
    if let Some(c) = &body.cartridge {
        out.push(format!(
            "cartridge: lot {}, expires {}",
            c.lot.as_deref().unwrap_or("–"),
            c.expires.as_deref().unwrap_or("–")
        ));
    }
    if let Some(a) = &body.anaesthetic {
        out.push(format!("anaesthetic: {a}"));
    }
    if let Some(m) = body.anaesthetic_minutes {
        out.push(format!("anaesthetic minutes: {m}"));
    }
    if let Some(areas) = &body.areas {
        let list: Vec<String> = areas
            .iter()
            .map(|a| {
                format!(
                    "{} {} mm × {}",
                    a.area
                        .as_deref()
                        .map_or_else(|| "?".to_owned(), |id| area_label(clinic, id)),
                    a.depth_mm.map_or("?".into(), |d| d.to_string()),
                    a.passes.map_or("?".into(), |p| p.to_string())
                )
            })
            .collect();
        out.push(format!("areas: {}", list.join("; ")));
    }
    if let Some(products) = &body.products {
        let list: Vec<String> = products
            .iter()
            .map(|p| {
                format!(
                    "{}{}",
                    p.name.as_deref().unwrap_or("?"),
                    p.lot
                        .as_deref()
                        .map_or(String::new(), |l| format!(" (lot {l})"))
                )
            })
            .collect();
        out.push(format!("products: {}", list.join("; ")));
    }
    for (label, value) in [
        ("reactions", &body.reactions),
        ("notes", &body.notes),
        ("reason for depth", &body.override_reason),
    ] {
        if let Some(v) = value {
            out.push(format!("{label}: {v}"));
        }
    }
    out
}

/// The record with its history: as it stands, then each amendment, then the original.
pub fn history(
    clinic: &ClinicSnapshot,
    view: &RecordView,
    names: &HashMap<String, String>,
) -> Markup {
    html! {
        p {
            "Written by " (name(names, &view.written_by)) " on " (when(clinic, view.written_at)) ". "
            @if let (Some(by), Some(at)) = (&view.signed_by, view.signed_at) {
                strong { "Signed off by " (name(names, by)) " on " (when(clinic, at)) "." }
            } @else {
                strong { "Not signed off yet." }
            }
        }
        (record(clinic, &view.current))
        @if !view.amendments.is_empty() {
            h3 { "Amendments" }
            ol {
                @for a in &view.amendments {
                    li {
                        (name(names, &a.amended_by)) " on " (when(clinic, a.amended_at)) ": " (a.reason)
                        ul { @for c in changes(clinic, &a.changes) { li { (c) } } }
                    }
                }
            }
            details {
                summary { "The record as first signed" }
                (record(clinic, &view.original))
            }
        }
    }
}
