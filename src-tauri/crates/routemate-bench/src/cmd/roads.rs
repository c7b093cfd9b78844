//! `routemate-bench roads`: the road pack on the shared OSM extracts and on synthetic networks
//! written as OSM XML and converted to PBF with `osmium` (Debian's `osmium-tool`), so the real
//! importer runs: a realistic city (`--city CELLS`, [`crate::synth_osm`]), a Queensland-size
//! state (`--state`), and a uniform grid as a stress case (`--grid SIDE`, a contraction
//! hierarchy's worst case). Per network: import time and peak memory (each import in a child
//! process), pack size, and many-to-many matrix times (200×200, 1,000×1,000; hierarchy vs one
//! plain Dijkstra per source on the small ones); on the city also a 200-stop job planned end to
//! end through the engine on roads, and the optimizer's mean gap on asymmetric road matrices
//! (200 and 1,000 stops, closed tours) at the import budget against the best tour of a run with
//! ten times the budget. Prints one JSON object.

use crate::synth_osm::Synth;
use clap::Args;
use rand::{rngs::StdRng, Rng, SeedableRng};
use routemate_roads::{pack_path, Coord, Metric, RoadPack, Solver};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Args)]
pub struct BenchRoadsArgs {
    /// Side of the synthetic city in ~1 km arterial cells (~104 junctions each after the merge;
    /// 54 ≈ 300,000). 0 skips it.
    #[arg(long, default_value_t = 54)]
    pub city: usize,
    /// Also the Queensland-size state extract (~200 MB of PBF; minutes).
    #[arg(long)]
    pub state: bool,
    /// Filler buildings in the state extract (with a quarter as many footways): 8,000,000 make
    /// ~200 MB of PBF, like Queensland's.
    #[arg(long, default_value_t = 8_000_000)]
    pub state_buildings: u64,
    /// Side of a uniform street grid (side² junctions), a stress case. 0 (default) skips it.
    #[arg(long, default_value_t = 0)]
    pub grid: usize,
    /// Skip the shared extracts.
    #[arg(long)]
    pub no_shared: bool,
    /// Skip the optimizer gaps on road matrices.
    #[arg(long)]
    pub no_gaps: bool,
    /// Keep generated PBF files here and reuse them on the next run (default: a temporary
    /// folder).
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Timed runs per matrix size (the median is reported).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Internal: import FILE into DATA in this process and print its figures (the parent reads
    /// this process's peak memory).
    #[arg(long, num_args = 2, value_names = ["FILE", "DATA"], hide = true)]
    pub import_child: Option<Vec<PathBuf>>,
}

pub fn run(args: &BenchRoadsArgs) -> anyhow::Result<()> {
    if let Some(v) = &args.import_child {
        return import_child(&v[0], &v[1]);
    }
    let work = tempfile::tempdir()?;
    let keep = args
        .keep
        .clone()
        .unwrap_or_else(|| work.path().to_path_buf());
    std::fs::create_dir_all(&keep)?;
    let mut networks = Vec::new();
    if !args.no_shared {
        let geo = crate::shared::path("fixtures/geo")?;
        let mut extracts: Vec<PathBuf> = std::fs::read_dir(&geo)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".osm.pbf"))
            .collect();
        extracts.sort();
        for pbf in &extracts {
            networks.push(bench_network(pbf, work.path(), args, false, None)?);
        }
    }
    if args.city > 0 {
        let (pbf, made) = generated(
            &keep,
            &format!("synthetic_city_{}.osm.pbf", args.city),
            || Synth::city(42, args.city),
        )?;
        networks.push(bench_network(&pbf, work.path(), args, true, made)?);
    }
    if args.state {
        let name = format!("synthetic_state_{}.osm.pbf", args.state_buildings);
        let (pbf, made) = generated(&keep, &name, || {
            Synth::state(7).with_filler(args.state_buildings, args.state_buildings / 4)
        })?;
        networks.push(bench_network(&pbf, work.path(), args, false, made)?);
    }
    if args.grid > 0 {
        let pbf = keep.join(format!("synthetic_grid_{}.osm.pbf", args.grid));
        if !pbf.exists() {
            synthetic_grid_pbf(work.path(), &pbf, args.grid)?;
        }
        networks.push(bench_network(&pbf, work.path(), args, false, None)?);
    }
    let out = json!({
        "networks": networks,
        "goals": {"matrix_200_ms": 30, "matrix_1000_ms": 500, "job_200_ms_plus_budget": 300,
                  "state_import_s": 300, "state_import_peak_mb": 2048},
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// Imports in a child process (for its own peak memory), then times matrices.
fn bench_network(
    pbf: &Path,
    work: &Path,
    args: &BenchRoadsArgs,
    city: bool,
    generated: Option<Value>,
) -> anyhow::Result<Value> {
    let name = pbf
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    eprintln!("roads bench: {name}");
    let data = work.join(format!("data-{name}"));
    std::fs::create_dir_all(&data)?;
    let child = std::process::Command::new(std::env::current_exe()?)
        .args(["roads", "--import-child"])
        .arg(pbf)
        .arg(&data)
        .output()?;
    if !child.status.success() {
        anyhow::bail!(
            "import of {name} failed: {}",
            String::from_utf8_lossy(&child.stderr)
        );
    }
    let import: Value = serde_json::from_slice(&child.stdout)?;
    let t = Instant::now();
    let pack = RoadPack::load(&pack_path(&data))?;
    let load_ms = t.elapsed().as_secs_f64() * 1000.0;
    let mut matrices = Vec::new();
    for size in [200usize, 1000] {
        let points = random_points(&pack, size, 11);
        let (mut ms, mut cpu) = (Vec::new(), Vec::new());
        let mut reachable = 0;
        for _ in 0..args.runs.max(1) {
            let (t, c) = (Instant::now(), thread_cpu_ms());
            let m = pack.matrix(&points, Metric::Time, f64::INFINITY);
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            cpu.push(thread_cpu_ms() - c);
            reachable = m.durations_ms.iter().filter(|c| c.is_some()).count();
        }
        let mut row = json!({"size": size, "hierarchy_ms": median(&mut ms),
            "hierarchy_cpu_ms": median(&mut cpu), "reachable_pairs": reachable});
        if size == 200 && pack.meta.nodes < 50_000 {
            let snaps = pack.snap_all(&points, f64::INFINITY);
            let t = Instant::now();
            let dj = pack.matrix_of_snaps(snaps, Metric::Time, Solver::Dijkstra);
            row["plain_dijkstra_ms"] = json!(t.elapsed().as_secs_f64() * 1000.0);
            let ch = pack.matrix(&points, Metric::Time, f64::INFINITY);
            row["agrees_with_dijkstra"] = json!(dj.durations_ms == ch.durations_ms);
        }
        matrices.push(row);
    }
    let mut out = json!({
        "file": name,
        "pbf_bytes": std::fs::metadata(pbf)?.len(),
        "import": import,
        "pack_load_ms": load_ms,
        "matrices": matrices,
    });
    if let Some(g) = generated {
        out["generated"] = g;
    }
    if city {
        out["job_200"] = bench_job(&data, &pack)?;
        if !args.no_gaps {
            out["optimizer_gaps"] = bench_gaps(&pack);
        }
    }
    Ok(out)
}

/// The child: import and print time, peak memory (VmHWM) and the summary.
fn import_child(pbf: &Path, data: &Path) -> anyhow::Result<()> {
    let t = Instant::now();
    // Seconds per stage (a stage's time runs until the next one starts).
    let mut stages: Vec<(String, f64)> = Vec::new();
    let s = routemate_roads::import_extract(pbf, data, "car", chrono::Utc::now(), &mut |p| {
        let label = if p.stage == "hierarchy" {
            ["hierarchy_time", "hierarchy_distance", "hierarchy_done"][p.done.min(2) as usize]
                .to_string()
        } else {
            p.stage.to_string()
        };
        if stages.last().is_none_or(|l| l.0 != label) {
            stages.push((label, t.elapsed().as_secs_f64()));
        }
    })?;
    let secs = t.elapsed().as_secs_f64();
    let mut stage_s = serde_json::Map::new();
    for (i, (label, at)) in stages.iter().enumerate() {
        let end = stages.get(i + 1).map_or(secs, |n| n.1);
        stage_s.insert(label.clone(), json!(((end - at) * 100.0).round() / 100.0));
    }
    let out = json!({
        "seconds": secs,
        "cpu_seconds": rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime).tv_sec,
        "stage_seconds": stage_s,
        "peak_rss_mb": peak_rss_mb(),
        "pack_bytes": s.pack_bytes,
        "nodes": s.meta.nodes,
        "roads": s.meta.roads,
        "arcs": s.meta.arcs,
        "component_share": s.meta.component_share,
        "merged_nodes": s.meta.merged_nodes,
        "hierarchy_edges_time": s.meta.hierarchy_edges_time,
        "hierarchy_edges_distance": s.meta.hierarchy_edges_distance,
    });
    println!("{out}");
    Ok(())
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn random_points(pack: &RoadPack, n: usize, seed: u64) -> Vec<Coord> {
    let mut rng = StdRng::seed_from_u64(seed);
    let [la0, ln0, la1, ln1] = pack.meta.bounds;
    (0..n)
        .map(|_| {
            // Snapped onto the network first, so every point is on it.
            let c = Coord::from_deg(rng.gen_range(la0..=la1), rng.gen_range(ln0..=ln1));
            pack.nearest(c).map_or(c, |s| s.point)
        })
        .collect()
}

/// A 200-stop job imported through the engine on this pack: wall time and the optimizer's
/// budget (the goal is wall − budget < 300 ms).
fn bench_job(data: &Path, pack: &RoadPack) -> anyhow::Result<Value> {
    let api = routemate_engine::Api::open(routemate_engine::EngineConfig::new(data.to_path_buf()))?;
    let points = random_points(pack, 201, 5);
    let stops: Vec<Value> = points[1..]
        .iter()
        .enumerate()
        .map(|(i, c)| json!({"external_stop_id": format!("S{i}"), "address": format!("{i} Grid St"), "lat": c.lat(), "lng": c.lng()}))
        .collect();
    let (mut runs, mut cpu) = (Vec::new(), Vec::new());
    let mut source = String::new();
    for k in 0..3 {
        let body = json!({"external_job_id": format!("BENCH-{k}"), "depot": {"lat": points[0].lat(), "lng": points[0].lng()}, "stops": stops});
        let (t, c) = (Instant::now(), thread_cpu_ms());
        let out = api.import_value("bench", &body)?;
        runs.push(t.elapsed().as_secs_f64() * 1000.0);
        cpu.push(thread_cpu_ms() - c);
        source = out.job.optimization.distance_source.clone();
    }
    let budget = routemate_core::optimize::SolveOptions::for_size(200).time_limit;
    let _ = std::io::stderr().flush();
    Ok(json!({
        "stops": 200,
        "distance_source": source,
        "wall_ms_median": median(&mut runs),
        "cpu_ms_median": median(&mut cpu),
        "optimizer_budget_ms": budget.as_millis() as u64,
        "first_run_ms": runs[0],
    }))
}

/// This thread's CPU time (ms): beside wall time, what a run costs when other processes share
/// the cores.
fn thread_cpu_ms() -> f64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    t.tv_sec as f64 * 1000.0 + t.tv_nsec as f64 / 1e6
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2] * 100.0).round() / 100.0
}

