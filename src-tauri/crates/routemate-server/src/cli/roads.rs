//! `routemate roads`: import an OpenStreetMap extract into the road pack under the data dir,
//! show what is loaded, and ask it for matrices and routes (checks and scripts).

use super::{data_dir, print_json, Cli};
use anyhow::{bail, Context};
use clap::{Args, Subcommand, ValueEnum};
use routemate_roads::{pack_path, read_meta, Coord, Metric, RoadPack};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum RoadsCmd {
    /// Build the road pack from an OSM PBF extract (replaces the loaded one when complete).
    Import(ImportArgs),
    /// Print what road pack is loaded: region, when and from which file it was built.
    Status,
    /// Durations and distances between points of a CSV file with `lat,lng` columns.
    Matrix(MatrixArgs),
    /// The route between two points: distance, duration and the line (encoded polyline).
    Route(RouteArgs),
    /// The pack's streets inside a box, by class for a zoom level, as GeoJSON.
    Streets(super::streets::StreetsArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The extract (`.osm.pbf`), e.g. a state file from a public OSM mirror.
    pub file: PathBuf,
    /// Vehicle profile.
    #[arg(long, default_value = "car")]
    pub profile: String,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MetricArg {
    /// Fastest paths.
    Time,
    /// Shortest paths.
    Distance,
}

impl From<MetricArg> for Metric {
    fn from(m: MetricArg) -> Metric {
        match m {
            MetricArg::Time => Metric::Time,
            MetricArg::Distance => Metric::Distance,
        }
    }
}

#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// CSV with `lat` and `lng` columns (header row).
    #[arg(long)]
    pub points: PathBuf,
    #[arg(long, value_enum, default_value = "time")]
    pub metric: MetricArg,
    /// A point farther than this from any drivable road is off the network (null row/column).
    #[arg(long, default_value_t = routemate_roads::DEFAULT_MAX_SNAP_M)]
    pub max_snap_m: f64,
}

#[derive(Debug, Args)]
pub struct RouteArgs {
    /// Start as `LAT,LNG`.
    #[arg(long, allow_hyphen_values = true)]
    pub from: String,
    /// End as `LAT,LNG`.
    #[arg(long, allow_hyphen_values = true)]
    pub to: String,
    #[arg(long, value_enum, default_value = "time")]
    pub metric: MetricArg,
    #[arg(long, default_value_t = routemate_roads::DEFAULT_MAX_SNAP_M)]
    pub max_snap_m: f64,
}

#[derive(Serialize)]
struct MatrixOut {
    durations_s: Vec<Vec<Option<f64>>>,
    distances_m: Vec<Vec<Option<f64>>>,
    /// Metres from each point to its nearest drivable road (null: no road at all).
    snapped_m: Vec<Option<f64>>,
}

pub fn run(cli: &Cli, cmd: &RoadsCmd) -> anyhow::Result<()> {
    let dir = data_dir(cli)?;
    let path = pack_path(&dir);
    match cmd {
        RoadsCmd::Import(args) => {
            let mut err = std::io::stderr();
            let mut last = (String::new(), u64::MAX);
            let summary = routemate_roads::import_extract(
                &args.file,
                &dir,
                &args.profile,
                chrono::Utc::now(),
                &mut |p| {
                    let pct = (p.done * 100).checked_div(p.total).unwrap_or(0);
                    if last.0 != p.stage || last.1 != pct {
                        let _ = write!(err, "\r{:<10} {:>3}%", p.stage, pct);
                        if pct == 100 {
                            let _ = writeln!(err);
                        }
                        last = (p.stage.to_string(), pct);
                    }
                },
            )
            .with_context(|| format!("importing {}", args.file.display()))?;
            let _ = writeln!(err);
            eprintln!(
                "road pack: {} junctions ({} two-road nodes merged), {} roads ({} arcs), {:.1} % in the largest component, {:.1} MB, {:.1} s",
                summary.meta.nodes,
                summary.meta.merged_nodes,
                summary.meta.roads,
                summary.meta.arcs,
                summary.meta.component_share * 100.0,
                summary.pack_bytes as f64 / 1e6,
                summary.meta.import_seconds
            );
            print_json(&summary)
        }
        RoadsCmd::Status => match read_meta(&path)? {
            Some(meta) => print_json(&serde_json::json!({
                "loaded": true,
                "pack_path": path.display().to_string(),
                "pack_bytes": std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
                "meta": meta,
            })),
            None => print_json(&serde_json::json!({
                "loaded": false,
                "pack_path": path.display().to_string(),
                "hint": "import an extract: routemate roads import FILE.osm.pbf",
            })),
        },
        RoadsCmd::Matrix(args) => {
            let points = read_points(&args.points)?;
            let pack = load(&path)?;
            let m = pack.matrix(&points, args.metric.into(), args.max_snap_m);
            let n = points.len();
            let grid = |f: &dyn Fn(usize, usize) -> Option<f64>| -> Vec<Vec<Option<f64>>> {
                (0..n).map(|i| (0..n).map(|j| f(i, j)).collect()).collect()
            };
            print_json(&MatrixOut {
                durations_s: grid(&|i, j| m.duration_s(i, j)),
                distances_m: grid(&|i, j| m.distance_m(i, j)),
                snapped_m: points
                    .iter()
                    .map(|&c| {
                        pack.nearest(c)
                            .map(|s| (s.distance_m * 10.0).round() / 10.0)
                    })
                    .collect(),
            })
        }
        RoadsCmd::Streets(args) => super::streets::run(&load(&path)?, args),
        RoadsCmd::Route(args) => {
            let (from, to) = (
                parse_point(&args.from, "--from")?,
                parse_point(&args.to, "--to")?,
            );
            let pack = load(&path)?;
            for (c, flag) in [(from, "--from"), (to, "--to")] {
                match pack.nearest(c) {
                    Some(s) if s.distance_m <= args.max_snap_m => {}
                    Some(s) => bail!(
                        "{flag} is {:.0} m from the nearest drivable road (limit {} m): off the road network",
                        s.distance_m,
                        args.max_snap_m
                    ),
                    None => bail!("the road pack has no roads"),
                }
            }
            let route = pack
                .route(from, to, args.metric.into(), args.max_snap_m)
                .context("no route joins the two points")?;
            print_json(&route)
        }
    }
}

fn load(path: &std::path::Path) -> anyhow::Result<RoadPack> {
    if !path.exists() {
        bail!(
            "no road pack at {}: import an extract first (routemate roads import FILE.osm.pbf)",
            path.display()
        );
    }
    Ok(RoadPack::load(path)?)
}

fn parse_point(s: &str, flag: &str) -> anyhow::Result<Coord> {
    let (lat, lng) = s
        .split_once(',')
        .with_context(|| format!("{flag} must be LAT,LNG (got {s:?})"))?;
    let (lat, lng): (f64, f64) = (
        lat.trim()
            .parse()
            .with_context(|| format!("{flag}: latitude {lat:?}"))?,
        lng.trim()
            .parse()
            .with_context(|| format!("{flag}: longitude {lng:?}"))?,
    );
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lng) {
        bail!("{flag}: {lat},{lng} is not a position on Earth");
    }
    Ok(Coord::from_deg(lat, lng))
}

/// The `lat,lng` points of a CSV file; a bad row is named.
fn read_points(path: &std::path::Path) -> anyhow::Result<Vec<Coord>> {
    let mut rd = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("reading {}", path.display()))?;
    let headers = rd.headers()?.clone();
    let col = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    };
    let (Some(lat), Some(lng)) = (col(&["lat", "latitude"]), col(&["lng", "lon", "longitude"]))
    else {
        bail!("{}: the header needs lat and lng columns", path.display());
    };
    let mut out = Vec::new();
    for (i, rec) in rd.records().enumerate() {
        let rec = rec.with_context(|| format!("row {}", i + 2))?;
        let s = format!(
            "{},{}",
            rec.get(lat).unwrap_or(""),
            rec.get(lng).unwrap_or("")
        );
        out.push(parse_point(&s, &format!("row {}", i + 2))?);
    }
    if out.is_empty() {
        bail!("{}: no points", path.display());
    }
    Ok(out)
}
