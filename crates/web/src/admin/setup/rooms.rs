//! The clinic's rooms: rename or remove each, add one. A phase that holds a room takes any
//! free one, so rooms have only a name; their id, which bookings name, is made from it once.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use clinic::ClinicSetup;
use maud::{Markup, html};
use serde::Deserialize;

use super::problems::{Problems, file_refusal, settle};
use super::sections::{Field, form_error};
use super::{View, refused_form};
use crate::admin::layout::csrf_field;
use crate::auth::{AdminSession, StaffSession};
use crate::state::AppState;

/// Where the page returns after a change to the rooms.
const ANCHOR: &str = "rooms-title";

/// A room as posted: its id (empty when adding) and name.
#[derive(Debug, Default, Deserialize)]
pub struct RoomForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
}

/// The rooms section.
pub(super) fn section(session: &StaffSession, setup: &ClinicSetup, view: &View<'_>) -> Markup {
    html! {
        section.setup-section aria-labelledby=(ANCHOR) {
            h2 id=(ANCHOR) { "Rooms" }
            p.hint { "A phase that holds a room takes any room free at the time. Removing a room keeps past bookings as they were." }
            @if setup.rooms.is_empty() { p.muted { "No rooms yet." } }
            ul.setup-rows {
                @for room in &setup.rooms {
                    @let prefix = format!("room.{}", room.id);
                    @let key = format!("{prefix}.name");
                    @let value = view.value(&key, &room.name);
                    li {
                        form.setup-row method="post" action="/admin/setup/rooms/rename" aria-label=(format!("Room: {}", room.name)) {
                            (csrf_field(session))
                            input type="hidden" name="id" value=(room.id);
                            (form_error(&view.problems, &format!("{prefix}.form")))
                            (Field::text(&key, "name", html! { "Room name" span.visually-hidden { " (" (room.name) ")" } }, &value).render(&view.problems))
                            div.setup-actions {
                                button type="submit" { "Save name" span.visually-hidden { " of " (room.name) } }
                                button.secondary type="submit" formaction="/admin/setup/rooms/remove" { "Remove" span.visually-hidden { " " (room.name) } }
                            }
                        }
                    }
                }
            }
            @let value = view.value("room.new.name", "");
            form.setup-form method="post" action="/admin/setup/rooms" aria-label="Add a room" {
                (csrf_field(session))
                (form_error(&view.problems, "room.new.form"))
                (Field::text("room.new.name", "name", html! { "New room's name" }, &value).hint("e.g. \u{201c}Treatment room 3\u{201d}").render(&view.problems))
                button type="submit" { "Add room" }
            }
        }
    }
}

/// How the summary names room `id`: by its saved name.
fn room_label(state: &AppState, id: &str) -> String {
    state
        .clinic()
        .setup
        .room(id)
        .map_or_else(|| "Room".to_owned(), |r| r.name.clone())
}

/// `POST /admin/setup/rooms`: adds a room.
pub async fn add_room(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<RoomForm>,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    let label = "New room";
    match setup.add_room(&form.name) {
        Ok(_) => {
            let at = format!("rooms[{}]", setup.rooms.len() - 1);
            let targets = [(at, "room.new.name".into(), label.into())];
            let form_key = ("room.new.form", label);
            if let Some(saved) = settle(
                &state,
                &session,
                &setup,
                "room added",
                ANCHOR,
                &targets,
                form_key,
                &mut problems,
            )
            .await
            {
                return saved;
            }
        }
        Err(refused) => file_refusal(&mut problems, "room.new", label, &refused),
    }
    refused_form(
        &state,
        &session,
        problems,
        vec![("room.new.name".into(), form.name)],
    )
}

/// `POST /admin/setup/rooms/rename`.
pub async fn rename_room(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<RoomForm>,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    let prefix = format!("room.{}", form.id);
    let label = room_label(&state, &form.id);
    match setup.rename_room(&form.id, &form.name) {
        Ok(()) => {
            let i = setup
                .rooms
                .iter()
                .position(|r| r.id == form.id)
                .unwrap_or(0);
            let targets = [(
                format!("rooms[{i}]"),
                format!("{prefix}.name"),
                label.clone(),
            )];
            let form_key = format!("{prefix}.form");
            if let Some(saved) = settle(
                &state,
                &session,
                &setup,
                "room renamed",
                ANCHOR,
                &targets,
                (form_key.as_str(), label.as_str()),
                &mut problems,
            )
            .await
            {
                return saved;
            }
        }
        Err(refused) => file_refusal(&mut problems, &prefix, &label, &refused),
    }
    refused_form(
        &state,
        &session,
        problems,
        vec![(format!("{prefix}.name"), form.name)],
    )
}

/// `POST /admin/setup/rooms/remove`: refused for the last room while a service needs one.
pub async fn remove_room(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<RoomForm>,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    let prefix = format!("room.{}", form.id);
    let label = room_label(&state, &form.id);
    match setup.remove_room(&form.id) {
        Ok(()) => {
            let form_key = format!("{prefix}.form");
            if let Some(saved) = settle(
                &state,
                &session,
                &setup,
                "room removed",
                ANCHOR,
                &[],
                (form_key.as_str(), label.as_str()),
                &mut problems,
            )
            .await
            {
                return saved;
            }
        }
        Err(refused) => file_refusal(&mut problems, &prefix, &label, &refused),
    }
    refused_form(&state, &session, problems, Vec::new())
}
