//! The numbered source list of the clinical reference (`data/sources.toml`).

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    sources: BTreeMap<String, String>,
}

/// Source texts by key (`"17"`, or `"C"` for clinic guidance).
#[derive(Clone, Debug)]
pub(crate) struct Sources(BTreeMap<String, String>);

impl Sources {
    /// The built-in list.
    pub(crate) fn builtin() -> Sources {
        let file: SourcesFile = toml::from_str(include_str!("../data/sources.toml"))
            .expect("data/sources.toml is valid");
        Sources(file.sources)
    }

    /// `"<text> [<key>]"`, e.g. `"SkinPen Precision instructions for use [17]"`.
    pub(crate) fn cite(&self, key: &str) -> Result<String, String> {
        self.0
            .get(key)
            .map(|text| format!("{text} [{key}]"))
            .ok_or_else(|| format!("unknown source \"{key}\""))
    }

    /// Citations of several keys.
    pub(crate) fn cite_all(&self, keys: &[String]) -> Result<Vec<String>, String> {
        keys.iter().map(|k| self.cite(k)).collect()
    }
}

/// Sort order for citations: numbered sources by number, then labels such as `[C]`.
pub(crate) fn citation_order(citation: &str) -> (u32, String) {
    let key = citation
        .rsplit_once('[')
        .map(|(_, k)| k.trim_end_matches(']'))
        .unwrap_or("");
    (key.parse().unwrap_or(u32::MAX), citation.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_cites() {
        let s = Sources::builtin();
        assert_eq!(
            s.cite("17").unwrap(),
            "SkinPen Precision instructions for use [17]"
        );
        assert_eq!(
            s.cite("C").unwrap(),
            "Clinic, spa or manufacturer guidance [C]"
        );
        assert!(s.cite("27").is_err());
    }

    #[test]
    fn order() {
        let mut v = vec!["b [C]", "a [21]", "c [2]"];
        v.sort_by_key(|c| citation_order(c));
        assert_eq!(v, ["c [2]", "a [21]", "b [C]"]);
    }
}
