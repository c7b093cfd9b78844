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

/// Where `geodata.sh` writes the bundled localities in the checkout this binary was built from
/// (the CLI's default when `--geodata` is not given).
pub const CHECKOUT_GEODATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../",
    "assets/geodata/au_localities.tsv"
);

/// The bundled locality file to load: `--geodata`/`ROUTEMATE_GEODATA` (which must exist), else
/// the checkout's copy when the set-up wrote it, else none (the geocoder logs that it runs
/// without; suburbs are then placed only from an imported gazetteer).
pub fn geodata(cli: &Cli) -> anyhow::Result<Option<PathBuf>> {
    match &cli.geodata {
        Some(p) if p.is_file() => Ok(Some(p.clone())),
        Some(p) => bail!(
            "--geodata {}: no such file (run src-tauri/scripts/geodata.sh, or give an installed \
             app's /usr/lib/RouteMate/{})",
            p.display(),
            bundled::RESOURCE_RELATIVE
        ),
        None => Ok(Some(PathBuf::from(CHECKOUT_GEODATA)).filter(|p| p.is_file())),
    }
}

/// The geocoder for data dir `dir` (its gazetteer and its own store of pins and cache, plus the
/// bundled localities at `localities`); `online` enables Nominatim.
pub fn open_geocoder(
    dir: &Path,
    localities: Option<PathBuf>,
    online: Option<&str>,
) -> anyhow::Result<Arc<GeocodeStack>> {
    let mut config = GeocodeConfig::for_data_dir(dir, localities);
    config.online = online.map(NominatimConfig::new);
    let stack = GeocodeStack::open(config).context("opening the geocoder")?;
    Ok(Arc::new(stack))
}

/// Opens the store and the geocoder the way every command does, optionally with Nominatim.
pub fn open_stack(cli: &Cli, online: Option<&str>) -> anyhow::Result<(Api, Arc<GeocodeStack>)> {
    let dir = data_dir(cli)?;
    let api = Api::open(engine_config(dir.clone()))?;
    let stack = open_geocoder(&dir, geodata(cli)?, online)?;
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
