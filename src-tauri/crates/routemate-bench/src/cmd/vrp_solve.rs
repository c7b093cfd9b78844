//! `routemate-bench vrp-solve` (`routemate vrp`): plans one Solomon or VRPLIB instance and prints
//! `{"name", "routes", "vehicles", "cost", "elapsed_ms", "unassigned"}` (customer numbers as in the
//! file; the cost under the chosen convention, in instance units).

use crate::vrp_instance::{load, Convention, VrpInstance};
use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use routemate_core::vrp::{check, solve, Plan, SolveOptions};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectiveArg {
    /// Distance only, DIMACS/CVRPLIB edge rounding, fleet unlimited.
    Distance,
    /// Fewest vehicles first (at most the instance's count), then exact Euclidean distance.
    Vehicles,
}

#[derive(Debug, Clone, Args)]
pub struct VrpSolveArgs {
    /// A Solomon text instance (`.txt`) or a VRPLIB one (`.vrp`, CVRP or VRPTW).
    #[arg(long, value_name = "FILE")]
    pub instance: PathBuf,
    /// Wall-clock budget; the plan is printed by budget + 5 %.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub time_limit_ms: u64,
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    #[arg(long, value_enum, default_value_t = ObjectiveArg::Distance)]
    pub objective: ObjectiveArg,
}

/// One solved instance.
pub struct VrpSolved {
    pub routes: Vec<Vec<usize>>,
    pub cost: f64,
    pub elapsed: Duration,
    pub plan: Plan,
}

/// Plans `inst` under `conv`, checks the plan with the core's checker, and converts it to
/// customer numbers.
pub fn solve_instance(
    inst: &VrpInstance,
    conv: Convention,
    time_limit: Duration,
    seed: u64,
) -> anyhow::Result<VrpSolved> {
    let problem = inst.problem(conv);
    let started = Instant::now();
    let plan = solve(&problem, &SolveOptions { time_limit, seed })?;
    let elapsed = started.elapsed();
    if let Err(v) = check(&problem, &plan) {
        bail!(
            "internal error: the plan for {} breaks a rule: {v}",
            inst.name
        );
    }
    let routes: Vec<Vec<usize>> = plan
        .routes
        .iter()
        .map(|r| r.stops.iter().map(|&s| s + 1).collect())
        .collect();
    let cost = inst.cost(conv, &routes);
    Ok(VrpSolved {
        routes,
        cost,
        elapsed,
        plan,
    })
}

/// The printed cost: 1 decimal (VRPTW dist), integer (CVRP), 4 decimals (hier).
pub fn rounded_cost(cost: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (cost * f).round() / f
}

/// The cost as JSON: an integer when the convention has no decimals.
pub fn cost_json(cost: f64, decimals: i32) -> serde_json::Value {
    if decimals == 0 {
        serde_json::Value::from(cost.round() as i64)
    } else {
        serde_json::Value::from(rounded_cost(cost, decimals))
    }
}

pub fn decimals(inst: &VrpInstance, conv: Convention) -> i32 {
    match conv {
        Convention::Hier => 4,
        Convention::Dist if inst.scale(conv) == 10 => 1,
        Convention::Dist => 0,
    }
}

pub fn run(args: &VrpSolveArgs) -> anyhow::Result<()> {
    let inst = load(&args.instance).with_context(|| args.instance.display().to_string())?;
    let conv = match args.objective {
        ObjectiveArg::Distance => Convention::Dist,
        ObjectiveArg::Vehicles => Convention::Hier,
    };
    let solved = solve_instance(
        &inst,
        conv,
        Duration::from_millis(args.time_limit_ms),
        args.seed,
    )?;
    let unassigned: Vec<_> = solved
        .plan
        .unassigned
        .iter()
        .map(|u| {
            serde_json::json!({
                "customer": u.stop + 1,
                "code": u.code.as_str(),
                "message": u.message,
            })
        })
        .collect();
    let out = serde_json::json!({
        "name": inst.name,
        "routes": solved.routes,
        "vehicles": solved.routes.len(),
        "cost": cost_json(solved.cost, decimals(&inst, conv)),
        "elapsed_ms": solved.elapsed.as_millis() as u64,
        "unassigned": unassigned,
    });
    println!("{out}");
    Ok(())
}
