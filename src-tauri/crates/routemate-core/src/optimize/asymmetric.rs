//! Asymmetric matrices (one-way streets: `d(i, j) ≠ d(j, i)`): the directed route becomes a
//! symmetric tour over twice the nodes (Jonker & Volgenant 1983, as in LKH), which the symmetric
//! search (`ils`) then optimises with its moves unchanged.
//!
//! Every directed node `v` becomes an "in" node `v` and an "out" node `v + m`, joined by a pinned
//! edge; the edge from `u`'s out node to `v`'s in node costs `d(u, v)`; in–in and out–out edges
//! are forbidden. A tour that keeps every pinned edge alternates in, out, in, out, … and, read in
//! the direction that leaves `start` through its own out node, is the directed route, with the
//! directed length (no `d(i,j) + d(j,i)` anywhere). Moves that would reverse a segment of the
//! directed route cost a forbidden edge, so the search never takes them.

use super::cost::{Costs, PINNED};
use super::{ils, RouteEnd, RouteProblem};
use std::time::Instant;

/// Forbidden edges (in–in, out–out): larger than anything a chain of moves can remove.
const FORBIDDEN: i32 = 1 << 30;
/// Directed costs are clamped here so that the edges one chain of moves removes (a few dozen at
/// most) never add up to a forbidden one.
const CLAMP: u32 = 1 << 24;

/// The directed closed-tour view of a route on `m` nodes: an open route gets a dummy node
/// (node `n`, reached from every stop at cost 0, leaving only for the start); the arc from the
/// tail (fixed end or dummy) back to the start is pinned.
struct Directed<'a> {
    problem: &'a RouteProblem,
    m: usize,
    tail: Option<usize>,
}

impl Directed<'_> {
    /// The directed cost of `u → v` (`None`: the pinned arc back to the start).
    fn arc(&self, u: usize, v: usize) -> Option<u32> {
        let n = self.problem.matrix.len();
        if Some(u) == self.tail && v == self.problem.start {
            return None;
        }
        Some(if u == n {
            // From the dummy only to the start (pinned above).
            CLAMP
        } else if v == n {
            0
        } else {
            self.problem.matrix.get(u, v).min(CLAMP)
        })
    }

    /// Nearest-neighbour route from the start, the tail last.
    fn nearest_neighbour(&self, deadline: Instant) -> Option<Vec<usize>> {
        let m = self.m;
        let mut taken = vec![false; m];
        let start = self.problem.start;
        taken[start] = true;
        if let Some(t) = self.tail {
            taken[t] = true;
        }
        let mut order = vec![start];
        let mut cur = start;
        let free = m - 1 - usize::from(self.tail.is_some());
        for _ in 0..free {
            if Instant::now() >= deadline {
                return None;
            }
            let next = (0..m)
                .filter(|&v| !taken[v])
                .min_by_key(|&v| self.arc(cur, v).unwrap_or(0))
                .expect("a free node is left");
            taken[next] = true;
            order.push(next);
            cur = next;
        }
        order.extend(self.tail);
        Some(order)
    }

    /// The optimal route by enumeration (at most [`EXACT_MAX`] nodes).
    fn exact(&self) -> Vec<usize> {
        let start = self.problem.start;
        let mut rest: Vec<usize> = (0..self.m)
            .filter(|&v| v != start && Some(v) != self.tail)
            .collect();
        let cost = |order: &[usize]| -> u64 {
            let mut prev = start;
            let mut total = 0u64;
            for &v in order.iter().chain(self.tail.iter()) {
                total += self.arc(prev, v).unwrap_or(0) as u64;
                prev = v;
            }
            total + self.arc(prev, start).unwrap_or(0) as u64
        };
        let mut best = rest.clone();
        let mut best_len = cost(&rest);
        permute(&mut rest, 0, &mut |p| {
            let len = cost(p);
            if len < best_len {
                best_len = len;
                best.copy_from_slice(p);
            }
        });
        let mut order = vec![start];
        order.extend(best);
        order.extend(self.tail);
        order
    }

    /// The symmetric costs over `2m` nodes (in node `v`, out node `v + m`); `None` once
    /// `deadline` has passed.
    fn split_costs(&self, deadline: Instant) -> Option<Costs> {
        let m = self.m;
        let mut costs = Costs::symmetric_until(
            2 * m,
            |a, b| {
                // a < b: an out–in pair has the in node first.
                let (lo, hi) = (a.min(b), a.max(b));
                if lo >= m || hi < m {
                    return FORBIDDEN;
                }
                let (v, u) = (lo, hi - m);
                if u == v {
                    PINNED
                } else {
                    self.arc(u, v).map_or(PINNED, |c| c as i32)
                }
            },
            Some(deadline),
        )?;
        costs.split = true;
        // The dummy's in node costs 0 from every out node: left out of the spanning tree, as in
        // the symmetric open route.
        if self.tail == Some(self.problem.matrix.len()) {
            costs.dummy = Some(m - 1);
        }
        Some(costs)
    }
}

