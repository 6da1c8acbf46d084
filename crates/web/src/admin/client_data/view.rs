//! What the export and erasure pages say: the words an admin decides by, so they name what
//! goes, what is kept, why and until when.

use clinic::ClinicSnapshot;
use jiff::Timestamp;
use maud::{Markup, html};
use service::ErasurePlan;
use store::{Client, Erasure, Kept};

use super::super::layout::csrf_field;
use crate::auth::StaffSession;
use crate::ui::forms::{FieldAria, FieldErrors};

/// A date in the clinic's zone: `15 March 2034`.
fn date(clinic: &ClinicSnapshot, t: Timestamp) -> String {
    t.to_zoned_datetime(clinic.timezone.clone())
        .strftime("%-d %B %Y")
        .to_string()
}

/// The kinds kept, as lines: `2 signed treatment records`.
fn kept_lines(kept: &Kept) -> Vec<String> {
    [
        (
            kept.treatment_records,
            "signed treatment record",
            "signed treatment records",
        ),
        (kept.consents, "signed consent", "signed consents"),
        (kept.screenings, "safety screening", "safety screenings"),
        (
            kept.photos,
            "photo of a treated visit",
            "photos of treated visits",
        ),
        (
            kept.checkins,
            "healing check-in after a treatment",
            "healing check-ins after treatments",
        ),
        (
            kept.bookings,
            "booking of a treatment or a signed consent",
            "bookings of treatments or signed consents",
        ),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    })
    .collect()
}

/// The client page's part for admins.
pub fn section(clinic: &ClinicSnapshot, client_id: &str, erasure: Option<&Erasure>) -> Markup {
    let erase = format!("/admin/clients/{client_id}/erase");
    html! {
        h2 #their-data { "Their data" }
        @match erasure {
            Some(e) => {
                p.notice role="status" {
                    "This client was erased on " (date(clinic, e.requested_at)) ". "
                    a href=(erase) { "What was kept, and until when" }
                }
            }
            None => {
                p {
                    a href=(format!("/admin/clients/{client_id}/export")) download { "Download their data" }
                    " "
                    span.muted { "(a zip archive: export.json, a summary to read in any browser, and the photos)" }
                }
                p { a href=(erase) { "Erase this client\u{2026}" } }
            }
        }
    }
}

/// What the confirmation page needs.
pub struct Confirm<'a> {
    pub clinic: &'a ClinicSnapshot,
    pub session: &'a StaffSession,
    pub client: &'a Client,
    pub plan: &'a ErasurePlan,
    pub typed: &'a str,
    pub errors: &'a FieldErrors,
    /// The workflow's refusal, when the erasure was tried and refused.
    pub refused: Option<&'a str>,
}

/// What goes at once, whatever is kept.
fn what_goes() -> Markup {
    html! {
        h2 { "What goes now" }
        ul {
            li { "Their name, e-mail address and phone on the client record (it becomes \u{201c}Erased client\u{201d}), and the name, phone and notes typed on their bookings." }
            li { "Every message to or about them, queued or sent, with its copy in the outbox folder; their manage links stop working." }
            li { "Their marketing photo consent (withdrawn) and their choice about optional messages." }
            li { "Unsigned draft treatment records, photos of visits without a signed record, and the notes they wrote with check-ins." }
            li { "Bookings, screenings, check-ins and alerts that are not part of a treatment." }
        }
    }
}

