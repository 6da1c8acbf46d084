//! Pieces of markup that pages, the back office and sign-in share: form fields and their
//! errors, the public page frame, and the day-and-time picker.

pub mod consent_form;
pub mod forms;
pub mod layout;
pub mod picker;
pub mod refusal;
