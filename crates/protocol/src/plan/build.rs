//! Building a plan from a request.

use std::collections::BTreeSet;

use super::tables::Concern;
use super::{AreaPlan, Plan, PlanError, PlanRequest, PlanTables, RangeMm, RangeU32};
use crate::sources::citation_order;

/// Notes and source keys gathered while building a plan.
#[derive(Default)]
struct Gathered {
    notes: Vec<String>,
    keys: BTreeSet<String>,
}

impl PlanTables {
    /// Builds a plan: per area, the union of the concerns' indication depths clamped into the
    /// area's published range and capped by the clinic; sessions and interval from the
    /// indications (or the general course), with notes and the sources used.
    pub fn plan(&self, req: &PlanRequest) -> Result<Plan, PlanError> {
        let concerns = pick(&req.concerns, "concerns", "concern", &self.concerns, |c| {
            &c.id
        })?;
        let areas = pick(&req.areas, "areas", "area", &self.areas, |a| &a.id)?;
        if !(1..=6).contains(&req.fitzpatrick) {
            return Err(PlanError {
                field: "fitzpatrick".into(),
                message: "The Fitzpatrick skin type must be from 1 to 6.".into(),
            });
        }

        let mut g = Gathered::default();
        let (offered, unsourced): (Vec<&Concern>, Vec<&Concern>) =
            concerns.iter().partition(|c| c.offered);
        let (dosed, undosed): (Vec<&Concern>, Vec<&Concern>) =
            offered.iter().partition(|c| c.dosing.is_some());

        let mut sessions: Option<RangeU32> = None;
        let mut interval: Option<RangeU32> = None;
        let mut depth: Option<RangeMm> = None;
        if !unsourced.is_empty() {
            let labels: Vec<String> = unsourced.iter().map(|c| c.label.to_lowercase()).collect();
            self.note(&mut g, "unsourced", &[("concerns", &words(&labels))]);
        }
        let general_only = offered.is_empty();
        if general_only {
            // Only unsourced concerns: the general course, and each area's own range.
            sessions = Some(self.general.sessions);
            interval = Some(self.general.interval);
            g.keys.extend(self.general_sources.iter().cloned());
        }
        for c in &offered {
            let dosing = c.dosing.as_ref().unwrap_or(&self.general);
            sessions = Some(combine(sessions, dosing.sessions));
            interval = Some(combine(interval, dosing.interval));
            if let Some(d) = dosing.depth {
                depth = Some(union(depth, d));
            }
            g.keys.extend(c.sources.iter().cloned());
            for id in &c.notes {
                self.note(&mut g, id, &[]);
            }
            if let Some((alt_sessions, alt_interval)) = c.alternative {
                self.note(
                    &mut g,
                    "alternative_course",
                    &[
                        ("concern", &c.label),
                        ("sessions", &span(alt_sessions)),
                        ("weeks", &span(alt_interval)),
                    ],
                );
            }
        }
        if !undosed.is_empty() {
            g.keys.extend(self.general_sources.iter().cloned());
            let labels: Vec<String> = undosed.iter().map(|c| c.label.to_lowercase()).collect();
            self.note(&mut g, "no_dosing", &[("concerns", &words(&labels))]);
        }

        let mut area_plans = Vec::new();
        let mut area_intervals: Vec<RangeU32> = Vec::new();
        for a in &areas {
            let before = g.notes.len();
            let like = a.like.as_deref().unwrap_or_default().to_lowercase();
            for id in &a.notes {
                self.note(&mut g, id, &[("area", &a.label), ("like", &like)]);
            }
            let wanted = match depth {
                _ if general_only => a.depth,
                Some(d) if undosed.is_empty() => d,
                Some(d) => union(Some(d), a.depth),
                None => a.depth,
            };
            if wanted.max < a.depth.min || wanted.min > a.depth.max {
                let labels: Vec<String> = dosed.iter().map(|c| c.label.to_lowercase()).collect();
                self.note(
                    &mut g,
                    "outside_area_range",
                    &[
                        ("area", &a.label),
                        ("concerns", &words(&labels)),
                        ("min", &mm(a.depth.min)),
                        ("max", &mm(a.depth.max)),
                    ],
                );
            }
            let mut d = RangeMm {
                min: wanted.min.clamp(a.depth.min, a.depth.max),
                max: wanted.max.clamp(a.depth.min, a.depth.max),
            };
            if let Some(cap) = a.cap.filter(|&cap| cap < d.max) {
                d = RangeMm {
                    min: d.min.min(cap),
                    max: cap,
                };
                self.note(
                    &mut g,
                    "clinic_cap",
                    &[("area", &a.label), ("cap", &mm(cap))],
                );
            }
            if req.fitzpatrick >= 4 {
                let cap = self.darker_skin_cap(a.depth);
                if cap < d.max {
                    d = RangeMm {
                        min: d.min.min(cap),
                        max: cap,
                    };
                    self.note(
                        &mut g,
                        "darker_skin_cap",
                        &[("area", &a.label), ("cap", &mm(cap))],
                    );
                }
            }
            if let Some(cap) = self.device_max.filter(|&cap| cap < d.max) {
                d = RangeMm {
                    min: d.min.min(cap),
                    max: cap,
                };
                self.note(
                    &mut g,
                    "device_cap",
                    &[("area", &a.label), ("cap", &mm(cap))],
                );
            }
            if d.max > self.label_depth {
                self.note(
                    &mut g,
                    "beyond_label_depth",
                    &[("area", &a.label), ("cap", &mm(self.label_depth))],
                );
            }
            if let Some((weeks, keys)) = &a.interval {
                area_intervals.push(*weeks);
                g.keys.extend(keys.iter().cloned());
                self.note(
                    &mut g,
                    "area_interval",
                    &[
                        ("area", &a.label),
                        ("min", &weeks.min.to_string()),
                        ("max", &weeks.max.to_string()),
                    ],
                );
            }
            g.keys.extend(a.sources.iter().cloned());
            let own = &g.notes[before..];
            area_plans.push(AreaPlan {
                area: a.id.clone(),
                depth_mm: d,
                note: (!own.is_empty()).then(|| own.join(" ")),
            });
        }

        if req.fitzpatrick >= 4 {
            self.note(&mut g, "fitzpatrick_iv_vi", &[]);
        }
        self.note(&mut g, "maintenance", &[]);

        let mut interval = interval.expect("at least one concern");
        for weeks in area_intervals {
            interval = RangeU32 {
                min: interval.min.clamp(weeks.min, weeks.max),
                max: interval.max.clamp(weeks.min, weeks.max),
            };
        }
        let mut sources: Vec<String> = g
            .keys
            .iter()
            .map(|k| self.sources.cite(k).expect("checked at load"))
            .collect();
        sources.sort_by_key(|c| citation_order(c));
        Ok(Plan {
            areas: area_plans,
            sessions: sessions.expect("at least one concern"),
            interval_weeks: interval,
            notes: g.notes,
            sources,
        })
    }