/// Directed nodes up to which [`Directed::exact`] is used (8! orders).
const EXACT_MAX: usize = 9;

/// The search for `problem` (asymmetric matrix, no locks) until `deadline`; `None` when a
/// quadratic step runs out of time before a route exists.
pub(crate) fn free_order(
    problem: &RouteProblem,
    deadline: Instant,
    max_kicks: Option<u64>,
    seed: u64,
) -> Option<Vec<usize>> {
    let n = problem.matrix.len();
    let (m, tail) = match problem.end {
        RouteEnd::Closed => (n, None),
        RouteEnd::Fixed(e) => (n, Some(e)),
        RouteEnd::Open => (n + 1, Some(n)),
    };
    let directed = Directed { problem, m, tail };
    let order = if m <= EXACT_MAX {
        directed.exact()
    } else {
        let init = directed.nearest_neighbour(deadline)?;
        let costs = directed.split_costs(deadline)?;
        let split_init: Vec<usize> = init.iter().flat_map(|&v| [v, v + m]).collect();
        let limits = ils::Limits {
            deadline,
            max_kicks,
            stall_kicks: 5_000 + 400 * m as u64,
        };
        let tour = ils::optimize(&costs, &split_init, &limits, seed);
        directed_route(&tour, m, problem.start)
    };
    Some(order.into_iter().filter(|&v| v < n).collect())
}

/// The directed route from a split tour: from `start`, in the direction that leaves it through
/// its out node, the in nodes in order.
fn directed_route(tour: &[usize], m: usize, start: usize) -> Vec<usize> {
    let len = tour.len();
    let at = tour.iter().position(|&v| v == start).unwrap_or(0);
    let forward = tour[(at + 1) % len] == start + m;
    (0..len)
        .map(|k| {
            if forward {
                tour[(at + k) % len]
            } else {
                tour[(at + len - k) % len]
            }
        })
        .filter(|&v| v < m)
        .collect()
}

fn permute(a: &mut [usize], k: usize, f: &mut impl FnMut(&[usize])) {
    if k == a.len() {
        f(a);
        return;
    }
    for i in k..a.len() {
        a.swap(k, i);
        permute(a, k + 1, f);
        a.swap(k, i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::DistanceMatrix;

    #[test]
    fn a_split_tour_reads_back_as_the_directed_route_either_way_round() {
        // Directed route 0 → 2 → 1 over m = 3: in nodes 0..3, out nodes 3..6.
        let tour = [0, 3, 2, 5, 1, 4];
        assert_eq!(directed_route(&tour, 3, 0), vec![0, 2, 1]);
        let mut rev = tour;
        rev.reverse();
        assert_eq!(directed_route(&rev, 3, 0), vec![0, 2, 1]);
    }

    #[test]
    fn split_costs_pin_each_node_and_carry_the_directed_arc() {
        let matrix = DistanceMatrix::from_vec(3, vec![0, 1, 9, 5, 0, 2, 7, 3, 0]);
        let problem = RouteProblem {
            matrix,
            start: 0,
            end: RouteEnd::Closed,
            locked: vec![],
        };
        let d = Directed {
            problem: &problem,
            m: 3,
            tail: None,
        };
        let c = d
            .split_costs(Instant::now() + std::time::Duration::from_secs(5))
            .unwrap();
        assert_eq!(c.get(1, 4), PINNED as i64);
        // out(0) – in(2) is the arc 0 → 2, and the edge is the same both ways round.
        assert_eq!(c.get(3, 2), 9);
        assert_eq!(c.get(2, 3), 9);
        assert_eq!(c.get(5, 1), 3);
        assert_eq!(c.get(0, 1), FORBIDDEN as i64);
        assert_eq!(c.get(3, 4), FORBIDDEN as i64);
    }
}
