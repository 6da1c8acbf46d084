//! The audit trail for admins: `/admin/audit` (filtered by client, staff member and date,
//! paged) and `GET /api/v1/admin/audit`, and the client page's "who looked at this record".
//! The trail holds ids only; names are looked up here, as it is shown.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use clinic::ClinicSnapshot;
use maud::{Markup, html};
use serde_json::{Value, json};
use store::{AuditFilter, AuditRecord};

use super::layout::admin_page;
use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::forms::{encode, query_pairs};

/// Entries on one page of the list or the JSON.
pub const PAGE_SIZE: i64 = 50;
/// How many reads the client page lists.
const CLIENT_READS: i64 = 20;
/// The longest id a filter takes; ids are 32 hex digits.
const ID_MAX: usize = 64;

/// The filters as typed, for the form to show again, and as the store reads them.
#[derive(Default)]
struct Query {
    client: String,
    staff: String,
    from: String,
    to: String,
    filter: AuditFilter,
}

fn id_field(name: &str, value: &str) -> Result<Option<String>, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.len() > ID_MAX || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(ApiError::invalid(
            name,
            format!("\"{name}\" must be an id (letters, digits and dashes, at most {ID_MAX})."),
        ));
    }
    Ok(Some(value.to_owned()))
}

/// The first instant of `date` in the clinic's zone; `next_day` gives the instant the day
/// ends, so `to` includes the whole of its day.
fn day_start(
    clinic: &ClinicSnapshot,
    name: &str,
    value: &str,
    next_day: bool,
) -> Result<Option<i64>, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let bad = || ApiError::invalid(name, format!("\"{name}\" must be a date, YYYY-MM-DD."));
    let mut date: jiff::civil::Date = value.parse().map_err(|_| bad())?;
    if next_day {
        date = date.tomorrow().map_err(|_| {
            ApiError::invalid(name, format!("\"{name}\" is later than any entry can be."))
        })?;
    }
    let start = date
        .to_zoned_datetime(clinic.timezone.clone())
        .map_err(|_| ApiError::invalid(name, format!("\"{name}\" is out of range.")))?;
    Ok(Some(start.timestamp().as_second()))
}

fn parse(clinic: &ClinicSnapshot, raw: Option<&str>) -> Result<Query, ApiError> {
    let mut q = Query::default();
    let mut before = String::new();
    for (key, value) in query_pairs(raw.unwrap_or_default()) {
        match key.as_str() {
            "client" => q.client = value,
            "staff" => q.staff = value,
            "from" => q.from = value,
            "to" => q.to = value,
            "before" => before = value,
            _ => {}
        }
    }
    q.filter.client_id = id_field("client", &q.client)?;
    q.filter.staff_id = id_field("staff", &q.staff)?;
    q.filter.from = day_start(clinic, "from", &q.from, false)?;
    q.filter.to = day_start(clinic, "to", &q.to, true)?;
    if !before.trim().is_empty() {
        let seq: i64 = before.trim().parse().map_err(|_| {
            ApiError::invalid("before", "\"before\" must be an entry's sequence number.")
        })?;
        q.filter.before = Some(seq);
    }
    Ok(q)
}

/// Staff ids to e-mails, for showing who acted.
async fn staff_emails(state: &AppState) -> HashMap<String, String> {
    state
        .store
        .staff_list()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|s| (s.id, s.email))
        .collect()
}

fn when(clinic: &ClinicSnapshot, at: i64) -> String {
    jiff::Timestamp::from_second(at).map_or_else(
        |_| at.to_string(),
        |t| clinic.when(&t.to_zoned_datetime(clinic.timezone.clone())),
    )
}

fn who(entry: &AuditRecord, emails: &HashMap<String, String>) -> String {
    match (&entry.staff_id, &entry.staff_role) {
        (Some(id), role) => format!(
            "{} ({})",
            emails.get(id).map_or(id.as_str(), String::as_str),
            role.as_deref().unwrap_or("staff")
        ),
        _ => entry.actor.clone(),
    }
}

