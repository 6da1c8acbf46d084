//! A treatment record as sent (every field optional, so each mistake can be named) and as
//! kept once checked against the clinic's devices and plan tables.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use clinic::{ClinicSnapshot, DeviceSetup};

use super::text::{clean, free_text, lot_text, required};
use crate::Refusal;

/// The shallowest depth a record accepts, in mm: the contract's lower bound for input.
pub const MIN_DEPTH_MM: f64 = 0.1;
/// The deepest, in mm: the longest microneedling needles (clinical reference §6).
pub const MAX_DEPTH_MM: f64 = DeviceSetup::MAX_DEPTH_MM;
/// Longest free text (reactions, notes, reasons), in characters.
pub const TEXT_MAX: usize = 4000;
/// Longest lot number or name, in characters.
pub const LOT_MAX: usize = 64;
/// The most passes one area may be given in a record: a bound on input, not a protocol.
pub const PASSES_MAX: u32 = 99;
/// The longest anaesthetic time a record accepts: a day, a bound on input only.
pub const MINUTES_MAX: u32 = 1440;

/// The record as the API and the form send it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cartridge: Option<CartridgeBody>,
    /// The topical anaesthetic's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anaesthetic: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anaesthetic_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub areas: Option<Vec<AreaBody>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub products: Option<Vec<ProductBody>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reactions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Why a depth goes beyond the plan's or the device's maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_reason: Option<String>,
}

/// The needle cartridge: its lot and expiry date (`YYYY-MM-DD`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CartridgeBody {
    #[serde(default)]
    pub lot: Option<String>,
    #[serde(default)]
    pub expires: Option<String>,
}

/// One area treated.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaBody {
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub depth_mm: Option<f64>,
    #[serde(default)]
    pub passes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
}

/// A product applied, with its lot when it has one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductBody {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lot: Option<String>,
}

/// A checked record, as stored and shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TreatmentRecord {
    pub device: String,
    pub device_name: String,
    pub cartridge: Cartridge,
    pub anaesthetic: Option<String>,
    pub anaesthetic_minutes: Option<u32>,
    pub areas: Vec<AreaTreated>,
    pub products: Vec<Product>,
    pub reactions: Option<String>,
    pub notes: Option<String>,
    pub override_reason: Option<String>,
}

/// A cartridge's lot and expiry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cartridge {
    pub lot: String,
    pub expires: Date,
}

/// One area as treated, with the limits that held when it was written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AreaTreated {
    pub area: String,
    pub depth_mm: f64,
    pub passes: u32,
    pub endpoint: Option<String>,
    /// The clinic's plan maximum for the area, with its caps, in mm.
    pub plan_max_mm: f64,
    /// The device's maximum, in mm.
    pub device_max_mm: f64,
}

impl AreaTreated {
    /// Whether the depth went beyond a maximum, which the record's reason explains.
    pub fn above_limit(&self) -> bool {
        self.depth_mm > self.plan_max_mm.min(self.device_max_mm) + 1e-9
    }
}

/// A product applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub name: String,
    pub lot: Option<String>,
}

impl TreatmentRecord {
    /// The record in the shape it is sent in: what an amendment's changes apply to.
    pub fn to_body(&self) -> RecordBody {
        RecordBody {
            device: Some(self.device.clone()),
            cartridge: Some(CartridgeBody {
                lot: Some(self.cartridge.lot.clone()),
                expires: Some(self.cartridge.expires.to_string()),
            }),
            anaesthetic: self.anaesthetic.clone(),
            anaesthetic_minutes: self.anaesthetic_minutes,
            areas: Some(
                self.areas
                    .iter()
                    .map(|a| AreaBody {
                        area: Some(a.area.clone()),
                        depth_mm: Some(a.depth_mm),
                        passes: Some(a.passes),
                        endpoint: a.endpoint.clone(),
                    })
                    .collect(),
            ),
            products: Some(
                self.products
                    .iter()
                    .map(|p| ProductBody {
                        name: Some(p.name.clone()),
                        lot: p.lot.clone(),
                    })
                    .collect(),
            ),
            reactions: self.reactions.clone(),
            notes: self.notes.clone(),
            override_reason: self.override_reason.clone(),
        }
    }

