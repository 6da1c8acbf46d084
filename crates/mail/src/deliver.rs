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
        let pause = match deliver_due(&store, &config, transport.as_ref(), clock()).await {
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

/// Delivers one batch of mail due at `now`; returns how many were sent.
pub async fn deliver_due(
    store: &Store,
    config: &MailConfig,
    transport: Option<&AsyncSmtpTransport<Tokio1Executor>>,
    now: jiff::Timestamp,
) -> Result<usize, store::StoreError> {
    let batch = store.claim_due(now, CHANNEL, 20).await?;
    let mut sent = 0;
    for mail in batch {
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
                tracing::warn!(mail = %mail.id, attempts = mail.attempts, error = %err, "mail delivery failed; will retry");
                store
                    .mark_mail_failed(&mail.id, &err, backoff, MAX_ATTEMPTS)
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
