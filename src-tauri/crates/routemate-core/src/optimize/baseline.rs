//! Baseline search: nearest neighbour construction, then `two_opt` on segments free of locks,
//! until no improvement or the budget runs out. The "Optimizer" issue replaces this.

use super::{route_length, RouteEnd, RouteProblem, RouteSolution, SolveOptions};
use std::time::Instant;

/// The locks that make sense: stop nodes in range, each node and position used once.
pub(crate) fn valid_locks(problem: &RouteProblem) -> Vec<(usize, usize)> {
    let n = problem.matrix.len();
    let stops = stop_count(problem);
    let mut used_nodes = vec![false; n];
    let mut used_pos = vec![false; stops];
    let mut out = Vec::new();
    for &(node, pos) in &problem.locked {
        let is_stop = node < n && node != problem.start && problem.end != RouteEnd::Fixed(node);
        if is_stop && pos < stops && !used_nodes[node] && !used_pos[pos] {
            used_nodes[node] = true;
            used_pos[pos] = true;
            out.push((node, pos));
        }
    }
    out
}

fn stop_count(problem: &RouteProblem) -> usize {
    let n = problem.matrix.len();
    match problem.end {
        RouteEnd::Fixed(e) if e != problem.start && e < n => n.saturating_sub(2),
        _ => n.saturating_sub(1),
    }
}

pub(crate) fn solve(problem: &RouteProblem, opts: &SolveOptions) -> RouteSolution {
    let started = Instant::now();
    let m = &problem.matrix;
    let n = m.len();
    if n == 0 {
        return RouteSolution {
            order: vec![],
            length: 0,
        };
    }
    let locks = valid_locks(problem);
    let slots = stop_count(problem);
    let mut fixed: Vec<Option<usize>> = vec![None; slots];
    let mut taken = vec![false; n];
    taken[problem.start] = true;
    if let RouteEnd::Fixed(e) = problem.end {
        taken[e] = true;
    }
    for &(node, pos) in &locks {
        fixed[pos] = Some(node);
        taken[node] = true;
    }
    // Nearest neighbour into the free slots.
    let mut order = Vec::with_capacity(n);
    order.push(problem.start);
    let mut cur = problem.start;
    for slot in fixed.iter() {
        let next = match slot {
            Some(node) => *node,
            None => {
                let best = (0..n).filter(|&v| !taken[v]).min_by_key(|&v| m.get(cur, v));
                let v = best.expect("a free node for every free slot");
                taken[v] = true;
                v
            }
        };
        order.push(next);
        cur = next;
    }
    if let RouteEnd::Fixed(e) = problem.end {
        order.push(e);
    }
    let is_locked: Vec<bool> = {
        let mut v = vec![false; order.len()];
        for &(_, pos) in &locks {
            v[pos + 1] = true;
        }
        v
    };
    // two_opt over positions 1..last_free, never reversing across a locked position.
    let last = match problem.end {
        RouteEnd::Fixed(_) => order.len() - 2,
        _ => order.len() - 1,
    };
    let closed = problem.end == RouteEnd::Closed;
    let mut improved = true;
    while improved && started.elapsed() < opts.time_limit {
        improved = false;
        for i in 1..=last {
            if is_locked[i] {
                continue;
            }
            for j in (i + 1)..=last {
                if is_locked[j] {
                    break;
                }
                let a = order[i - 1];
                let b = order[i];
                let c = order[j];
                let after = if j + 1 < order.len() {
                    Some(order[j + 1])
                } else if closed {
                    Some(order[0])
                } else {
                    None
                };
                let before = m.get(a, b) as i64 + after.map_or(0, |d| m.get(c, d) as i64);
                let now = m.get(a, c) as i64 + after.map_or(0, |d| m.get(b, d) as i64);
                if now < before {
                    order[i..=j].reverse();
                    improved = true;
                }
            }
            if started.elapsed() >= opts.time_limit {
                break;
            }
        }
    }
    let length = route_length(problem, &order);
    RouteSolution { order, length }
}
