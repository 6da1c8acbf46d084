//! A service's phases: each one's name, length and what it holds, in order; move one up or
//! down, remove one, add one at the end. Buttons only, so it works without JavaScript.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use clinic::{ClinicSetup, Move, PhaseSetup, ServiceSetup};
use maud::{Markup, html};
use serde::Deserialize;

use super::service_anchor;
use crate::admin::layout::csrf_field;
use crate::admin::setup::parse::{MINUTES, parse_count};
use crate::admin::setup::problems::{Problems, Target, file_refusal, settle};
use crate::admin::setup::sections::{Field, form_error};
use crate::admin::setup::widgets::{checkbox, tick_text};
use crate::admin::setup::{View, refused_form};
use crate::auth::{AdminSession, StaffSession};
use crate::state::AppState;

/// A phase as posted: whose, where in the list (empty when adding), and its fields. `to` is
/// the button pressed to move it (`up` or `down`).
#[derive(Debug, Default, Deserialize)]
pub struct PhaseForm {
    #[serde(default)]
    service: String,
    #[serde(default)]
    index: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    practitioner: String,
    #[serde(default)]
    room: String,
    #[serde(default)]
    to: String,
}

impl PhaseForm {
    /// The key prefix of this phase's fields: `phase.{service}.{index}` or `….new`.
    fn prefix(&self) -> String {
        let at = if self.index.trim().is_empty() {
            "new"
        } else {
            self.index.trim()
        };
        format!("phase.{}.{at}", self.service)
    }

    /// What the form typed, for the page after a refusal.
    fn entered(&self) -> Vec<(String, String)> {
        let prefix = self.prefix();
        vec![
            (format!("{prefix}.name"), self.name.clone()),
            (format!("{prefix}.minutes"), self.minutes.clone()),
            (
                format!("{prefix}.practitioner"),
                tick_text(!self.practitioner.is_empty()),
            ),
            (format!("{prefix}.room"), tick_text(!self.room.is_empty())),
        ]
    }
}

/// The phases of `s` as a list of forms, then the form to add one.
pub(super) fn editor(session: &StaffSession, s: &ServiceSetup, view: &View<'_>) -> Markup {
    let last = s.phases.len().saturating_sub(1);
    html! {
        h4 id=(format!("s-{}-phases", s.id)) { "Phases" span.visually-hidden { " of " (s.name) } }
        ol.setup-phases aria-labelledby=(format!("s-{}-phases", s.id)) {
            @for (j, phase) in s.phases.iter().enumerate() {
                @let prefix = format!("phase.{}.{j}", s.id);
                @let whose = format!(" (phase {} of {}, {})", j + 1, s.name, phase.name);
                li {
                    form.setup-row method="post" action="/admin/setup/phases/save" aria-label=(format!("Phase {} of {}: {}", j + 1, s.name, phase.name)) {
                        (csrf_field(session))
                        input type="hidden" name="service" value=(s.id);
                        input type="hidden" name="index" value=(j);
                        (form_error(&view.problems, &format!("{prefix}.form")))
                        (fields(&prefix, Some(phase), &whose, view))
                        div.setup-actions {
                            button type="submit" { "Save phase" span.visually-hidden { (whose) } }
                            @if j > 0 {
                                button.secondary type="submit" name="to" value="up" formaction="/admin/setup/phases/move" { "Move up" span.visually-hidden { (whose) } }
                            }
                            @if j < last {
                                button.secondary type="submit" name="to" value="down" formaction="/admin/setup/phases/move" { "Move down" span.visually-hidden { (whose) } }
                            }
                            @if last > 0 {
                                button.secondary type="submit" formaction="/admin/setup/phases/remove" { "Remove" span.visually-hidden { (whose) } }
                            }
                        }
                    }
                }
            }
        }
        @let prefix = format!("phase.{}.new", s.id);
        @let whose = format!(" (new phase of {})", s.name);
        form.setup-form method="post" action="/admin/setup/phases" aria-label=(format!("Add a phase to {}", s.name)) {
            (csrf_field(session))
            input type="hidden" name="service" value=(s.id);
            (form_error(&view.problems, &format!("{prefix}.form")))
            (fields(&prefix, None, &whose, view))
            button type="submit" { "Add phase" span.visually-hidden { " to " (s.name) } }
        }
    }
}

