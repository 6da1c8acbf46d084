//! Clinical knowledge for Collagen: safety-screening rules and treatment-plan tables.
//!
//! Everything here is loaded from the sourced data files under `data/` (compiled in with
//! `include_str!`); every rule, depth and note carries the source it comes from. The crate does
//! no I/O. Clinics adjust the defaults through [`ScreeningOverrides`] and [`PlanOverrides`].

mod error;
mod outcome;
mod placeholders;
mod plan;
mod screening;
mod sources;
mod symptoms;
mod wait;

pub use error::OverrideError;
pub use outcome::Outcome;
pub use placeholders::{
    Filling, PlaceholderError, Placeholders, fill_placeholders, placeholder_names,
    written_clinical_numbers,
};
pub use plan::{
    AreaInfo, AreaPlan, CourseMinimum, Plan, PlanError, PlanOverrides, PlanRequest, PlanTables,
    RangeMm, RangeU32,
};
pub use screening::{
    Answer, AnswerError, Answers, CURRENT, Finding, Question, QuestionKind, RuleOverride, RuleSet,
    Screening, ScreeningOverrides,
};
pub use symptoms::{Symptom, Symptoms, Triage};
