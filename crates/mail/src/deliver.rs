//! The background worker that delivers queued mail, over SMTP or into the outbox folder.

use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use store::{QueuedMail, Store};

/// How mail leaves the building.
#[derive(Clone, Debug)]
pub enum MailConfig {
    /// `smtp://host:port` or `smtps://user:pass@host`.
    Smtp { url: String, from: String },
    /// Write each message as an `.eml` file under this folder.
    Outbox {
        dir: std::path::PathBuf,
        from: String,
    },
}

/// After this many failed attempts a message is marked failed and left for staff.
const MAX_ATTEMPTS: i64 = 8;

/// Where the worker reads the time: the wall clock in production, one a test moves.
pub type Clock = std::sync::Arc<dyn Fn() -> jiff::Timestamp + Send + Sync>;

/// The wall clock.
pub fn system_clock() -> Clock {
    std::sync::Arc::new(jiff::Timestamp::now)
}

/// When a non-urgent message may go if it would go at the given moment: that moment, or the
/// end of the clinic's quiet hours it falls in. The rule itself lives with the planner
/// (`service::out_of_quiet_hours`); the worker asks it again at send time, because a retry
/// or a worker that was down can move a message into the night.
pub type QuietRule = std::sync::Arc<dyn Fn(jiff::Timestamp) -> jiff::Timestamp + Send + Sync>;

/// No quiet hours: every message may go at any time.
pub fn no_quiet_hours() -> QuietRule {
    std::sync::Arc::new(|at| at)
}

/// Sends due mail until `shutdown` resolves. Each message is claimed with a lease, sent,
/// then marked sent, so a crash before delivery retries it and a delivered message is
/// not claimed again.
pub async fn run_worker(
    store: Store,
    config: MailConfig,
    shutdown: impl std::future::Future<Output = ()>,
) {
    run_worker_with_clock(store, config, system_clock(), shutdown).await
}

/// [`run_worker`] reading "now" from `clock`, so a test decides when planned messages fall due.
pub async fn run_worker_with_clock(
    store: Store,
    config: MailConfig,
    clock: Clock,
    shutdown: impl std::future::Future<Output = ()>,
) {
    run_worker_with(store, config, clock, no_quiet_hours(), shutdown).await
}

/// [`run_worker_with_clock`] holding non-urgent messages (the planned ones) out of the
/// clinic's quiet hours at send time too: one claimed in them, or a retry that would fall
/// in them, waits for their end. Mail sent at once (confirmations, alerts) never waits.
pub async fn run_worker_with(
    store: Store,
    config: MailConfig,
    clock: Clock,
    quiet: QuietRule,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let transport = match &config {
        MailConfig::Smtp { url, .. } => match AsyncSmtpTransport::<Tokio1Executor>::from_url(url) {
            Ok(builder) => Some(builder.timeout(Some(Duration::from_secs(20))).build()),
            Err(err) => {
                tracing::error!(error = %err, "invalid SMTP URL; mail stays queued");
                return;
            }
        },
        MailConfig::Outbox { dir, .. } => {
            if let Err(err) = std::fs::create_dir_all(dir) {
                tracing::error!(error = %err, dir = %dir.display(), "cannot create the outbox folder");
            }
            None
        }
    };
    tokio::pin!(shutdown);
    loop {
        // After a busy pass the next one starts at once: a backlog drains at the
        // transport's pace, not one batch per pause.
        let pause =
            match deliver_due_with(&store, &config, transport.as_ref(), clock(), &quiet).await {
                Ok(0) => Duration::from_millis(500),
                Ok(n) => {
                    tracing::info!(sent = n, "mail delivered");
                    Duration::ZERO
                }
                Err(err) => {
                    tracing::warn!(error = %err, "mail worker could not read the queue");
                    Duration::from_millis(500)
                }
            };
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(pause) => {}
        }
    }
}

/// The e-mail channel's name in the outbox; another transport claims its own channel's rows.
pub const CHANNEL: &str = "email";

/// Delivers one batch of mail due at `now`, without quiet hours; returns how many were sent.
pub async fn deliver_due(
    store: &Store,
    config: &MailConfig,
    transport: Option<&AsyncSmtpTransport<Tokio1Executor>>,
    now: jiff::Timestamp,
) -> Result<usize, store::StoreError> {
    deliver_due_with(store, config, transport, now, &no_quiet_hours()).await
}

