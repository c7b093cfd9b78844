//! Slack Induction by String Removals (Christiaens & Vanden Berghe, Transportation Science
//! 54(2):417–433, 2020): ruin a few strings of consecutive stops in routes near a random seed
//! stop, recreate by greedy insertion with blinks, accept by simulated annealing on the metric.
//! The acceptance is lexicographic above the metric: a step that serves fewer stops (or uses more
//! vehicles when they are counted) is never accepted, one that serves more always is.

use super::route::{refresh, Inst, ALL_LIMITS};
use super::solution::{Sol, Undo, NONE};
use crate::optimize::rng::Rng;
use std::time::Instant;

/// Average number of stops removed per step (the paper's c̄).
const AVG_REMOVED: f64 = 10.0;
/// Longest removed string (the paper's L^max).
const MAX_STRING: f64 = 10.0;
/// Probability to skip an insertion position (the paper's blink rate).
const BLINK: f64 = 0.01;
/// Start and end temperatures, in average legs of the starting solution. The paper's 100 and 1
/// (CVRP X costs, average leg about 200) run for hours; at our budgets a hotter start measured
/// better (`routemate bench vrp`, Solomon and X subsets, T0 from 0.1 to 6 legs).
const T0: f64 = 3.0;
const TF: f64 = 0.01;

pub fn unit(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Removes strings around a random seed stop.
fn ruin(inst: &Inst, sol: &mut Sol, undo: &mut Undo, rng: &mut Rng, ruined: &mut Vec<usize>) {
    let served = sol.route_of.iter().filter(|&&v| v != NONE).count();
    let used = sol.routes.iter().filter(|r| !r.stops.is_empty()).count();
    if served == 0 {
        return;
    }
    let ls_max = MAX_STRING.min(served as f64 / used as f64);
    let ks_max = 4.0 * AVG_REMOVED / (1.0 + ls_max) - 1.0;
    let ks = (unit(rng) * ks_max + 1.0).floor().max(1.0) as usize;
    let seed = loop {
        let s = rng.below(sol.route_of.len());
        if sol.route_of[s] != NONE {
            break s;
        }
    };
    ruined.clear();
    let near = std::iter::once(seed as u32).chain(inst.neighbours[seed].iter().copied());
    let mut positions = Vec::new();
    for c in near {
        if ruined.len() >= ks {
            break;
        }
        let c = c as usize;
        let v = sol.route_of[c];
        if v == NONE || ruined.contains(&(v as usize)) {
            continue;
        }
        let v = v as usize;
        let stops = &sol.routes[v].stops;
        let t = stops.len();
        let i = stops
            .iter()
            .position(|&x| x == c)
            .expect("route_of is consistent");
        let l_max = (t as f64).min(ls_max);
        let l = ((unit(rng) * l_max).floor() as usize + 1).min(t);
        positions.clear();
        if unit(rng) < 0.5 || l == t {
            // A string of l stops containing position i.
            let lo = (i + 1).saturating_sub(l);
            let hi = i.min(t - l);
            let start = lo + rng.below(hi - lo + 1);
            positions.extend(start..start + l);
        } else {
            // A split string: l + m consecutive stops, m of them (in one block) kept.
            let mut m = 1;
            while l + m < t && unit(rng) < 0.5 {
                m += 1;
            }
            let span = l + m;
            let lo = (i + 1).saturating_sub(span);
            let hi = i.min(t - span);
            let start = lo + rng.below(hi - lo + 1);
            let keep = start + rng.below(l + 1);
            positions.extend((start..start + span).filter(|&k| k < keep || k >= keep + m));
        }
        sol.remove(inst, undo, v, &positions);
        ruined.push(v);
    }
}

/// Greedy insertion of every missing stop in one of the paper's orders, with blinks.
fn recreate(inst: &Inst, sol: &mut Sol, undo: &mut Undo, rng: &mut Rng, scratch: &mut Vec<bool>) {
    let p = inst.p;
    let mut order = sol.missing.clone();
    // Random 4, demand 4, far 2, close 1 (the paper's weights).
    let pick = rng.below(11);
    let depot = p.vehicles.first().map_or(0, |v| v.start);
    let far = |s: usize| inst.metric.get(depot, p.stops[s].location);
    match pick {
        0..=3 => {
            for i in (1..order.len()).rev() {
                order.swap(i, rng.below(i + 1));
            }
        }
        4..=7 => order.sort_by_key(|&s| -p.stops[s].demand.first().copied().unwrap_or(0)),
        8..=9 => order.sort_by_key(|&s| -far(s)),
        _ => order.sort_by_key(|&s| far(s)),
    }
    order.sort_by_key(|&s| !inst.must[s]);
    for s in order {
        let mut draw = rng.clone();
        let found = sol.best_insertion(
            inst,
            s,
            ALL_LIMITS,
            false,
            || unit(&mut draw) < BLINK,
            scratch,
        );
        *rng = draw;
        if let Some((_, v, pos)) = found {
            sol.insert(inst, undo, v, pos, s);
        }
    }
}

/// Annealing settings of one [`anneal`] run.
struct Run {
    /// Temperatures at the run's start and end (the schedule spans `from..until`).
    t0: f64,
    tf: f64,
    from: Instant,
    until: Instant,
    /// Route elimination: stop as soon as nothing is missing, or after this many steps without
    /// a better solution.
    stall: Option<u64>,
}

/// Ruin-and-recreate steps with annealing acceptance from `sol`; returns the best solution seen.
fn anneal(inst: &Inst, mut sol: Sol, rng: &mut Rng, run: &Run) -> Sol {
    let mut undo = Undo::default();
    let mut scratch = Vec::new();
    let mut ruined = Vec::new();
    let mut cur = sol.key(inst);
    // The best solution as stop lists only, copied into reused buffers (no allocation per
    // improvement); the caches are rebuilt once at the end.
    let mut best: Vec<Vec<usize>> = sol.routes.iter().map(|r| r.stops.clone()).collect();
    let mut best_missing = sol.missing.clone();
    let mut best_key = cur;
    let total = run
        .until
        .saturating_duration_since(run.from)
        .as_secs_f64()
        .max(1e-3);
    let (mut iter, mut last_better) = (0u64, 0u64);
    let mut temp = run.t0;
    loop {
        if iter.is_multiple_of(16) {
            let now = Instant::now();
            if now >= run.until {
                break;
            }
            let frac = (now - run.from).as_secs_f64() / total;
            temp = run.t0 * (run.tf / run.t0).powf(frac.min(1.0));
        }
        if let Some(stall) = run.stall {
            if best_key.1 == 0 || iter - last_better > stall {
                break;
            }
        }
        iter += 1;
        sol.begin(&mut undo);
        ruin(inst, &mut sol, &mut undo, rng, &mut ruined);
        recreate(inst, &mut sol, &mut undo, rng, &mut scratch);
        let key = sol.key(inst);
        let accept = match (key.0, key.1, key.2).cmp(&(cur.0, cur.1, cur.2)) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Greater => false,
            std::cmp::Ordering::Equal => {
                (key.3 as f64) < cur.3 as f64 - temp * unit(rng).max(1e-300).ln()
            }
        };
        if accept {
            cur = key;
            if key < best_key {
                best_key = key;
                for (b, r) in best.iter_mut().zip(&sol.routes) {
                    b.clone_from(&r.stops);
                }
                best_missing.clone_from(&sol.missing);
                last_better = iter;
            }
        } else {
            sol.rollback(&mut undo);
        }
    }
    for (v, stops) in best.into_iter().enumerate() {
        if sol.routes[v].stops != stops {
            sol.routes[v].stops = stops;
            refresh(inst, v, &mut sol.routes[v]);
        }
        for &s in &sol.routes[v].stops {
            sol.route_of[s] = v as u32;
        }
    }
    for &s in &best_missing {
        sol.route_of[s] = NONE;
    }
    sol.missing = best_missing;
    sol
}

