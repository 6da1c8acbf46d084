//! Screening questions as a client sees them.

use serde::{Deserialize, Serialize};

/// How a question is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// `true`/`false` (or `"yes"`/`"no"`).
    YesNo,
    /// A `YYYY-MM-DD` date, or `null` for never.
    Date,
    /// One of the question's `options`.
    Choice,
}

/// One screening question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    /// Stable id, the key of its answer (e.g. `"isotretinoin_last_dose"`).
    pub id: String,
    /// The question in plain language.
    pub text: String,
    /// How it is answered.
    pub kind: QuestionKind,
    /// The allowed answers of a `choice` question.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    /// Form section, e.g. "Your skin today", "Your health", "Recent treatments".
    pub group: String,
    /// A short explanation for the client of why the question matters.
    pub why: String,
    /// Whether an answer is required; date questions never are (left out = never).
    pub required: bool,
}
