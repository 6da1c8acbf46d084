//! Placeholders such as `{{wait:isotretinoin}}` or `{{red_flags}}` that pages and mail use
//! instead of writing a clinical number or a red flag themselves, so a page can never
//! disagree with the rule that applies.
//!
//! | placeholder | stands for |
//! |---|---|
//! | `{{wait:RULE}}` | a screening rule's waiting period, with the clinic's override ("6 months") |
//! | `{{depth:AREA}}` | an area's needle depth range, with the clinic's cap ("0.25–0.5 mm") |
//! | `{{normal:SYMPTOM}}` | how long an expected symptom normally lasts |
//! | `{{expected}}` | the list of expected symptoms with their course and sources |
//! | `{{call_today}}`, `{{emergency}}` | the symptoms of that triage, with sources |
//! | `{{red_flags}}` | every symptom that is not expected, emergencies marked |
//! | `{{fact:ID}}` | a sourced figure from `data/facts.toml` |

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::{PlanTables, RuleSet, Symptoms, Triage, sources::Sources};

/// What a placeholder stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filling {
    /// A phrase that reads inside a sentence.
    Phrase(String),
    /// Items of a list; shown as a bulleted list where the placeholder stands alone.
    List(Vec<String>),
}

impl Filling {
    /// The filling inside a sentence: a phrase as is, list items joined with "; ".
    pub fn inline(&self) -> String {
        match self {
            Filling::Phrase(p) => p.clone(),
            Filling::List(items) => items.join("; "),
        }
    }
}

/// A placeholder no data stands behind; `name` is what was inside the braces.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown placeholder {{{{{name}}}}}: {message}")]
pub struct PlaceholderError {
    /// The placeholder's name, e.g. `wait:isotretnoin`.
    pub name: String,
    /// Why it is unknown.
    pub message: String,
}

impl PlaceholderError {
    fn new(name: &str, message: impl Into<String>) -> PlaceholderError {
        PlaceholderError {
            name: name.to_owned(),
            message: message.into(),
        }
    }
}

/// Sourced figures the pages and mail quote (`data/facts.toml`).
#[derive(Clone, Debug)]
struct Facts(BTreeMap<String, String>);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FactsFile {
    facts: BTreeMap<String, FactData>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FactData {
    text: String,
    sources: Vec<String>,
}

impl Facts {
    /// Parsed once per process: pages and every planned message fill placeholders.
    fn builtin() -> Facts {
        static BUILTIN: std::sync::LazyLock<Facts> = std::sync::LazyLock::new(|| {
            Facts::from_toml(include_str!("../data/facts.toml"))
                .unwrap_or_else(|e| panic!("data/facts.toml: {e}"))
        });
        BUILTIN.clone()
    }

    fn from_toml(text: &str) -> Result<Facts, String> {
        let file: FactsFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let sources = Sources::builtin();
        let mut facts = BTreeMap::new();
        for (id, f) in file.facts {
            if f.sources.is_empty() {
                return Err(format!("fact {id}: cites no source"));
            }
            sources
                .cite_all(&f.sources)
                .map_err(|e| format!("fact {id}: {e}"))?;
            facts.insert(id, f.text);
        }
        Ok(Facts(facts))
    }
}

/// Fills placeholders from the clinic's rules and plan tables and the built-in symptom and
/// fact lists.
pub struct Placeholders<'a> {
    rules: &'a RuleSet,
    plans: &'a PlanTables,
    symptoms: Symptoms,
    facts: Facts,
}