/// A phase's name, length and what it holds.
fn fields(prefix: &str, phase: Option<&PhaseSetup>, whose: &str, view: &View<'_>) -> Markup {
    let key = |f: &str| format!("{prefix}.{f}");
    let name = view.value(&key("name"), phase.map_or("", |p| p.name.as_str()));
    let minutes = view.value(
        &key("minutes"),
        phase.map_or(String::new(), |p| p.minutes.to_string()),
    );
    let holds = |what: &str| phase.is_some_and(|p| p.uses.iter().any(|u| u == what));
    let practitioner = view.ticked(&key("practitioner"), holds("practitioner"));
    let room = view.ticked(&key("room"), phase.is_none() || holds("room"));
    html! {
        div.setup-grid {
            (Field::text(&key("name"), "name", html! { "Phase name" span.visually-hidden { (whose) } }, &name).hint("e.g. numbing, treatment, cleanup").render(&view.problems))
            (Field { numeric: true, ..Field::text(&key("minutes"), "minutes", html! { "Minutes" span.visually-hidden { (whose) } }, &minutes) }.render(&view.problems))
        }
        fieldset.setup-holds {
            legend { "Holds" span.visually-hidden { (whose) } }
            (form_error(&view.problems, &key("uses")))
            (checkbox(&key("practitioner"), "practitioner", html! { "The practitioner" }, practitioner))
            (checkbox(&key("room"), "room", html! { "A room" }, room))
        }
    }
}

/// The phase the form describes, or why it is not one.
fn phase_of(form: &PhaseForm, problems: &mut Problems) -> Option<PhaseSetup> {
    let prefix = form.prefix();
    let name = form.name.trim();
    if name.is_empty() {
        problems.add(
            format!("{prefix}.name"),
            "Phase name",
            "Enter a name for the phase, e.g. treatment.",
        );
    }
    let minutes = parse_count(&form.minutes, &MINUTES)
        .map_err(|message| problems.add(format!("{prefix}.minutes"), "Phase minutes", message))
        .ok();
    let mut uses = Vec::new();
    if !form.practitioner.is_empty() {
        uses.push("practitioner".to_owned());
    }
    if !form.room.is_empty() {
        uses.push("room".to_owned());
    }
    if uses.is_empty() {
        problems.add(
            format!("{prefix}.uses"),
            "Holds",
            "Tick what the phase holds: the practitioner, a room, or both.",
        );
    }
    (problems.is_empty()).then(|| PhaseSetup {
        name: name.to_owned(),
        minutes: minutes.unwrap_or_default(),
        uses,
    })
}

/// Which phase the form names, by its place in the list.
fn index_of(form: &PhaseForm) -> usize {
    form.index.trim().parse().unwrap_or(usize::MAX)
}

/// What a refusal about the service at `i` lands beside, phase `j` (or the new one) first.
fn targets(i: usize, j: usize, prefix: &str) -> Vec<Target> {
    let phase = format!("services[{i}].phases[{j}]");
    vec![
        (
            format!("{phase}.minutes"),
            format!("{prefix}.minutes"),
            "Phase minutes".into(),
        ),
        (
            format!("{phase}.uses"),
            format!("{prefix}.uses"),
            "Holds".into(),
        ),
        (
            format!("{phase}.name"),
            format!("{prefix}.name"),
            "Phase name".into(),
        ),
        (
            format!("services[{i}].phases"),
            format!("{prefix}.uses"),
            "Holds".into(),
        ),
    ]
}

