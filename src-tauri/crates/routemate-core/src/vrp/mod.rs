//! Planning the day: split a pool of stops across a fleet of vehicles with capacities (one or
//! more units), shifts, start/end locations, maximum stops and fixed costs, and stops with
//! demands, service times, several time windows, priorities and dispatcher locks. Travel comes
//! from two integer matrices (durations, distances), asymmetric allowed, so the straight-line
//! estimate and a road matrix plug in the same way.
//!
//! The interface ([`Problem`], [`SolveOptions`], [`solve`], [`check`], [`ReasonCode`]) is what
//! the engine and the CLI call; the search behind it may change freely.
//!
//! How: the objective is lexicographic (every must stop, then as many stops as possible, then
//! optionally fewer vehicles, then the metric). A route caches, per position, its earliest
//! departure and latest feasible arrival (`route`), so an insertion is checked in O(windows)
//! (Savelsbergh 1992; Vidal et al. 2013, "A hybrid genetic algorithm with adaptive diversity
//! management for a large class of vehicle routing problems with time-windows", C&OR 40(1)).
//! The search (`sisr`) is Slack Induction by String Removals (Christiaens & Vanden Berghe,
//! Transportation Science 54(2), 2020): remove strings of consecutive stops from routes near a
//! random seed stop, reinsert greedily with blinks, accept by simulated annealing. It starts
//! from the same greedy insertion, watches the clock and returns the best plan by
//! budget + 5 %. Stops still left out get a [`ReasonCode`] and a sentence (`reasons`).
//! Arithmetic is integer; a seed fixes the result for a given number of iterations.

mod check;
mod model;
mod reasons;
mod route;
mod sisr;
mod solution;
mod validate;

pub use check::{check, Violation};
pub use model::{
    Balance, End, Matrix, Metric, Objective, Plan, Priority, Problem, Route, SolveOptions, Stop,
    Unassigned, Vehicle, VrpError,
};
pub use reasons::ReasonCode;
pub use validate::validate;

use crate::optimize::rng::Rng;
use route::{earliest_start, Inst};
use solution::{Sol, Undo};
use std::time::{Duration, Instant};

/// Plans `p` within `opts.time_limit` (a valid plan by budget + 5 %), or names the malformed
/// field. Every stop ends up in exactly one route or in `unassigned` with a reason.
pub fn solve(p: &Problem, opts: &SolveOptions) -> Result<Plan, VrpError> {
    let started = Instant::now();
    validate(p)?;
    let margin = (opts.time_limit / 25).min(Duration::from_millis(50)) + Duration::from_millis(1);
    let deadline = started + opts.time_limit.saturating_sub(margin);
    let inst = Inst::new(p);
    let mut rng = Rng::new(opts.seed);
    let mut sol = Sol::empty(&inst);
    let mut undo = Undo::default();
    sol.begin(&mut undo);
    sisr::construct(&inst, &mut sol, &mut undo, &mut rng, deadline);
    let mut sol = sisr::search(&inst, sol, &mut rng, started, deadline);
    sol.begin(&mut undo);
    sol.fill(
        &inst,
        &mut undo,
        Some(started + opts.time_limit.mul_f64(1.03)),
    );
    Ok(plan_of(&inst, &sol))
}

/// The public plan of a search solution: schedules, totals and reasons.
fn plan_of(inst: &Inst, sol: &Sol) -> Plan {
    let p = inst.p;
    let mut routes = Vec::new();
    let mut cost = 0;
    for (v, r) in sol.routes.iter().enumerate() {
        if r.stops.is_empty() {
            continue;
        }
        let veh = &p.vehicles[v];
        let first = p.stops[r.stops[0]].location;
        // Leave as late as the first service allows: no waiting at the first stop.
        let arrival = veh.shift_start + p.durations.get(veh.start, first);
        let first_start = earliest_start(&inst.windows[r.stops[0]], arrival).unwrap_or(arrival);
        let departure = first_start - p.durations.get(veh.start, first);
        let mut t = departure;
        let mut loc = veh.start;
        let mut distance = 0;
        let mut starts = Vec::with_capacity(r.stops.len());
        for &s in &r.stops {
            let stop = &p.stops[s];
            let arrival = t + p.durations.get(loc, stop.location);
            distance += p.distances.get(loc, stop.location);
            let start = earliest_start(&inst.windows[s], arrival).unwrap_or(arrival);
            starts.push(start);
            t = start + stop.service;
            loc = stop.location;
        }
        let end_time = match veh.end {
            End::Return(e) => {
                distance += p.distances.get(loc, e);
                t + p.durations.get(loc, e)
            }
            End::Open => t,
        };
        cost += r.legs + veh.fixed_cost;
        routes.push(Route {
            vehicle: v,
            stops: r.stops.clone(),
            starts,
            departure,
            end_time,
            load: r.load.clone(),
            duration: end_time - departure,
            distance,
        });
    }
    let mut missing = sol.missing.clone();
    missing.sort_unstable();
    let unassigned = missing
        .into_iter()
        .map(|s| {
            let (code, message) = reasons::classify(inst, sol, s);
            Unassigned {
                stop: s,
                code,
                message,
            }
        })
        .collect();
    Plan {
        routes,
        unassigned,
        cost,
    }
}
