//! Why a form was refused, field by field, and the one path every change takes to be saved:
//! `clinic::validate`, then the same save as the whole-setup editor.

use axum::response::Response;
use clinic::ClinicSetup;

use super::parse::{elsewhere, sentence};
use super::store_setup_at;
use crate::auth::StaffSession;
use crate::state::AppState;

/// Why a form was refused: by key (see [`field_id`]), what the field is called and what is
/// wrong, in the order found.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    /// `(key, label, message)`, for the summary at the top.
    pub(super) list: Vec<(String, String, String)>,
}

impl Problems {
    /// Records a problem; only the first for each key is kept, as a field shows one message.
    pub(super) fn add(
        &mut self,
        key: impl Into<String>,
        label: impl Into<String>,
        message: impl Into<String>,
    ) {
        let key = key.into();
        if self.get(&key).is_none() {
            self.list.push((key, label.into(), message.into()));
        }
    }

    /// The message for one field, to show beside it.
    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, m)| m.as_str())
    }

    /// Whether the change may go on to validation.
    pub(super) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// A field of a form, as `settle` needs it: the setup path it edits (`services[2].price`),
/// the key its problems go under, and its label in the summary.
pub(super) type Target = (String, String, String);

/// The one way the new forms save: `clinic::validate` on the edited setup, then the same
/// save and refresh as the whole-setup editor. A refusal is filed beside the field whose
/// path it names (the first target that covers it), else as the form's own error, and
/// `None` is answered so the caller shows the page again with what was typed.
#[allow(clippy::too_many_arguments)]
pub(super) async fn settle(
    state: &AppState,
    session: &StaffSession,
    setup: &ClinicSetup,
    what: &str,
    anchor: &str,
    targets: &[Target],
    form: (&str, &str),
    problems: &mut Problems,
) -> Option<Response> {
    let Err((path, message)) = clinic::validate(setup) else {
        return Some(store_setup_at(state, session, setup, what, anchor).await);
    };
    let covers = |at: &str| {
        path == at
            || path
                .strip_prefix(at)
                .is_some_and(|rest| rest.starts_with(['.', '[']))
    };
    match targets.iter().find(|(at, ..)| covers(at)) {
        Some((_, key, label)) => problems.add(key, label, sentence(&message)),
        None => problems.add(form.0, form.1, elsewhere(&path, &message)),
    }
    None
}

/// Files an edit the clinic crate refused beside its field: `prefix.name`, `prefix.form`.
pub(super) fn file_refusal(
    problems: &mut Problems,
    prefix: &str,
    label: &str,
    refused: &clinic::EditRefused,
) {
    problems.add(
        format!("{prefix}.{}", refused.field),
        label,
        &refused.message,
    );
}
