//! The `routemate` command line: one file per subcommand, all over the engine's `Api`.
//!
//! Results go to stdout as JSON; logs and errors go to stderr; failures exit non-zero.

pub mod accounts;
#[cfg(unix)]
pub mod admin;
pub mod bench;
pub mod credentials;
pub mod export;
pub mod fleet;
pub mod gazetteer;
pub mod geocode;
pub mod import;
pub mod jobs;
pub mod plan;
pub mod roads;
pub mod serve;
pub mod store;
pub mod streets;
pub mod sync;
pub mod watch;
pub mod webhooks;

use anyhow::Context;
use clap::{Parser, Subcommand};
use routemate_engine::{Api, EngineConfig, DEFAULT_ACCOUNT};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "routemate",
    version,
    about = "RouteMate: offline delivery route planning engine"
)]
pub struct Cli {
    /// Data directory holding the store (default: the platform data dir, e.g.
    /// ~/.local/share/routemate).
    #[arg(long, env = "ROUTEMATE_DATA", global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Free disk space (MiB) the store's disk must keep: below it the store is not opened and
    /// imports are refused (HTTP 507), before anything is written.
    #[arg(
        long,
        env = "ROUTEMATE_DISK_RESERVE_MB",
        global = true,
        default_value_t = 16
    )]
    pub disk_reserve_mb: u64,
    /// Log lines on stderr: `text` (default) or `json` (one JSON object a line, for log
    /// shippers).
    #[arg(
        long,
        env = "ROUTEMATE_LOG_FORMAT",
        global = true,
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,
    /// Keep the store in this PostgreSQL database (`postgres://user@host:port/db`) instead of the
    /// sled store in the data dir: several `serve` processes can share it, and every command
    /// (credentials, jobs, …) works on it while they run. The data dir still holds local files.
    /// TLS as libpq: `?sslmode=disable|prefer|require|verify-ca|verify-full` (default prefer;
    /// verify-full for a database across a network) and `&sslrootcert=FILE` or
    /// ROUTEMATE_DATABASE_CA=FILE for the CA (PEM; default: the system's roots).
    #[arg(
        long,
        env = "ROUTEMATE_DATABASE_URL",
        global = true,
        value_name = "URL"
    )]
    pub database: Option<String>,
    /// The bundled locality file (out-of-the-box suburbs and postcodes). Default: the copy the
    /// set-up (`src-tauri/scripts/geodata.sh`) wrote into the checkout this binary was built
    /// from; an installed app carries it at /usr/lib/RouteMate/geodata/au_localities.tsv.
    #[arg(long, env = "ROUTEMATE_GEODATA", global = true, value_name = "FILE")]
    pub geodata: Option<PathBuf>,
    /// Account the command acts for.
    #[arg(long, global = true, default_value = DEFAULT_ACCOUNT)]
    pub account: String,
    #[command(subcommand)]
    pub command: Command,
}

