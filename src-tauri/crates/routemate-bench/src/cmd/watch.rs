//! `routemate-bench watch`: the watched folder's figures. (1) A 10,000-stop CSV parsed and
//! validated (goal < 200 ms); (2) file dropped → job visible through the engine (goal < 2 s);
//! (3) D1 ([`crate::d1`]) at full scale: 1,000 files, the `routemate watch` process SIGKILLed 20
//! times and restarted; every file must end in exactly one of imported/ or failed/, with 0 jobs
//! lost and 0 duplicated. Prints one JSON object.

use crate::d1::{self, D1Config};
use anyhow::bail;
use clap::Args;
use routemate_engine::jobfile::{self, Format};
use routemate_engine::jobs::JobRef;
use routemate_engine::watch::{WatchConfig, Watcher};
use routemate_engine::{Api, EngineConfig};
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
pub struct BenchWatchArgs {
    /// Stops in the CSV parse benchmark (jobs of 1,000 stops).
    #[arg(long, default_value_t = 10_000)]
    pub stops: usize,
    /// Files dropped one at a time for the drop → visible latency.
    #[arg(long, default_value_t = 30)]
    pub drops: usize,
    /// Files in the crash test (0 skips it).
    #[arg(long, default_value_t = 1000)]
    pub files: usize,
    /// SIGKILLs of the watcher process during the crash test.
    #[arg(long, default_value_t = 20)]
    pub kills: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The `routemate` binary the crash test runs (default: the one next to this executable).
    #[arg(long, value_name = "FILE")]
    pub routemate: Option<PathBuf>,
}

pub fn run(args: &BenchWatchArgs) -> anyhow::Result<()> {
    let parse = bench_parse(args.stops)?;
    eprintln!("parse: {parse}");
    let latency = bench_latency(args.drops)?;
    eprintln!("latency: {latency}");
    let d1 = if args.files > 0 {
        let bin = match &args.routemate {
            Some(b) => b.clone(),
            None => d1::sibling_routemate()?,
        };
        let work = tempfile::tempdir()?;
        let config = D1Config {
            files: args.files,
            kills: args.kills,
            seed: args.seed,
        };
        Some(d1::run(&bin, work.path(), config)?)
    } else {
        None
    };
    let problems = d1.as_ref().map(|r| r.problems()).unwrap_or_default();
    let out =
        json!({"parse": parse, "drop_to_visible": latency, "d1": d1, "d1_problems": problems});
    println!("{}", serde_json::to_string_pretty(&out)?);
    if !problems.is_empty() {
        bail!("D1 failed: {}", problems.join("; "));
    }
    Ok(())
}

/// A CSV of `stops` stops in jobs of up to 1,000, with coordinates (no geocoding).
fn stops_csv(prefix: &str, stops: usize) -> String {
    let mut s =
        String::from("external_job_id,external_stop_id,address,label,parcel_count,lat,lng\n");
    for i in 0..stops {
        s.push_str(&format!(
            "{prefix}-{},S{i},\"{} Example St, Brisbane QLD 4000\",Customer {i},{},{:.6},{:.6}\n",
            i / 1000,
            i + 1,
            1 + i % 3,
            -27.3 - (i % 97) as f64 * 0.003,
            152.9 + (i % 89) as f64 * 0.003
        ));
    }
    s
}

fn stats_ms(mut v: Vec<f64>) -> serde_json::Value {
    v.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    json!({"n": v.len(), "min_ms": v[0], "p50_ms": at(0.5), "p95_ms": at(0.95), "max_ms": v[v.len() - 1]})
}

fn bench_parse(stops: usize) -> anyhow::Result<serde_json::Value> {
    let text = stops_csv("P", stops);
    let mut times = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let f = jobfile::parse("bench.csv", Format::Csv, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("bench CSV invalid: {:?}", e.problems()))?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(f.jobs.iter().map(|j| j.stops.len()).sum::<usize>(), stops);
    }
    let mut out = stats_ms(times);
    out["stops"] = json!(stops);
    out["bytes"] = json!(text.len());
    out["goal_ms"] = json!(200);
    Ok(out)
}

fn bench_latency(drops: usize) -> anyhow::Result<serde_json::Value> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("drop");
    std::fs::create_dir(&dir)?;
    let api = Api::open(EngineConfig::new(tmp.path().join("data")))?;
    let w = Watcher::start(api.clone(), WatchConfig::new(&dir, "default"), |_| {})?;
    let mut times = Vec::new();
    for i in 0..drops.max(1) {
        let id = format!("LAT-{i}");
        let staged = tmp.path().join("staged.csv");
        std::fs::write(&staged, d1::job_csv(&id, 25, None))?;
        let t = Instant::now();
        std::fs::rename(&staged, dir.join(format!("lat{i}.csv")))?;
        while api.job("default", &JobRef::External(id.clone())).is_err() {
            if t.elapsed() > Duration::from_secs(60) {
                bail!("job {id} not visible after 60 s");
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    w.stop();
    let mut out = stats_ms(times);
    out["goal_ms"] = json!(2000);
    out["stops_per_file"] = json!(25);
    Ok(out)
}
