//! Turns a route without locks into a closed tour problem and back: an open route gets a dummy
//! node at cost 0 from every stop, pinned after the last stop and before the start; a fixed end
//! gets its edge back to the start pinned. Also the nearest-neighbour construction and the
//! exact search for tiny tours.

use super::cost::{Costs, PINNED};
use super::{RouteEnd, RouteProblem};
use std::time::Instant;

/// A closed-tour view of a route.
pub(crate) struct Closed {
    pub costs: Costs,
    pub start: usize,
    /// The node whose edge to `start` is pinned (the fixed end or the dummy), if any.
    pub tail: Option<usize>,
    /// Number of real nodes (the dummy, if any, is node `real`).
    pub real: usize,
}

impl Closed {
    /// `None` when `deadline` passes first (the matrix copy is quadratic).
    pub(crate) fn new(problem: &RouteProblem, deadline: Instant) -> Option<Self> {
        let m = &problem.matrix;
        let n = m.len();
        let start = problem.start;
        let until = Some(deadline);
        Some(match problem.end {
            RouteEnd::Closed => Closed {
                costs: Costs::build_until(n, |i, j| m.get(i, j), until)?,
                start,
                tail: None,
                real: n,
            },
            RouteEnd::Fixed(e) => {
                let mut costs = Costs::build_until(n, |i, j| m.get(i, j), until)?;
                costs.set(start, e, PINNED);
                Closed {
                    costs,
                    start,
                    tail: Some(e),
                    real: n,
                }
            }
            RouteEnd::Open => {
                let d = |i: usize, j: usize| if i == n || j == n { 0 } else { m.get(i, j) };
                let mut costs = Costs::build_until(n + 1, d, until)?;
                costs.set(start, n, PINNED);
                costs.dummy = Some(n);
                Closed {
                    costs,
                    start,
                    tail: Some(n),
                    real: n,
                }
            }
        })
    }

    /// Nearest-neighbour tour from the start, the tail (if any) last.
    /// `None` when `deadline` passes first.
    pub(crate) fn nearest_neighbour(&self, deadline: Instant) -> Option<Vec<usize>> {
        let n = self.costs.len();
        let mut taken = vec![false; n];
        let mut order = Vec::with_capacity(n);
        taken[self.start] = true;
        order.push(self.start);
        if let Some(t) = self.tail {
            taken[t] = true;
        }
        let mut cur = self.start;
        let free = n - 1 - usize::from(self.tail.is_some());
        for _ in 0..free {
            if Instant::now() >= deadline {
                return None;
            }
            let mut best = usize::MAX;
            let mut best_c = i64::MAX;
            for (v, &tk) in taken.iter().enumerate() {
                if !tk {
                    let c = self.costs.get(cur, v);
                    if c < best_c {
                        best_c = c;
                        best = v;
                    }
                }
            }
            taken[best] = true;
            order.push(best);
            cur = best;
        }
        if let Some(t) = self.tail {
            order.push(t);
        }
        Some(order)
    }

    /// The route from a closed tour: from the start, away from the tail, without the dummy.
    pub(crate) fn route(&self, tour: &[usize]) -> Vec<usize> {
        let n = tour.len();
        let at = tour.iter().position(|&v| v == self.start).unwrap_or(0);
        let fwd: Vec<usize> = (0..n).map(|k| tour[(at + k) % n]).collect();
        let oriented = match self.tail {
            Some(t) if fwd.get(1) == Some(&t) && n > 2 => {
                let mut r = fwd;
                r[1..].reverse();
                r
            }
            _ => fwd,
        };
        oriented.into_iter().filter(|&v| v < self.real).collect()
    }
}

/// The optimal closed tour by enumeration (for at most 9 nodes), starting at `start`.
pub(crate) fn exact(costs: &Costs, start: usize) -> Vec<usize> {
    let n = costs.len();
    let mut rest: Vec<usize> = (0..n).filter(|&v| v != start).collect();
    let mut best = rest.clone();
    let mut best_len = i64::MAX;
    permute(costs, start, &mut rest, 0, &mut best, &mut best_len);
    let mut out = vec![start];
    out.extend(best);
    out
}

fn permute(c: &Costs, s: usize, a: &mut [usize], k: usize, best: &mut Vec<usize>, bl: &mut i64) {
    if k == a.len() {
        let mut len = 0;
        let mut prev = s;
        for &v in a.iter() {
            len += c.get(prev, v);
            prev = v;
        }
        len += c.get(prev, s);
        if len < *bl {
            *bl = len;
            best.clear();
            best.extend_from_slice(a);
        }
        return;
    }
    for i in k..a.len() {
        a.swap(k, i);
        permute(c, s, a, k + 1, best, bl);
        a.swap(k, i);
    }
}
