//! `routemate gazetteer import FILE…` (OSM PBF, GeoNames postal dump, CSV / G-NAF Core) and
//! `routemate gazetteer stats`: builds `<data_dir>/gazetteer.sqlite`. Progress goes to stderr, one
//! JSON summary per file (rows read, imported, skipped with reasons) to stdout.

use super::{data_dir, print_json, Cli};
use anyhow::Context;
use clap::Subcommand;
use routemate_geocode::bundled::GAZETTEER_FILE;
use routemate_geocode::{import_file, Gazetteer};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Subcommand)]
pub enum GazetteerCmd {
    /// Import files; re-importing the same file changes nothing.
    Import {
        /// `.osm.pbf`, a GeoNames postal-code dump (`AU.txt`), or a CSV of addresses.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Row counts of the gazetteer.
    Stats,
}

pub fn run(cli: &Cli, cmd: &GazetteerCmd) -> anyhow::Result<()> {
    let path = data_dir(cli)?.join(GAZETTEER_FILE);
    let g = Gazetteer::open(&path).with_context(|| format!("opening {}", path.display()))?;
    match cmd {
        GazetteerCmd::Import { files } => {
            for file in files {
                let t = Instant::now();
                let mut progress = |rows: u64| eprintln!("{}: {rows} rows read", file.display());
                let summary = import_file(&g, file, &mut progress)
                    .with_context(|| format!("importing {}", file.display()))?;
                eprintln!(
                    "{}: {} rows read, {} skipped, {:.2} s",
                    file.display(),
                    summary.rows_read,
                    summary.skipped_total(),
                    t.elapsed().as_secs_f64()
                );
                print_json(&serde_json::json!({ "file": file, "summary": summary }))?;
            }
            Ok(())
        }
        GazetteerCmd::Stats => {
            let s = g.stats()?;
            print_json(&serde_json::json!({
                "path": path,
                "addresses": s.addresses,
                "streets": s.streets,
                "street_ways": s.ways,
                "localities": s.localities,
                "generation": g.generation(),
            }))
        }
    }
}
