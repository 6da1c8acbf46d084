//! `/admin/bookings/{id}/arrival`: what stands between the client and the needle. Clinical
//! roles see each item in full (the screening's outcome and findings, the plan for this
//! session); the front desk sees only what it can act on (consent to sign, answers to
//! re-confirm on the tablet, a practitioner to fetch), never what the client answered.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use clinic::ClinicSnapshot;
use maud::{Markup, html};
use service::{Arrival, ConsentView, ScreeningCheck};
use store::{Booking, BookingStatus};

use crate::admin::bookings::load;
use crate::admin::layout::{admin_page, csrf_field};
use crate::auth::StaffSession;
use crate::error::ApiError;
use crate::state::AppState;

/// `GET /admin/bookings/{id}/arrival`.
pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Response {
    let b = match load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    if let Err(e) = crate::audit::record_reads(
        &state,
        &[crate::audit::read("arrival", &b.id, &b.client.id)],
    )
    .await
    {
        return e.into_response();
    }
    let arrival = match state.flows.arrival(&b, jiff::Timestamp::now()).await {
        Ok(a) => a,
        Err(err) => return ApiError::from(err).into_response(),
    };
    // The documents by title: staff and the client know them by name, never by file.
    let docs = match state.flows.consent_documents(&b).await {
        Ok(docs) => docs,
        Err(err) => return ApiError::from(err).into_response(),
    };
    let consent = consent_item(&b, &arrival, &docs);
    let clinic = state.clinic();
    let body = html! {
        h1 { "Arrival: " (b.client.name) }
        (summary(&clinic, &b))
        @if arrival.clear() {
            div.notice.ok role="status" { p { strong { "Ready for treatment." } " Nothing stands in the way." } }
        } @else {
            div.notice.warn role="status" { p { strong { "Not ready for treatment yet." } " See each item below." } }
        }
        @if session.role.sees_clinical() {
            (clinical(&clinic, &b, &arrival, &consent))
        } @else {
            (front_desk(&b, &arrival, &consent))
        }
        @if matches!(b.status, BookingStatus::Confirmed | BookingStatus::PendingReview) {
            form.cta-inline method="post" action=(format!("/admin/bookings/{}/status", b.id)) {
                (csrf_field(&session))
                input type="hidden" name="status" value="arrived";
                button type="submit" { "Mark arrived" }
            }
        }
        p { a href=(format!("/admin/bookings/{}", b.id)) { "Open the booking" } }
    };
    admin_page(&state, &session, "Arrival check", "", body).into_response()
}

fn summary(clinic: &ClinicSnapshot, b: &Booking) -> Markup {
    let start = b.start.to_zoned_datetime(clinic.timezone.clone());
    html! {
        dl.summary {
            dt { "Treatment" } dd { (clinic.setup.service(&b.service_id).map_or(b.service_id.as_str(), |s| s.name.as_str())) }
            dt { "When" } dd { (clinic.when(&start)) }
            dt { "Status" } dd { span class=(format!("status {}", b.status.as_str())) { (b.status.as_str().replace('_', " ")) } }
        }
    }
}

/// The consent item, the same for every role: whether it is signed, and the tablet to sign on.
fn consent_item(b: &Booking, arrival: &Arrival, docs: &[ConsentView]) -> Markup {
    let c = &arrival.consent;
    let missing: Vec<&str> = c
        .missing
        .iter()
        .map(|id| {
            docs.iter()
                .find(|d| &d.id == id)
                .map_or(id.as_str(), |d| d.title.as_str())
        })
        .collect();
    html! {
        li.blocker-item {
            @if c.blocks_treatment() {
                strong.blocker { "Consent missing" } ": not yet signed ("
                (missing.join(", ")) "). "
                a.button.small href=(format!("/admin/bookings/{}/consent", b.id)) { "Open the consent for the client to sign" }
            } @else if c.required_by_clinic {
                strong { "Consent signed" } ". "
                a href=(format!("/admin/bookings/{}/consent/print", b.id)) { "Printable copy" }
            } @else {
                "Consent: not required for this booking."
            }
        }
    }
}

/// The screening item as the front desk may see it: whether the client must re-confirm.
fn front_desk(b: &Booking, arrival: &Arrival, consent: &Markup) -> Markup {
    html! {
        h2 { "Before treatment" }
        ul.blockers {
            (consent)
            @if arrival.screening.needs_client() {
                li.blocker-item {
                    strong.blocker { "Screening needs re-confirming" } ": the client answers on the tablet. "
                    a.button.small href=(format!("/admin/bookings/{}/reconfirm", b.id)) { "Open the questions for the client" }
                }
            }
            @if arrival.pending_review || !arrival.outcome_allows_treatment() {
                li.blocker-item { strong.blocker { "A practitioner must see this booking before treatment." } }
            }
        }
        p.muted.small { "The client's answers and the treatment plan are visible to practitioners only." }
    }
}

