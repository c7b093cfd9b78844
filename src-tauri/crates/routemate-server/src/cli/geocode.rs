//! `routemate geocode [ADDRESS …] [--batch FILE]`: places addresses with the offline geocoder
//! (gazetteer, bundled localities, cache, learned corrections) and prints one JSON object per
//! line: `{"query","lat","lng","level","confidence","matched",…}`.

use super::{data_dir, engine_config, Cli};
use anyhow::{bail, Context};
use clap::Args;
use routemate_core::geocode::Geocoder;
use routemate_engine::Api;
use routemate_geocode::{batch, bundled, GeocodeConfig, GeocodeStack, NominatimConfig};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Args)]
pub struct GeocodeArgs {
    /// Addresses to place (each one argument; quote them).
    pub addresses: Vec<String>,
    /// CSV file with an `address` column; every row is placed in order.
    #[arg(long, value_name = "FILE")]
    pub batch: Option<PathBuf>,
    /// Also ask this Nominatim-compatible server when the offline answer is below address level
    /// (off unless given; at most one request per second).
    #[arg(long, value_name = "URL")]
    pub online: Option<String>,
}

/// The geocoder for data dir `dir` (its gazetteer and its own store of pins and cache, plus the
/// bundled localities); `online` enables Nominatim.
pub fn open_geocoder(dir: &Path, online: Option<&str>) -> anyhow::Result<Arc<GeocodeStack>> {
    let mut config = GeocodeConfig::for_data_dir(dir, bundled::locate());
    config.online = online.map(NominatimConfig::new);
    let stack = GeocodeStack::open(config).context("opening the geocoder")?;
    Ok(Arc::new(stack))
}

/// Opens the store and the geocoder the way every command does, optionally with Nominatim.
pub fn open_stack(cli: &Cli, online: Option<&str>) -> anyhow::Result<(Api, Arc<GeocodeStack>)> {
    let dir = data_dir(cli)?;
    let api = Api::open(engine_config(dir.clone()))?;
    let stack = open_geocoder(&dir, online)?;
    Ok((api, stack))
}

pub fn run(cli: &Cli, args: &GeocodeArgs) -> anyhow::Result<()> {
    let mut queries = args.addresses.clone();
    if let Some(file) = &args.batch {
        queries.extend(batch::read_addresses(file)?);
    }
    if queries.is_empty() {
        bail!("nothing to geocode: give addresses as arguments or --batch FILE");
    }
    let (api, stack) = open_stack(cli, args.online.as_deref())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for q in &queries {
        let g = stack.geocode(&cli.account, q);
        serde_json::to_writer(&mut out, &batch::Line::new(q, &g))?;
        writeln!(out)?;
    }
    out.flush()?;
    api.flush()?;
    Ok(())
}
