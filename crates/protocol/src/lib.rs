//! Clinical knowledge for Collagen: safety-screening rules and treatment-plan tables.
//!
//! Everything here is loaded from the sourced data files under `data/` (compiled in with
//! `include_str!`); every rule, depth and note carries the source it comes from. The crate does
//! no I/O. Clinics adjust the defaults through [`ScreeningOverrides`] and [`PlanOverrides`].

mod error;
mod outcome;
mod plan;
mod screening;
mod sources;
mod wait;

pub use error::OverrideError;
pub use outcome::Outcome;
pub use plan::{
    AreaInfo, AreaPlan, Plan, PlanError, PlanOverrides, PlanRequest, PlanTables, RangeMm, RangeU32,
};
pub use screening::{
    Answer, AnswerError, Answers, CURRENT, Finding, Question, QuestionKind, RuleOverride, RuleSet,
    Screening, ScreeningOverrides,
};
