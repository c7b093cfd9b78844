//! The `routemate` binary: parse the command line, set up logging, run, report errors in one line.

use clap::Parser;
use routemate_server::cli::{self, Cli};
use tracing_subscriber::EnvFilter;

fn main() {
    routemate_geocode::install_crypto_provider();
    let cli = Cli::parse();
    let default_level = match cli.command {
        cli::Command::Serve(_) | cli::Command::Watch(_) => "info",
        _ => "warn",
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = cli::run(cli) {
        let message = format!("{e:#}").replace('\n', " ");
        eprintln!("routemate: error: {message}");
        // 75 (EX_TEMPFAIL): the disk is full or failing; a supervisor should restart later.
        let storage = e.chain().any(|c| {
            c.downcast_ref::<routemate_engine::EngineError>()
                .is_some_and(|e| e.is_storage_failure())
        });
        std::process::exit(if storage { 75 } else { 1 });
    }
}
