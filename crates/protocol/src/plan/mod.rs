//! Treatment plans: needle depth per area, number of sessions and interval, with sources.

mod build;
mod course;
mod tables;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{OverrideError, sources::Sources};

/// An inclusive range of whole numbers (sessions, weeks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeU32 {
    /// Lower bound.
    pub min: u32,
    /// Upper bound.
    pub max: u32,
}

/// An inclusive range of needle depths in millimetres.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RangeMm {
    /// Shallowest depth.
    pub min: f64,
    /// Deepest depth.
    pub max: f64,
}

/// What a client wants treated (`POST /plans`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct PlanRequest {
    /// Concern ids, e.g. `"acne_scars"`.
    pub concerns: Vec<String>,
    /// Area ids, e.g. `"cheeks"`.
    pub areas: Vec<String>,
    /// Fitzpatrick skin type, 1 to 6.
    pub fitzpatrick: u8,
}

/// A suggested course of treatment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    /// Needle depth per requested area, in request order.
    pub areas: Vec<AreaPlan>,
    /// Number of sessions in the course.
    pub sessions: RangeU32,
    /// Weeks between sessions.
    pub interval_weeks: RangeU32,
    /// Every note, area notes included, each ending with its citations (e.g. `"[17]"`).
    pub notes: Vec<String>,
    /// The distinct sources this plan relies on, e.g. `"SkinPen Precision instructions for use [17]"`.
    pub sources: Vec<String>,
}

/// The needle depth for one area.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AreaPlan {
    /// Area id.
    pub area: String,
    /// Depth range in mm.
    pub depth_mm: RangeMm,
    /// Notes that concern this area only (also listed in [`Plan::notes`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A treatable area, for forms and pages.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AreaInfo {
    /// Area id, e.g. `"upper_lip"`.
    pub id: String,
    /// Display name, e.g. "Upper lip".
    pub label: String,
    /// The area's depth range in mm (after any clinic cap).
    pub depth_mm: RangeMm,
    /// `"face"` or `"body"`.
    pub region: String,
}

pub use course::CourseMinimum;

/// A clinic's changes to the plan tables.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct PlanOverrides {
    /// The deepest needle the clinic uses per area id, in mm.
    #[serde(default)]
    pub max_depth_mm: BTreeMap<String, f64>,
    /// The share of each area's depth range a darker skin type (Fitzpatrick IV–VI) gets;
    /// `None` keeps the default (0.5, the lower half).
    #[serde(default)]
    pub darker_skin_depth_share: Option<f64>,
    /// The deepest the clinic's devices go (`[[devices]]` `max_depth_mm`); no plan goes deeper.
    #[serde(default)]
    pub device_max_mm: Option<f64>,
}

/// An invalid plan request; `field` is `"concerns"`, `"areas"`, `"fitzpatrick"`, `"concerns[2]"`…
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct PlanError {
    /// Which input is wrong.
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
}

/// The area, indication and note tables plans are built from.
#[derive(Clone, Debug)]
pub struct PlanTables {
    version: String,
    /// Share of an area's range a darker skin type gets (0.5: the lower half).
    darker_skin_share: f64,
    /// The depth beyond which the device label says safety was not evaluated [17].
    label_depth: f64,
    /// The deepest the clinic's devices go.
    device_max: Option<f64>,
    general: tables::Dosing,
    general_sources: Vec<String>,
    areas: Vec<tables::Area>,
    concerns: Vec<tables::Concern>,
    notes: BTreeMap<String, tables::Note>,
    sources: Sources,
    /// Service area (`face`, `body`, `scalp`) to the shortest sourced interval of a course.
    course_minimum: BTreeMap<String, CourseMinimum>,
}

impl PlanTables {
    /// The tables shipped in `data/plans.toml`.
    pub fn builtin() -> PlanTables {
        PlanTables::from_toml(include_str!("../../data/plans.toml"))
            .unwrap_or_else(|e| panic!("data/plans.toml: {e}"))
    }

    /// The tables' version, suffixed `+clinic` once a clinic override applies.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Concerns the plan offers, as `(id, label)`, in display order. Concerns with no sourced
    /// protocol are left out, though a plan request may still name them.
    pub fn concerns(&self) -> Vec<(String, String)> {
        self.concerns
            .iter()
            .filter(|c| c.offered)
            .map(|c| (c.id.clone(), c.label.clone()))
            .collect()
    }

    /// Areas with their depth range and region, in display order.
    pub fn areas(&self) -> Vec<AreaInfo> {
        self.areas
            .iter()
            .map(|a| AreaInfo {
                id: a.id.clone(),
                label: a.label.clone(),
                depth_mm: match self.device_max {
                    Some(max) => RangeMm {
                        min: a.capped_depth().min.min(max),
                        max: a.capped_depth().max.min(max),
                    },
                    None => a.capped_depth(),
                },
                region: a.region.clone(),
            })
            .collect()
    }

    /// Applies a clinic's depth caps. Errors name the field, e.g. `plans.max_depth_mm.cheeks`.
    pub fn with_overrides(
        mut self,
        overrides: &PlanOverrides,
    ) -> Result<PlanTables, OverrideError> {
        let known: Vec<&str> = self.areas.iter().map(|a| a.id.as_str()).collect();
        let known = known.join(", ");
        for (id, &cap) in &overrides.max_depth_mm {
            let field = format!("plans.max_depth_mm.{id}");
            let area = self.areas.iter_mut().find(|a| a.id == *id).ok_or_else(|| {
                OverrideError::new(
                    &field,
                    format!("There is no area \"{id}\"; the areas are: {known}."),
                )
            })?;
            if !(cap.is_finite() && cap > 0.0) {
                return Err(OverrideError::new(
                    field,
                    "The maximum depth must be a positive number of millimetres.",
                ));
            }
            area.cap = Some(area.cap.map_or(cap, |c| c.min(cap)));
        }
        if let Some(share) = overrides.darker_skin_depth_share {
            if !(share.is_finite() && share > 0.0 && share <= 1.0) {
                return Err(OverrideError::new(
                    "plans.darker_skin_depth_share",
                    "The share of each area's depth range must be above 0 and at most 1 (0.5 keeps to the lower half).",
                ));
            }
            self.darker_skin_share = share;
        }
        if let Some(max) = overrides.device_max_mm {
            if !(max.is_finite() && max > 0.0) {
                return Err(OverrideError::new(
                    "devices",
                    "A device's maximum depth must be a positive number of millimetres.",
                ));
            }
            self.device_max = Some(max);
        }
        let changed =
            !overrides.max_depth_mm.is_empty() || overrides.darker_skin_depth_share.is_some();
        if changed && !self.version.ends_with("+clinic") {
            self.version.push_str("+clinic");
        }
        Ok(self)
    }
}
