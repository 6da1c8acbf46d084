//! Planned messages: the reminder and same-day note before an appointment, the aftercare
//! timeline and the next-session note after a treatment, alerts raised again, and the
//! client's choice to stop the optional ones.
//!
//! The planner (`plan.rs`) decides which messages a booking needs and when; the booking
//! workflows hand its mails to the store with the change that causes them, so moving a
//! booking re-plans them and cancelling withdraws them in the same transaction. The mail
//! worker sends them when due and skips any whose booking no longer stands.

mod plan;
mod quiet;
mod texts;
mod unsubscribe;

pub use plan::Planner;
pub use quiet::out_of_quiet_hours;
pub use texts::parse_message_texts;

use jiff::Timestamp;
use store::{Booking, BookingMessage, Mail};

use crate::{Refusal, Workflows, manage_path};

/// The signing key's purpose in the store.
const UNSUBSCRIBE_KEY: &str = "unsubscribe";

/// The rule a screening records for a history of cold sores (herpes simplex).
const COLD_SORE_RULE: &str = "herpes_history";

/// What an unsubscribe link opens: whose it is, and whether they already opted out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub client_id: String,
    pub opted_out: bool,
}

impl Workflows {
    /// What planning needs from the database, read before the change: the unsubscribe
    /// key, and whether the booking's screening found a history of cold sores.
    pub(crate) async fn context(&self, screening_id: Option<&str>) -> Result<Context, Refusal> {
        let key = self.unsubscribe_key().await?;
        let cold_sores = match screening_id {
            Some(screening) => self
                .store
                .screening(screening)
                .await?
                .is_some_and(|s| s.findings.contains(&format!("\"{COLD_SORE_RULE}\""))),
            None => false,
        };
        Ok(Context { key, cold_sores })
    }

    /// The client's one-click unsubscribe address.
    pub(crate) fn unsubscribe_url(&self, key: &str, client_id: &str) -> String {
        format!(
            "{}/unsubscribe/{}",
            self.public_url,
            unsubscribe::token(key, client_id)
        )
    }

    /// A fresh manage link for a booking whose first link this process does not know (only
    /// its hash is kept): for the messages planned when staff move, review or complete it.
    /// Written before the change; unused if the change is refused, and known to nobody.
    pub(crate) async fn fresh_manage_token(&self, booking_id: &str) -> Result<String, Refusal> {
        let (token, hash) = store::new_token();
        self.store.add_booking_link(booking_id, &hash).await?;
        Ok(token)
    }

    /// The planned messages before the appointment, as of now.
    pub(crate) fn plan_before(
        &self,
        ctx: &Context,
        booking: &Booking,
        manage_url: &str,
    ) -> Vec<Mail> {
        let clinic = self.clinic();
        let unsubscribe = self.unsubscribe_url(&ctx.key, &booking.client.id);
        Planner {
            clinic: &clinic,
            words: &self.message_texts,
            now: Timestamp::now(),
            public_url: &self.public_url,
            unsubscribe_url: &unsubscribe,
        }
        .before(booking, manage_url, ctx.cold_sores)
    }

    /// The planned messages after a treatment, as of now; `token` opens the check-in page.
    pub(crate) fn plan_after(&self, ctx: &Context, booking: &Booking, token: &str) -> Vec<Mail> {
        let clinic = self.clinic();
        let unsubscribe = self.unsubscribe_url(&ctx.key, &booking.client.id);
        let checkin_url = format!("{}{}/checkin", self.public_url, manage_path(token));
        Planner {
            clinic: &clinic,
            words: &self.message_texts,
            now: Timestamp::now(),
            public_url: &self.public_url,
            unsubscribe_url: &unsubscribe,
        }
        .after(booking, &checkin_url)
    }

    /// Every message of a booking, planned or sent, for the back office.
    pub async fn booking_messages(&self, booking_id: &str) -> Result<Vec<BookingMessage>, Refusal> {
        if self.store.booking(booking_id).await?.is_none() {
            return Err(Refusal::NotFound { what: "booking" });
        }
        Ok(self.store.messages_for_booking(booking_id).await?)
    }

    /// Whose an unsubscribe link is; a link that does not verify is not found.
    pub async fn subscription(&self, token: &str) -> Result<Subscription, Refusal> {
        let not_found = Refusal::NotFound {
            what: "unsubscribe link",
        };
        let key = self.unsubscribe_key().await?;
        let client_id = unsubscribe::verify(&key, token).ok_or(not_found)?;
        let opted_out = self.store.opted_out(&client_id).await?;
        Ok(Subscription {
            client_id,
            opted_out,
        })
    }

    /// Stops the optional messages (reminders, aftercare notes, the next-session note) for
    /// the client a link names. Confirmations, changes and answers to a check-in still go.
    pub async fn unsubscribe(&self, token: &str) -> Result<Subscription, Refusal> {
        let found = self.subscription(token).await?;
        if !self.store.opt_out(&found.client_id).await? {
            return Err(Refusal::NotFound {
                what: "unsubscribe link",
            });
        }
        Ok(Subscription {
            opted_out: true,
            ..found
        })
    }

    /// Mails the clinic again about every alert not acknowledged within
    /// `[messages] alert_ack_hours` of its last mail. Safe to run from several processes at
    /// once: each alert is mailed once per period. Returns how many were mailed.
    pub async fn resend_alerts(&self, now: Timestamp) -> Result<usize, Refusal> {
        let clinic = self.clinic();
        let period = i64::from(clinic.setup.messages.alert_ack_hours) * 3600;
        let alerts_url = format!("{}/admin/alerts", self.public_url);
        Ok(self
            .store
            .resend_open_alerts(now, period, |alert| {
                mail::compose::alert_again(&clinic, alert, &alerts_url)
            })
            .await?)
    }

    async fn unsubscribe_key(&self) -> Result<String, Refusal> {
        if let Some(key) = self.signing_key.get() {
            return Ok(key.clone());
        }
        let key = self.store.signing_key(UNSUBSCRIBE_KEY).await?;
        Ok(self.signing_key.get_or_init(|| key).clone())
    }
}

/// What planning needs from the database, read before the change's transaction.
pub(crate) struct Context {
    key: String,
    cold_sores: bool,
}
