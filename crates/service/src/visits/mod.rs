//! The visit itself: the client's consent before treatment and the arrival check that shows
//! the practitioner what stands between the client and the needle.

mod arrival;
mod consent;
mod documents;

pub use arrival::{Arrival, ScreeningCheck, SessionPlan};
pub use consent::{ConsentState, ConsentView, NAME_MAX_CHARS, PhotoUse, SignInput, consent_path};
pub use documents::{ConsentDocument, ConsentDocuments, sha256_hex};