/// Whether a message may wait for the end of quiet hours. Planned messages, and only they,
/// carry an unsubscribe address (they are optional); everything else is sent at once.
fn may_wait(mail: &QueuedMail) -> bool {
    mail.unsubscribe_url.is_some()
}

/// Delivers one batch of mail due at `now`, holding non-urgent messages out of quiet hours
/// by `quiet`; returns how many were sent.
pub async fn deliver_due_with(
    store: &Store,
    config: &MailConfig,
    transport: Option<&AsyncSmtpTransport<Tokio1Executor>>,
    now: jiff::Timestamp,
    quiet: &QuietRule,
) -> Result<usize, store::StoreError> {
    let batch = store.claim_due(now, CHANNEL, 20).await?;
    let mut sent = 0;
    for mail in batch {
        if may_wait(&mail) {
            let allowed = quiet(now);
            if allowed > now {
                tracing::info!(mail = %mail.id, until = %allowed, "quiet hours: the message waits");
                store.defer_mail(&mail.id, allowed).await?;
                continue;
            }
        }
        let result = match build_message(&mail, config) {
            Err(err) => Err(err),
            Ok(message) => match (config, transport) {
                (MailConfig::Smtp { .. }, Some(t)) => {
                    t.send(message).await.map(|_| ()).map_err(|e| e.to_string())
                }
                (MailConfig::Outbox { dir, .. }, _) => {
                    let path = dir.join(format!("{}.eml", mail.id));
                    tokio::fs::write(&path, message.formatted())
                        .await
                        .map_err(|e| e.to_string())
                }
                _ => Err("no transport".into()),
            },
        };
        match result {
            Ok(()) => {
                mark_sent(store, &mail.id).await?;
                sent += 1;
            }
            Err(err) => {
                let backoff = 30 * (1_i64 << mail.attempts.clamp(0, 8));
                let mut retry_at = now + jiff::SignedDuration::from_secs(backoff);
                if may_wait(&mail) {
                    retry_at = quiet(retry_at);
                }
                tracing::warn!(mail = %mail.id, attempts = mail.attempts, error = %err, retry_at = %retry_at, "mail delivery failed; will retry");
                store
                    .mark_mail_failed(&mail.id, &err, retry_at, MAX_ATTEMPTS)
                    .await?;
            }
        }
    }
    Ok(sent)
}

/// Records a delivered message, trying again briefly if the database is busy: a message
/// left unmarked would be sent again once its lease runs out.
async fn mark_sent(store: &Store, id: &str) -> Result<(), store::StoreError> {
    let mut tries = 0;
    loop {
        match store.mark_mail_sent(id).await {
            Ok(()) => return Ok(()),
            Err(err) if tries < 5 => {
                tries += 1;
                tracing::warn!(mail = %id, error = %err, "could not mark mail sent; trying again");
                tokio::time::sleep(Duration::from_millis(200 * tries)).await;
            }
            Err(err) => return Err(err),
        }
    }
}

fn build_message(mail: &QueuedMail, config: &MailConfig) -> Result<Message, String> {
    let from = match config {
        MailConfig::Smtp { from, .. } | MailConfig::Outbox { from, .. } => from,
    };
    let from: Mailbox = from.parse().map_err(|e| format!("sender address: {e}"))?;
    let to: Mailbox = mail
        .recipient
        .parse()
        .map_err(|e| format!("recipient address: {e}"))?;
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(mail.body_text.clone()))
        .singlepart(SinglePart::html(mail.body_html.clone()));
    let body = match &mail.ics {
        Some(ics) => MultiPart::mixed().multipart(alternative).singlepart(
            Attachment::new("appointment.ics".into()).body(
                ics.clone(),
                ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                    .map_err(|e| e.to_string())?,
            ),
        ),
        None => alternative,
    };
    let domain = from.email.domain().to_owned();
    let mut builder = Message::builder();
    if let Some(url) = &mail.unsubscribe_url {
        // RFC 8058: a one-click POST to this address unsubscribes, no sign-in needed.
        builder = builder
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".into(),
            ));
    }
    builder
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{}@{}>", mail.id, domain)))
        .multipart(body)
        .map_err(|e| e.to_string())
}
