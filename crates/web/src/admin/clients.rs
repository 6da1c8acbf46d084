//! Back-office clients: a search over name, email and phone, and one client's page with
//! their bookings and (for clinical staff only) their safety screenings.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use store::{Booking, Client, ScreeningRecord};

use super::layout::admin_page;
use crate::auth::{Role, StaffSession};
use crate::error::ApiError;
use crate::state::AppState;
use clinic::ClinicSnapshot;

/// The shortest query that searches; one letter would match nearly everyone.
const MIN_QUERY: usize = 2;

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// Whether a staff member may see a client with these bookings: practitioners only see
/// clients who have booked with them at least once.
fn may_see(session: &StaffSession, bookings: &[Booking]) -> bool {
    match session.role {
        Role::Practitioner => session
            .staff
            .practitioner_id
            .as_deref()
            .is_some_and(|p| bookings.iter().any(|b| b.practitioner_id == p)),
        Role::Admin | Role::FrontDesk => true,
    }
}

/// `GET /admin/clients?q=`.
pub async fn search(
    State(state): State<AppState>,
    session: StaffSession,
    Query(query): Query<SearchQuery>,
) -> Response {
    let q = query.q.trim();
    let searched = q.chars().count() >= MIN_QUERY;
    let mut results: Vec<Client> = Vec::new();
    if searched {
        let found = match state.store.search_clients(q).await {
            Ok(found) => found,
            Err(err) => return ApiError::internal(err).into_response(),
        };
        if session.role == Role::Practitioner {
            for client in found {
                match state.store.bookings_for_client(&client.id).await {
                    Ok(bookings) if may_see(&session, &bookings) => results.push(client),
                    Ok(_) => {}
                    Err(err) => return ApiError::internal(err).into_response(),
                }
            }
        } else {
            results = found;
        }
    }
    let body = html! {
        h1 { "Clients" }
        @if session.role == Role::Practitioner {
            p.muted { "You see the clients who have booked with you." }
        }
        form.client-search method="get" action="/admin/clients" role="search" {
            div.field {
                label for="client-q" { "Search by name, email or phone" }
                p.hint #client-q-hint { "At least " (MIN_QUERY) " characters. A phone number matches however it is spaced; a name matches by any of its parts, in any order." }
                input #client-q type="search" name="q" value=(query.q) minlength=(MIN_QUERY)
                    aria-describedby="client-q-hint" autocomplete="off";
            }
            button type="submit" { "Search" }
        }
        // The results live in one region that the script refills as the desk types.
        div #client-results aria-live="polite" {
        @if !q.is_empty() && !searched {
            p.notice role="status" { "Type at least " (MIN_QUERY) " characters to search." }
        } @else if searched && results.is_empty() {
            p.notice role="status" { "No clients match \u{201c}" (q) "\u{201d}." }
        } @else if searched {
            h2 { "Results" }
            p.muted role="status" { (results.len()) " client(s) match \u{201c}" (q) "\u{201d}." }
            div.table-scroll {
                table {
                    thead { tr { th scope="col" { "Name" } th scope="col" { "Email" } th scope="col" { "Phone" } } }
                    tbody {
                        @for c in &results {
                            tr {
                                td { a href=(format!("/admin/clients/{}", c.id)) { (c.name) } }
                                td { (c.email_address().unwrap_or("no email")) }
                                td { (c.phone.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
        }
    };
    admin_page(&state, &session, "Clients", "/admin/clients", body).into_response()
}

/// `GET /admin/clients/{id}`.
pub async fn show(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Response {
    let client = match state.store.client(&id).await {
        Ok(Some(c)) => c,
        Ok(None) => {
            let body = html! {
                h1 { "No such client" }
                p { a href="/admin/clients" { "Search clients" } }
            };
            return (
                StatusCode::NOT_FOUND,
                admin_page(&state, &session, "Not found", "/admin/clients", body),
            )
                .into_response();
        }
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let bookings = match state.store.bookings_for_client(&client.id).await {
        Ok(b) => b,
        Err(err) => return ApiError::internal(err).into_response(),
    };
    if !may_see(&session, &bookings) {
        return crate::auth::forbidden();
    }
    if let Err(e) = crate::audit::record_reads(
        &state,
        &[crate::audit::read("client", &client.id, &client.id)],
    )
    .await
    {
        return e.into_response();
    }
    let bookings = super::today::visible(&session, bookings);
    let screenings = if session.role.sees_clinical() {
        match state.store.screenings_for_client(&client.id).await {
            Ok(s) => Some(s),
            Err(err) => return ApiError::internal(err).into_response(),
        }
    } else {
        None
    };
    let course = if session.role.sees_clinical() {
        match state.flows.client_photos(&client.id).await {
            Ok(photos) => {
                let mut sessions = super::course::sessions(&bookings, &photos);
                for s in &mut sessions {
                    match state.flows.record(&s.booking).await {
                        Ok(record) => s.depths = super::course::depths_of(record.as_ref()),
                        Err(err) => return ApiError::from(err).into_response(),
                    }
                }
                Some(sessions)
            }
            Err(err) => return ApiError::from(err).into_response(),
        }
    } else {
        None
    };
    // The trail is the admins' to read, as on /admin/audit.
    let reads = if session.role == Role::Admin {
        match super::audit::client_reads(&state, &client.id).await {
            Ok(markup) => Some(markup),
            Err(err) => return err.into_response(),
        }
    } else {
        None
    };
    let courses = match state.store.courses_for_client(&client.id).await {
        Ok(c) => c,
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let their_data = match super::client_data::section(&state, &session, &client).await {
        Ok(markup) => markup,
        Err(r) => return r,
    };
    let clinic = state.clinic();
    let body = html! {
        h1 { (client.name) }
        dl.summary {
            dt { "Email" } dd { @if let Some(e) = client.email_address() { a href=(format!("mailto:{e}")) { (e) } } @else { "None: booked by phone; nothing is mailed to this client." } }
            dt { "Phone" } dd {
                @if let Some(phone) = &client.phone { a href=(format!("tel:{}", phone.replace(' ', ""))) { (phone) } }
                @else { span.muted { "None given" } }
            }
        }
        h2 { "Bookings" }
        @if session.role == Role::Practitioner { p.muted { "Your bookings with this client." } }
        (bookings_table(&clinic, &bookings))
        (super::booked_courses::view(&clinic, &courses))
        @if let Some(sessions) = &course { (super::course::view(&clinic, sessions)) }
        h2 { "Safety screenings" }
        @match &screenings {
            Some(list) => { (screenings_table(&clinic, list)) }
            None => { p.muted { "Screening details are visible to practitioners only." } }
        }
        (their_data)
        @if let Some(reads) = reads { (reads) }
    };
    admin_page(&state, &session, &client.name, "/admin/clients", body).into_response()
}

fn bookings_table(clinic: &ClinicSnapshot, bookings: &[Booking]) -> Markup {
    let setup = &clinic.setup;
    if bookings.is_empty() {
        return html! { p.notice { "No bookings." } };
    }
    html! {
        div.table-scroll {
            table {
                thead {
                    tr {
                        th scope="col" { "Date and time" }
                        th scope="col" { "Service" }
                        th scope="col" { "Practitioner" }
                        th scope="col" { "Status" }
                        th scope="col" { "Booking" }
                    }
                }
                tbody {
                    @for b in bookings {
                        tr {
                            td { (b.start.to_zoned_datetime(clinic.timezone.clone()).strftime("%a %-d %b %Y, ")) (clinic.clock(&b.start.to_zoned_datetime(clinic.timezone.clone()))) }
                            td { (setup.service(&b.service_id).map_or(b.service_id.as_str(), |s| s.name.as_str())) }
                            td { (setup.practitioner(&b.practitioner_id).map_or(b.practitioner_id.as_str(), |p| p.name.as_str())) }
                            td { span class=(format!("status {}", b.status.as_str())) { (b.status.as_str().replace('_', " ")) } }
                            td {
                                a href=(format!("/admin/bookings/{}", b.id)) { (b.reference) }
                                @if let Some(typed) = b.booked_differently() {
                                    br; span.small.muted { "booked as " (booked_as_text(typed)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The name and phone typed on a booking, as one line.
pub fn booked_as_text(typed: &store::BookedAs) -> String {
    match &typed.phone {
        Some(phone) => format!("{} \u{b7} {phone}", typed.name),
        None => typed.name.clone(),
    }
}

/// `POST /admin/bookings/{id}/update-client`: staff take the details typed on a booking
/// into the client's record.
pub async fn adopt_booked(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Response {
    let booking = match super::bookings::load(&state, &session, &id).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    match state.flows.adopt_booked_details(&booking.id).await {
        Ok(update) => axum::response::Redirect::to(&format!("/admin/clients/{}", update.after.id))
            .into_response(),
        Err(err) => {
            let err = crate::ui::refusal::FormRefusal::from(err);
            let body = html! { h1 { "Client not updated" } p.notice.danger role="alert" { (err.message) } };
            (
                err.status,
                admin_page(&state, &session, "Client not updated", "", body),
            )
                .into_response()
        }
    }
}

/// One finding as stored (the protocol's `Finding`, read back loosely).
struct FindingView {
    rule: String,
    outcome: String,
    message: String,
    source: String,
}

fn findings(record: &ScreeningRecord) -> Vec<FindingView> {
    let values: Vec<serde_json::Value> = serde_json::from_str(&record.findings).unwrap_or_default();
    let text = |v: &serde_json::Value, key: &str| v[key].as_str().unwrap_or_default().to_owned();
    values
        .iter()
        .map(|v| FindingView {
            rule: text(v, "rule"),
            outcome: text(v, "outcome").replace('_', " "),
            message: text(v, "message"),
            source: text(v, "source"),
        })
        .collect()
}

fn screenings_table(clinic: &ClinicSnapshot, screenings: &[ScreeningRecord]) -> Markup {
    if screenings.is_empty() {
        return html! { p.notice { "No screenings on file." } };
    }
    html! {
        div.table-scroll {
            table {
                thead {
                    tr {
                        th scope="col" { "Answered" }
                        th scope="col" { "Treatment date" }
                        th scope="col" { "Outcome" }
                        th scope="col" { "Earliest date" }
                        th scope="col" { "Findings" }
                    }
                }
                tbody {
                    @for s in screenings {
                        tr {
                            td {
                                @match jiff::Timestamp::from_second(s.created_at) {
                                    Ok(t) => { (t.to_zoned_datetime(clinic.timezone.clone()).date()) }
                                    Err(_) => {}
                                }
                            }
                            td { (s.treatment_date) }
                            td { strong { (s.outcome.replace('_', " ")) } }
                            td { (s.earliest_date.as_deref().unwrap_or("")) }
                            td {
                                @let list = findings(s);
                                @if list.is_empty() { span.muted { "None" } } @else {
                                    ul.finding-list {
                                        @for f in &list {
                                            li {
                                                strong { (f.outcome) } ": " (f.message)
                                                @if !f.source.is_empty() { br; span.small.muted { "Source: " (f.source) } }
                                                (super::review::finding_notes(clinic, &f.rule))
                                            }
                                        }
                                    }
                                }
                                span.small.muted { "Rule set " (s.ruleset_version) }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(role: Role, practitioner: Option<&str>) -> StaffSession {
        StaffSession {
            staff: store::Staff {
                id: "s1".into(),
                email: "a@clinic.example".into(),
                role: role.as_str().into(),
                practitioner_id: practitioner.map(str::to_owned),
                active: true,
            },
            role,
            csrf: "x".into(),
        }
    }

    fn booking(practitioner: &str) -> Booking {
        Booking {
            id: "b1".into(),
            reference: "R1".into(),
            service_id: "consultation".into(),
            practitioner_id: practitioner.into(),
            room_id: "room-1".into(),
            start: jiff::Timestamp::UNIX_EPOCH,
            end: jiff::Timestamp::UNIX_EPOCH,
            status: store::BookingStatus::Confirmed,
            screening_id: None,
            notes: String::new(),
            review_note: None,
            created_by: "client".into(),
            client: Client {
                id: "c1".into(),
                name: "Ana".into(),
                email: "ana@example.com".into(),
                phone: None,
            },
            booked_as: store::BookedAs {
                name: "Ana".into(),
                phone: None,
            },
        }
    }

    #[test]
    fn practitioners_see_only_their_own_clients() {
        let mine = [booking("maya-lee")];
        let theirs = [booking("sam-ortiz")];
        let maya = session(Role::Practitioner, Some("maya-lee"));
        assert!(may_see(&maya, &mine));
        assert!(!may_see(&maya, &theirs));
        assert!(!may_see(&maya, &[]));
        assert!(!may_see(&session(Role::Practitioner, None), &mine));
        assert!(may_see(&session(Role::FrontDesk, None), &[]));
        assert!(may_see(&session(Role::Admin, None), &theirs));
    }

    #[test]
    fn findings_are_read_with_their_sources() {
        let record = ScreeningRecord {
            id: "s".into(),
            client_id: None,
            ruleset_version: "1".into(),
            answers: "{}".into(),
            outcome: "defer".into(),
            earliest_date: None,
            findings: r#"[{"rule":"r","outcome":"not_suitable","message":"m","source":"IFU [17]","clinic_override":false}]"#.into(),
            treatment_date: "2027-01-01".into(),
            created_at: 0,
        };
        let list = findings(&record);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].outcome, "not suitable");
        assert_eq!(list[0].source, "IFU [17]");
        let broken = ScreeningRecord {
            findings: "not json".into(),
            ..record
        };
        assert!(findings(&broken).is_empty());
    }
}
