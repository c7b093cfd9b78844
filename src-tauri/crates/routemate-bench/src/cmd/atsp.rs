//! `routemate-bench atsp`: runs the optimizer on the shared TSPLIB asymmetric instances
//! (`atsp/*.atsp`, closed tours from node 0) and prints the gap to each published optimum
//! (`atsp/optima.json`) with the wall time, then the mean gap. With `--grid 200,450` it runs
//! synthetic one-way street matrices of those sizes instead ([`crate::grid_roads`]), closed and
//! open routes, against the best route of one run with ten times the budget.

use super::solve::solve_closed;
use crate::instance::load;
use anyhow::Context;
use clap::Args;
use routemate_core::optimize::{check, solve, RouteEnd, RouteProblem, SolveOptions};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Args)]
pub struct BenchAtspArgs {
    /// Wall-clock budget per instance.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub budget_ms: u64,
    /// The folder of `.atsp` files and `optima.json`; default: `bench/data/atsp` of the shared
    /// folder (`ROUTEMATE_SHARED`, or `shared/` above the working directory or the source tree).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// First seed; `--runs N` uses seeds S, S+1, … and reports the mean gap per instance.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub runs: u64,
    /// Only instances whose name contains this.
    #[arg(long, value_name = "SUBSTR", allow_hyphen_values = true)]
    pub filter: Option<String>,
    /// Synthetic one-way street matrices of these sizes (two each) instead of TSPLIB.
    #[arg(long, value_name = "N,…", value_delimiter = ',')]
    pub grid: Vec<usize>,
    /// With `--grid`: the reference is one run with this many times the budget.
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub reference_factor: u32,
}

pub fn run(args: &BenchAtspArgs) -> anyhow::Result<()> {
    if !args.grid.is_empty() {
        run_grid(args);
        return Ok(());
    }
    let dir = match &args.data_dir {
        Some(d) => d.clone(),
        None => crate::shared::path("bench/data/atsp")?,
    };
    let optima_path = dir.join("optima.json");
    let optima: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&optima_path)
            .with_context(|| format!("reading {}", optima_path.display()))?,
    )
    .with_context(|| format!("parsing {}", optima_path.display()))?;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("{}", dir.display()))? {
        let path = entry?.path();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let wanted = args
            .filter
            .as_ref()
            .is_none_or(|f| stem.contains(f.as_str()));
        if path.extension().is_some_and(|e| e == "atsp") && wanted {
            files.push((stem.to_string(), path.clone()));
        }
    }
    let mut loaded = Vec::new();
    for (stem, path) in files {
        loaded.push((stem, load(&path)?));
    }
    loaded.sort_by_key(|(stem, inst)| (inst.matrix.len(), stem.clone()));
    let runs = args.runs.max(1);
    println!(
        "routemate optimize on TSPLIB ATSP, budget {} ms, seeds {}..={}, one thread",
        args.budget_ms,
        args.seed,
        args.seed + runs - 1
    );
    println!();
    println!("| instance | n | optimum | mean length | best length | mean gap % | max wall ms |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let budget = Duration::from_millis(args.budget_ms);
    let mut gaps = Vec::new();
    let mut over = 0;
    for (stem, inst) in loaded {
        let optimum = optima.get(&stem).and_then(|v| v.as_u64());
        let n = inst.matrix.len();
        let (mut sum, mut best, mut wall) = (0u64, u64::MAX, 0f64);
        for r in 0..runs {
            let solved = solve_closed(inst.clone(), Some(budget), args.seed + r);
            sum += solved.length;
            best = best.min(solved.length);
            let ms = solved.elapsed.as_secs_f64() * 1000.0;
            wall = wall.max(ms);
            if ms > args.budget_ms as f64 * 1.05 {
                over += 1;
            }
        }
        let mean = sum as f64 / runs as f64;
        let gap = optimum.map(|o| 100.0 * (mean - o as f64) / o as f64);
        gaps.extend(gap);
        println!(
            "| {stem} | {n} | {} | {mean:.1} | {best} | {} | {wall:.0} |",
            optimum.map_or("?".into(), |o| o.to_string()),
            gap.map_or("?".into(), |g| format!("{g:.2}")),
        );
    }
    let mean = gaps.iter().sum::<f64>() / gaps.len().max(1) as f64;
    let max = gaps.iter().cloned().fold(0.0, f64::max);
    println!();
    println!(
        "mean gap {mean:.3} % (max {max:.2} %) over {} instances; {over} run(s) over budget + 5 %",
        gaps.len()
    );
    Ok(())
}

/// One solve of `problem`, checked; the directed length and the wall time in milliseconds.
pub(crate) fn solve_checked(problem: &RouteProblem, budget: Duration, seed: u64) -> (u64, f64) {
    let opts = SolveOptions {
        time_limit: budget,
        seed,
    };
    let started = Instant::now();
    let solution = solve(problem, &opts);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    // The optimizer promises a valid route; a failure here is a bug worth a loud stop.
    let length = check(problem, &solution).expect("the optimizer returned an invalid route");
    (length, ms)
}

/// `--grid`: synthetic one-way street matrices, closed and open routes from stop 0.
fn run_grid(args: &BenchAtspArgs) {
    let budget = Duration::from_millis(args.budget_ms);
    let reference = budget * args.reference_factor;
    let runs = args.runs.max(1);
    println!(
        "routemate optimize on synthetic one-way street matrices, budget {} ms, seeds {}..={}, \
         reference: one run of {} ms (seed 0), one thread",
        args.budget_ms,
        args.seed,
        args.seed + runs - 1,
        reference.as_millis()
    );
    println!();
    println!("| matrix | n | route | reference | mean length | mean gap % | max wall ms |");
    println!("|---|---:|---|---:|---:|---:|---:|");
    let mut gaps = Vec::new();
    for &n in &args.grid {
        for instance in 1..=2u64 {
            let matrix = crate::grid_roads::matrix(n, instance);
            for end in [RouteEnd::Closed, RouteEnd::Open] {
                let problem = RouteProblem {
                    matrix: matrix.clone(),
                    start: 0,
                    end,
                    locked: vec![],
                };
                let (best, _) = solve_checked(&problem, reference, 0);
                let (mut sum, mut wall) = (0u64, 0f64);
                for r in 0..runs {
                    let (length, ms) = solve_checked(&problem, budget, args.seed + r);
                    sum += length;
                    wall = wall.max(ms);
                }
                let mean = sum as f64 / runs as f64;
                let gap = 100.0 * (mean - best as f64) / best as f64;
                gaps.push(gap);
                let route = if end == RouteEnd::Closed {
                    "closed"
                } else {
                    "open"
                };
                println!(
                    "| grid-{n}-{instance} | {n} | {route} | {best} | {mean:.1} | {gap:.3} | \
                     {wall:.0} |"
                );
            }
        }
    }
    let mean = gaps.iter().sum::<f64>() / gaps.len().max(1) as f64;
    println!();
    println!(
        "mean gap {mean:.3} % to the {}× budget reference over {} routes",
        args.reference_factor,
        gaps.len()
    );
}
