//! The command line, as DESIGN.md's contract fixes it.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Collagen: a microneedling clinic's public site, online booking and back office.
#[derive(Debug, Parser)]
#[command(name = "collagen", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the site, the API and the back office.
    Serve(ServeArgs),
    /// Load a clinic file into the database (updating every record by its id).
    Setup {
        #[command(flatten)]
        db: DbArgs,
        /// The clinic file (TOML).
        file: PathBuf,
    },
    /// Bring the database schema up to date, and nothing else.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Write a consistent, checked copy of the SQLite database to FILE; safe while `serve`
    /// runs. (PostgreSQL: use pg_dump, as the README shows.)
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// Where to write the backup; it must not exist yet.
        file: PathBuf,
    },
    /// Restore a backup made by `collagen backup` into the data folder, which must hold no
    /// database yet (unless --force).
    Restore {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file; it is checked before anything is changed.
        file: PathBuf,
        /// Replace the data folder's database; it is renamed aside, never deleted. Refused
        /// while a `serve` process has it open.
        #[arg(long)]
        force: bool,
    },
    /// Manage staff logins.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Check the audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// A client's data: export it, or erase it.
    Client {
        #[command(subcommand)]
        command: ClientCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit trail's hash chain from its first entry; name the first entry that was
    /// changed, removed or inserted, and exit non-zero if there is one.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Write everything the clinic holds on a client as one zip archive (export.json,
    /// summary.html and the photos).
    Export {
        #[command(flatten)]
        db: DbArgs,
        /// The client's e-mail address.
        email: String,
        /// Where to write the archive (default client-export-DATE-TIME.zip here); an
        /// existing file is never overwritten.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Erase a client: contact details, messages, drafts and photos not needed for the
    /// record go now; signed treatment records and consents are kept for
    /// [records] retention_years from the last treatment, then purged. Cannot be undone.
    Erase {
        #[command(flatten)]
        db: DbArgs,
        /// The client's e-mail address.
        email: String,
        /// Confirms the erasure; without it nothing is changed.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Create a staff login; the password is read from standard input.
    Add {
        #[command(flatten)]
        db: DbArgs,
        email: String,
        #[arg(long, value_enum)]
        role: Role,
        /// The practitioner this login belongs to (for the practitioner role).
        #[arg(long)]
        practitioner: Option<String>,
    },
    /// Print a new API token for a staff login (`Authorization: Bearer TOKEN` on
    /// /api/v1/admin/…); it acts with the login's role at the time of each use. With
    /// --revoke, revoke all of that login's tokens instead.
    Token {
        #[command(flatten)]
        db: DbArgs,
        email: String,
        /// A name for the token, shown with its created and last-used times.
        #[arg(long, default_value = "command line", conflicts_with = "revoke")]
        label: String,
        /// Revoke every token of this login instead of making one.
        #[arg(long)]
        revoke: bool,
    },
}

/// What a staff member may do.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Role {
    Admin,
    Practitioner,
    FrontDesk,
}

/// Where the data lives.
#[derive(Debug, Args, Clone)]
pub struct DbArgs {
    /// Folder for the SQLite database and the mail outbox.
    #[arg(long, env = "COLLAGEN_DATA_DIR", default_value = "./collagen-data")]
    pub data_dir: PathBuf,
    /// `postgres://…` to run on PostgreSQL; default SQLite at DATA_DIR/collagen.db.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DbArgs {
    /// The database URL to open.
    pub fn url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.is_empty() => url.clone(),
            _ => format!("sqlite://{}", self.data_dir.join("collagen.db").display()),
        }
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "COLLAGEN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub db: DbArgs,
    /// A clinic file to load before serving.
    #[arg(long, env = "COLLAGEN_CLINIC")]
    pub clinic: Option<PathBuf>,
    /// Send mail over SMTP (`smtp://host:port`, `smtps://user:pass@host`); without it,
    /// messages are written to DATA_DIR/outbox/.
    #[arg(long, env = "COLLAGEN_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of client mail (default: the clinic's name and email from its clinic file).
    #[arg(long, env = "COLLAGEN_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// The site's public address, for links in mail (default http://LISTEN).
    #[arg(long, env = "COLLAGEN_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The public pages' Markdown folder (default ./content if present, else built in).
    #[arg(long, env = "COLLAGEN_CONTENT_DIR")]
    pub content_dir: Option<PathBuf>,
    /// Bookings one client address may create per hour (0 = no limit).
    #[arg(long, env = "COLLAGEN_BOOKINGS_PER_HOUR", default_value_t = 120)]
    pub bookings_per_hour: u32,
    /// Trust X-Forwarded-For / X-Forwarded-Proto from a reverse proxy.
    #[arg(long, env = "COLLAGEN_BEHIND_PROXY")]
    pub behind_proxy: bool,
    /// Connections served at once; past it the longest-idle one is closed, or a 503 sent.
    #[arg(long, env = "COLLAGEN_MAX_CONNECTIONS", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Seconds a connection may take to send a request's headers, counted from when it
    /// opens or its previous answer went out (so also the keep-alive idle limit).
    #[arg(long, env = "COLLAGEN_HEADER_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,
}