/// Runs SISR from `sol` until `deadline`; returns the best solution seen. When vehicles are
/// counted, the first half of the budget eliminates routes (the paper's fleet minimisation,
/// simplified): empty the smallest route, forbid new vehicles, and anneal until every stop is
/// back in (one vehicle fewer) or the attempt stalls.
pub fn search(inst: &Inst, sol: Sol, rng: &mut Rng, start: Instant, deadline: Instant) -> Sol {
    // Temperatures relative to the average leg of the starting solution.
    let served = sol.route_of.iter().filter(|&&v| v != NONE).count().max(1);
    let avg_leg = (sol.key(inst).3 as f64 / served as f64).max(1.0);
    let (t0, tf) = (avg_leg * T0, avg_leg * TF);
    let mut best = sol;
    if inst.p.objective.fewer_vehicles {
        let half = start + deadline.saturating_duration_since(start) / 2;
        let mut undo = Undo::default();
        while Instant::now() < half && best.missing.is_empty() {
            let Some(v) = (0..best.routes.len())
                .filter(|&v| !best.routes[v].stops.is_empty())
                .min_by_key(|&v| best.routes[v].stops.len())
            else {
                break;
            };
            let mut trial = best.clone();
            trial.begin(&mut undo);
            let all: Vec<usize> = (0..trial.routes[v].stops.len()).collect();
            trial.remove(inst, &mut undo, v, &all);
            trial.closed = true;
            let run = Run {
                t0: t0 * 0.3,
                tf,
                from: Instant::now(),
                until: half,
                stall: Some(20_000),
            };
            let mut out = anneal(inst, trial, rng, &run);
            out.closed = false;
            if !out.missing.is_empty() {
                break;
            }
            best = out;
        }
    }
    let run = Run {
        t0,
        tf,
        from: Instant::now(),
        until: deadline,
        stall: None,
    };
    anneal(inst, best, rng, &run)
}

/// The starting solution: every stop inserted greedily (farthest from the depot first, must
/// stops before the rest), stopping at `deadline`.
pub fn construct(inst: &Inst, sol: &mut Sol, undo: &mut Undo, rng: &mut Rng, deadline: Instant) {
    let p = inst.p;
    let depot = p.vehicles.first().map_or(0, |v| v.start);
    let mut order = sol.missing.clone();
    order.sort_by_key(|&s| (!inst.must[s], -inst.metric.get(depot, p.stops[s].location)));
    let mut scratch = Vec::new();
    for (i, s) in order.into_iter().enumerate() {
        if i.is_multiple_of(8) && Instant::now() >= deadline {
            return;
        }
        let _ = rng;
        if let Some((_, v, pos)) =
            sol.best_insertion(inst, s, ALL_LIMITS, false, || false, &mut scratch)
        {
            sol.insert(inst, undo, v, pos, s);
        }
    }
}
