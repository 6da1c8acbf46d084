//! The shortest interval a course may keep between two sessions, from the plan tables.

use serde::Serialize;

use super::PlanTables;

/// The shortest interval the sources give between two sessions of a course, for one
/// service area: courses are proposed, booked and moved no closer than this.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CourseMinimum {
    /// Whole weeks from one session to the next, at least.
    pub weeks: u32,
    /// Source keys, e.g. `["6", "25", "26"]`, for short citations like `[6][25][26]`.
    pub keys: Vec<String>,
    /// Full citations, e.g. `"SkinPen Precision instructions for use [17]"`.
    pub sources: Vec<String>,
}

impl CourseMinimum {
    /// Days from one session to the next, at least.
    pub fn days(&self) -> u32 {
        self.weeks.saturating_mul(7)
    }

    /// `"[6][25][26]"`: the keys as a page or a refusal cites them.
    pub fn cite(&self) -> String {
        self.keys.iter().map(|k| format!("[{k}]")).collect()
    }
}

impl PlanTables {
    /// The minimum interval of a course treating all of `areas` (service areas: `face`,
    /// `body`, `scalp`): the longest of their minimums, so every area keeps to its own.
    /// An empty list is a face treatment, as screening reads it. `None` when an area has
    /// no sourced minimum.
    pub fn course_minimum<'a>(
        &self,
        areas: impl IntoIterator<Item = &'a str>,
    ) -> Option<CourseMinimum> {
        let mut areas: Vec<&str> = areas.into_iter().collect();
        if areas.is_empty() {
            areas.push("face");
        }
        let mut longest: Option<&CourseMinimum> = None;
        for area in areas {
            let m = self.course_minimum.get(area)?;
            if longest.is_none_or(|l| m.weeks > l.weeks) {
                longest = Some(m);
            }
        }
        longest.cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_service_area_has_its_sourced_minimum() {
        let t = PlanTables::builtin();
        let weeks = |areas: &[&str]| t.course_minimum(areas.iter().copied()).map(|m| m.weeks);
        assert_eq!(weeks(&["face"]), Some(2));
        assert_eq!(weeks(&["body"]), Some(2));
        assert_eq!(weeks(&["scalp"]), Some(1));
        // No areas: a face treatment. Several: the longest, so each keeps to its own.
        assert_eq!(weeks(&[]), Some(2));
        assert_eq!(weeks(&["scalp", "face"]), Some(2));
        assert_eq!(weeks(&["elbow"]), None);
        let face = t.course_minimum(["face"]).unwrap();
        assert_eq!(face.cite(), "[6][25][26]");
        assert_eq!(face.days(), 14);
        assert!(face.sources.iter().all(|s| s.ends_with(']')));
    }

    /// The face and body minimums are the shortest intervals the plan rows of that region
    /// give (concerns, their alternatives, an area's own interval): no number stands alone.
    #[test]
    fn minimums_match_the_shortest_sourced_interval() {
        let t = PlanTables::builtin();
        let concern_min = t
            .concerns
            .iter()
            .flat_map(|c| {
                let dosed = c.dosing.as_ref().map(|d| d.interval.min);
                let alt = c.alternative.map(|(_, i)| i.min);
                dosed.into_iter().chain(alt)
            })
            .min()
            .unwrap();
        assert_eq!(t.course_minimum(["face"]).unwrap().weeks, concern_min);
        let body_area_min = t
            .areas
            .iter()
            .filter(|a| a.region == "body")
            .filter_map(|a| a.interval.as_ref().map(|(i, _)| i.min))
            .min()
            .unwrap();
        assert_eq!(t.course_minimum(["body"]).unwrap().weeks, body_area_min);
    }
}