/// The generated extract `name` in `dir`, made (and timed) unless it is there already.
fn generated(
    dir: &Path,
    name: &str,
    make: impl FnOnce() -> Synth,
) -> anyhow::Result<(PathBuf, Option<Value>)> {
    let pbf = dir.join(name);
    if pbf.exists() {
        return Ok((pbf, None));
    }
    eprintln!("roads bench: generating {name}");
    let t = Instant::now();
    let synth = make();
    let stats = synth.stats();
    synth.write_pbf(&pbf)?;
    Ok((
        pbf,
        Some(json!({"stats": stats, "seconds": t.elapsed().as_secs_f64()})),
    ))
}

/// The optimizer on asymmetric road matrices (durations between random points on the pack):
/// closed tours from point 0 at the import budget (seeds 1–3) against the best of one run with
/// ten times the budget (seed 0).
fn bench_gaps(pack: &RoadPack) -> Value {
    use routemate_core::optimize::{DistanceMatrix, RouteEnd, RouteProblem, SolveOptions};
    let mut rows = Vec::new();
    for (n, instances) in [(200usize, 3u64), (1000, 2)] {
        let mut gaps = Vec::new();
        let budget = SolveOptions::for_size(n).time_limit;
        for instance in 0..instances {
            eprintln!("roads bench: optimizer gap, {n} stops, instance {instance}");
            let points = random_points(pack, n, 100 + instance);
            let m = pack.matrix(&points, Metric::Time, f64::INFINITY);
            let data: Vec<u32> = m
                .durations_ms
                .iter()
                .map(|c| c.map_or(u32::MAX / 4, |v| v.min(u32::MAX as u64 / 4) as u32))
                .collect();
            let asymmetric = (0..n)
                .flat_map(|i| (0..n).map(move |j| (i, j)))
                .filter(|&(i, j)| data[i * n + j] != data[j * n + i])
                .count() as f64
                / (n * n) as f64;
            let problem = RouteProblem {
                matrix: DistanceMatrix::from_vec(n, data),
                start: 0,
                end: RouteEnd::Closed,
                locked: vec![],
            };
            let (reference, _) = super::atsp::solve_checked(&problem, budget * 10, 0);
            let mut lengths = Vec::new();
            let mut wall = 0f64;
            for seed in 1..=3 {
                let (len, ms) = super::atsp::solve_checked(&problem, budget, seed);
                lengths.push(len);
                wall = wall.max(ms);
            }
            let best = reference.min(*lengths.iter().min().expect("three runs"));
            let mean = lengths.iter().sum::<u64>() as f64 / lengths.len() as f64;
            let gap = 100.0 * (mean - best as f64) / best as f64;
            gaps.push(gap);
            rows.push(json!({"stops": n, "instance": instance, "budget_ms": budget.as_millis() as u64,
                "asymmetric_pairs": (asymmetric * 1000.0).round() / 1000.0,
                "reference_length_ms": reference, "mean_length_ms": mean, "gap_pct": (gap * 1000.0).round() / 1000.0,
                "max_wall_ms": wall.round()}));
        }
        rows.push(json!({"stops": n, "mean_gap_pct": (gaps.iter().sum::<f64>() / gaps.len() as f64 * 1000.0).round() / 1000.0}));
    }
    Value::Array(rows)
}

