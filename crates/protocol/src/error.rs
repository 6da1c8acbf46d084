//! Errors shared by the screening rules and the plan tables.

use serde::Serialize;

/// A clinic override that cannot be applied; `field` names it, e.g.
/// `"screening.rules.isotretinoin.wait"` or `"plans.max_depth_mm.cheeks"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct OverrideError {
    /// Dotted path of the offending setting.
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl OverrideError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        OverrideError {
            field: field.into(),
            message: message.into(),
        }
    }
}
