//! What a symptom after treatment means: expected, call the clinic today, or an emergency.
//!
//! One list (`data/symptoms.toml`) feeds the public pages, the mail and the healing
//! check-ins, so what a client reads and what a check-in answers never disagree.

use serde::{Deserialize, Serialize};

use crate::sources::Sources;

/// How urgent a symptom is, ordered so the worst of several wins (`max`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Triage {
    /// Part of the normal course of healing.
    Expected,
    /// A red flag: the client calls the clinic the same day.
    CallToday,
    /// The client calls the local emergency number first.
    Emergency,
}

/// One symptom a client may notice after treatment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Symptom {
    /// Stable id, e.g. `"lip_swelling"` (the check-in API's ids).
    pub id: String,
    /// The symptom in a client's words.
    pub text: String,
    /// What it means.
    pub triage: Triage,
    /// For expected symptoms: how long they normally last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub course: Option<String>,
    /// Where the classification comes from, e.g. `"Soltani-Arabshahi 2014, JAMA Dermatol [9]"`.
    pub source: String,
    /// The source keys, for short citations such as `[9]`.
    #[serde(skip)]
    pub keys: Vec<String>,
}

impl Symptom {
    /// `"[8][43]"`: the short citation pages and mail put after the text.
    pub fn cite(&self) -> String {
        self.keys.iter().map(|k| format!("[{k}]")).collect()
    }
}

/// Every symptom, in the order of `data/symptoms.toml`.
#[derive(Clone, Debug)]
pub struct Symptoms(Vec<Symptom>);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SymptomsFile {
    symptoms: Vec<SymptomData>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SymptomData {
    id: String,
    triage: Triage,
    text: String,
    #[serde(default)]
    course: Option<String>,
    sources: Vec<String>,
}

impl Symptoms {
    /// The list shipped in `data/symptoms.toml`.
    pub fn builtin() -> Symptoms {
        // Parsed once per process; pages, check-ins and every planned message read it.
        static BUILTIN: std::sync::LazyLock<Symptoms> = std::sync::LazyLock::new(|| {
            Symptoms::from_toml(include_str!("../data/symptoms.toml"))
                .unwrap_or_else(|e| panic!("data/symptoms.toml: {e}"))
        });
        BUILTIN.clone()
    }

    fn from_toml(text: &str) -> Result<Symptoms, String> {
        let file: SymptomsFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let sources = Sources::builtin();
        let mut list: Vec<Symptom> = Vec::new();
        for s in file.symptoms {
            let ctx = |m: &str| format!("symptom {}: {m}", s.id);
            if list.iter().any(|o| o.id == s.id) {
                return Err(ctx("listed twice"));
            }
            if s.sources.is_empty() {
                return Err(ctx("cites no source"));
            }
            if s.course.is_some() != (s.triage == Triage::Expected) {
                return Err(ctx(
                    "only an expected symptom has a normal course, and it needs one",
                ));
            }
            let source = sources
                .cite_all(&s.sources)
                .map_err(|e| ctx(&e))?
                .join("; ");
            list.push(Symptom {
                id: s.id,
                text: s.text,
                triage: s.triage,
                course: s.course,
                source,
                keys: s.sources,
            });
        }
        Ok(Symptoms(list))
    }

    /// Every symptom.
    pub fn all(&self) -> &[Symptom] {
        &self.0
    }

    /// The symptom with this id.
    pub fn get(&self, id: &str) -> Option<&Symptom> {
        self.0.iter().find(|s| s.id == id)
    }

    /// The symptoms of one triage level, in file order.
    pub fn with_triage(&self, triage: Triage) -> impl Iterator<Item = &Symptom> {
        self.0.iter().filter(move |s| s.triage == triage)
    }

    /// The worst triage among `ids` (unknown ids are ignored); `None` when none is known.
    pub fn worst<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Option<Triage> {
        ids.into_iter()
            .filter_map(|id| self.get(id))
            .map(|s| s.triage)
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Triage::*;

    /// The ids of shared/DESIGN.md "Messages and check-ins", plus the new cold sore and
    /// worsening pain the reference's red flags imply.
    #[test]
    fn every_contract_id_is_classified() {
        let s = Symptoms::builtin();
        let cases = [
            ("redness", Expected),
            ("swelling", Expected),
            ("flaking", Expected),
            ("breakouts", Expected),
            ("increasing_redness", CallToday),
            ("warmth", CallToday),
            ("pus", CallToday),
            ("fever", CallToday),
            ("itchy_bumps", CallToday),
            ("dark_patches", CallToday),
            ("track_marks", CallToday),
            ("blisters", CallToday),
            ("hives", CallToday),
            ("cold_sore", CallToday),
            ("worsening_pain", CallToday),
            ("lip_swelling", Emergency),
            ("breathing_trouble", Emergency),
        ];
        for (id, triage) in cases {
            let symptom = s.get(id).unwrap_or_else(|| panic!("{id}"));
            assert_eq!(symptom.triage, triage, "{id}");
            assert!(symptom.source.ends_with(']'), "{id}: {}", symptom.source);
        }
        assert_eq!(s.all().len(), cases.len());
    }

    #[test]
    fn the_worst_symptom_wins() {
        let s = Symptoms::builtin();
        assert_eq!(s.worst(["redness", "fever"]), Some(CallToday));
        assert_eq!(
            s.worst(["hives", "lip_swelling", "flaking"]),
            Some(Emergency)
        );
        assert_eq!(s.worst(["redness"]), Some(Expected));
        assert_eq!(s.worst(["nope"]), None);
    }

    #[test]
    fn json_shape() {
        let s = Symptoms::builtin();
        let v = serde_json::to_value(s.get("lip_swelling").unwrap()).unwrap();
        assert_eq!(v["triage"], "emergency");
        assert_eq!(v["id"], "lip_swelling");
        assert!(v["source"].as_str().unwrap().contains("[9]"));
        assert!(v.get("course").is_none() && v.get("keys").is_none());
    }

    #[test]
    fn loader_rejects_bad_lists() {
        let text = include_str!("../data/symptoms.toml");
        for broken in [
            text.replace("sources = [\"9\"]", "sources = []"),
            text.replace("sources = [\"9\"]", "sources = [\"99\"]"),
            text.replace("triage = \"emergency\"", "triage = \"soon\""),
            text.replace("id = \"hives\"", "id = \"pus\""),
            text.replace("course = \"starts within 72 hours\"\n", ""),
        ] {
            assert!(Symptoms::from_toml(&broken).is_err());
        }
    }
}
