//! The waitlist's pages: joining (reached from the booking page when a day has no free time
//! or the client wants an earlier date), the entry's manage page with "leave", and the
//! offer page whose one button books the offered time. Each works without JavaScript; the
//! links' tokens are the only keys, as on the manage page.

mod views;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use service::{Refusal, WaitlistInput, check_client, manage_path, parse_date, waitlist_path};

use crate::extract::ClientAddr;
use crate::state::AppState;
use crate::ui::forms::FieldErrors;
use crate::ui::layout::{PageMeta, page};
use crate::ui::refusal::FormRefusal;

/// The join form as typed: kept whole so a refused form shows what was typed.
#[derive(Debug, Default, Deserialize)]
pub struct JoinForm {
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub practitioner: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub morning: Option<String>,
    #[serde(default)]
    pub afternoon: Option<String>,
    #[serde(default)]
    pub evening: Option<String>,
    #[serde(default)]
    pub screening: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

fn some(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

impl JoinForm {
    /// Every field checked; all the mistakes at once, named by form field.
    fn input(&self) -> Result<WaitlistInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut date = |value: &str, field: &str| match parse_date(Some(value.trim()), field) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.add(field, e.to_string());
                None
            }
        };
        let (from, to) = (date(&self.from, "from"), date(&self.to, "to"));
        let client = match check_client(some(&self.name), some(&self.email), some(&self.phone), "")
        {
            Ok(c) => Some(c),
            Err(found) => {
                errors.add_all(found);
                None
            }
        };
        if self.service.trim().is_empty() {
            errors.add("service", "Please choose a service.");
        }
        let times = [
            (&self.morning, service::DayPart::Morning),
            (&self.afternoon, service::DayPart::Afternoon),
            (&self.evening, service::DayPart::Evening),
        ]
        .into_iter()
        .filter(|(on, _)| on.is_some())
        .map(|(_, part)| part)
        .collect();
        match (from, to, client) {
            (Some(from), Some(to), Some(client)) if errors.is_empty() => Ok(WaitlistInput {
                service_id: self.service.trim().to_owned(),
                from,
                to,
                times,
                practitioner: some(&self.practitioner),
                client,
                screening_id: some(&self.screening),
            }),
            _ => Err(errors),
        }
    }
}

/// `GET /waitlist`: the join form, filled from the booking page's service and date.
pub async fn form(State(state): State<AppState>, Query(mut form): Query<JoinForm>) -> Response {
    if form.to.is_empty() {
        form.to = form.from.clone();
    }
    join_page(&state, &form, &FieldErrors::default(), None, StatusCode::OK)
}

fn join_page(
    state: &AppState,
    form: &JoinForm,
    errors: &FieldErrors,
    problem: Option<&str>,
    status: StatusCode,
) -> Response {
    let body = views::join(&state.clinic(), form, errors, problem);
    (
        status,
        page(
            state,
            PageMeta::new(
                "Join the waitlist",
                "Ask to be told when a time frees up.",
                "/waitlist",
            ),
            body,
        ),
    )
        .into_response()
}

/// `POST /waitlist`: joins, then shows the entry's own page.
pub async fn join(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Form(form): Form<JoinForm>,
) -> Response {
    let input = match form.input() {
        Ok(input) => input,
        Err(errors) => {
            return join_page(
                &state,
                &form,
                &errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let joined = match state.flows.count_booking_attempt(addr) {
        Ok(()) => state.flows.join_waitlist(input).await,
        Err(e) => Err(e),
    };
    match joined {
        Ok(joined) => Redirect::to(&format!("{}?joined=1", waitlist_path(&joined.manage_token)))
            .into_response(),
        Err(err) => {
            let err = FormRefusal::from(err);
            let mut errors = FieldErrors::default();
            let problem = match &err.field {
                Some(field) => {
                    errors.add(field.trim_start_matches("client."), err.message.clone());
                    None
                }
                None => Some(err.message.as_str()),
            };
            join_page(&state, &form, &errors, problem, err.status)
        }
    }
}

/// Flags passed back after joining.
#[derive(Debug, Default, Deserialize)]
pub struct EntryQuery {
    #[serde(default)]
    joined: Option<String>,
}

/// `GET /waitlist/{token}`: what the client asked for, and "leave the waitlist".
pub async fn entry(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<EntryQuery>,
) -> Response {
    match state.flows.waitlist_by_token(&token).await {
        Ok(entry) => {
            let body = views::entry(&state.clinic(), &entry, &token, q.joined.is_some());
            page(
                &state,
                PageMeta::new(
                    "Your place on the waitlist",
                    "Your waitlist place.",
                    "/waitlist",
                )
                .private(),
                body,
            )
            .into_response()
        }
        Err(err) => refused(&state, err, "We couldn't find that waitlist place"),
    }
}

/// `POST /waitlist/{token}/leave`.
pub async fn leave(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.flows.leave_waitlist(&token).await {
        Ok(_) => Redirect::to(&waitlist_path(&token)).into_response(),
        Err(err) => refused(&state, err, "We couldn't take you off the waitlist"),
    }
}

/// `GET /waitlist/offers/{token}`: the offered time with one button that books it.
pub async fn offer(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.flows.offer_by_token(&token).await {
        Ok((offer, entry)) => {
            let body = views::offer(&state.clinic(), &offer, &entry, &token);
            page(
                &state,
                PageMeta::new("A time for you", "A time offered to you.", "/waitlist").private(),
                body,
            )
            .into_response()
        }
        Err(err) => refused(&state, err, "We couldn't find that offer"),
    }
}

/// `POST /waitlist/offers/{token}/accept`: books it, then shows the booking's own page.
pub async fn accept(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.flows.accept_offer(&token).await {
        Ok(booked) => {
            Redirect::to(&format!("{}?booked=1", manage_path(&booked.manage_token))).into_response()
        }
        Err(err) => refused(&state, err, "We couldn't book that time"),
    }
}

/// `POST /waitlist/offers/{token}/decline`.
pub async fn decline(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.flows.decline_offer(&token).await {
        Ok(_) => {
            let body = views::declined(&state.clinic());
            page(
                &state,
                PageMeta::new("Offer declined", "Offer declined.", "/waitlist").private(),
                body,
            )
            .into_response()
        }
        Err(err) => refused(&state, err, "We couldn't decline that offer"),
    }
}

/// A refusal as a page: what happened, in the API's words, with the API's status.
fn refused(state: &AppState, err: Refusal, title: &str) -> Response {
    let err = FormRefusal::from(err);
    let body = views::problem(&state.clinic(), title, &err.message);
    (
        err.status,
        page(
            state,
            PageMeta::new(title, title, "/waitlist").private(),
            body,
        ),
    )
        .into_response()
}
