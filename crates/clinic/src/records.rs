//! `[records]`: how long the clinic keeps a client's clinical record after an erasure
//! request. The rule differs by country and state, so the clinic sets it; the key is
//! optional, so a clinic file written before it still loads.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

/// `[records]` in the clinic file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RecordsPolicy {
    /// Years the signed treatment records, signed consents, the screenings and photos they
    /// rest on are kept after an erasure request, counted from the client's last treatment.
    /// Default 7; the law that sets it varies by country and state.
    pub retention_years: u32,
}

impl RecordsPolicy {
    /// Allowed `retention_years`: one year to a century (some laws count from a minor's
    /// coming of age).
    pub const RETENTION_YEARS: RangeInclusive<u32> = 1..=100;
}

impl Default for RecordsPolicy {
    fn default() -> Self {
        RecordsPolicy { retention_years: 7 }
    }
}

/// Checks `[records]`; the offending field and what is wrong.
pub(crate) fn check(policy: &RecordsPolicy) -> Result<(), (String, String)> {
    let range = RecordsPolicy::RETENTION_YEARS;
    let value = policy.retention_years;
    if range.contains(&value) {
        return Ok(());
    }
    Err((
        "records.retention_years".into(),
        format!(
            "must be between {} and {} years, not {value}",
            range.start(),
            range.end()
        ),
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn records_are_optional_and_checked() {
        let setup = crate::demo();
        assert_eq!(setup.records, super::RecordsPolicy::default());
        assert_eq!(setup.records.retention_years, 7);
        let text = include_str!("../data/demo.toml");
        let ten = format!("{text}\n[records]\nretention_years = 10\n");
        assert_eq!(
            crate::parse(&ten, None)
                .expect("valid")
                .records
                .retention_years,
            10
        );
        let bad = format!("{text}\n[records]\nretention_years = 0\n");
        let err = crate::parse(&bad, None).unwrap_err();
        assert_eq!(err.field, "records.retention_years");
    }
}
