//! What each subcommand does.

use std::path::Path;

use anyhow::Context as _;
use store::Store;

use crate::cli::{AuditCommand, Cli, Command, DbArgs, Role, ServeArgs, StaffCommand};
use crate::{client_data, secret_key};

/// Runs the chosen subcommand.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Setup { db, file } => {
            let store = open(&db).await?;
            let setup = read_clinic_file(&file)?;
            store.save_setup(&setup).await?;
            println!("loaded {} into the database", file.display());
            Ok(())
        }
        Command::Migrate { db } => {
            open(&db).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Backup { db, file } => crate::backup::backup(&db, &file).await,
        Command::Restore { db, file, force } => crate::backup::restore(&db, &file, force).await,
        Command::Staff {
            command:
                StaffCommand::Add {
                    db,
                    email,
                    role,
                    practitioner,
                },
        } => add_staff(&db, &email, role, practitioner.as_deref()).await,
        Command::Staff {
            command:
                StaffCommand::Token {
                    db,
                    email,
                    label,
                    revoke,
                },
        } => staff_token(&db, &email, &label, revoke).await,
        Command::Audit {
            command: AuditCommand::Verify { db },
        } => verify_audit(&db).await,
        Command::Client { command } => client_data::run(command).await,
    }
}

/// Walks the audit trail; a break is an error, so the exit code says it.
async fn verify_audit(db: &DbArgs) -> anyhow::Result<()> {
    let store = open(db).await?;
    let check = store.verify_audit().await?;
    match check.broken {
        None => {
            println!("audit trail intact: {} entries", check.valid);
            Ok(())
        }
        Some(broken) => anyhow::bail!(
            "audit trail broken at entry {}: {} ({} entries before it are intact)",
            broken.seq,
            broken.reason,
            check.valid
        ),
    }
}

/// Prints a new API token for a staff login, or revokes all of its tokens. Only the
/// token's hash is stored, so it is shown this once.
async fn staff_token(db: &DbArgs, email: &str, label: &str, revoke: bool) -> anyhow::Result<()> {
    let label = label.trim();
    if label.is_empty() || label.len() > 100 || label.chars().any(char::is_control) {
        anyhow::bail!("--label must be 1 to 100 characters, without control characters");
    }
    let store = open(db).await?;
    let Some((staff, _)) = store.staff_for_login(email).await? else {
        anyhow::bail!("there is no staff login for {email}");
    };
    if revoke {
        let n = store.revoke_staff_tokens(&staff.id).await?;
        println!("revoked {n} API token(s) of {}", staff.email);
        return Ok(());
    }
    if !staff.active {
        anyhow::bail!(
            "the staff login {} is disabled; enable it first",
            staff.email
        );
    }
    let (token, hash) = store::new_token();
    store.create_staff_token(&staff.id, &hash, label).await?;
    eprintln!(
        "API token \"{label}\" for {} ({}); it is shown only now:",
        staff.email, staff.role
    );
    println!("{token}");
    Ok(())
}

/// Creates a staff login with a password read from standard input.
async fn add_staff(
    db: &DbArgs,
    email: &str,
    role: Role,
    practitioner: Option<&str>,
) -> anyhow::Result<()> {
    if !email.contains('@') {
        anyhow::bail!("\"{email}\" is not an email address");
    }
    let role = match role {
        Role::Admin => "admin",
        Role::Practitioner => "practitioner",
        Role::FrontDesk => "front-desk",
    };
    if role == "practitioner" && practitioner.is_none() {
        anyhow::bail!(
            "a practitioner login needs --practitioner ID (the practitioner's id in the clinic file)"
        );
    }
    let store = open(db).await?;
    if let Some(id) = practitioner {
        let known = store
            .load_setup()
            .await?
            .is_some_and(|(setup, _)| setup.practitioner(id).is_some());
        if !known {
            anyhow::bail!("there is no practitioner \"{id}\" in the clinic's setup");
        }
    }
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    if let Some(reason) = web::password_weakness(password, email) {
        anyhow::bail!("password refused: {reason}");
    }
    let hash = web::hash_password(password);
    match store.create_staff(email, &hash, role, practitioner).await? {
        Some(staff) => {
            println!("created {} ({})", staff.email, staff.role);
            Ok(())
        }
        None => anyhow::bail!("a staff login for {email} already exists"),
    }
}

