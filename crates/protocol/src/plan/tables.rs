//! Loading and checking `data/plans.toml`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::{PlanTables, RangeMm, RangeU32};
use crate::sources::Sources;

/// Sessions, interval and depth of an indication (or of the general course, depth unused).
#[derive(Clone, Debug)]
pub(super) struct Dosing {
    pub(super) depth: Option<RangeMm>,
    pub(super) sessions: RangeU32,
    pub(super) interval: RangeU32,
}

#[derive(Clone, Debug)]
pub(super) struct Area {
    pub(super) id: String,
    pub(super) label: String,
    pub(super) region: String,
    pub(super) depth: RangeMm,
    /// Source keys of the depth.
    pub(super) sources: Vec<String>,
    /// Note ids that always apply.
    pub(super) notes: Vec<String>,
    /// Label of the area whose depth this one borrows.
    pub(super) like: Option<String>,
    /// The clinic's maximum depth.
    pub(super) cap: Option<f64>,
    /// Weeks between sessions the sources give for this area, with their keys.
    pub(super) interval: Option<(RangeU32, Vec<String>)>,
}

impl Area {
    pub(super) fn capped_depth(&self) -> RangeMm {
        match self.cap {
            Some(cap) => RangeMm {
                min: self.depth.min.min(cap),
                max: self.depth.max.min(cap),
            },
            None => self.depth,
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct Concern {
    pub(super) id: String,
    pub(super) label: String,
    /// `None`: no published dosing, so the general course applies.
    pub(super) dosing: Option<Dosing>,
    pub(super) sources: Vec<String>,
    pub(super) notes: Vec<String>,
    /// A second sourced course (sessions, interval), offered in a note.
    pub(super) alternative: Option<(RangeU32, RangeU32)>,
    /// Whether the plan form offers it; `false` when no source stands behind it.
    pub(super) offered: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Note {
    pub(super) text: String,
    pub(super) sources: Vec<String>,
}

/// Notes the plan builder uses by id.
pub(super) const BUILDER_NOTES: [&str; 11] = [
    "no_dosing",
    "outside_area_range",
    "clinic_cap",
    "fitzpatrick_iv_vi",
    "maintenance",
    "darker_skin_cap",
    "device_cap",
    "beyond_label_depth",
    "unsourced",
    "alternative_course",
    "area_interval",
];

/// A sourced number with its source keys.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DarkerSkinData {
    depth_share: f64,
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelData {
    evaluated_depth_mm: f64,
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AlternativeData {
    sessions: [u32; 2],
    interval_weeks: [u32; 2],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlansFile {
    version: String,
    darker_skin: DarkerSkinData,
    label: LabelData,
    general: GeneralData,
    areas: Vec<AreaData>,
    concerns: Vec<ConcernData>,
    notes: BTreeMap<String, Note>,
    course_minimum: BTreeMap<String, CourseMinimumData>,
}

/// The shortest sourced interval between sessions for one service area.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CourseMinimumData {
    weeks: u32,
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GeneralData {
    sessions: [u32; 2],
    interval_weeks: [u32; 2],
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AreaData {
    id: String,
    label: String,
    region: String,
    #[serde(default)]
    depth_mm: Option<[f64; 2]>,
    #[serde(default)]
    same_as: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    interval_weeks: Option<[u32; 2]>,
    #[serde(default)]
    interval_sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConcernData {
    id: String,
    label: String,
    #[serde(default)]
    depth_mm: Option<[f64; 2]>,
    #[serde(default)]
    sessions: Option<[u32; 2]>,
    #[serde(default)]
    interval_weeks: Option<[u32; 2]>,
    sources: Vec<String>,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    alternative: Option<AlternativeData>,
    #[serde(default = "yes")]
    offered: bool,
}

fn yes() -> bool {
    true
}

fn mm([min, max]: [f64; 2]) -> Result<RangeMm, String> {
    if min > 0.0 && min <= max && max <= 3.0 {
        Ok(RangeMm { min, max })
    } else {
        Err(format!("bad depth range [{min}, {max}]"))
    }
}

fn count([min, max]: [u32; 2]) -> Result<RangeU32, String> {
    if min > 0 && min <= max {
        Ok(RangeU32 { min, max })
    } else {
        Err(format!("bad range [{min}, {max}]"))
    }
}

impl PlanTables {
    /// Loads and checks a plan-tables file (the format of `data/plans.toml`).
    pub(super) fn from_toml(text: &str) -> Result<PlanTables, String> {
        let file: PlansFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let sources = Sources::builtin();
        let check_sources = |what: &str, keys: &[String]| {
            sources
                .cite_all(keys)
                .map(drop)
                .map_err(|e| format!("{what}: {e}"))
        };
        let check_notes = |what: &str, ids: &[String]| match ids
            .iter()
            .find(|id| !file.notes.contains_key(*id))
        {
            Some(id) => Err(format!("{what}: unknown note {id}")),
            None => Ok(()),
        };
        for id in BUILDER_NOTES {
            if !file.notes.contains_key(id) {
                return Err(format!("missing note {id}"));
            }
        }
        for (id, note) in &file.notes {
            check_sources(&format!("note {id}"), &note.sources)?;
        }

        let general = Dosing {
            depth: None,
            sessions: count(file.general.sessions)?,
            interval: count(file.general.interval_weeks)?,
        };
        check_sources("general", &file.general.sources)?;
        if file.general.sources.is_empty() {
            return Err("general: cites no source".into());
        }

        let mut ids = BTreeSet::new();
        let mut areas = Vec::new();
        for a in &file.areas {
            let ctx = |m: String| format!("area {}: {m}", a.id);
            if !ids.insert(a.id.clone()) {
                return Err(ctx("listed twice".into()));
            }
            if a.region != "face" && a.region != "body" {
                return Err(ctx(format!(
                    "region must be face or body, not {}",
                    a.region
                )));
            }
            check_notes(&a.id, &a.notes)?;
            let (depth, sources, like) = match (&a.depth_mm, &a.same_as) {
                (Some(d), None) => (mm(*d).map_err(ctx)?, a.sources.clone(), None),
                (None, Some(other)) => {
                    let o = file
                        .areas
                        .iter()
                        .find(|o| o.id == *other && o.depth_mm.is_some())
                        .ok_or_else(|| ctx(format!("same_as {other} has no depth of its own")))?;
                    if !a.sources.is_empty() {
                        return Err(ctx("same_as borrows the other area's sources".into()));
                    }
                    let depth = mm(o.depth_mm.unwrap_or_default()).map_err(ctx)?;
                    (depth, o.sources.clone(), Some(o.label.clone()))
                }
                _ => return Err(ctx("needs either depth_mm or same_as".into())),
            };
            if sources.is_empty() {
                return Err(ctx("cites no source".into()));
            }
            check_sources(&a.id, &sources)?;
            let interval = match a.interval_weeks {
                None => None,
                Some(i) => {
                    if a.interval_sources.is_empty() {
                        return Err(ctx("its interval cites no source".into()));
                    }
                    check_sources(&a.id, &a.interval_sources)?;
                    Some((count(i).map_err(ctx)?, a.interval_sources.clone()))
                }
            };
            areas.push(Area {
                id: a.id.clone(),
                label: a.label.clone(),
                region: a.region.clone(),
                depth,
                sources,
                notes: a.notes.clone(),
                like,
                cap: None,
                interval,
            });
        }

        let mut concerns = Vec::new();
        for c in &file.concerns {
            let ctx = |m: String| format!("concern {}: {m}", c.id);
            if concerns.iter().any(|o: &Concern| o.id == c.id) {
                return Err(ctx("listed twice".into()));
            }
            check_sources(&c.id, &c.sources)?;
            check_notes(&c.id, &c.notes)?;
            let dosing = match (c.depth_mm, c.sessions, c.interval_weeks) {
                (Some(d), Some(s), Some(i)) => Some(Dosing {
                    depth: Some(mm(d).map_err(ctx)?),
                    sessions: count(s).map_err(ctx)?,
                    interval: count(i).map_err(ctx)?,
                }),
                (None, None, None) => None,
                _ => {
                    return Err(ctx(
                        "give depth_mm, sessions and interval_weeks together".into()
                    ));
                }
            };
            if dosing.is_some() && c.sources.is_empty() {
                return Err(ctx("its dosing cites no source".into()));
            }
            if c.offered == c.sources.is_empty() {
                return Err(ctx(
                    "a concern is offered exactly when it cites a source".into()
                ));
            }
            let alternative = match &c.alternative {
                Some(alt) if dosing.is_some() => Some((
                    count(alt.sessions).map_err(ctx)?,
                    count(alt.interval_weeks).map_err(ctx)?,
                )),
                Some(_) => return Err(ctx("an alternative needs a dosed concern".into())),
                None => None,
            };
            concerns.push(Concern {
                id: c.id.clone(),
                label: c.label.clone(),
                dosing,
                sources: c.sources.clone(),
                notes: c.notes.clone(),
                alternative,
                offered: c.offered,
            });
        }

        let share = file.darker_skin.depth_share;
        if !(share > 0.0 && share <= 1.0) {
            return Err(format!(
                "darker_skin.depth_share must be above 0 and at most 1, not {share}"
            ));
        }
        check_sources("darker_skin", &file.darker_skin.sources)?;
        check_sources("label", &file.label.sources)?;
        if file.darker_skin.sources.is_empty() || file.label.sources.is_empty() {
            return Err("darker_skin and label cite their sources".into());
        }
        let mut course_minimum = BTreeMap::new();
        for (area, m) in &file.course_minimum {
            if m.weeks == 0 || m.sources.is_empty() {
                return Err(format!(
                    "course_minimum.{area}: needs a number of weeks above 0 and its sources"
                ));
            }
            let cited = sources
                .cite_all(&m.sources)
                .map_err(|e| format!("course_minimum.{area}: {e}"))?;
            course_minimum.insert(
                area.clone(),
                super::CourseMinimum {
                    weeks: m.weeks,
                    keys: m.sources.clone(),
                    sources: cited,
                },
            );
        }
        Ok(PlanTables {
            course_minimum,
            darker_skin_share: share,
            label_depth: file.label.evaluated_depth_mm,
            device_max: None,
            version: file.version,
            general,
            general_sources: file.general.sources,
            areas,
            concerns,
            notes: file.notes,
            sources,
        })
    }
}