/// The format of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the RouteMate HTTP API.
    Serve(serve::ServeArgs),
    /// Create, list and revoke API credentials.
    #[command(subcommand)]
    Credentials(credentials::CredentialsCmd),
    /// List accounts; disable one (its tokens refused, nothing deleted) or enable it again.
    #[command(subcommand)]
    Accounts(accounts::AccountsCmd),
    /// Import a job file (CSV, or JSON: one import body or an array of them) into the local store.
    Import(import::ImportArgs),
    /// Print a job's status, or all jobs newest first.
    Jobs(jobs::JobsArgs),
    /// Save or print the fleet a day is planned over.
    #[command(subcommand)]
    Fleet(fleet::FleetCmd),
    /// Plan a day across drivers: a plan body (.json) or a day's job file (.csv, sheets).
    Plan(plan::PlanArgs),
    /// Export a job's run sheet (PDF), GPX, CSV or XLSX, or driver packs for several jobs.
    Export(export::ExportArgs),
    /// Back up, restore and verify the store.
    #[command(subcommand)]
    Store(store::StoreCmd),
    /// Import the job files dropped into a folder, until SIGINT/SIGTERM.
    Watch(watch::WatchArgs),
    /// Place addresses offline; one JSON object per line.
    Geocode(geocode::GeocodeArgs),
    /// Build the offline gazetteer from OSM PBF, GeoNames or CSV files.
    #[command(subcommand)]
    Gazetteer(gazetteer::GazetteerCmd),
    /// Offline roads: import an OSM extract, status, matrices and routes.
    #[command(subcommand)]
    Roads(roads::RoadsCmd),
    /// Optimize one TSPLIB or delivery-JSON instance (runs `routemate-bench solve`).
    Optimize(bench::PassThrough),
    /// Plan a Solomon or VRPLIB multi-vehicle instance (runs `routemate-bench vrp-solve`).
    Vrp(bench::PassThrough),
    /// Sync with the hosted RouteMate API: login, now, status, retry, discard, resolve, logout.
    #[command(subcommand)]
    Sync(sync::SyncCmd),
    /// Webhook subscriptions: add, list, remove, test, log, retry.
    #[command(subcommand)]
    Webhooks(webhooks::WebhooksCmd),
    /// Benchmarks: api, optimize, solve, geocode, watch, sheets, atsp, roads, vrp, sync, export
    /// (runs `routemate-bench`).
    Bench(bench::PassThrough),
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    routemate_engine::store::space::set_reserve(cli.disk_reserve_mb.saturating_mul(1 << 20));
    match &cli.command {
        Command::Serve(args) => serve::run(&cli, args),
        Command::Credentials(cmd) => credentials::run(&cli, cmd),
        Command::Accounts(cmd) => accounts::run(&cli, cmd),
        Command::Import(args) => import::run(&cli, args),
        Command::Jobs(args) => jobs::run(&cli, args),
        Command::Fleet(cmd) => fleet::run(&cli, cmd),
        Command::Plan(args) => plan::run(&cli, args),
        Command::Export(args) => export::run(&cli, args),
        Command::Watch(args) => watch::run(&cli, args),
        Command::Store(cmd) => store::run(&cli, cmd),
        Command::Geocode(args) => geocode::run(&cli, args),
        Command::Gazetteer(cmd) => gazetteer::run(&cli, cmd),
        Command::Roads(cmd) => roads::run(&cli, cmd),
        Command::Sync(cmd) => sync::run(&cli, cmd),
        Command::Webhooks(cmd) => webhooks::run(&cli, cmd),
        Command::Optimize(pass) => bench::run("solve", pass),
        Command::Vrp(pass) => bench::run("vrp-solve", pass),
        Command::Bench(pass) => match pass.args.split_first() {
            Some((command, rest)) => bench::run(
                &command.to_string_lossy(),
                &bench::PassThrough {
                    args: rest.to_vec(),
                },
            ),
            None => bench::run("--help", pass),
        },
    }
}

/// The data directory: `--data`/`ROUTEMATE_DATA`, else the platform data dir.
pub fn data_dir(cli: &Cli) -> anyhow::Result<PathBuf> {
    match &cli.data {
        Some(d) => Ok(d.clone()),
        None => dirs::data_dir()
            .map(|d| d.join("routemate"))
            .context("no platform data directory; pass --data DIR or set ROUTEMATE_DATA"),
    }
}

/// Everything the engine needs from the command line's environment.
pub fn engine_config(data_dir: PathBuf) -> EngineConfig {
    EngineConfig::new(data_dir)
}

/// Opens the store for a command, with the offline geocoder attached (the data dir's gazetteer
/// and geocode store, the bundled localities). A geocoder that cannot open is logged and left
/// out: stops with coordinates still route, the rest are warned.
pub fn open_api(cli: &Cli) -> anyhow::Result<Api> {
    let dir = data_dir(cli)?;
    let api = match cli.database.as_deref().filter(|u| !u.is_empty()) {
        Some(url) => Api::open_database(engine_config(dir.clone()), url)?,
        None => Api::open(engine_config(dir.clone()))?,
    };
    match geocode::open_geocoder(&dir, geocode::geodata(cli)?, None) {
        Ok(stack) => api.set_geocoder(stack),
        Err(e) => tracing::warn!(error = %format!("{e:#}"), "geocoder unavailable"),
    }
    // SQLite creates the gazetteer 0644; it holds the dispatcher's places (the data dir is
    // already 0700, this is the second fence).
    let _ = routemate_engine::store::space::make_private(&dir.join("gazetteer.sqlite"));
    Ok(api)
}

/// Prints a value as JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
