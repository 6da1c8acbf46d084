//! `/book/course`: a course of sessions proposed from the first time chosen, any one of
//! them changed, then all booked at once; `/courses/{token}`: the client's view of the
//! course. Plain links and forms, so it all works without JavaScript.

mod views;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use service::{
    Actor, CourseInput, PolicyConsent, ProposedSession, Refusal, check_client, parse_start,
};

use crate::extract::ClientAddr;
use crate::state::AppState;
use crate::ui::forms::FieldErrors;
use crate::ui::layout::{PageMeta, page};
use crate::ui::refusal::FormRefusal;

/// The course's choices so far, carried in links and hidden fields. `sessions` is the
/// starts, RFC 3339, separated by commas (which RFC 3339 never holds).
#[derive(Debug, Default, Deserialize)]
pub struct CourseQuery {
    #[serde(default)]
    service: String,
    #[serde(default)]
    practitioner: String,
    #[serde(default)]
    screening: String,
    /// The first session, when no list is chosen yet.
    #[serde(default)]
    start: String,
    #[serde(default)]
    sessions: String,
    /// The session being changed (`/book/course/change`).
    #[serde(default)]
    index: Option<usize>,
}

/// The booking form: the choices and who the course is for, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct CourseForm {
    #[serde(default)]
    service: String,
    #[serde(default)]
    practitioner: String,
    #[serde(default)]
    screening: String,
    #[serde(default)]
    sessions: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    /// `yes` when the cancellation policy's box is ticked.
    #[serde(default)]
    agree_policy: String,
    /// The version and SHA-256 of the policy the form showed.
    #[serde(default)]
    policy_version: String,
    #[serde(default)]
    policy_sha256: String,
}

/// The most sessions a link may carry; the course's own count is checked by the workflow.
const MOST_IN_LINK: usize = 52;

fn parse_starts(text: &str) -> Option<Vec<Timestamp>> {
    let parts: Vec<&str> = text.split(',').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() || parts.len() > MOST_IN_LINK {
        return None;
    }
    parts.iter().map(|p| parse_start(p).ok()).collect()
}

/// The proposal as `(start, practitioner)` pairs; a list from a link keeps its own times
/// and names no practitioner (the booking assigns them).
async fn sessions_for(state: &AppState, q: &CourseQuery) -> Result<Vec<ProposedSession>, Refusal> {
    let clinic = state.clinic();
    let practitioner = Some(q.practitioner.as_str()).filter(|p| !p.is_empty());
    if let Some(starts) = parse_starts(&q.sessions) {
        let service = clinic
            .engine_service(&q.service)
            .ok_or_else(|| Refusal::invalid("service", "There is no such service."))?;
        return Ok(starts
            .into_iter()
            .map(|t| ProposedSession {
                start: t.to_zoned_datetime(clinic.timezone.clone()),
                end: (t + service.duration()).to_zoned_datetime(clinic.timezone.clone()),
                practitioner: q.practitioner.clone(),
            })
            .collect());
    }
    let start = parse_start(&q.start)?;
    let count = clinic
        .setup
        .service(&q.service)
        .and_then(|s| s.course)
        .map_or(1, |c| c.sessions as usize);
    state
        .flows
        .propose_course(&q.service, start, count, practitioner)
        .await
}

/// `GET /book/course`: the proposed sessions, each changeable, and the booking form.
pub async fn proposal(State(state): State<AppState>, Query(q): Query<CourseQuery>) -> Response {
    let form = CourseForm {
        service: q.service.clone(),
        practitioner: q.practitioner.clone(),
        screening: q.screening.clone(),
        ..Default::default()
    };
    match sessions_for(&state, &q).await {
        Ok(sessions) => proposal_page(&state, &form, &sessions, &FieldErrors::default(), None),
        Err(err) => problem_page(&state, &q.service, &FormRefusal::from(err)),
    }
}

fn proposal_page(
    state: &AppState,
    form: &CourseForm,
    sessions: &[ProposedSession],
    errors: &FieldErrors,
    problem: Option<&str>,
) -> Response {
    let clinic = state.clinic();
    let Some(service) = clinic.setup.service(&form.service) else {
        return Redirect::to("/book").into_response();
    };
    let body = views::proposal(&clinic, service, form, sessions, errors, problem);
    let status = if problem.is_some() || !errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (
        status,
        page(
            state,
            PageMeta::new("Your course", "Book a course of sessions.", "/book/course").private(),
            body,
        ),
    )
        .into_response()
}

