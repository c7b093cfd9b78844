//! `routemate-bench vrp` (`routemate bench vrp`): the multi-vehicle planner on the shared VRP set
//! (`shared/bench/data/vrp/bks.csv`) at the per-instance budgets, gap to the best known
//! per instance and mean per set; with `--peer pyvrp`, PyVRP at the same budget in the same run
//! (through `src-tauri/scripts/pyvrp-peer.py` in the venv `target/py-pyvrp`).

use super::vrp_solve::{decimals, rounded_cost, solve_instance};
use crate::shared;
use crate::vrp_instance::{load, Convention, VrpInstance};
use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Peer {
    Pyvrp,
}

#[derive(Debug, Clone, Args)]
pub struct BenchVrpArgs {
    /// One budget for every instance; default: Solomon 1 s, Homberger 200 2 s, Homberger 1000 10 s,
    /// X n/100 s (10 ms per customer).
    #[arg(long, value_name = "N")]
    pub budget_ms: Option<u64>,
    /// Only these sets or families (comma-separated: solomon, homberger, cvrp, Solomon_100,
    /// Homberger_200, Homberger_1000, X).
    #[arg(long, value_delimiter = ',')]
    pub families: Vec<String>,
    /// Only these instances (comma-separated names).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Run this peer at the same budget, side by side.
    #[arg(long, value_enum)]
    pub peer: Option<Peer>,
    /// The peer's Python (default: `target/py-pyvrp/bin/python` of this repository, or
    /// `$ROUTEMATE_PYVRP_PYTHON`).
    #[arg(long, value_name = "PATH")]
    pub peer_python: Option<PathBuf>,
}

/// One row of `bks.csv`.
struct Row {
    name: String,
    family: String,
    set: String,
    customers: usize,
    file: String,
    reference: f64,
}

fn rows(dir: &Path) -> anyhow::Result<Vec<Row>> {
    let mut rd = csv::Reader::from_path(dir.join("bks.csv")).context("bks.csv")?;
    let headers = rd.headers()?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("bks.csv has no column {name}"))
    };
    let (ci, cf, cs, cn, cfile, cd, ch) = (
        col("instance")?,
        col("family")?,
        col("set")?,
        col("customers")?,
        col("file")?,
        col("dist_distance")?,
        col("hier_bks_dist_cost")?,
    );
    let mut out = Vec::new();
    for rec in rd.records() {
        let rec = rec?;
        let dist: Option<f64> = rec[cd].parse().ok();
        // Homberger 200 has no distance-only best known: the vehicles-first one, costed
        // distance-only, is the reference (an upper bound).
        let reference = dist.or_else(|| rec[ch].parse().ok()).with_context(|| {
            format!(
                "bks.csv: {} has neither dist_distance nor hier_bks_dist_cost",
                &rec[ci]
            )
        })?;
        out.push(Row {
            name: rec[ci].to_string(),
            family: rec[cf].to_string(),
            set: rec[cs].to_string(),
            customers: rec[cn].parse().unwrap_or(0),
            file: rec[cfile].to_string(),
            reference,
        });
    }
    Ok(out)
}