impl<'a> Placeholders<'a> {
    /// Placeholders as a clinic with these (possibly overridden) rules and plans fills them.
    pub fn new(rules: &'a RuleSet, plans: &'a PlanTables) -> Placeholders<'a> {
        Placeholders {
            rules,
            plans,
            symptoms: Symptoms::builtin(),
            facts: Facts::builtin(),
        }
    }

    /// What `name` (the text inside `{{…}}`) stands for.
    pub fn resolve(&self, name: &str) -> Result<Filling, PlaceholderError> {
        let (kind, arg) = name.split_once(':').unwrap_or((name, ""));
        let phrase = |p: Option<String>, what: &str| {
            p.map(Filling::Phrase)
                .ok_or_else(|| PlaceholderError::new(name, format!("there is no {what} \"{arg}\"")))
        };
        match kind {
            "wait" => phrase(
                self.rules.wait_text(arg).map(str::to_owned),
                "screening rule with a wait",
            ),
            "depth" => phrase(
                self.plans
                    .areas()
                    .into_iter()
                    .find(|a| a.id == arg)
                    .map(|a| format!("{}–{} mm", mm(a.depth_mm.min), mm(a.depth_mm.max))),
                "area",
            ),
            "normal" => phrase(
                self.symptoms.get(arg).and_then(|s| s.course.clone()),
                "expected symptom",
            ),
            "fact" => phrase(self.facts.0.get(arg).cloned(), "fact"),
            "expected" if arg.is_empty() => Ok(Filling::List(
                self.symptoms
                    .with_triage(Triage::Expected)
                    .map(|s| {
                        let course = s.course.as_deref().unwrap_or_default();
                        format!("{}: {course} {}", s.text, s.cite())
                    })
                    .collect(),
            )),
            "call_today" if arg.is_empty() => Ok(self.list(Triage::CallToday, "")),
            "emergency" if arg.is_empty() => Ok(self.list(Triage::Emergency, "")),
            "red_flags" if arg.is_empty() => {
                let Filling::List(mut items) = self.list(
                    Triage::Emergency,
                    ": call your local emergency number first",
                ) else {
                    unreachable!("list gives a list")
                };
                if let Filling::List(today) = self.list(Triage::CallToday, "") {
                    items.extend(today);
                }
                Ok(Filling::List(items))
            }
            _ => Err(PlaceholderError::new(
                name,
                "use wait:RULE, depth:AREA, normal:SYMPTOM, fact:ID, expected, call_today, emergency or red_flags",
            )),
        }
    }

    fn list(&self, triage: Triage, suffix: &str) -> Filling {
        Filling::List(
            self.symptoms
                .with_triage(triage)
                .map(|s| format!("{}{suffix} {}", s.text, s.cite()))
                .collect(),
        )
    }
}

/// The names of every `{{…}}` in `text`, in order.
pub fn placeholder_names(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        names.push(&after[..end]);
        rest = &after[end + 2..];
    }
    names
}

/// Replaces every `{{name}}` in `text` with `value(name)`; the first error stops it.
pub fn fill_placeholders<E>(
    text: &str,
    mut value: impl FnMut(&str) -> Result<String, E>,
) -> Result<String, E> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push_str(&rest[..start]);
        out.push_str(&value(&after[..end])?);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Millimetres for text: 2.0 → "2.0", 0.75 → "0.75".
