//! "Is microneedling right for me?": the safety questionnaire, standalone and inside booking.
//!
//! Answers are health data: they travel only in POST bodies, are stored with the screening and
//! are shown to clinical staff only. Nothing about them is ever put in a URL; booking links carry
//! the screening's id alone.

pub(crate) mod answers;
pub(crate) mod form;
mod result;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use clinic::ClinicSnapshot;
use protocol::Screening;

use crate::state::AppState;
use crate::ui::forms::{FieldErrors, query, query_pairs};

use answers::{FormAnswers, Submitted, form_areas, submit_answers};
use form::{AreasField, booking_form, standalone_form};
use result::{failure_page, result_page};

/// The questionnaire's routes: standalone at `/suitability`, inline in booking at `/book/screening`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/suitability", axum::routing::get(page).post(submit))
        .route(
            "/book/screening",
            axum::routing::get(booking_page).post(booking_submit),
        )
}

/// The service and practitioner chosen on the booking page, carried through the questionnaire.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Carry {
    /// A service id the clinic offers, or empty.
    pub service: String,
    /// A practitioner id the clinic has, or empty.
    pub practitioner: String,
    /// The back office's CSRF token, when the questionnaire is answered on the clinic's
    /// tablet; empty on the public pages.
    pub csrf: String,
}

impl Carry {
    /// Reads `service` and `practitioner` from query or form pairs, keeping only known ids.
    pub fn from_pairs(pairs: &[(String, String)], clinic: &ClinicSnapshot) -> Carry {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.trim())
                .unwrap_or("")
        };
        let service = get("service");
        let practitioner = get("practitioner");
        Carry {
            service: clinic
                .setup
                .service(service)
                .map(|s| s.id.clone())
                .unwrap_or_default(),
            practitioner: clinic
                .setup
                .practitioner(practitioner)
                .map(|p| p.id.clone())
                .unwrap_or_default(),
            csrf: String::new(),
        }
    }

    /// The areas the answers are for: the carried treatment's, or those ticked in `pairs`.
    fn areas(&self, clinic: &ClinicSnapshot, pairs: &[(String, String)]) -> AreasField {
        match clinic.setup.service(&self.service) {
            Some(service) => AreasField::Fixed(service::service_areas(service)),
            None => AreasField::Ask(form_areas(pairs)),
        }
    }

    /// `/book?service=…&practitioner=…&screening=…`, with `service` in place of the carried one.
    fn book_url(&self, service: &str, screening: &str) -> String {
        format!(
            "/book{}",
            query(&[
                ("service", service),
                ("practitioner", &self.practitioner),
                ("screening", screening)
            ])
        )
    }
}

/// `GET /suitability`.
pub async fn page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let clinic = state.clinic();
    let carry = Carry::from_pairs(&query_pairs(raw.as_deref().unwrap_or("")), &clinic);
    let areas = carry.areas(&clinic, &[]);
    standalone_form(
        &state,
        &clinic,
        &carry,
        (&FormAnswers::new(), &areas),
        &FieldErrors::default(),
    )
    .into_response()
}

/// `POST /suitability`: the result, or the form again with what to fix.
pub async fn submit(State(state): State<AppState>, body: Bytes) -> Response {
    let clinic = state.clinic();
    let pairs = query_pairs(&String::from_utf8_lossy(&body));
    let carry = Carry::from_pairs(&pairs, &clinic);
    let areas = carry.areas(&clinic, &pairs);
    match submit_answers(&state, &pairs, areas.chosen()).await {
        Submitted::Screened {
            id,
            screening,
            areas,
        } => result_page(&state, &clinic, &carry, (&id, &areas), &screening).into_response(),
        Submitted::Invalid { answers, errors } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            standalone_form(&state, &clinic, &carry, (&answers, &areas), &errors),
        )
            .into_response(),
        Submitted::Failed(e) => failure_page(&state, &clinic, &e),
    }
}

/// `GET /book/screening?service=…&practitioner=…`: the questionnaire as the first booking step.
pub async fn booking_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let clinic = state.clinic();
    let carry = Carry::from_pairs(&query_pairs(raw.as_deref().unwrap_or("")), &clinic);
    let areas = carry.areas(&clinic, &[]);
    booking_form(
        &state,
        &clinic,
        &carry,
        (&FormAnswers::new(), &areas),
        &FieldErrors::default(),
    )
    .into_response()
}

/// `POST /book/screening`: on to choosing a time when treatment can be booked, otherwise the result.
pub async fn booking_submit(State(state): State<AppState>, body: Bytes) -> Response {
    let clinic = state.clinic();
    let pairs = query_pairs(&String::from_utf8_lossy(&body));
    let carry = Carry::from_pairs(&pairs, &clinic);
    let areas = carry.areas(&clinic, &pairs);
    match submit_answers(&state, &pairs, areas.chosen()).await {
        Submitted::Screened { id, screening, .. } if can_book(&screening) => {
            Redirect::to(&carry.book_url(&carry.service, &id)).into_response()
        }
        Submitted::Screened {
            id,
            screening,
            areas,
        } => result_page(&state, &clinic, &carry, (&id, &areas), &screening).into_response(),
        Submitted::Invalid { answers, errors } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            booking_form(&state, &clinic, &carry, (&answers, &areas), &errors),
        )
            .into_response(),
        Submitted::Failed(e) => failure_page(&state, &clinic, &e),
    }
}

/// Whether a treatment can be booked now: eligible, for review, or deferred to a known date.
fn can_book(screening: &Screening) -> bool {
    service::Gate::of(screening).is_open()
}

#[cfg(test)]
mod tests;
