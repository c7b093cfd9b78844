//! The `routemate` command line: one file per subcommand, all over the engine's `Api`.
//!
//! Results go to stdout as JSON; logs and errors go to stderr; failures exit non-zero.

pub mod credentials;
pub mod gazetteer;
pub mod geocode;
pub mod import;
pub mod jobs;
pub mod serve;
pub mod watch;

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
    /// Account the command acts for.
    #[arg(long, global = true, default_value = DEFAULT_ACCOUNT)]
    pub account: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the RouteMate HTTP API.
    Serve(serve::ServeArgs),
    /// Create, list and revoke API credentials.
    #[command(subcommand)]
    Credentials(credentials::CredentialsCmd),
    /// Import a job file (CSV, or JSON: one import body or an array of them) into the local store.
    Import(import::ImportArgs),
    /// Print a job's status, or all jobs newest first.
    Jobs(jobs::JobsArgs),
    /// Import the job files dropped into a folder, until SIGINT/SIGTERM.
    Watch(watch::WatchArgs),
    /// Place addresses offline; one JSON object per line.
    Geocode(geocode::GeocodeArgs),
    /// Build the offline gazetteer from OSM PBF, GeoNames or CSV files.
    #[command(subcommand)]
    Gazetteer(gazetteer::GazetteerCmd),
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Serve(args) => serve::run(&cli, args),
        Command::Credentials(cmd) => credentials::run(&cli, cmd),
        Command::Import(args) => import::run(&cli, args),
        Command::Jobs(args) => jobs::run(&cli, args),
        Command::Watch(args) => watch::run(&cli, args),
        Command::Geocode(args) => geocode::run(&cli, args),
        Command::Gazetteer(cmd) => gazetteer::run(&cli, cmd),
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

/// Opens the store for a command, with the offline geocoder attached (the data dir's gazetteer,
/// the bundled localities, the store's cache and learned corrections). A geocoder that cannot open
/// is logged and left out: stops with coordinates still route, the rest are warned.
pub fn open_api(cli: &Cli) -> anyhow::Result<Api> {
    let dir = data_dir(cli)?;
    let api = Api::open(engine_config(dir.clone()))?;
    match geocoder(&api, &dir, None) {
        Ok(stack) => api.set_geocoder(stack),
        Err(e) => tracing::warn!(error = %format!("{e:#}"), "geocoder unavailable"),
    }
    Ok(api)
}

/// The geocoder stack over `api`'s store and `dir`'s gazetteer; `online` enables Nominatim.
pub fn geocoder(
    api: &Api,
    dir: &std::path::Path,
    online: Option<&str>,
) -> anyhow::Result<std::sync::Arc<routemate_geocode::GeocodeStack>> {
    use routemate_geocode::bundled::{CACHE_TREE, CORRECTIONS_TREE};
    let mut config = routemate_geocode::GeocodeConfig::for_data_dir(
        dir,
        api.tree(CACHE_TREE)?,
        api.tree(CORRECTIONS_TREE)?,
    );
    config.online = online.map(routemate_geocode::NominatimConfig::new);
    let stack = routemate_geocode::GeocodeStack::open(config).context("opening the geocoder")?;
    Ok(std::sync::Arc::new(stack))
}

/// Prints a value as JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
