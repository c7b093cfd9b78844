//! `routemate bench watch`: the watched folder's figures. (1) A 10,000-stop CSV parsed and
//! validated (goal < 200 ms); (2) file dropped → job visible through the engine (goal < 2 s);
//! (3) D1 at full scale: 1,000 files (5 % duplicate content, 5 % invalid), the `routemate watch`
//! process SIGKILLed 20 times and restarted; every file must end in exactly one of imported/ or
//! failed/, with 0 jobs lost and 0 duplicated. Prints one JSON object.

use super::Cli;
use anyhow::{bail, Context};
use clap::Args;
use routemate_engine::jobfile::{self, Format};
use routemate_engine::jobs::{JobQuery, JobRef};
use routemate_engine::watch::{WatchConfig, Watcher};
use routemate_engine::{Api, EngineConfig};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
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
}

pub fn run(cli: &Cli, args: &BenchWatchArgs) -> anyhow::Result<()> {
    let _ = cli;
    let parse = bench_parse(args.stops)?;
    eprintln!("parse: {parse}");
    let latency = bench_latency(args.drops)?;
    eprintln!("latency: {latency}");
    let d1 = if args.files > 0 {
        let r = d1(args.files, args.kills, args.seed)?;
        eprintln!("d1: {r}");
        r
    } else {
        serde_json::Value::Null
    };
    super::print_json(&json!({"parse": parse, "drop_to_visible": latency, "d1": d1}))?;
    if d1.get("ok") == Some(&json!(false)) {
        bail!("D1 failed: a file or a job was lost, duplicated or misplaced (see \"d1\" above)");
    }
    Ok(())
}

/// A CSV of `stops` stops in jobs of up to 1,000, with coordinates (no geocoding).
pub fn stops_csv(prefix: &str, stops: usize) -> String {
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
        std::fs::write(&staged, stops_csv(&id, 25).replace(&format!("{id}-0"), &id))?;
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

/// A small seeded generator (splitmix64): reproducible runs without another dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..hi` (hi > lo).
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }
}

/// One D1 input file.
struct Input {
    name: String,
    text: String,
    /// The job id it carries when valid.
    job: Option<String>,
    slow: bool,
}

fn d1_inputs(files: usize, rng: &mut Rng) -> Vec<Input> {
    let mut out: Vec<Input> = Vec::with_capacity(files);
    for i in 0..files {
        let name = format!("f{i:05}.csv");
        let slow = rng.next() & 1 == 0;
        let roll = rng.range(0, 100);
        let valid: Vec<usize> = (0..out.len()).filter(|&k| out[k].job.is_some()).collect();
        if roll < 5 && !valid.is_empty() {
            let src = &out[valid[rng.range(0, valid.len() as u64) as usize]];
            let (text, job) = (src.text.clone(), src.job.clone());
            out.push(Input {
                name,
                text,
                job,
                slow,
            });
            continue;
        }
        let id = format!("D1-{i}");
        let mut text = stops_csv(&id, rng.range(1, 51) as usize).replace(&format!("{id}-0"), &id);
        let job = if roll >= 95 {
            text = text
                .replacen(",1,-27", ",lots,-27", 1)
                .replacen(",2,-27", ",lots,-27", 1);
            text.push_str(&format!("{id},BAD,,,-1,,\n"));
            None
        } else {
            Some(id)
        };
        out.push(Input {
            name,
            text,
            job,
            slow,
        });
    }
    out
}

fn spawn_watch(bin: &Path, data: &Path, dir: &Path, log: &Path) -> anyhow::Result<Child> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)?;
    Command::new(bin)
        .arg("--data")
        .arg(data)
        .arg("watch")
        .arg(dir)
        .args([
            "--quiet-ms",
            "1000",
            "--settle-ms",
            "100",
            "--rescan-secs",
            "2",
        ])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .context("start routemate watch")
}

