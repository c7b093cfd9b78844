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
    /// The bundled locality file for the out-of-the-box figure (default: the checkout's copy that
    /// `src-tauri/scripts/geodata.sh` writes; skipped when it is missing).
    #[arg(long, env = "ROUTEMATE_GEODATA", value_name = "FILE")]
    pub geodata: Option<std::path::PathBuf>,
}

/// Where the set-up writes the bundled localities in this checkout.
const CHECKOUT_GEODATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../",
    "assets/geodata/au_localities.tsv"
);

pub fn run(args: &BenchGeocodeArgs) -> anyhow::Result<()> {
    // `fixture` finds the shared folder above this start.
    let start = crate::shared::path("fixtures/geo")?;
    let report = bench::run(
        &start,
        localities(args.geodata.as_deref())?.as_deref(),
        args.rounds,
    )?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

/// `--geodata` (which must exist), else the checkout's copy when the set-up wrote it.
fn localities(given: Option<&std::path::Path>) -> anyhow::Result<Option<std::path::PathBuf>> {
    match given {
        Some(p) if p.is_file() => Ok(Some(p.to_path_buf())),
        Some(p) => anyhow::bail!("--geodata {}: no such file", p.display()),
        None => Ok(Some(std::path::PathBuf::from(CHECKOUT_GEODATA)).filter(|p| p.is_file())),
    }
}
