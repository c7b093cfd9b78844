//! `routemate-bench optimize`: runs the optimizer on every shared benchmark instance (TSPLIB and
//! delivery) and prints a table like `peers.md`: gap to the best known length and wall time,
//! then the mean gap per size class and how many runs exceeded the budget by more than 5 %.

use super::solve::solve_closed;
use crate::instance::load;
use anyhow::Context;
use clap::Args;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone, Args)]
pub struct BenchOptimizeArgs {
    /// Wall-clock budget per instance.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub budget_ms: u64,
    /// The benchmark data (`tsplib/`, `delivery/`); default: `bench/data` of the shared folder
    /// (`ROUTEMATE_SHARED`, or `shared/` above the working directory or the source tree).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Only instances whose name contains this (e.g. `-2000`).
    #[arg(long, value_name = "SUBSTR", allow_hyphen_values = true)]
    pub filter: Option<String>,
}

/// Best known lengths: TSPLIB `optima.json`, else the `best known` column of `../peers.md`.
fn best_known(data: &Path, name: &str) -> Option<u64> {
    let optima = std::fs::read_to_string(data.join("tsplib/optima.json")).ok();
    let from_optima = optima
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v.get(name).and_then(|x| x.as_u64()));
    from_optima.or_else(|| {
        let peers = std::fs::read_to_string(data.join("../peers.md")).ok()?;
        let row = peers
            .lines()
            .find(|l| l.starts_with(&format!("| {name} |")))?;
        row.split('|')
            .nth(3)?
            .trim()
            .trim_end_matches('*')
            .parse()
            .ok()
    })
}

struct Row {
    n: usize,
    gap: Option<f64>,
    wall_ms: f64,
}

pub fn run(args: &BenchOptimizeArgs) -> anyhow::Result<()> {
    let data = match &args.data_dir {
        Some(d) => d.clone(),
        None => crate::shared::path("bench/data")?,
    };
    let mut files = Vec::new();
    for sub in ["tsplib", "delivery"] {
        let dir = data.join(sub);
        let entries = std::fs::read_dir(&dir).with_context(|| format!("{}", dir.display()))?;
        for entry in entries {
            let path = entry?.path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let is_meta = path.file_name().is_some_and(|f| f == "optima.json");
            if (ext == "tsp" || ext == "json") && !is_meta {
                files.push(path);
            }
        }
    }
    let budget = Duration::from_millis(args.budget_ms);
    let mut loaded = Vec::new();
    for path in files {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        if args
            .filter
            .as_ref()
            .is_some_and(|f| !stem.contains(f.as_str()))
        {
            continue;
        }
        loaded.push((stem, load(&path)?));
    }
    loaded.sort_by_key(|(stem, inst)| (inst.matrix.len(), stem.clone()));
    println!(
        "routemate optimize, budget {} ms, seed {}, one thread",
        args.budget_ms, args.seed
    );
    println!();
    println!("| instance | n | best known | length | gap % | wall ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut rows = Vec::new();
    for (stem, inst) in loaded {
        let best = best_known(&data, &stem);
        let solved = solve_closed(inst, Some(budget), args.seed);
        let gap = best.map(|b| 100.0 * (solved.length as f64 - b as f64) / b as f64);
        let wall_ms = solved.elapsed.as_secs_f64() * 1000.0;
        println!(
            "| {stem} | {} | {} | {} | {} | {wall_ms:.0} |",
            solved.n,
            best.map_or("?".to_string(), |b| b.to_string()),
            solved.length,
            gap.map_or("?".to_string(), |g| format!("{g:.2}")),
        );
        rows.push(Row {
            n: solved.n,
            gap,
            wall_ms,
        });
    }
    summarize(&rows, args.budget_ms as f64);
    Ok(())
}

fn summarize(rows: &[Row], budget_ms: f64) {
    println!();
    println!(
        "| n | instances | mean gap % | max gap % | mean wall ms | max wall ms | over budget+5 % |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let classes: [(&str, usize, usize); 3] = [
        ("≤ 201", 0, 201),
        ("202-1002", 202, 1002),
        ("> 1002", 1003, usize::MAX),
    ];
    for (label, lo, hi) in classes {
        let class: Vec<&Row> = rows.iter().filter(|r| r.n >= lo && r.n <= hi).collect();
        if class.is_empty() {
            continue;
        }
        let gaps: Vec<f64> = class.iter().filter_map(|r| r.gap).collect();
        let mean = gaps.iter().sum::<f64>() / gaps.len().max(1) as f64;
        let max = gaps.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let walls: Vec<f64> = class.iter().map(|r| r.wall_ms).collect();
        let mean_wall = walls.iter().sum::<f64>() / walls.len() as f64;
        let max_wall = walls.iter().cloned().fold(0.0, f64::max);
        let over = walls.iter().filter(|&&w| w > budget_ms * 1.05).count();
        println!(
            "| {label} | {} | {mean:.3} | {max:.2} | {mean_wall:.0} | {max_wall:.0} | {over} |",
            class.len()
        );
    }
}
