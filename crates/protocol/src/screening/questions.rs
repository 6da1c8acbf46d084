//! Screening questions as a client sees them.

use serde::{Deserialize, Serialize};

/// How a question is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// `true`/`false` (or `"yes"`/`"no"`).
    YesNo,
    /// A `YYYY-MM-DD` date; `null` for never where [`Question::accepts_never`], `"current"`
    /// where [`Question::accepts_current`].
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
    /// Whether an answer is required. A date question is required too: a blank is not
    /// "never", so "never" has to be said (`null`).
    pub required: bool,
    /// A date question about a medicine a client may still be taking: `"current"` is an
    /// answer. Shown in JSON only when true, so the questions' contract only grows.
    #[serde(skip_serializing_if = "is_false")]
    pub accepts_current: bool,
    /// Whether `null` (never) answers a date question; false for a date of birth. Shown in
    /// JSON only when false.
    #[serde(skip_serializing_if = "is_true")]
    pub accepts_never: bool,
    /// The question that replaced this one, kept so older API clients still work: forms do
    /// not show it, and answering it stands in for answering its replacement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
    /// A date of birth: dates more than [`Question::OLDEST_YEARS`] ago are refused as
    /// mistyped, and age rules read it.
    #[serde(skip)]
    pub(crate) birth_date: bool,
}

impl Question {
    /// How many years back a date of birth may lie; older ones are taken for a typing mistake.
    pub const OLDEST_YEARS: i16 = 120;

    /// Whether a form shows this question (a replaced one is kept for the API only).
    pub fn on_forms(&self) -> bool {
        self.replaced_by.is_none()
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_true(b: &bool) -> bool {
    *b
}