fn table(
    clinic: &ClinicSnapshot,
    entries: &[AuditRecord],
    emails: &HashMap<String, String>,
) -> Markup {
    html! {
        table {
            thead { tr { th { "#" } th { "When" } th { "Who" } th { "Did" } th { "To" } th { "Client" } th { "From" } } }
            tbody {
                @for e in entries {
                    tr {
                        td { (e.seq) }
                        td { (when(clinic, e.at)) }
                        td { (who(e, emails)) }
                        td { (e.action) }
                        td { (e.entity) " " code { (e.entity_id) } }
                        td { @if let Some(c) = &e.client_id { a href={"/admin/clients/" (c)} { code { (c) } } } }
                        td { (e.address.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
    }
}

/// `GET /admin/audit`: the trail, newest first, a page at a time.
pub async fn page(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    RawQuery(raw): RawQuery,
) -> Response {
    let clinic = state.clinic();
    let (q, problem) = match parse(&clinic, raw.as_deref()) {
        Ok(q) => (q, None),
        Err(err) => {
            let typed = parse_typed(raw.as_deref());
            (typed, Some(err))
        }
    };
    let entries = if problem.is_none() {
        match state.store.audit_entries(&q.filter, PAGE_SIZE).await {
            Ok(e) => e,
            Err(err) => return ApiError::internal(err).into_response(),
        }
    } else {
        Vec::new()
    };
    let emails = staff_emails(&state).await;
    let next = (entries.len() as i64 == PAGE_SIZE).then(|| {
        let last = entries.last().map_or(0, |e| e.seq);
        format!(
            "/admin/audit?client={}&staff={}&from={}&to={}&before={last}",
            encode(&q.client),
            encode(&q.staff),
            encode(&q.from),
            encode(&q.to)
        )
    });
    let body = html! {
        h1 { "Audit trail" }
        p { "Every look at a client's clinical data and every change to bookings, clients, records, staff and setup, newest first. Entries cannot be changed or removed; "
            code { "collagen audit verify" } " checks that none was." }
        form method="get" action="/admin/audit" {
            @if let Some(err) = &problem { p.error role="alert" { (err.detail) } }
            label { "Client id " input name="client" value=(q.client) maxlength="64"; }
            " "
            label { "Staff member "
                select name="staff" {
                    option value="" { "Anyone" }
                    @for (id, email) in sorted(&emails) {
                        option value=(id) selected[q.staff == *id] { (email) }
                    }
                }
            }
            " "
            label { "From " input type="date" name="from" value=(q.from); }
            " "
            label { "To " input type="date" name="to" value=(q.to); }
            " "
            button type="submit" { "Show" }
        }
        @if entries.is_empty() { p { "No entries." } } @else { (table(&clinic, &entries, &emails)) }
        @if let Some(href) = next { p { a href=(href) { "Older entries" } } }
    };
    let status = if problem.is_some() {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    (
        status,
        admin_page(&state, &session, "Audit trail", "/admin/audit", body),
    )
        .into_response()
}

/// The filters as typed, without checking them: the form keeps what was typed.
fn parse_typed(raw: Option<&str>) -> Query {
    let mut q = Query::default();
    for (key, value) in query_pairs(raw.unwrap_or_default()) {
        match key.as_str() {
            "client" => q.client = value,
            "staff" => q.staff = value,
            "from" => q.from = value,
            "to" => q.to = value,
            _ => {}
        }
    }
    q
}

fn sorted(emails: &HashMap<String, String>) -> Vec<(&String, &String)> {
    let mut list: Vec<_> = emails.iter().collect();
    list.sort_by(|a, b| a.1.cmp(b.1));
    list
}

/// `GET /api/v1/admin/audit?client=ID[&staff=ID&from=DATE&to=DATE&before=SEQ]`.
pub async fn list_json(
    State(state): State<AppState>,
    AdminSession(_): AdminSession,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let clinic = state.clinic();
    let q = parse(&clinic, raw.as_deref())?;
    let entries = state.store.audit_entries(&q.filter, PAGE_SIZE).await?;
    let next = (entries.len() as i64 == PAGE_SIZE).then(|| entries.last().map(|e| e.seq));
    let tz = clinic.timezone.clone();
    Ok(Json(json!({
        "entries": entries.iter().map(|e| json!({
            "seq": e.seq,
            "at": jiff::Timestamp::from_second(e.at)
                .map(|t| clinic::rfc3339(&t.to_zoned_datetime(tz.clone())))
                .unwrap_or_default(),
            "actor": e.actor,
            "staff_id": e.staff_id,
            "staff_role": e.staff_role,
            "action": e.action,
            "entity": e.entity,
            "entity_id": e.entity_id,
            "client_id": e.client_id,
            "address": e.address,
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        })).collect::<Vec<_>>(),
        "next_before": next.flatten(),
    })))
}

/// "Who looked at this record": the latest reads of a client's data, for the client page.
pub async fn client_reads(state: &AppState, client_id: &str) -> Result<Markup, ApiError> {
    let filter = AuditFilter {
        client_id: Some(client_id.to_owned()),
        action: Some("read".into()),
        ..Default::default()
    };
    let entries = state.store.audit_entries(&filter, CLIENT_READS).await?;
    let emails = staff_emails(state).await;
    let clinic = state.clinic();
    Ok(html! {
        section {
            h2 { "Who looked at this record" }
            @if entries.is_empty() { p { "Nobody yet." } } @else {
                ul {
                    @for e in &entries {
                        li { (when(&clinic, e.at)) ": " (who(e, &emails)) " read the " (e.entity) }
                    }
                }
                p { a href={"/admin/audit?client=" (encode(client_id))} { "The whole trail for this client" } }
            }
        }
    })
}
