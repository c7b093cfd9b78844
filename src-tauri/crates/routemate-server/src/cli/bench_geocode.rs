//! `routemate bench geocode`: geocoding benchmark on the shared geodata fixtures (import times,
//! geocodes per second from the gazetteer and from the cache, the South Brisbane accuracy and the
//! out-of-the-box Queensland figure when the bundled localities are installed).

use anyhow::Context;
use clap::Args;
use routemate_geocode::{bench, fixture};

#[derive(Debug, Args)]
pub struct BenchGeocodeArgs {
    /// Passes over the 1,952 fixture queries; the fastest pass is reported.
    #[arg(long, default_value_t = 20)]
    pub rounds: usize,
}

pub fn run(args: &BenchGeocodeArgs) -> anyhow::Result<()> {
    let cwd = std::env::current_dir()?;
    let start = [Some(cwd), std::env::current_exe().ok()]
        .into_iter()
        .flatten()
        .find(|p| fixture::shared_dir(p).is_some())
        .context("shared fixtures not found: set ROUTEMATE_SHARED to the shared/ directory")?;
    let report = bench::run(
        &start,
        super::geocode::bundled_localities().as_deref(),
        args.rounds,
    )?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
