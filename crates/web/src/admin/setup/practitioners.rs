//! A practitioner's details: name, title, the services they offer, whether they may approve
//! findings that need a doctor, a few lines about them and their photo; and adding a
//! practitioner. Their hours, time off and date overrides have their own forms.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use clinic::{ClinicSetup, PractitionerSetup};
use maud::{Markup, html};

use super::problems::{Problems, Target, file_refusal, settle};
use super::sections::{Field, form_error};
use super::widgets::{checkbox, select, textarea, tick_text};
use super::{View, refused_form};
use crate::admin::layout::csrf_field;
use crate::auth::{AdminSession, StaffSession};
use crate::state::AppState;

/// The photo files a practitioner may be given: those in the content folder's
/// `practitioners/` with a type the site serves, by name.
pub(super) fn photo_files(state: &AppState) -> Vec<String> {
    let Some(dir) = state.config.content_dir.as_deref() else {
        return Vec::new();
    };
    let mut names: Vec<String> = std::fs::read_dir(dir.join("practitioners"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| PractitionerSetup::photo_type(n).is_some() && !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// A practitioner's details form, at the head of their section.
pub(super) fn details_form(
    session: &StaffSession,
    state: &AppState,
    setup: &ClinicSetup,
    p: &PractitionerSetup,
    view: &View<'_>,
) -> Markup {
    let prefix = format!("practitioner.{}", p.id);
    let key = |f: &str| format!("{prefix}.{f}");
    let whose = format!(" ({})", p.name);
    let name = view.value(&key("name"), &p.name);
    let title = view.value(&key("title"), &p.title);
    let bio = view.value(&key("bio"), &p.bio);
    let photo = view.value(&key("photo"), p.photo.as_deref().unwrap_or_default());
    let mut photos = vec![(String::new(), "None: show their initials".to_owned())];
    photos.extend(photo_files(state).into_iter().map(|n| (n.clone(), n)));
    if !photo.is_empty() && !photos.iter().any(|(v, _)| *v == photo) {
        photos.push((photo.clone(), format!("{photo} (file not found)")));
    }
    let title_id = format!("p-{}-details", p.id);
    html! {
        h3 id=(title_id) { "Details" span.visually-hidden { (whose) } }
        form.setup-form method="post" action="/admin/setup/practitioners/save" aria-labelledby=(title_id) {
            (csrf_field(session))
            input type="hidden" name="id" value=(p.id);
            (form_error(&view.problems, &key("form")))
            div.setup-grid {
                (Field::text(&key("name"), "name", html! { "Name" span.visually-hidden { (whose) } }, &name).render(&view.problems))
                (Field::text(&key("title"), "title", html! { "Title" span.visually-hidden { (whose) } }, &title).hint("e.g. Dermatologist").render(&view.problems))
            }
            fieldset.setup-holds {
                legend { "Services they offer" span.visually-hidden { (whose) } }
                (form_error(&view.problems, &key("services")))
                @for s in &setup.services {
                    @let offers = p.services.contains(&s.id);
                    (checkbox(&format!("{prefix}.service.{}", s.id), &format!("service.{}", s.id), html! { (s.name) }, view.ticked(&format!("{prefix}.service.{}", s.id), offers)))
                }
            }
            (checkbox(&key("prescriber"), "prescriber", html! { "May approve findings that need a doctor (prescriber)" span.visually-hidden { (whose) } }, view.ticked(&key("prescriber"), p.prescriber)))
            (textarea(&key("bio"), "bio", html! { "About them" span.visually-hidden { (whose) } }, &bio,
                "A few lines clients read when choosing whom to see; at most 600 characters.", &view.problems))
            (select(&key("photo"), "photo", html! { "Photo" span.visually-hidden { (whose) } }, &photos, &photo, &view.problems))
            button type="submit" { "Save details" span.visually-hidden { (whose) } }
        }
        (super::photo::upload_form(session, state, p, view))
    }
}

/// The form to add a practitioner, after the last one.
pub(super) fn add_form(session: &StaffSession, view: &View<'_>) -> Markup {
    let name = view.value("practitioner.new.name", "");
    html! {
        section.setup-section aria-labelledby="practitioner-new-title" {
            h2 #practitioner-new-title { "Add a practitioner" }
            form.setup-form method="post" action="/admin/setup/practitioners" aria-labelledby="practitioner-new-title" {
                (csrf_field(session))
                (form_error(&view.problems, "practitioner.new.form"))
                (Field::text("practitioner.new.name", "name", html! { "Name" }, &name)
                    .hint("Then give them services, hours and a photo in their own section.").render(&view.problems))
                button type="submit" { "Add practitioner" }
            }
        }
    }
}

/// A posted field by name, from the pairs a form sent.
fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// `POST /admin/setup/practitioners/save`. Read as pairs: each service is its own box.
pub async fn save_practitioner(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    let id = field(&pairs, "id").to_owned();
    let prefix = format!("practitioner.{id}");
    let service_ids: Vec<String> = setup.services.iter().map(|s| s.id.clone()).collect();
    let i = setup.practitioners.iter().position(|p| p.id == id);
    let label = i.map_or_else(
        || "Practitioner".to_owned(),
        |i| setup.practitioners[i].name.clone(),
    );
    match setup.practitioner_mut(&id) {
        Ok(p) => {
            p.name = field(&pairs, "name").trim().to_owned();
            p.title = field(&pairs, "title").trim().to_owned();
            p.bio = field(&pairs, "bio").trim().replace("\r\n", "\n");
            p.prescriber = !field(&pairs, "prescriber").is_empty();
            let photo = field(&pairs, "photo").trim();
            p.photo = (!photo.is_empty()).then(|| photo.to_owned());
            // Services the clinic no longer has are dropped with the rest of the list.
            p.services = service_ids
                .iter()
                .filter(|s| !field(&pairs, &format!("service.{s}")).is_empty())
                .cloned()
                .collect();
            let i = i.unwrap_or(0);
            let at = format!("practitioners[{i}]");
            let targets: Vec<Target> = [
                ("name", "name"),
                ("title", "title"),
                ("bio", "about them"),
                ("photo", "photo"),
                ("services", "services"),
            ]
            .iter()
            .map(|(f, what)| {
                (
                    format!("{at}.{f}"),
                    format!("{prefix}.{f}"),
                    format!("{label}, {what}"),
                )
            })
            .collect();
            let anchor = format!("p-{id}");
            let form_key = format!("{prefix}.form");
            if let Some(saved) = settle(
                &state,
                &session,
                &setup,
                "practitioner details",
                &anchor,
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
    let mut entered: Vec<(String, String)> = ["name", "title", "bio", "photo"]
        .iter()
        .map(|f| (format!("{prefix}.{f}"), field(&pairs, f).to_owned()))
        .collect();
    entered.push((
        format!("{prefix}.prescriber"),
        tick_text(!field(&pairs, "prescriber").is_empty()),
    ));
    for s in &service_ids {
        let ticked = !field(&pairs, &format!("service.{s}")).is_empty();
        entered.push((format!("{prefix}.service.{s}"), tick_text(ticked)));
    }
    refused_form(&state, &session, problems, entered)
}

/// `POST /admin/setup/practitioners`: adds a practitioner by name.
pub async fn add_practitioner(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    let name = field(&pairs, "name").to_owned();
    let label = "New practitioner";
    match setup.add_practitioner(&name) {
        Ok(id) => {
            let at = format!("practitioners[{}]", setup.practitioners.len() - 1);
            let targets = [(at, "practitioner.new.name".to_owned(), label.to_owned())];
            if let Some(saved) = settle(
                &state,
                &session,
                &setup,
                "practitioner added",
                &format!("p-{id}"),
                &targets,
                ("practitioner.new.form", label),
                &mut problems,
            )
            .await
            {
                return saved;
            }
        }
        Err(refused) => file_refusal(&mut problems, "practitioner.new", label, &refused),
    }
    refused_form(
        &state,
        &session,
        problems,
        vec![("practitioner.new.name".into(), name)],
    )
}
