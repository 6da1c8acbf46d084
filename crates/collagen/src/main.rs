//! `collagen`: one binary for a microneedling clinic's site, booking and back office.

mod backup;
mod cli;
mod client_data;
mod commands;
mod secret_key;

use clap::Parser as _;

/// Every request, booking and mail allocates and frees many small strings, often on different
/// threads (a booking's mail is composed on one thread and written on another). Under load
/// the system allocator spent a large share of the CPU there; mimalloc keeps a heap per
/// thread and frees across threads cheaply (BENCHMARKS.md has the figures).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    init_logging();
    match commands::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Structured logs to standard error; `RUST_LOG` picks the level (default `info`),
/// `COLLAGEN_LOG_FORMAT=json` for machine-readable lines.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    if std::env::var("COLLAGEN_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}
