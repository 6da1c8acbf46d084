//! The one mapping from a workflow's refusal to what a page shows: a message beside the
//! field at fault, or above the form, and the status the page is answered with.

use axum::http::StatusCode;
use scheduling::Slot;
use service::Refusal;

use crate::error::ApiError;

/// A refusal as a form shows it.
pub struct FormRefusal {
    /// The form field at fault, when the refusal names one.
    pub field: Option<String>,
    /// What to say, in the same words the API uses.
    pub message: String,
    /// The status the page is answered with.
    pub status: StatusCode,
    /// Set when the time was lost to someone else: the nearest free times, for the page
    /// to offer in its own words.
    pub lost_race: Option<Vec<Slot>>,
    /// Set when the cause is ours, not the client's.
    pub internal: bool,
}

impl From<Refusal> for FormRefusal {
    fn from(refusal: Refusal) -> FormRefusal {
        let field = refusal.field().map(str::to_owned);
        let lost_race = match &refusal {
            Refusal::SlotTaken { alternatives } => Some(alternatives.clone()),
            _ => None,
        };
        let internal = matches!(refusal, Refusal::Internal(_));
        // The status and the logged detail of an internal error are the API's, so both
        // edges answer alike.
        let problem = ApiError::from(refusal);
        FormRefusal {
            field,
            message: problem.detail,
            status: problem.kind.status(),
            lost_race,
            internal,
        }
    }
}