/// What is kept, why and until when, for the plan or the erasure made.
fn what_is_kept(
    clinic: &ClinicSnapshot,
    kept: &Kept,
    last: Option<Timestamp>,
    keep_until: Timestamp,
    years: Option<u32>,
) -> Markup {
    let period = match years {
        Some(1) => "1 year".to_owned(),
        Some(n) => format!("{n} years"),
        None => "the retention period".to_owned(),
    };
    html! {
        @if kept.is_empty() {
            p { "Nothing is kept: there is no treatment whose record the clinic must keep, so everything about them is deleted." }
        } @else {
            p {
                "The clinic keeps the clinical record of a treatment for " (period)
                " after the last one (" code { "[records] retention_years" } " in the clinic file; the period the law asks for varies by country and state)."
                @if let Some(last) = last { " The last treatment was on " strong { (date(clinic, last)) } "," }
                " so this is kept until " strong { (date(clinic, keep_until)) } ", then deleted by the daily purge:"
            }
            ul { @for line in kept_lines(kept) { li { (line) } } }
            p.muted { "It is kept without their contact details; the signed consents keep the name as it was signed." }
        }
        p.muted { "A note that the erasure was made (when, by whom, and the counts above, with no name, e-mail or phone) stays as the clinic's proof, as do the audit trail's entries, which name no one." }
    }
}

/// The confirmation page: what an erasure would do, and the typed confirmation.
pub fn confirm(c: &Confirm<'_>) -> Markup {
    let client = c.client;
    let plan = c.plan;
    let aria = FieldAria::new(
        "confirm",
        Some("This cannot be undone. If they asked for a copy of their data, download it first."),
        c.errors,
    );
    let action = format!("/admin/clients/{}/erase", client.id);
    html! {
        h1 { "Erase " (client.name) }
        p { a href=(format!("/admin/clients/{}", client.id)) { "Back to the client" } }
        @if let Some(message) = c.refused {
            p.notice.danger role="alert" { (message) }
        } @else if let Some(blocked) = &plan.blocked {
            p.notice.danger role="alert" { (blocked) }
        }
        (c.errors.summary(|_| "Confirmation".to_owned()))
        (what_goes())
        h2 { "What is kept, and why" }
        (what_is_kept(c.clinic, &plan.kept, plan.last_treatment_at, plan.keep_until, Some(plan.retention_years)))
        @if plan.blocked.is_none() {
            form method="post" action=(action) {
                (csrf_field(c.session))
                div.field {
                    label for=(aria.id) { "Type " strong { (client.email) } " to confirm" }
                    p.hint id=(aria.hint_id) { "This cannot be undone. If they asked for a copy of their data, download it first." }
                    @if let Some(message) = aria.error { p.error-text id=(aria.error_id) { (message) } }
                    input id=(aria.id) type="text" name="confirm" value=(c.typed) autocomplete="off"
                        spellcheck="false" required aria-invalid=[aria.error.map(|_| "true")]
                        aria-describedby=[aria.described.as_deref()];
                }
                button.danger type="submit" { "Erase this client" }
            }
        }
    }
}

/// The page after an erasure: when, by whom, and what was kept, why and until when.
pub fn done(
    clinic: &ClinicSnapshot,
    client: Option<&Client>,
    erasure: &Erasure,
    by: &str,
) -> Markup {
    html! {
        h1 { "Client erased" }
        @if let Some(client) = client {
            p { a href=(format!("/admin/clients/{}", client.id)) { "The client's page" } }
        }
        p role="status" {
            "Erased on " (date(clinic, erasure.requested_at)) " by " (by) "."
        }
        h2 { "What was kept, and why" }
        @if let Some(purged) = erasure.purged_at {
            p { "What was kept was deleted on " (date(clinic, purged)) ", when the retention ended." }
        } @else {
            (what_is_kept(clinic, &erasure.kept, erasure.last_treatment_at, erasure.keep_until, None))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_kinds_read_as_counted() {
        let kept = Kept {
            bookings: 1,
            treatment_records: 2,
            consents: 0,
            screenings: 1,
            photos: 3,
            checkins: 0,
        };
        assert_eq!(
            kept_lines(&kept),
            [
                "2 signed treatment records",
                "1 safety screening",
                "3 photos of treated visits",
                "1 booking of a treatment or a signed consent",
            ]
        );
        assert!(kept_lines(&Kept::default()).is_empty());
    }
}