    /// The deepest a darker skin type gets in an area: the configured share of its range,
    /// rounded down to 0.05 mm so it never exceeds that share.
    fn darker_skin_cap(&self, range: RangeMm) -> f64 {
        let cap = range.min + self.darker_skin_share * (range.max - range.min);
        ((cap * 20.0 + 1e-9).floor() / 20.0).max(range.min)
    }

    /// Adds note `id` with `{name}` placeholders filled and its citations appended.
    fn note(&self, g: &mut Gathered, id: &str, vars: &[(&str, &str)]) {
        let note = &self.notes[id];
        let mut text = note.text.clone();
        for (name, value) in vars {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        if !note.sources.is_empty() {
            text.push(' ');
            for k in &note.sources {
                text.push_str(&format!("[{k}]"));
            }
        }
        g.keys.extend(note.sources.iter().cloned());
        if !g.notes.contains(&text) {
            g.notes.push(text);
        }
    }
}

/// Looks up requested ids (deduplicated, in request order); errors name `field` or `field[i]`.
fn pick<'a, T>(
    ids: &[String],
    field: &str,
    what: &str,
    table: &'a [T],
    id_of: impl Fn(&T) -> &String,
) -> Result<Vec<&'a T>, PlanError> {
    if ids.is_empty() {
        return Err(PlanError {
            field: field.into(),
            message: format!("Choose at least one {what}."),
        });
    }
    let mut picked: Vec<&T> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let item = table.iter().find(|t| id_of(t) == id).ok_or_else(|| {
            let known: Vec<&str> = table.iter().map(|t| id_of(t).as_str()).collect();
            PlanError {
                field: format!("{field}[{i}]"),
                message: format!(
                    "Unknown {what} \"{id}\"; choose from: {}.",
                    known.join(", ")
                ),
            }
        })?;
        if !picked.iter().any(|p| id_of(p) == id) {
            picked.push(item);
        }
    }
    Ok(picked)
}

/// Several courses: the largest minimum and the largest maximum.
fn combine(acc: Option<RangeU32>, r: RangeU32) -> RangeU32 {
    match acc {
        None => r,
        Some(a) => RangeU32 {
            min: a.min.max(r.min),
            max: a.max.max(r.max),
        },
    }
}

fn union(acc: Option<RangeMm>, r: RangeMm) -> RangeMm {
    match acc {
        None => r,
        Some(a) => RangeMm {
            min: a.min.min(r.min),
            max: a.max.max(r.max),
        },
    }
}

/// "a", "a and b", "a, b and c".
fn words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "4" or "4–6".
fn span(r: RangeU32) -> String {
    if r.min == r.max {
        r.min.to_string()
    } else {
        format!("{}–{}", r.min, r.max)
    }
}

/// Millimetres for text: 2.0 → "2.0", 0.75 → "0.75".
fn mm(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.1}")
    } else {
        format!("{x}")
    }
}
