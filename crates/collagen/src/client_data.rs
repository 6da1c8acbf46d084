//! `collagen client export` and `collagen client erase`, and the daily purge `serve` runs.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;

use crate::cli::{ClientCommand, DbArgs};
use crate::commands::open;

/// How often `serve` looks for erasures whose retention has ended.
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// Runs a `client` subcommand.
pub async fn run(command: ClientCommand) -> anyhow::Result<()> {
    match command {
        ClientCommand::Export { db, email, out } => export(&db, &email, out.as_deref()).await,
        ClientCommand::Erase { db, email, yes } => erase(&db, &email, yes).await,
    }
}

/// The workflows over the database, for commands that act as the clinic does.
async fn workflows(db: &DbArgs) -> anyhow::Result<service::Workflows> {
    let store = open(db).await?;
    service::Workflows::new(store, "http://localhost", 0)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// A refusal in the owner's words, saying what did not happen.
fn refused(email: &str, refusal: service::Refusal, outcome: &str) -> anyhow::Error {
    match refusal {
        service::Refusal::NotFound { .. } => anyhow::anyhow!(
            "no client has the e-mail address {:?}; {outcome}",
            email.trim()
        ),
        other => anyhow::anyhow!("{other} ({outcome})"),
    }
}

async fn export(db: &DbArgs, email: &str, out: Option<&Path>) -> anyhow::Result<()> {
    let flows = workflows(db).await?;
    let now = jiff::Timestamp::now();
    let archive = web::client_archive(&flows, email, now)
        .await
        .map_err(|e| refused(email, e, "no archive was written"))?;
    let path = out.map_or_else(|| web::archive_name(now).into(), Path::to_path_buf);
    // The archive is health data: never over another file, readable by its owner only.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(&archive)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", path.display()))?;
    println!("wrote {} ({} bytes)", path.display(), archive.len());
    Ok(())
}

async fn erase(db: &DbArgs, email: &str, yes: bool) -> anyhow::Result<()> {
    if !yes {
        anyhow::bail!(
            "erasing a client cannot be undone; export their data first if they asked for it, then run again with --yes"
        );
    }
    let flows = workflows(db).await?;
    let erased = flows
        .erase_client(email, store::COMMAND_LINE, jiff::Timestamp::now())
        .await
        .map_err(|e| refused(email, e, "nothing was changed"))?;
    let files = mail::remove_written(&db.data_dir.join("outbox"), &erased.outbox_ids)
        .context("removing the client's mail from the outbox folder")?;
    let e = &erased.erasure;
    println!(
        "erased; {} message(s) removed ({files} outbox file(s))",
        erased.outbox_ids.len()
    );
    if e.kept.is_empty() {
        println!("nothing was kept: there was no treatment record to retain");
    } else {
        let k = &e.kept;
        println!(
            "kept until {} (the last treatment plus [records] retention_years): {} treatment record(s), {} consent(s), {} screening(s), {} photo(s), {} check-in(s) on {} booking(s)",
            e.keep_until.strftime("%Y-%m-%d"),
            k.treatment_records,
            k.consents,
            k.screenings,
            k.photos,
            k.checkins,
            k.bookings
        );
    }
    Ok(())
}

/// Purges erasures whose retention has ended, once at start and then daily. Every `serve`
/// process runs it; the store lets one of them take each erasure.
pub async fn purge_daily(state: web::AppState, stop: impl std::future::Future<Output = ()>) {
    tokio::pin!(stop);
    let mut wait = std::time::Duration::from_secs(60);
    loop {
        tokio::select! {
            _ = &mut stop => return,
            _ = tokio::time::sleep(wait) => {
                wait = PURGE_EVERY;
                match state.flows.purge_expired(jiff::Timestamp::now()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(clients = n, "records past their retention purged"),
                    Err(err) => tracing::warn!(error = %err, "could not purge records past their retention"),
                }
            }
        }
    }
}