fn mm(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.1}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ScreeningOverrides;

    #[test]
    fn waits_follow_the_clinic() {
        let rules = RuleSet::builtin();
        let plans = PlanTables::builtin();
        let p = Placeholders::new(&rules, &plans);
        assert_eq!(p.resolve("wait:isotretinoin").unwrap().inline(), "6 months");
        assert_eq!(
            p.resolve("wait:ablative_laser_or_deep_peel")
                .unwrap()
                .inline(),
            "3 months"
        );
        let overrides: ScreeningOverrides =
            toml::from_str("[rules.isotretinoin]\nwait = \"12 months\"\n").unwrap();
        let rules = RuleSet::builtin().with_overrides(&overrides).unwrap();
        let p = Placeholders::new(&rules, &plans);
        assert_eq!(
            p.resolve("wait:isotretinoin").unwrap().inline(),
            "12 months"
        );
    }

    #[test]
    fn lists_and_unknown_names() {
        let rules = RuleSet::builtin();
        let plans = PlanTables::builtin();
        let p = Placeholders::new(&rules, &plans);
        let Filling::List(flags) = p.resolve("red_flags").unwrap() else {
            panic!("a list")
        };
        assert!(flags[0].starts_with("Swelling of your lips"), "{flags:?}");
        assert!(flags[0].contains("emergency"));
        assert!(flags.iter().any(|f| f.contains("cold sore")));
        assert!(!flags.iter().any(|f| f.contains("moderate sunburn")));
        assert_eq!(
            p.resolve("depth:periorbital").unwrap().inline(),
            "0.25–0.5 mm"
        );
        for bad in [
            "wait:isotretnoin",
            "wait:keloid",
            "fact:nope",
            "depth:elbows",
            "clinic_name",
            "red_flags:x",
        ] {
            let err = p.resolve(bad).unwrap_err();
            assert_eq!(err.name, bad);
        }
    }

    #[test]
    fn filling_text() {
        assert_eq!(placeholder_names("a {{x}} b {{y:z}} {{"), ["x", "y:z"]);
        let filled: Result<String, ()> =
            fill_placeholders("wait {{w}} and {{w}}.", |n| Ok(format!("<{n}>")));
        assert_eq!(filled.unwrap(), "wait <w> and <w>.");
        assert!(fill_placeholders("{{bad}}", |_| Err::<String, _>(())).is_err());
    }

    #[test]
    fn facts_cite_known_sources() {
        let text = include_str!("../data/facts.toml");
        assert!(Facts::from_toml(text).is_ok());
        assert!(
            Facts::from_toml(&text.replacen("sources = [\"", "sources = [\"99\", \"", 1)).is_err()
        );
    }
}

/// Units that make a number clinical (a wait, a course, a depth, a rate).
const CLINICAL_UNITS: [&str; 9] = [
    "day", "days", "week", "weeks", "month", "months", "hour", "hours", "mm",
];

/// Numbers in `text` that a page or mail writes itself where a placeholder should stand: a
/// digit next to days, weeks, months, hours, mm or %, outside any `{{…}}`. Each comes back
/// with the word after it, e.g. `"3 months"` or `"6.7%"`.
pub fn written_clinical_numbers(text: &str) -> Vec<String> {
    let plain = fill_placeholders(text, |_| Ok::<_, ()>(" ".to_owned())).unwrap_or_default();
    let words: Vec<&str> = plain.split_whitespace().collect();
    let bare = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    };
    let mut found = Vec::new();
    for (i, word) in words.iter().enumerate() {
        if !word.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let digits_then_unit = word
            .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '%')
            .trim_start_matches(|c: char| !c.is_ascii_digit());
        let hours_glued = digits_then_unit
            .strip_suffix('h')
            .is_some_and(|d| d.ends_with(|c: char| c.is_ascii_digit()));
        let glued = digits_then_unit.ends_with('%')
            || hours_glued
            || CLINICAL_UNITS
                .iter()
                .any(|u| digits_then_unit.ends_with(u) && digits_then_unit.len() > u.len());
        let next = words.get(i + 1).map(|w| bare(w)).unwrap_or_default();
        let before = i.checked_sub(1).map(|j| bare(words[j])).unwrap_or_default();
        let unit_after = CLINICAL_UNITS.contains(&next.as_str()) || next == "h";
        let day_before = before == "day" || before == "days";
        if glued || unit_after || day_before {
            found.push(format!("{before} {word} {next}").trim().to_owned());
        }
    }
    found
}

#[cfg(test)]
mod written_numbers_tests {
    use super::written_clinical_numbers;

    #[test]
    fn finds_numbers_next_to_units() {
        for text in [
            "wait 12 weeks after",
            "PIH 6.7% in trials",
            "depths of 0.25–0.5 mm",
            "rarely visible by day 3",
            "Days 1 to 6",
            "after 24h.",
            "for 2 to 3 days (source [21])",
        ] {
            assert!(!written_clinical_numbers(text).is_empty(), "{text}");
        }
        for text in [
            "call +1 555 0100",
            "wait {{wait:isotretinoin}} after",
            "Chu et al. 2021, Dermatol Surg",
            "people aged 22 and older",
            "Fitzpatrick types IV to VI",
        ] {
            assert!(written_clinical_numbers(text).is_empty(), "{text}");
        }
    }
}