    /// Every lot the record names, for recall.
    pub fn lots(&self) -> Vec<store::NewLot> {
        let mut lots = vec![store::NewLot {
            lot: self.cartridge.lot.clone(),
            kind: "cartridge",
        }];
        for p in &self.products {
            if let Some(lot) = &p.lot {
                lots.push(store::NewLot {
                    lot: lot.clone(),
                    kind: "product",
                });
            }
        }
        lots
    }
}

impl RecordBody {
    /// Applies an amendment's changes: each field it names replaces the record's.
    pub fn merged(&self, changes: &RecordBody) -> RecordBody {
        RecordBody {
            device: changes.device.clone().or_else(|| self.device.clone()),
            cartridge: changes.cartridge.clone().or_else(|| self.cartridge.clone()),
            anaesthetic: changes
                .anaesthetic
                .clone()
                .or_else(|| self.anaesthetic.clone()),
            anaesthetic_minutes: changes.anaesthetic_minutes.or(self.anaesthetic_minutes),
            areas: changes.areas.clone().or_else(|| self.areas.clone()),
            products: changes.products.clone().or_else(|| self.products.clone()),
            reactions: changes.reactions.clone().or_else(|| self.reactions.clone()),
            notes: changes.notes.clone().or_else(|| self.notes.clone()),
            override_reason: changes
                .override_reason
                .clone()
                .or_else(|| self.override_reason.clone()),
        }
    }

    /// Only the fields of `self` that differ from `before`: what an amendment changed.
    pub fn changed_from(&self, before: &RecordBody) -> RecordBody {
        fn keep<T: PartialEq + Clone>(new: &Option<T>, old: &Option<T>) -> Option<T> {
            new.as_ref().filter(|n| Some(*n) != old.as_ref()).cloned()
        }
        RecordBody {
            device: keep(&self.device, &before.device),
            cartridge: keep(&self.cartridge, &before.cartridge),
            anaesthetic: keep(&self.anaesthetic, &before.anaesthetic),
            anaesthetic_minutes: keep(&self.anaesthetic_minutes, &before.anaesthetic_minutes),
            areas: keep(&self.areas, &before.areas),
            products: keep(&self.products, &before.products),
            reactions: keep(&self.reactions, &before.reactions),
            notes: keep(&self.notes, &before.notes),
            override_reason: keep(&self.override_reason, &before.override_reason),
        }
    }

