//! `routemate-bench geocode`: geocoding benchmark on the shared geodata fixtures (import times,
//! geocodes per second from the gazetteer and from the cache, the South Brisbane accuracy and the
//! out-of-the-box Queensland figure when the bundled localities are installed).

use crate::geocode as bench;
use clap::Args;

#[derive(Debug, Args)]
pub struct BenchGeocodeArgs {
    /// Passes over the 1,952 fixture queries; the fastest pass is reported.
    #[arg(long, default_value_t = 20)]
    pub rounds: usize,
}

pub fn run(args: &BenchGeocodeArgs) -> anyhow::Result<()> {
    // `fixture` finds the shared folder above this start.
    let start = crate::shared::path("fixtures/geo")?;
    let report = bench::run(
        &start,
        routemate_geocode::bundled::locate().as_deref(),
        args.rounds,
    )?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
