//! The clinic's details (`[clinic]`): name, contact, address, time zone, currency, and the
//! clock times are shown in.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use clinic::ClinicSetup;
use maud::{Markup, html};
use serde::Deserialize;

use super::problems::{Problems, Target, settle};
use super::sections::{Field, form_error};
use super::widgets::select;
use super::{View, refused_form};
use crate::admin::layout::csrf_field;
use crate::auth::{AdminSession, StaffSession};
use crate::state::AppState;

/// Where the page returns after saving.
const ANCHOR: &str = "clinic-title";

/// The text fields: posted name (as in `[clinic]`), label and hint.
const FIELDS: [(&str, &str, &str); 7] = [
    (
        "name",
        "Clinic name",
        "As clients see it on every page and message.",
    ),
    (
        "email",
        "E-mail",
        "Where clients write to, and where alerts go.",
    ),
    (
        "phone",
        "Phone",
        "As clients should dial it, e.g. \u{201c}+1 555 0100\u{201d}.",
    ),
    (
        "address",
        "Address",
        "One line, as it appears in confirmations.",
    ),
    (
        "timezone",
        "Time zone",
        "An IANA name such as \u{201c}America/New_York\u{201d} or \u{201c}Europe/London\u{201d}; every time in the setup is local to it.",
    ),
    ("currency", "Currency", "A code such as USD, EUR or GBP."),
    (
        "locale",
        "Locale",
        "A language tag such as en-US or en-GB; its region decides 12- or 24-hour times unless the clock below says.",
    ),
];

/// `[clinic]` as posted.
#[derive(Debug, Default, Deserialize)]
pub struct ClinicForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    timezone: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    locale: String,
    /// `12`, `24`, or empty for the locale's.
    #[serde(default)]
    clock: String,
}

impl ClinicForm {
    fn get(&self, name: &str) -> &str {
        match name {
            "name" => &self.name,
            "email" => &self.email,
            "phone" => &self.phone,
            "address" => &self.address,
            "timezone" => &self.timezone,
            "currency" => &self.currency,
            "locale" => &self.locale,
            "clock" => &self.clock,
            _ => "",
        }
    }
}

/// A saved `[clinic]` field by its posted name.
fn saved(setup: &ClinicSetup, name: &str) -> String {
    let c = &setup.clinic;
    match name {
        "name" => c.name.clone(),
        "email" => c.email.clone(),
        "phone" => c.phone.clone(),
        "address" => c.address.clone(),
        "timezone" => c.timezone.clone(),
        "currency" => c.currency.clone(),
        "locale" => c.locale.clone(),
        "clock" => c.clock.map(|c| c.to_string()).unwrap_or_default(),
        _ => String::new(),
    }
}

/// The clinic details section.
pub(super) fn section(session: &StaffSession, setup: &ClinicSetup, view: &View<'_>) -> Markup {
    let clocks = [
        (String::new(), "As the locale reads them".to_owned()),
        ("12".to_owned(), "12-hour (2:30 pm)".to_owned()),
        ("24".to_owned(), "24-hour (14:30)".to_owned()),
    ];
    let clock = view.value("clinic.clock", saved(setup, "clock"));
    html! {
        section.setup-section aria-labelledby=(ANCHOR) {
            h2 id=(ANCHOR) { "Clinic details" }
            form.setup-form method="post" action="/admin/setup/clinic" aria-labelledby=(ANCHOR) {
                (csrf_field(session))
                (form_error(&view.problems, "clinic.form"))
                div.setup-grid {
                    @for (name, label, hint) in FIELDS {
                        @let key = format!("clinic.{name}");
                        @let value = view.value(&key, saved(setup, name));
                        (Field::text(&key, name, html! { (label) }, &value).hint(hint).render(&view.problems))
                    }
                    (select("clinic.clock", "clock", html! { "Clock" }, &clocks, &clock, &view.problems))
                }
                button type="submit" { "Save clinic details" }
            }
        }
    }
}

/// `POST /admin/setup/clinic`.
pub async fn save_clinic(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<ClinicForm>,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    let clock = match form.clock.trim() {
        "" => Ok(None),
        "12" => Ok(Some(12)),
        "24" => Ok(Some(24)),
        _ => Err(()),
    };
    match clock {
        Err(()) => problems.add(
            "clinic.clock",
            "Clock",
            "Choose 12-hour, 24-hour or the locale's.",
        ),
        Ok(clock) => {
            let c = &mut setup.clinic;
            for (name, ..) in FIELDS {
                let value = form.get(name).trim().to_owned();
                match name {
                    "name" => c.name = value,
                    "email" => c.email = value,
                    "phone" => c.phone = value,
                    "address" => c.address = value,
                    "timezone" => c.timezone = value,
                    "currency" => c.currency = value.to_ascii_uppercase(),
                    _ => c.locale = value,
                }
            }
            c.clock = clock;
            let targets: Vec<Target> = FIELDS
                .iter()
                .chain([&("clock", "Clock", "")])
                .map(|(name, label, _)| {
                    (
                        format!("clinic.{name}"),
                        format!("clinic.{name}"),
                        (*label).to_owned(),
                    )
                })
                .collect();
            if let Some(saved) = settle(
                &state,
                &session,
                &setup,
                "clinic details",
                ANCHOR,
                &targets,
                ("clinic.form", "Clinic details"),
                &mut problems,
            )
            .await
            {
                return saved;
            }
        }
    }
    let entered = FIELDS
        .iter()
        .map(|(name, ..)| *name)
        .chain(["clock"])
        .map(|name| (format!("clinic.{name}"), form.get(name).to_owned()))
        .collect();
    refused_form(&state, &session, problems, entered)
}