fn default_budget(row: &Row) -> u64 {
    match row.set.as_str() {
        "Solomon_100" => 1000,
        "Homberger_200" => 2000,
        "Homberger_1000" => 10_000,
        _ => (row.customers as u64 * 10).max(1000),
    }
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

/// The peer's result: cost (recomputed here from its routes), wall time, and its route count.
struct PeerResult {
    cost: f64,
    elapsed_ms: u64,
    vehicles: usize,
}

fn run_pyvrp(
    python: &Path,
    path: &Path,
    inst: &VrpInstance,
    budget_ms: u64,
    seed: u64,
) -> anyhow::Result<PeerResult> {
    let script = repo_root().join("src-tauri/scripts/pyvrp-peer.py");
    let out = std::process::Command::new(python)
        .arg(&script)
        .arg(path)
        .args([
            "--budget-ms",
            &budget_ms.to_string(),
            "--seed",
            &seed.to_string(),
        ])
        .output()
        .with_context(|| format!("cannot run {} {}", python.display(), script.display()))?;
    if !out.status.success() {
        bail!(
            "pyvrp-peer.py failed on {}: {}",
            inst.name,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("pyvrp-peer.py output")?;
    let routes: Vec<Vec<usize>> = serde_json::from_value(v["routes"].clone())?;
    let mut seen = vec![false; inst.xy.len()];
    for &c in routes.iter().flatten() {
        if c == 0 || c >= seen.len() || seen[c] {
            bail!(
                "PyVRP's plan for {} repeats or invents customer {c}",
                inst.name
            );
        }
        seen[c] = true;
    }
    if seen[1..].iter().any(|s| !s) {
        bail!(
            "PyVRP's plan for {} misses customers (infeasible)",
            inst.name
        );
    }
    Ok(PeerResult {
        cost: inst.cost(Convention::Dist, &routes),
        elapsed_ms: v["elapsed_ms"].as_u64().unwrap_or(0),
        vehicles: routes.len(),
    })
}

pub fn run(args: &BenchVrpArgs) -> anyhow::Result<()> {
    let dir = shared::path("bench/data/vrp")?;
    let python = args.peer.map(|_| {
        args.peer_python
            .clone()
            .or_else(|| std::env::var_os("ROUTEMATE_PYVRP_PYTHON").map(PathBuf::from))
            .unwrap_or_else(|| repo_root().join("target/py-pyvrp/bin/python"))
    });
    if let Some(py) = python.as_ref().filter(|p| !p.exists()) {
        bail!(
            "{} not found: run src-tauri/scripts/pyvrp-peer.sh to install PyVRP 0.14.1 there",
            py.display()
        );
    }
    let wanted = |r: &Row| {
        (args.families.is_empty()
            || args
                .families
                .iter()
                .any(|f| f.eq_ignore_ascii_case(&r.family) || f.eq_ignore_ascii_case(&r.set)))
            && (args.only.is_empty() || args.only.iter().any(|o| o.eq_ignore_ascii_case(&r.name)))
    };
    let peer_cols = if python.is_some() {
        " | PyVRP cost | PyVRP gap % | PyVRP ms | PyVRP routes"
    } else {
        ""
    };
    println!("| instance | set | budget ms | cost | reference | gap % | ms | routes{peer_cols} |");
    println!(
        "|---|---|---:|---:|---:|---:|---:|---:{}|",
        if python.is_some() {
            "|---:|---:|---:|---:"
        } else {
            ""
        }
    );
    let mut sums: BTreeMap<String, (f64, f64, usize)> = BTreeMap::new();
    for row in rows(&dir)?.iter().filter(|r| wanted(r)) {
        let path = dir.join(&row.file);
        let inst = load(&path).with_context(|| path.display().to_string())?;
        let budget = args.budget_ms.unwrap_or_else(|| default_budget(row));
        let solved = solve_instance(
            &inst,
            Convention::Dist,
            Duration::from_millis(budget),
            args.seed,
        )?;
        let d = decimals(&inst, Convention::Dist);
        let cost = rounded_cost(solved.cost, d);
        let gap = 100.0 * (cost / row.reference - 1.0);
        let missing = solved.plan.unassigned.len();
        let mut line = format!(
            "| {} | {} | {budget} | {cost} | {} | {gap:.2} | {} | {}{} |",
            row.name,
            row.set,
            row.reference,
            solved.elapsed.as_millis(),
            solved.routes.len(),
            if missing > 0 {
                format!(" ({missing} unassigned!)")
            } else {
                String::new()
            }
        );
        let entry = sums.entry(row.set.clone()).or_default();
        entry.0 += gap;
        entry.2 += 1;
        if let Some(py) = &python {
            let peer = run_pyvrp(py, &path, &inst, budget, args.seed)?;
            let pcost = rounded_cost(peer.cost, d);
            let pgap = 100.0 * (pcost / row.reference - 1.0);
            entry.1 += pgap;
            line.pop();
            line.push_str(&format!(
                "| {pcost} | {pgap:.2} | {} | {} |",
                peer.elapsed_ms, peer.vehicles
            ));
        }
        println!("{line}");
    }
    println!();
    println!(
        "| set | instances | mean gap % |{}",
        if python.is_some() {
            " PyVRP mean gap % |"
        } else {
            ""
        }
    );
    println!(
        "|---|---:|---:|{}",
        if python.is_some() { "---:|" } else { "" }
    );
    for (set, (ours, peer, n)) in &sums {
        let peer = if python.is_some() {
            format!(" {:.2} |", peer / *n as f64)
        } else {
            String::new()
        };
        println!("| {set} | {n} | {:.2} |{peer}", ours / *n as f64);
    }
    Ok(())
}