/// Applies `edit` to the form's service, validates and saves, or shows the page again.
async fn change(
    state: AppState,
    session: StaffSession,
    form: PhaseForm,
    what: &str,
    edit: impl FnOnce(&mut ServiceSetup, &mut Problems) -> Option<usize>,
) -> Response {
    let mut setup: ClinicSetup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    let prefix = form.prefix();
    let i = setup.services.iter().position(|s| s.id == form.service);
    let label = i.map_or_else(|| "Service".to_owned(), |i| setup.services[i].name.clone());
    match setup.service_mut(&form.service) {
        Err(refused) => file_refusal(&mut problems, &prefix, &label, &refused),
        Ok(s) => {
            if let Some(j) = edit(s, &mut problems) {
                let i = i.unwrap_or(0);
                let form_key = format!("{prefix}.form");
                let anchor = service_anchor(&form.service);
                if let Some(saved) = settle(
                    &state,
                    &session,
                    &setup,
                    what,
                    &anchor,
                    &targets(i, j, &prefix),
                    (form_key.as_str(), label.as_str()),
                    &mut problems,
                )
                .await
                {
                    return saved;
                }
            }
        }
    }
    refused_form(&state, &session, problems, form.entered())
}

/// Files an edit the clinic crate refused under the form's error.
fn refused_here<'a>(
    prefix: &'a str,
    problems: &'a mut Problems,
) -> impl FnOnce(clinic::EditRefused) + 'a {
    move |refused| file_refusal(problems, prefix, "Phase", &refused)
}

/// `POST /admin/setup/phases`: adds a phase at the end.
pub async fn add_phase(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<PhaseForm>,
) -> Response {
    let phase = {
        let mut probe = Problems::default();
        phase_of(&form, &mut probe).ok_or(probe)
    };
    change(
        state,
        session,
        form,
        "phase added",
        |s, problems| match phase {
            Ok(phase) => {
                s.add_phase(phase);
                Some(s.phases.len() - 1)
            }
            Err(found) => {
                *problems = found;
                None
            }
        },
    )
    .await
}

/// `POST /admin/setup/phases/save`: replaces one phase with what was typed.
pub async fn save_phase(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<PhaseForm>,
) -> Response {
    let (j, prefix) = (index_of(&form), form.prefix());
    let phase = {
        let mut probe = Problems::default();
        phase_of(&form, &mut probe).ok_or(probe)
    };
    change(
        state,
        session,
        form,
        "phase changed",
        move |s, problems| match phase {
            Ok(phase) => s
                .set_phase(j, phase)
                .map(|()| j)
                .map_err(refused_here(&prefix, problems))
                .ok(),
            Err(found) => {
                *problems = found;
                None
            }
        },
    )
    .await
}

/// `POST /admin/setup/phases/move`: one place up or down, as the button said.
pub async fn move_phase(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<PhaseForm>,
) -> Response {
    let (j, prefix) = (index_of(&form), form.prefix());
    let to = match form.to.as_str() {
        "up" => Some(Move::Up),
        "down" => Some(Move::Down),
        _ => None,
    };
    change(state, session, form, "phase moved", move |s, problems| {
        let Some(to) = to else {
            problems.add(
                format!("{prefix}.form"),
                "Phase",
                "Choose Move up or Move down.",
            );
            return None;
        };
        s.move_phase(j, to)
            .map(|()| if to == Move::Up { j - 1 } else { j + 1 })
            .map_err(refused_here(&prefix, problems))
            .ok()
    })
    .await
}

/// `POST /admin/setup/phases/remove`: refused for a service's only phase.
pub async fn remove_phase(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<PhaseForm>,
) -> Response {
    let (j, prefix) = (index_of(&form), form.prefix());
    change(state, session, form, "phase removed", move |s, problems| {
        s.remove_phase(j)
            .map(|()| 0)
            .map_err(refused_here(&prefix, problems))
            .ok()
    })
    .await
}