fn problem_page(state: &AppState, service: &str, refusal: &FormRefusal) -> Response {
    let body = views::problem(service, &refusal.message);
    (
        refusal.status,
        page(
            state,
            PageMeta::new("Your course", "Book a course of sessions.", "/book/course").private(),
            body,
        ),
    )
        .into_response()
}

/// `GET /book/course/change`: free times for one session, between its neighbours.
pub async fn change(State(state): State<AppState>, Query(q): Query<CourseQuery>) -> Response {
    let clinic = state.clinic();
    let (Some(starts), Some(index)) = (parse_starts(&q.sessions), q.index) else {
        return Redirect::to("/book").into_response();
    };
    let rules = match service::CourseRules::of(&clinic, &q.service, "service") {
        Ok((_, rules)) => rules,
        Err(err) => return problem_page(&state, &q.service, &FormRefusal::from(err)),
    };
    let Some(current) = starts.get(index) else {
        return Redirect::to("/book").into_response();
    };
    let tz = clinic.timezone.clone();
    let day = |t: &Timestamp| t.to_zoned_datetime(tz.clone()).date();
    let tolerance = jiff::Span::new().days(i64::from(rules.course.tolerance_days.max(7)));
    let mut from = day(current).checked_sub(tolerance).unwrap_or(day(current));
    let mut to = day(current).checked_add(tolerance).unwrap_or(day(current));
    if let Some(previous) = index.checked_sub(1).and_then(|i| starts.get(i)) {
        from = from.max(rules.earliest_after(day(previous)));
    }
    if let Some(next) = starts.get(index + 1) {
        let latest = day(next)
            .checked_sub(jiff::Span::new().days(i64::from(rules.minimum.days())))
            .unwrap_or(day(next));
        to = to.min(latest);
    }
    let practitioner = Some(q.practitioner.as_str()).filter(|p| !p.is_empty());
    let slots = if from <= to {
        state
            .flows
            .availability(&q.service, from, to, practitioner, None)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let body = views::change(&clinic, &q, &starts, index, &rules, &slots);
    page(
        &state,
        PageMeta::new(
            "Change a session",
            "Choose another time for one session.",
            "/book/course",
        )
        .private(),
        body,
    )
    .into_response()
}

/// `POST /book/course`: books every session, or shows the form again with what is wrong.
pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(mut form): Form<CourseForm>,
) -> Response {
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let Some(starts) = parse_starts(&form.sessions) else {
        return Redirect::to("/book").into_response();
    };
    if [&form.service, &form.practitioner, &form.screening]
        .iter()
        .any(|v| service::has_nul(v))
    {
        return Redirect::to("/book").into_response();
    }
    let query = CourseQuery {
        service: form.service.clone(),
        practitioner: form.practitioner.clone(),
        sessions: form.sessions.clone(),
        ..Default::default()
    };
    let shown = sessions_for(&state, &query).await.unwrap_or_default();
    let mut errors = FieldErrors::default();
    let client = check_client(opt(&form.name), opt(&form.email), opt(&form.phone), "")
        .map_err(|found| errors.add_all(found))
        .ok();
    if form.agree_policy != "yes" {
        errors.add(
            "agree_policy",
            "Please read our cancellation policy and tick the box to agree to it.",
        );
    }
    let (Some(client), true) = (client, errors.is_empty()) else {
        // Shown again without the NULs check_client refused, never written raw.
        for typed in [&mut form.name, &mut form.email, &mut form.phone] {
            typed.retain(|c| c != '\0');
        }
        return proposal_page(&state, &form, &shown, &errors, None);
    };
    if let Err(Refusal::RateLimited { retry_after }) = state.flows.count_booking_attempt(addr) {
        let message = format!(
            "We have received many bookings from your connection; please try again in {} minutes or call us.",
            retry_after.div_ceil(60)
        );
        return proposal_page(
            &state,
            &form,
            &shown,
            &FieldErrors::default(),
            Some(&message),
        );
    }
    let input = CourseInput {
        service_id: form.service.clone(),
        starts,
        practitioner: opt(&form.practitioner),
        client,
        screening_id: opt(&form.screening),
        // A version that is not a number is never the current one.
        policy: Some(PolicyConsent {
            version: form.policy_version.trim().parse().unwrap_or(-1),
            sha256: form.policy_sha256.trim().to_owned(),
            ..PolicyConsent::default()
        }),
    }
    .agreed_from(addr.to_string(), crate::api::consent::user_agent(&headers));
    match state.flows.book_course(input, Actor::Client).await {
        Ok(booked) => {
            Redirect::to(&format!("/courses/{}?booked=1", booked.manage_token)).into_response()
        }
        Err(Refusal::CourseSlotTaken { index, proposal }) => {
            let which = index.map_or("one of the sessions".to_owned(), |i| {
                format!("session {}", i + 1)
            });
            let message = if proposal.is_empty() {
                format!(
                    "Sorry, someone booked the time of {which} a moment before you, so nothing was booked. Please choose another first time."
                )
            } else {
                format!(
                    "Sorry, someone booked the time of {which} a moment before you, so nothing was booked. Here is a new proposal; your details are kept below."
                )
            };
            form.sessions = proposal
                .iter()
                .map(|s| clinic::rfc3339(&s.start))
                .collect::<Vec<_>>()
                .join(",");
            proposal_page(
                &state,
                &form,
                &proposal,
                &FieldErrors::default(),
                Some(&message),
            )
        }
        Err(err) => {
            let refusal = FormRefusal::from(err);
            let mut errors = FieldErrors::default();
            match refusal.field.as_deref() {
                Some("cancellation_policy") => {
                    // The policy changed under the form: show the new one, unticked.
                    form.agree_policy.clear();
                    errors.add("agree_policy", refusal.message);
                    proposal_page(&state, &form, &shown, &errors, None)
                }
                Some(field @ ("name" | "email" | "phone")) if !refusal.internal => {
                    errors.add(field, refusal.message);
                    proposal_page(&state, &form, &shown, &errors, None)
                }
                _ => proposal_page(&state, &form, &shown, &errors, Some(&refusal.message)),
            }
        }
    }
}