/// Runs D1 against `routemate watch` (this executable) and checks the end state.
pub fn d1(files: usize, kills: usize, seed: u64) -> anyhow::Result<serde_json::Value> {
    let bin = std::env::current_exe()?;
    let tmp = tempfile::tempdir()?;
    let (data, dir, staging) = (
        tmp.path().join("data"),
        tmp.path().join("drop"),
        tmp.path().join("staging"),
    );
    std::fs::create_dir(&dir)?;
    std::fs::create_dir(&staging)?;
    let log = tmp.path().join("watch.log");
    let mut rng = Rng(seed);
    let inputs = d1_inputs(files, &mut rng);
    let started = Instant::now();
    let mut child = spawn_watch(&bin, &data, &dir, &log)?;
    // Kill moments spread over the writing phase and a little after.
    let write_ms = files as u64 * 25;
    let mut moments: Vec<u64> = (0..kills)
        .map(|_| rng.range(200, write_ms + 3000))
        .collect();
    moments.sort();
    let killed = std::cell::Cell::new(0);
    let maybe_kill = |child: &mut Child| -> anyhow::Result<()> {
        while killed.get() < moments.len()
            && started.elapsed().as_millis() as u64 >= moments[killed.get()]
        {
            child.kill()?; // SIGKILL
            child.wait()?;
            *child = spawn_watch(&bin, &data, &dir, &log)?;
            killed.set(killed.get() + 1);
        }
        Ok(())
    };
    for input in &inputs {
        if input.slow {
            let mut f = std::fs::File::create(dir.join(&input.name))?;
            let bytes = input.text.as_bytes();
            let mid = bytes.len() / 2;
            f.write_all(&bytes[..mid])?;
            f.flush()?;
            std::thread::sleep(Duration::from_millis(20));
            f.write_all(&bytes[mid..])?;
        } else {
            let staged = staging.join(&input.name);
            std::fs::write(&staged, &input.text)?;
            std::fs::rename(&staged, dir.join(&input.name))?;
        }
        std::thread::sleep(Duration::from_millis(5));
        maybe_kill(&mut child)?;
    }
    while killed.get() < moments.len() {
        std::thread::sleep(Duration::from_millis(20));
        maybe_kill(&mut child)?;
    }
    // Wait (bounded) until every file has landed.
    let deadline = Instant::now() + Duration::from_secs(120 + files as u64 / 5);
    let placed = |sub: &str| -> BTreeSet<String> {
        std::fs::read_dir(dir.join(sub))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".csv"))
                    .collect()
            })
            .unwrap_or_default()
    };
    while placed("imported").len() + placed("failed").len() < files && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status()?;
    child.wait()?;
    let elapsed = started.elapsed().as_secs_f64();

    let (imported, failed) = (placed("imported"), placed("failed"));
    let in_both = imported.intersection(&failed).count();
    let left = placed("").len() + placed(".routemate/processing").len();
    let names: BTreeSet<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    let missing = names
        .iter()
        .filter(|n| !imported.contains(**n) && !failed.contains(**n))
        .count();
    let wrong_place = inputs
        .iter()
        .filter(|i| i.job.is_some() != imported.contains(&i.name))
        .count();
    let reports_missing = failed
        .iter()
        .filter(|n| {
            !dir.join("failed").join(format!("{n}.report.txt")).exists()
                || !dir.join("failed").join(format!("{n}.report.json")).exists()
        })
        .count();
    let api = Api::open(EngineConfig::new(&data))?;
    let mut per_id: BTreeMap<String, usize> = BTreeMap::new();
    let mut q = JobQuery {
        limit: Some(500),
        ..Default::default()
    };
    loop {
        let page = api.list_jobs("default", &q)?;
        for j in page.jobs {
            *per_id.entry(j.external_job_id).or_default() += 1;
        }
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => break,
        }
    }
    let expected: BTreeSet<&str> = inputs.iter().filter_map(|i| i.job.as_deref()).collect();
    let lost = expected
        .iter()
        .filter(|id| !per_id.contains_key(**id))
        .count();
    let duplicated: usize = per_id.values().map(|&n| n.saturating_sub(1)).sum();
    let unexpected = per_id
        .keys()
        .filter(|k| !expected.contains(k.as_str()))
        .count();
    let ledger = api.watch_ledger_len()?;
    let hashes: BTreeSet<String> = inputs
        .iter()
        .filter(|i| i.job.is_some())
        .map(|i| routemate_engine::watch::content_hash(i.text.as_bytes()))
        .collect();
    let ok = in_both == 0
        && left == 0
        && missing == 0
        && wrong_place == 0
        && lost == 0
        && duplicated == 0
        && unexpected == 0
        && reports_missing == 0
        && ledger == hashes.len();
    Ok(json!({
        "ok": ok, "files": files, "kills": killed.get(), "seconds": elapsed,
        "imported": imported.len(), "failed": failed.len(), "in_both": in_both,
        "left_in_folder_or_processing": left, "missing": missing, "in_wrong_folder": wrong_place,
        "failed_without_reports": reports_missing,
        "expected_jobs": expected.len(), "jobs_in_store": per_id.len(), "jobs_lost": lost,
        "jobs_duplicated": duplicated, "unexpected_jobs": unexpected,
        "ledger_entries": ledger, "distinct_valid_contents": hashes.len(),
    }))
}
