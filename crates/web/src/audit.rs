//! The edge's side of the audit trail: who each request acts for, and the reads of a
//! client's clinical data, recorded before the answer leaves.
//!
//! Every request runs inside [`store::audit::acting`]: as a client (with its address) on the
//! public site, and as the signed-in staff member behind the back office's guard, so the
//! entries the store writes with a change name the right actor without any handler passing
//! it on. A handler that shows clinical data calls [`record_reads`] first and answers 500
//! if the entry cannot be written: nothing clinical is served unrecorded.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use store::{AuditEntry, Who};

use crate::auth::StaffSession;
use crate::error::ApiError;
use crate::state::AppState;

/// Runs every request as a client from its address; the staff guard narrows it to staff.
pub async fn as_client(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let address = crate::extract::client_ip(&state, request.headers(), request.extensions());
    store::audit::acting(Who::client(Some(address.to_string())), next.run(request)).await
}

/// Runs a back-office request as the signed-in staff member.
pub async fn as_staff(
    state: &AppState,
    session: &StaffSession,
    request: Request,
    next: Next,
) -> Response {
    let address = crate::extract::client_ip(state, request.headers(), request.extensions());
    let who = Who::staff(
        &session.staff.id,
        session.role.as_str(),
        Some(address.to_string()),
    );
    store::audit::acting(who, next.run(request)).await
}

/// An entry for reading `entity` `id`, which belongs to `client_id`.
pub fn read(entity: &str, id: &str, client_id: &str) -> AuditEntry {
    AuditEntry::new("read", entity, id).for_client(client_id)
}

/// Writes the entries for what is about to be shown; an error means the answer must not be
/// sent.
pub async fn record_reads(state: &AppState, entries: &[AuditEntry]) -> Result<(), ApiError> {
    state.store.audit(entries).await.map_err(ApiError::internal)
}

/// The search itself (which lot), then one entry per visit it lists: the list shows what
/// each record names.
pub fn recall_reads(lot: &str, found: &[service::Recalled]) -> Vec<AuditEntry> {
    std::iter::once(AuditEntry::new("search", "recall", lot.trim()))
        .chain(
            found
                .iter()
                .map(|r| read("record", &r.booking.id, &r.booking.client.id)),
        )
        .collect()
}

/// One entry per aftercare alert shown: each shows what a client reported.
pub fn alert_reads(alerts: &[store::Alert]) -> Vec<AuditEntry> {
    alerts
        .iter()
        .map(|a| read("alert", &a.id, &a.client_id))
        .collect()
}
