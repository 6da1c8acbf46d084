//! Pieces of markup that pages, the back office and sign-in share: form fields and their
//! errors, the public page frame, the day-and-time picker and the booking steps bar.

pub mod consent_form;
pub mod forms;
pub mod layout;
pub mod picker;
pub mod refusal;
pub mod steps;