/// Opens the database (creating the data folder for SQLite) and migrates it.
pub(crate) async fn open(db: &DbArgs) -> anyhow::Result<Store> {
    if db.database_url.as_deref().is_none_or(str::is_empty) {
        std::fs::create_dir_all(&db.data_dir)
            .with_context(|| format!("creating the data folder {}", db.data_dir.display()))?;
    }
    let store = Store::connect(&db.url())
        .await
        .context("opening the database")?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

/// Gives the store the secret key (from the environment, or the data folder's key file,
/// made now if there is none); a key that is not the database's stops the start.
async fn unlock_secrets(store: &Store, data_dir: &Path) -> anyhow::Result<()> {
    let (key, source) = secret_key::find_or_make(data_dir)?;
    if let secret_key::KeySource::NewFile(path) = &source {
        tracing::info!(file = %path.display(), "made a new secret key for the two-factor secrets; keep a copy apart from the backups");
    }
    match store.unlock_secrets(key).await {
        Ok(0) => Ok(()),
        Ok(n) => {
            tracing::info!(sealed = n, key = %source, "two-factor secrets stored readable are now sealed");
            Ok(())
        }
        Err(store::StoreError::WrongSecretKey) => {
            anyhow::bail!("{}", secret_key::wrong_key_help(&source))
        }
        Err(err) => Err(err).context("checking the secret key"),
    }
}

/// Reads and validates a clinic file; the error names the file, line and field.
fn read_clinic_file(path: &Path) -> anyhow::Result<clinic::ClinicSetup> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(clinic::parse(&text, Some(&path.display().to_string()))?)
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let store = open(&args.db).await?;
    unlock_secrets(&store, &args.db.data_dir).await?;
    match &args.clinic {
        Some(file) => {
            let setup = read_clinic_file(file)?;
            store.save_setup(&setup).await?;
            tracing::info!(file = %file.display(), "clinic file loaded");
        }
        None => {
            if store.load_setup().await?.is_none() {
                store.save_setup(&clinic::demo()).await?;
                tracing::info!("empty database: loaded the demo clinic");
            }
        }
    }
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", args.listen));
    let mut config = web::Config::local(args.db.data_dir.clone(), public_url);
    // Without --mail-from, the clinic is the sender: its name and address as loaded now.
    let from = match args.mail_from.clone() {
        Some(from) => from,
        None => store
            .load_setup()
            .await?
            .and_then(|(setup, _)| mail::clinic_sender(&setup.clinic))
            .unwrap_or_else(|| "Collagen <no-reply@localhost>".into()),
    };
    config.mail = match &args.smtp_url {
        Some(url) => web::MailConfig::Smtp {
            url: url.clone(),
            from,
        },
        None => web::MailConfig::Outbox {
            dir: args.db.data_dir.join("outbox"),
            from,
        },
    };
    config.content_dir = args.content_dir.clone().or_else(|| {
        let default = Path::new("content");
        default
            .join("index.md")
            .is_file()
            .then(|| default.to_path_buf())
    });
    config.bookings_per_hour = args.bookings_per_hour;
    config.behind_proxy = args.behind_proxy;

    let state = web::AppState::new(store.clone(), config.clone()).await?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(web::run_mail_worker_with(
        store.clone(),
        config.mail.clone(),
        web::system_clock(),
        state.flows.quiet_rule(),
        wait_for(stop_rx.clone()),
    ));
    let refresher = tokio::spawn(refresh_setup(state.clone(), wait_for(stop_rx.clone())));
    let alerts = tokio::spawn(resend_alerts(state.clone(), wait_for(stop_rx.clone())));
    let waitlist = tokio::spawn(run_waitlist(state.clone(), wait_for(stop_rx.clone())));
    let purge = tokio::spawn(client_data::purge_daily(
        state.clone(),
        wait_for(stop_rx.clone()),
    ));
    let limits = server_limits(&args);
    tracing::info!(address = %listener.local_addr()?, max_connections = limits.max_connections, "serving");
    web::serve(listener, web::app(state), limits, shutdown_signal()).await?;
    let _ = stop_tx.send(true);
    let _ = tokio::join!(worker, refresher, alerts, waitlist, purge);
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// File descriptors kept for the database, mail, the listener and connections being shed.
const RESERVED_FILES: u64 = 128;

/// The connection limits from flags, capped so the open-file limit is never the one hit.
fn server_limits(args: &ServeArgs) -> web::ServerLimits {
    let mut max = u64::from(args.max_connections);
    if let Some(files) = web::raise_open_file_limit() {
        let room = files.saturating_sub(RESERVED_FILES).max(1);
        if room < max {
            tracing::warn!(
                asked = max,
                allowed = room,
                open_file_limit = files,
                "--max-connections lowered to fit the open-file limit"
            );
            max = room;
        }
    }
    web::ServerLimits {
        max_connections: max as usize,
        header_read_timeout: std::time::Duration::from_secs(args.header_timeout),
    }
}

/// Resolves when the stop flag is raised.
async fn wait_for(mut rx: tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Picks up setup changes made by other processes sharing the database.
async fn refresh_setup(state: web::AppState, stop: impl std::future::Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => return,
            _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => {
                if let Err(err) = state.refresh_clinic().await {
                    tracing::warn!(error = %err, "could not refresh the clinic setup");
                }
            }
        }
    }
}

/// Mails the clinic again about alerts nobody acknowledged in time. Every `serve` process
/// runs this; the store hands each alert to one of them per period.
async fn resend_alerts(state: web::AppState, stop: impl std::future::Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => return,
            _ = tokio::time::sleep(std::time::Duration::from_secs(60)) => {
                match state.flows.resend_alerts(jiff::Timestamp::now()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(alerts = n, "unacknowledged alerts mailed again"),
                    Err(err) => tracing::warn!(error = %err, "could not check for unacknowledged alerts"),
                }
            }
        }
    }
}

/// How often the waitlist's offers are expired and free times matched: an offer outlives
/// its `offer_minutes` by at most this much, and a time freed by new hours waits this long.
const WAITLIST_EVERY: std::time::Duration = std::time::Duration::from_secs(20);

/// Expires waitlist offers whose time ran out and offers free times to the waitlist. Every
/// `serve` process runs this; each offer is expired by one of them (a conditional update),
/// and an entry holds one open offer at a time (a unique index).
async fn run_waitlist(state: web::AppState, stop: impl std::future::Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => return,
            _ = tokio::time::sleep(WAITLIST_EVERY) => {
                match state.flows.run_waitlist().await {
                    Ok(run) if run.expired == 0 && run.offered == 0 && run.lapsed == 0 => {}
                    Ok(run) => tracing::info!(
                        expired = run.expired,
                        offered = run.offered,
                        lapsed = run.lapsed,
                        "waitlist offers"
                    ),
                    Err(err) => tracing::warn!(error = %err, "could not run the waitlist"),
                }
            }
        }
    }
}

/// SIGTERM or Ctrl-C: stop accepting, finish requests in flight, exit 0.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}