/// Writes a `side × side` jittered grid as OSM XML and converts it to PBF with `osmium`.
/// Every 10th street is a two-way primary (60 km/h), every 5th a secondary, the rest residential
/// (30 km/h) with every 3rd one-way, alternating direction; junctions ~80 m apart.
fn synthetic_grid_pbf(work: &Path, pbf: &Path, side: usize) -> anyhow::Result<()> {
    let osm = work.join(format!("grid{side}.osm"));
    let mut f = std::io::BufWriter::new(std::fs::File::create(&osm)?);
    writeln!(
        f,
        "<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6' generator='routemate-bench'>"
    )?;
    let mut rng = StdRng::seed_from_u64(42);
    let (lat0, lng0, step) = (-27.6, 152.8, 0.00075);
    let id = |r: usize, c: usize| (r * side + c + 1) as u64;
    for r in 0..side {
        for c in 0..side {
            let lat = lat0 + r as f64 * step + rng.gen_range(-0.2..0.2) * step;
            let lng = lng0 + c as f64 * step + rng.gen_range(-0.2..0.2) * step;
            writeln!(
                f,
                "<node id='{}' version='1' lat='{lat:.7}' lon='{lng:.7}'/>",
                id(r, c)
            )?;
        }
    }
    let mut way = 1u64;
    for line in 0..side {
        for vertical in [false, true] {
            let (class, oneway) = if line % 10 == 0 {
                ("primary", None)
            } else if line % 5 == 0 {
                ("secondary", None)
            } else if line % 3 == 0 {
                (
                    "residential",
                    Some(if line % 2 == 0 { "yes" } else { "-1" }),
                )
            } else {
                ("residential", None)
            };
            write!(f, "<way id='{way}' version='1'>")?;
            for k in 0..side {
                let n = if vertical { id(k, line) } else { id(line, k) };
                write!(f, "<nd ref='{n}'/>")?;
            }
            write!(f, "<tag k='highway' v='{class}'/>")?;
            if let Some(o) = oneway {
                write!(f, "<tag k='oneway' v='{o}'/>")?;
            }
            writeln!(f, "</way>")?;
            way += 1;
        }
    }
    writeln!(f, "</osm>")?;
    f.flush()?;
    drop(f);
    let status = std::process::Command::new("osmium")
        .args(["cat", "--overwrite", "-o"])
        .arg(pbf)
        .arg(&osm)
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => anyhow::bail!("osmium cat failed ({s})"),
        Err(e) => anyhow::bail!(
            "the synthetic network needs `osmium` (Debian package osmium-tool: apt-get install \
             osmium-tool), or pass --grid 0 ({e})"
        ),
    }
    let _ = std::fs::remove_file(&osm);
    Ok(())
}
