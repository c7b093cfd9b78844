//! `routemate-bench solve`: solves one TSPLIB or delivery-JSON instance as a closed tour from
//! node 0 and prints `{"name", "n", "length", "tour", "elapsed_ms"}`.

use crate::instance::{load_as, Instance};
use clap::Args;
use routemate_core::optimize::{budget_for, check, solve, RouteEnd, RouteProblem, SolveOptions};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Args)]
pub struct SolveArgs {
    /// A TSPLIB `.tsp` file (EUC_2D, CEIL_2D, ATT or GEO coordinates) or an ATSP file
    /// (EXPLICIT, FULL_MATRIX); node i is index i-1.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "instance",
        required_unless_present = "instance"
    )]
    pub tsplib: Option<PathBuf>,
    /// A delivery instance (`delivery-tsp/1` JSON); node 0 is the depot.
    #[arg(long, value_name = "FILE.json")]
    pub instance: Option<PathBuf>,
    /// Wall-clock budget; default: the import pipeline's budget for the instance size.
    #[arg(long, value_name = "N")]
    pub time_limit_ms: Option<u64>,
    /// Random seed: the same seed gives the same tour when the budget is not what stops it.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
}

/// The outcome of one solve on a closed-tour instance.
pub struct Solved {
    pub n: usize,
    pub length: u64,
    pub tour: Vec<usize>,
    pub elapsed: Duration,
}

/// Solves `instance` as a closed tour from node 0 and checks the result.
pub fn solve_closed(instance: Instance, time_limit: Option<Duration>, seed: u64) -> Solved {
    let n = instance.matrix.len();
    let problem = RouteProblem {
        matrix: instance.matrix,
        start: 0,
        end: RouteEnd::Closed,
        locked: vec![],
    };
    let opts = SolveOptions {
        time_limit: time_limit.unwrap_or_else(|| budget_for(n)),
        seed,
    };
    let started = Instant::now();
    let solution = solve(&problem, &opts);
    let elapsed = started.elapsed();
    // The optimizer promises a valid route; a failure here is a bug worth a loud stop.
    let length = check(&problem, &solution).expect("the optimizer returned an invalid route");
    Solved {
        n,
        length,
        tour: solution.order,
        elapsed,
    }
}

pub fn run(args: &SolveArgs) -> anyhow::Result<()> {
    let instance = match (&args.tsplib, &args.instance) {
        (Some(path), _) => load_as(path, true)?,
        (None, Some(path)) => load_as(path, false)?,
        (None, None) => anyhow::bail!("give --tsplib FILE or --instance FILE.json"),
    };
    let name = instance.name.clone();
    let solved = solve_closed(
        instance,
        args.time_limit_ms.map(Duration::from_millis),
        args.seed,
    );
    let out = serde_json::json!({
        "name": name,
        "n": solved.n,
        "length": solved.length,
        "tour": solved.tour,
        "elapsed_ms": solved.elapsed.as_secs_f64() * 1000.0,
    });
    println!("{out}");
    Ok(())
}