/// Every item in full, for practitioners and admins.
fn clinical(clinic: &ClinicSnapshot, b: &Booking, arrival: &Arrival, consent: &Markup) -> Markup {
    let tz = clinic.timezone.clone();
    let day = |t: jiff::Timestamp| {
        t.to_zoned_datetime(tz.clone())
            .strftime("%-d %B %Y")
            .to_string()
    };
    let plan = &arrival.plan;
    html! {
        h2 { "Before treatment" }
        ul.blockers {
            (consent)
            @if let Some(photos) = arrival.consent.photos {
                li { "Photographs: " (match photos {
                    service::PhotoUse::RecordOnly => "for the clinical record only",
                    service::PhotoUse::Marketing => "for the clinical record and for marketing, without the client's name",
                }) "." }
            } @else {
                li { "Photographs: no consent given; take none." }
            }
            li.blocker-item {
                @match &arrival.screening {
                    ScreeningCheck::NotNeeded => { "Screening: not needed for this service." }
                    ScreeningCheck::Missing => {
                        strong.blocker { "No screening on file" } ". "
                        a.button.small href=(format!("/admin/bookings/{}/reconfirm", b.id)) { "Open the questions for the client" }
                    }
                    ScreeningCheck::Current { answered_at, confirmed_at } => {
                        strong { "Screening current" } ": answered " (day(*answered_at))
                        @if let Some(at) = confirmed_at { ", confirmed unchanged " (day(*at)) } "."
                    }
                    ScreeningCheck::Stale { since } => {
                        strong.blocker { "Screening needs re-confirming" } ": last answered or confirmed " (day(*since))
                        ", more than " (clinic.setup.visits.screening_valid_days) " days before this treatment. "
                        a.button.small href=(format!("/admin/bookings/{}/reconfirm", b.id)) { "Ask the client on the tablet" }
                    }
                    ScreeningCheck::OtherArea { answered_for } => {
                        strong.blocker { "Screening for another area" } ": answered for the " (answered_for.join(" and "))
                        ", but this treatment is for the " (plan.areas.join(" and ")) ". "
                        a.button.small href=(format!("/admin/bookings/{}/reconfirm", b.id)) { "Ask the client on the tablet" }
                    }
                }
            }
            @if let Some(outcome) = arrival.outcome {
                li.blocker-item {
                    @if arrival.outcome_allows_treatment() {
                        "Screening outcome today: eligible."
                    } @else {
                        strong.blocker { "Screening outcome today: " (outcome.as_str().replace('_', " ")) } "."
                        (findings(arrival.findings.as_deref().unwrap_or("[]")))
                    }
                }
            }
            @if arrival.pending_review {
                li.blocker-item {
                    strong.blocker { "Waiting for review" } ": confirm or decline it on "
                    a href=(format!("/admin/bookings/{}", b.id)) { "the booking page" } "."
                }
            }
        }
        h2 { "This session" }
        dl.summary {
            dt { "Treatment" } dd { (plan.service_name) " (" (plan.areas.join(", ")) ")" }
            dt { "Session" } dd { "Number " (plan.session_number) " of this treatment"
                @if let Some(last) = plan.last_session { "; the last was " (day(last)) } }
            @if !b.notes.is_empty() { dt { "Client's notes" } dd { (b.notes) } }
            @if let Some(note) = &b.review_note { dt { "Review note" } dd { (note) } }
        }
        @if !plan.depths.is_empty() {
            details {
                summary { "Needle depth guide for these areas (protocol, with the clinic's caps)" }
                div.table-scroll { table {
                    thead { tr { th scope="col" { "Area" } th scope="col" { "Depth" } } }
                    tbody { @for (label, depth) in &plan.depths { tr { td { (label) } td { (depth.min) "–" (depth.max) " mm" } } } }
                } }
            }
        }
    }
}

fn findings(json: &str) -> Markup {
    let findings: Vec<serde_json::Value> = serde_json::from_str(json).unwrap_or_default();
    html! {
        @if !findings.is_empty() {
            ul { @for f in &findings { li { (f["message"].as_str().unwrap_or("")) } } }
        }
    }
}

/// The booking page's pointer to the arrival check, with what every role may know: that a
/// consent is missing, or that the screening needs the client; `None` for a booking that is over.
pub async fn booking_panel(state: &AppState, b: &Booking) -> Option<Markup> {
    if !matches!(
        b.status,
        BookingStatus::Confirmed | BookingStatus::PendingReview | BookingStatus::Arrived
    ) {
        return None;
    }
    let arrival = state.flows.arrival(b, jiff::Timestamp::now()).await.ok()?;
    Some(html! {
        h2 { "Visit" }
        ul.blockers {
            @if arrival.consent.blocks_treatment() { li { strong.blocker { "Consent missing" } } }
            @if arrival.screening.needs_client() { li { strong.blocker { "Screening needs re-confirming" } } }
        }
        p { a.button.small href=(format!("/admin/bookings/{}/arrival", b.id)) { "Arrival check" } }
    })
}
