//! The result of a screening rule, ordered so that the worst one wins.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a screening (or one of its findings) means for treatment.
///
/// Ordered from best to worst, so `max` over findings gives the overall outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Nothing stands in the way of treatment.
    Eligible,
    /// A practitioner (or doctor) must review before treatment.
    Consult,
    /// Not now: treatment must wait (until a date, or until a condition has cleared).
    Defer,
    /// Microneedling is not suitable; the client is referred elsewhere.
    NotSuitable,
}

impl Outcome {
    /// The snake_case name used in JSON and clinic files (`"not_suitable"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Eligible => "eligible",
            Outcome::Consult => "consult",
            Outcome::Defer => "defer",
            Outcome::NotSuitable => "not_suitable",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Outcome::*;
    use super::*;

    #[test]
    fn worst_wins() {
        assert!(Eligible < Consult && Consult < Defer && Defer < NotSuitable);
        assert_eq!([Consult, Defer].into_iter().max(), Some(Defer));
        assert_eq!(
            [Defer, NotSuitable, Consult].into_iter().max(),
            Some(NotSuitable)
        );
    }

    #[test]
    fn serde_names() {
        for o in [Eligible, Consult, Defer, NotSuitable] {
            let json = serde_json::to_value(o).unwrap();
            assert_eq!(json, serde_json::json!(o.as_str()));
            assert_eq!(serde_json::from_value::<Outcome>(json).unwrap(), o);
        }
    }
}
