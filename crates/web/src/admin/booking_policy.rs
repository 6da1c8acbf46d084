//! The cancellation policy a booking's client agreed to, as staff see it on the booking:
//! the evidence kept when it was made (version, hash, time, address, browser, the text).

use clinic::ClinicSnapshot;
use maud::{Markup, html};
use store::{Booking, PolicyAgreement};

/// The panel; a booking without an agreement says how it was made instead.
pub fn panel(clinic: &ClinicSnapshot, b: &Booking, agreement: Option<&PolicyAgreement>) -> Markup {
    html! {
        section aria-labelledby="policy-title" {
            h2 #policy-title { "Cancellation policy" }
            @match agreement {
                Some(a) => {
                    dl.summary {
                        dt { "Agreed" } dd { (clinic.when(&a.agreed_at.to_zoned_datetime(clinic.timezone.clone()))) }
                        dt { "Version" } dd { (a.version) }
                        dt { "SHA-256" } dd.small { code { (a.sha256) } }
                        dt { "Address" } dd { (a.address) }
                        dt { "Browser" } dd.small { @if a.user_agent.is_empty() { span.muted { "Not given" } } @else { (a.user_agent) } }
                    }
                    details {
                        summary { "The text agreed to" }
                        @for paragraph in a.text.split("\n\n") { p { (paragraph) } }
                    }
                }
                None => p.muted {
                    @if b.created_by == "client" {
                        "Not recorded: the client booked without the booking form (through the API without the policy, or by accepting a waitlist offer)."
                    } @else {
                        "Not agreed online: the booking was made by staff."
                    }
                },
            }
        }
    }
}