    /// Checks every field against the clinic's devices and plan tables for a treatment on
    /// `treated_on`; the first mistake is named by its dotted path under `prefix`.
    pub fn validate(
        &self,
        clinic: &ClinicSnapshot,
        treated_on: Date,
        prefix: &str,
    ) -> Result<TreatmentRecord, Refusal> {
        let at = |field: &str| format!("{prefix}{field}");
        let device_id = required(self.device.as_deref(), &at("device"), "Choose the device.")?;
        let device = clinic
            .setup
            .devices
            .iter()
            .find(|d| d.id == device_id)
            .ok_or_else(|| {
                let known: Vec<&str> = clinic.setup.devices.iter().map(|d| d.id.as_str()).collect();
                Refusal::invalid(
                    at("device"),
                    if known.is_empty() {
                        "The clinic file lists no devices; add one under [[devices]] first."
                            .to_owned()
                    } else {
                        format!(
                            "There is no device \"{device_id}\"; the clinic's devices are: {}.",
                            known.join(", ")
                        )
                    },
                )
            })?;
        let cartridge = self.cartridge.clone().unwrap_or_default();
        let lot = lot_text(cartridge.lot.as_deref(), &at("cartridge.lot"))?.ok_or_else(|| {
            Refusal::invalid(at("cartridge.lot"), "Enter the cartridge's lot number.")
        })?;
        let expires_text = required(
            cartridge.expires.as_deref(),
            &at("cartridge.expires"),
            "Enter the cartridge's expiry date.",
        )?;
        let expires: Date = expires_text.parse().map_err(|_| {
            Refusal::invalid(
                at("cartridge.expires"),
                format!("\"{}\" is not a date; use YYYY-MM-DD.", clean(expires_text)),
            )
        })?;
        if expires < treated_on {
            return Err(Refusal::invalid(
                at("cartridge.expires"),
                format!(
                    "This cartridge expired on {expires}, before the treatment on {treated_on}; use one in date."
                ),
            ));
        }
        if let Some(m) = self.anaesthetic_minutes.filter(|&m| m > MINUTES_MAX) {
            return Err(Refusal::invalid(
                at("anaesthetic_minutes"),
                format!(
                    "{m} minutes is more than a day; enter the minutes the anaesthetic was on."
                ),
            ));
        }
        let plan_areas = clinic.plans.areas();
        let bodies = self.areas.clone().unwrap_or_default();
        if bodies.is_empty() {
            return Err(Refusal::invalid(
                at("areas"),
                "Record at least one area treated.",
            ));
        }
        let reason = free_text(self.override_reason.as_deref(), &at("override_reason"))?;
        let mut areas: Vec<AreaTreated> = Vec::new();
        for (i, a) in bodies.iter().enumerate() {
            let field = |name: &str| at(&format!("areas[{i}].{name}"));
            let id = required(a.area.as_deref(), &field("area"), "Choose the area.")?;
            let info = plan_areas.iter().find(|p| p.id == id).ok_or_else(|| {
                let known: Vec<&str> = plan_areas.iter().map(|p| p.id.as_str()).collect();
                Refusal::invalid(
                    field("area"),
                    format!(
                        "There is no area \"{}\"; the areas are: {}.",
                        clean(id),
                        known.join(", ")
                    ),
                )
            })?;
            if areas.iter().any(|done| done.area == info.id) {
                return Err(Refusal::invalid(
                    field("area"),
                    format!("{} is listed twice; record each area once.", info.label),
                ));
            }
            let depth = a.depth_mm.ok_or_else(|| {
                Refusal::invalid(field("depth_mm"), "Enter the needle depth in mm.")
            })?;
            if !(depth.is_finite() && (MIN_DEPTH_MM..=MAX_DEPTH_MM).contains(&depth)) {
                return Err(Refusal::invalid(
                    field("depth_mm"),
                    format!("The depth must be from {MIN_DEPTH_MM} to {MAX_DEPTH_MM} mm."),
                ));
            }
            let passes = a
                .passes
                .ok_or_else(|| Refusal::invalid(field("passes"), "Enter the number of passes."))?;
            if !(1..=PASSES_MAX).contains(&passes) {
                return Err(Refusal::invalid(
                    field("passes"),
                    format!("The passes must be a whole number from 1 to {PASSES_MAX}."),
                ));
            }
            let treated = AreaTreated {
                area: info.id.clone(),
                depth_mm: depth,
                passes,
                endpoint: free_text(a.endpoint.as_deref(), &field("endpoint"))?,
                plan_max_mm: info.depth_mm.max,
                device_max_mm: device.max_depth_mm,
            };
            if treated.above_limit() && reason.is_none() {
                let mut over = Vec::new();
                if depth > info.depth_mm.max + 1e-9 {
                    over.push(format!(
                        "the clinic's plan maximum for {} ({} mm)",
                        info.label.to_lowercase(),
                        info.depth_mm.max
                    ));
                }
                if depth > device.max_depth_mm + 1e-9 {
                    over.push(format!(
                        "the maximum of {} ({} mm)",
                        device.name, device.max_depth_mm
                    ));
                }
                return Err(Refusal::invalid(
                    field("depth_mm"),
                    format!(
                        "{depth} mm is deeper than {}; write the reason in override_reason to record it.",
                        over.join(" and ")
                    ),
                ));
            }
            areas.push(treated);
        }
        let mut products = Vec::new();
        for (i, p) in self.products.clone().unwrap_or_default().iter().enumerate() {
            let field = |name: &str| at(&format!("products[{i}].{name}"));
            let name = free_text(p.name.as_deref(), &field("name"))?
                .ok_or_else(|| Refusal::invalid(field("name"), "Enter the product's name."))?;
            if name.chars().count() > 200 {
                return Err(Refusal::invalid(
                    field("name"),
                    "Keep the product's name under 200 characters.",
                ));
            }
            products.push(Product {
                name,
                lot: lot_text(p.lot.as_deref(), &field("lot"))?,
            });
        }
        Ok(TreatmentRecord {
            device: device.id.clone(),
            device_name: device.name.clone(),
            cartridge: Cartridge { lot, expires },
            anaesthetic: free_text(self.anaesthetic.as_deref(), &at("anaesthetic"))?,
            anaesthetic_minutes: self.anaesthetic_minutes,
            areas,
            products,
            reactions: free_text(self.reactions.as_deref(), &at("reactions"))?,
            notes: free_text(self.notes.as_deref(), &at("notes"))?,
            override_reason: reason,
        })
    }
}
