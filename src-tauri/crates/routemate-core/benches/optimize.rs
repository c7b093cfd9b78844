//! Optimizer benchmark without the server crate: `cargo bench -p routemate-core --bench optimize
//! -- [--budget-ms N] [--seed S] [--filter SUBSTR] [--data-dir DIR]`. Same table as
//! `routemate bench optimize`.

use routemate_core::optimize::instance::{parse_delivery, parse_tsplib, Instance};
use routemate_core::optimize::{check, solve, RouteEnd, RouteProblem, SolveOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn shared_dir() -> PathBuf {
    if let Ok(p) = std::env::var("ROUTEMATE_SHARED") {
        return PathBuf::from(p);
    }
    let mut d = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
    loop {
        if d.join("shared/spec").is_dir() {
            return d.join("shared");
        }
        if !d.pop() {
            panic!("shared data not found; set ROUTEMATE_SHARED");
        }
    }
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let budget = arg(&args, "--budget-ms").map_or(1000, |s| s.parse().expect("--budget-ms"));
    let seed = arg(&args, "--seed").map_or(1, |s| s.parse().expect("--seed"));
    let filter = arg(&args, "--filter").unwrap_or_default();
    let data =
        arg(&args, "--data-dir").map_or_else(|| shared_dir().join("bench/data"), PathBuf::from);
    let optima: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data.join("tsplib/optima.json")).expect("optima.json"),
    )
    .expect("optima json");
    let peers = std::fs::read_to_string(data.join("../peers.md")).unwrap_or_default();
    let mut files: Vec<PathBuf> = ["tsplib", "delivery"]
        .iter()
        .flat_map(|d| {
            std::fs::read_dir(data.join(d))
                .expect("data dir")
                .map(|e| e.unwrap().path())
        })
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("tsp" | "json")))
        .filter(|p| !p.ends_with("optima.json"))
        .collect();
    files.sort();
    println!("| instance | n | best known | length | gap % | wall ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read");
        let inst: Instance = if f.extension().unwrap() == "tsp" {
            parse_tsplib(&text).expect("tsplib")
        } else {
            parse_delivery(&text).expect("delivery")
        };
        let stem = f.file_stem().unwrap().to_str().unwrap().to_string();
        if !stem.contains(&filter) {
            continue;
        }
        let best = optima.get(&stem).and_then(|v| v.as_u64()).or_else(|| {
            peers
                .lines()
                .find(|l| l.starts_with(&format!("| {stem} |")))
                .and_then(|l| {
                    l.split('|')
                        .nth(3)?
                        .trim()
                        .trim_end_matches('*')
                        .parse()
                        .ok()
                })
        });
        let problem = RouteProblem {
            matrix: inst.matrix,
            start: 0,
            end: RouteEnd::Closed,
            locked: vec![],
        };
        let opts = SolveOptions {
            time_limit: Duration::from_millis(budget),
            seed,
        };
        let t = Instant::now();
        let sol = solve(&problem, &opts);
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let len = check(&problem, &sol).expect("valid");
        let gap = best.map_or(f64::NAN, |b| 100.0 * (len as f64 - b as f64) / b as f64);
        println!(
            "| {stem} | {} | {} | {len} | {gap:.2} | {ms:.0} |",
            problem.matrix.len(),
            best.map_or("?".into(), |b| b.to_string())
        );
    }
}