/// Flags the booking passes back.
#[derive(Debug, Default, Deserialize)]
pub struct CourseShowQuery {
    #[serde(default)]
    booked: Option<String>,
    #[serde(default)]
    cancelled: Option<usize>,
}

/// `GET /courses/{token}`: the course, its sessions done and left, and what may be changed.
pub async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<CourseShowQuery>,
) -> Response {
    let course = match state.flows.course_by_token(&token).await {
        Ok(Some(course)) => course,
        Ok(None) => return not_found(&state),
        Err(err) => return crate::error::ApiError::from(err).into_response(),
    };
    let clinic = state.clinic();
    let body = views::course(
        &clinic,
        &course,
        &token,
        q.booked.is_some(),
        q.cancelled,
        None,
    );
    page(
        &state,
        PageMeta::new("Your course", "Your course of sessions.", "/courses").private(),
        body,
    )
    .into_response()
}

fn not_found(state: &AppState) -> Response {
    (
        StatusCode::NOT_FOUND,
        page(
            state,
            PageMeta::new("Course not found", "Course not found.", "/courses").private(),
            views::not_found(&state.clinic().setup.clinic.phone),
        ),
    )
        .into_response()
}

/// The cancel-the-rest form.
#[derive(Debug, Deserialize)]
pub struct CancelRestForm {
    from: usize,
}

/// `POST /courses/{token}/cancel`: cancels the session `from` and every later one.
pub async fn cancel_rest(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<CancelRestForm>,
) -> Response {
    let course = match state.flows.course_by_token(&token).await {
        Ok(Some(course)) => course,
        Ok(None) => return not_found(&state),
        Err(err) => return crate::error::ApiError::from(err).into_response(),
    };
    match state
        .flows
        .cancel_course_from(&course, form.from, Actor::Client)
        .await
    {
        Ok(n) => Redirect::to(&format!("/courses/{token}?cancelled={n}")).into_response(),
        Err((done, err)) => {
            let refusal = FormRefusal::from(err);
            let message = format!(
                "{} {}",
                match done {
                    0 => "Nothing was cancelled.".to_owned(),
                    1 => "One session was cancelled before we stopped.".to_owned(),
                    n => format!("{n} sessions were cancelled before we stopped."),
                },
                refusal.message
            );
            let course = state
                .flows
                .course_by_token(&token)
                .await
                .ok()
                .flatten()
                .unwrap_or(course);
            let body = views::course(
                &state.clinic(),
                &course,
                &token,
                false,
                None,
                Some(&message),
            );
            (
                refusal.status,
                page(
                    &state,
                    PageMeta::new("Your course", "Your course of sessions.", "/courses").private(),
                    body,
                ),
            )
                .into_response()
        }
    }
}
