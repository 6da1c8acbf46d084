//! `/admin/review`: bookings held for a practitioner's review of their screening.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use clinic::ClinicSnapshot;
use maud::{Markup, html};
use serde::Deserialize;
use service::{Approval, Review};
use store::Booking;

use super::layout::{admin_page, csrf_field};
use super::today::visible;
use crate::auth::{ClinicalSession, StaffSession};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::refusal::FormRefusal;

/// `GET /admin/review`.
pub async fn page(
    State(state): State<AppState>,
    ClinicalSession(session): ClinicalSession,
    Query(done): Query<super::flash::DoneQuery>,
) -> Response {
    let clinic = state.clinic();
    let pending = match state.store.bookings_pending_review().await {
        Ok(b) => visible(&session, b),
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let mut screenings = Vec::with_capacity(pending.len());
    for b in &pending {
        let s = match &b.screening_id {
            Some(id) => match state.store.screening(id).await {
                Ok(s) => s,
                Err(err) => return ApiError::internal(err).into_response(),
            },
            None => None,
        };
        screenings.push(s);
    }
    // The queue shows each client's answers: one entry for the page, one per screening.
    let mut reads = vec![store::AuditEntry::new("read", "review_queue", "list")];
    reads.extend(
        pending
            .iter()
            .map(|b| crate::audit::read("screening", &b.id, &b.client.id)),
    );
    if let Err(e) = crate::audit::record_reads(&state, &reads).await {
        return e.into_response();
    }
    let body = html! {
        h1 { "Review queue" }
        (super::flash::notice(&done.done))
        p { "These bookings hold their time until a practitioner reads the screening and confirms or declines." }
        @if pending.is_empty() { p.notice { "Nothing waiting for review." } } @else {
            div.table-scroll {
                table.review-queue {
                    thead { tr { th scope="col" { "When" } th scope="col" { "Client" } th scope="col" { "Service" } th scope="col" { "Practitioner" } th scope="col" { "Screening" } th scope="col" { "Action" } } }
                    tbody { @for (b, s) in pending.iter().zip(&screenings) { (queue_row(&clinic, b, s.as_ref())) } }
                }
            }
        }
    };
    admin_page(&state, &session, "Review queue", "/admin/review", body).into_response()
}

/// One booking waiting for review: its day and time, what the screening found with each
/// answer readable, and the way to decide it.
fn queue_row(
    clinic: &ClinicSnapshot,
    b: &Booking,
    screening: Option<&store::ScreeningRecord>,
) -> Markup {
    let setup = &clinic.setup;
    let start = b.start.to_zoned_datetime(clinic.timezone.clone());
    let findings: Vec<serde_json::Value> = screening
        .and_then(|s| serde_json::from_str(&s.findings).ok())
        .unwrap_or_default();
    html! {
        tr {
            td { time datetime=(clinic::rfc3339(&start)) { (start.strftime("%a %-d %b %Y, ")) (clinic.clock(&start)) } }
            td { a href=(format!("/admin/bookings/{}", b.id)) { (b.client.name) } }
            td { (setup.service(&b.service_id).map_or(b.service_id.as_str(), |s| s.name.as_str())) }
            td { (setup.practitioner(&b.practitioner_id).map_or(b.practitioner_id.as_str(), |p| p.name.as_str())) }
            td {
                @match screening {
                    None => { strong { "No screening on file" } },
                    Some(s) => {
                        (s.outcome.replace('_', " "))
                        @if !findings.is_empty() {
                            ul.small { @for f in &findings { li { (f["message"].as_str().unwrap_or("")) } } }
                        }
                        details {
                            summary { "Answers" span.visually-hidden { " of " (b.client.name) } }
                            (super::answers::answers_list(clinic, &s.answers))
                        }
                    },
                }
            }
            td { a.button.small href=(format!("/admin/bookings/{}#review", b.id)) { "Review" span.visually-hidden { ": " (b.client.name) } } }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub note: String,
}

/// `POST /admin/bookings/{id}/review`.
pub async fn decide(
    State(state): State<AppState>,
    ClinicalSession(session): ClinicalSession,
    Path(id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Response {
    let b = match super::bookings::load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let reviewer = session.staff.practitioner_id.as_deref();
    let result = match Review::parse(&form.decision) {
        Ok(decision) => state
            .flows
            .review(&b, decision, &form.note, reviewer)
            .await
            .map(|_| decision),
        Err(refusal) => Err(refusal),
    };
    match result {
        Ok(decision) => Redirect::to(match decision {
            Review::Confirm => "/admin/review?done=confirmed",
            Review::Decline => "/admin/review?done=declined",
        })
        .into_response(),
        Err(err) => {
            let err = FormRefusal::from(err);
            let body = html! {
                h1 { "Not reviewed" }
                div.notice.danger role="alert" { p { (err.message) } }
                p { a href=(format!("/admin/bookings/{}", b.id)) { "Back to booking " (b.reference) } }
            };
            (
                err.status,
                admin_page(&state, &session, "Not reviewed", "/admin/review", body),
            )
                .into_response()
        }
    }
}

/// The review form on a booking held for review, saying who may confirm it.
pub fn review_form(session: &StaffSession, b: &Booking, approval: &Approval) -> Markup {
    let reviewer = session.staff.practitioner_id.as_deref();
    let may_confirm = approval.may_confirm(reviewer);
    html! {
        h2 #review { "Review" }
        @if approval.needs_prescriber() {
            p.notice #who-may-confirm {
                "A doctor must approve findings on this screening ("
                (approval.doctor_findings.join(", ").replace('_', " "))
                "). Who may confirm: " strong { (approval.who()) } "."
                @if !may_confirm { " You may decline, or leave it for a prescriber." }
            }
        } @else {
            p.muted #who-may-confirm { "Any practitioner may confirm this booking." }
        }
        form method="post" action=(format!("/admin/bookings/{}/review", b.id)) {
            (csrf_field(session))
            div.field { label for="review-note" { "Note to the client (optional)" } textarea #review-note name="note" {} }
            p.cta-inline {
                @if may_confirm { button type="submit" name="decision" value="confirm" { "Confirm booking" } }
                button.danger type="submit" name="decision" value="decline" { "Decline" }
            }
        }
    }
}

/// What a practitioner sees beside a finding besides its words: the clinic's reason for
/// changing the rule, and whether a prescriber must approve it.
pub fn finding_notes(clinic: &ClinicSnapshot, rule: &str) -> Markup {
    html! {
        @if let Some(reason) = clinic.rules.clinic_reason(rule) {
            br; span.small { "Clinic's reason for changing this rule: " (reason) }
        }
        @if clinic.rules.needs_prescriber(rule) {
            br; span.small { "A prescriber must approve this." }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_show_the_clinics_reason_and_who_approves() {
        let mut setup = clinic::demo();
        setup.screening.rules.insert(
            "sunburn".into(),
            clinic::RuleOverrideSetup {
                wait: Some("1 week".into()),
                reason: Some("We use a cooling protocol <first>.".into()),
                ..Default::default()
            },
        );
        let clinic = ClinicSnapshot::new(setup, 2);
        let notes = finding_notes(&clinic, "sunburn").into_string();
        assert!(
            notes.contains(
                "Clinic's reason for changing this rule: We use a cooling protocol &lt;first&gt;."
            ),
            "{notes}"
        );
        assert!(!notes.contains("prescriber"));
        let keloid = finding_notes(&clinic, "keloid").into_string();
        assert!(
            keloid.contains("A prescriber must approve this."),
            "{keloid}"
        );
        assert!(!keloid.contains("reason"));
    }
}
