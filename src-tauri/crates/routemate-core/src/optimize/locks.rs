//! Routes with locked stops: every locked stop keeps its position, the free stops fill the
//! free positions. Local search by exchange (any two free positions) and 2-opt inside a run of
//! free positions (on an asymmetric matrix also Or-opt there), iterated with random exchange
//! kicks; small inputs only in practice (a dispatcher locks a handful of stops on a day's
//! route). Costs are read in the direction of travel, so asymmetric matrices are measured as
//! driven.

use super::rng::Rng;
use super::{DistanceMatrix, RouteEnd, RouteProblem};
use std::time::Instant;

struct Locked<'a> {
    matrix: &'a DistanceMatrix,
    /// `matrix` is symmetric: a reversed run then keeps its inner length.
    symmetric: bool,
    closed: bool,
    /// `run[p]`: the run of free positions `p` belongs to, or `None` when `p` is fixed.
    run: Vec<Option<usize>>,
    free: Vec<usize>,
}

impl Locked<'_> {
    fn c(&self, a: usize, b: usize) -> i64 {
        self.matrix.get(a, b) as i64
    }

    /// Cost of the edge leaving position `p` (none after the last position of a path).
    fn edge(&self, o: &[usize], p: usize) -> i64 {
        if p + 1 < o.len() {
            self.c(o[p], o[p + 1])
        } else if self.closed && o.len() > 1 {
            self.c(o[p], o[0])
        } else {
            0
        }
    }

    fn exchange_delta(&self, o: &mut [usize], i: usize, j: usize) -> i64 {
        let n = o.len();
        let mut edges = [i.wrapping_sub(1), i, j.wrapping_sub(1), j];
        for e in edges.iter_mut() {
            if *e == usize::MAX {
                *e = n - 1;
            }
        }
        edges.sort_unstable();
        let touched = |o: &[usize]| {
            let mut s = 0;
            for (k, &e) in edges.iter().enumerate() {
                if k == 0 || edges[k - 1] != e {
                    s += self.edge(o, e);
                }
            }
            s
        };
        let before = touched(o);
        o.swap(i, j);
        let after = touched(o);
        o.swap(i, j);
        after - before
    }

    fn reverse_delta(&self, o: &[usize], i: usize, j: usize) -> i64 {
        let n = o.len();
        let c = |a, b| self.c(a, b);
        let before_i = o[i - 1];
        let after_j = if j + 1 < n {
            Some(o[j + 1])
        } else if self.closed {
            Some(o[0])
        } else {
            None
        };
        let mut d = c(before_i, o[j]) - c(before_i, o[i]);
        if let Some(a) = after_j {
            d += c(o[i], a) - c(o[j], a);
        }
        if !self.symmetric {
            // The run's inner edges are now driven the other way.
            d += o[i..=j]
                .windows(2)
                .map(|w| c(w[1], w[0]) - c(w[0], w[1]))
                .sum::<i64>();
        }
        d
    }

    /// The stop after position `p` (`None` at the end of a path).
    fn after(&self, o: &[usize], p: usize) -> Option<usize> {
        if p + 1 < o.len() {
            Some(o[p + 1])
        } else if self.closed && o.len() > 1 {
            Some(o[0])
        } else {
            None
        }
    }

    /// Or-opt inside a run of free positions `i < j`: the stop at `i` moves to `j` (`forward`,
    /// the stops between shift back one) or the stop at `j` moves to `i`. On an asymmetric
    /// matrix this is the move a reversal cannot replace: it keeps the direction of the rest.
    fn relocate_delta(&self, o: &[usize], i: usize, j: usize, forward: bool) -> i64 {
        let c = |a, b| self.c(a, b);
        let to = |a: usize, b: Option<usize>| b.map_or(0, |b| c(a, b));
        let nj = self.after(o, j);
        if forward {
            c(o[i - 1], o[i + 1]) + c(o[j], o[i]) + to(o[i], nj)
                - c(o[i - 1], o[i])
                - c(o[i], o[i + 1])
                - to(o[j], nj)
        } else {
            c(o[i - 1], o[j]) + c(o[j], o[i]) + to(o[j - 1], nj)
                - c(o[i - 1], o[i])
                - c(o[j - 1], o[j])
                - to(o[j], nj)
        }
    }

    /// First-improvement descent; returns the total change (≤ 0).
    fn descend(&self, o: &mut [usize], deadline: Instant) -> i64 {
        let mut total = 0;
        let mut improved = true;
        while improved && Instant::now() < deadline {
            improved = false;
            for (a, &i) in self.free.iter().enumerate() {
                // A pass is quadratic: look at the clock on every row.
                if Instant::now() >= deadline {
                    return total;
                }
                for &j in &self.free[a + 1..] {
                    // Equal run ids mean every position in between is free too.
                    if self.run[i] == self.run[j] {
                        let d = self.reverse_delta(o, i, j);
                        if d < 0 {
                            o[i..=j].reverse();
                            total += d;
                            improved = true;
                            continue;
                        }
                        if !self.symmetric && j > i + 1 {
                            for forward in [true, false] {
                                let d = self.relocate_delta(o, i, j, forward);
                                if d < 0 {
                                    if forward {
                                        o[i..=j].rotate_left(1);
                                    } else {
                                        o[i..=j].rotate_right(1);
                                    }
                                    total += d;
                                    improved = true;
                                }
                            }
                        }
                    }
                    let d = self.exchange_delta(o, i, j);
                    if d < 0 {
                        o.swap(i, j);
                        total += d;
                        improved = true;
                    }
                }
            }
        }
        total
    }
}

/// Solves `problem` with the given (already validated, non-empty) locks. `guide` is a good
/// route for the same problem without locks: its free stops, in its order, fill the free
/// positions (both ways round, the shorter kept), so a route that already agrees with the locks
/// is kept as it is and others are cut into pieces of the right sizes.
pub(crate) fn solve(
    problem: &RouteProblem,
    locks: &[(usize, usize)],
    guide: &[usize],
    deadline: Instant,
    max_kicks: Option<u64>,
    seed: u64,
) -> Vec<usize> {
    let n = problem.matrix.len();
    let fixed_end = match problem.end {
        RouteEnd::Fixed(e) => Some(e),
        _ => None,
    };
    let slots = n - 1 - usize::from(fixed_end.is_some());
    let mut slot_node: Vec<Option<usize>> = vec![None; slots];
    let mut is_free = vec![true; n];
    is_free[problem.start] = false;
    if let Some(e) = fixed_end {
        is_free[e] = false;
    }
    for &(node, pos) in locks {
        slot_node[pos] = Some(node);
        is_free[node] = false;
    }
    let free_nodes: Vec<usize> = guide.iter().copied().filter(|&v| is_free[v]).collect();
    let fill = |free: &mut dyn Iterator<Item = usize>| {
        let mut order = vec![problem.start];
        for slot in &slot_node {
            order.push(slot.unwrap_or_else(|| free.next().expect("a free stop per free slot")));
        }
        order.extend(fixed_end);
        order
    };
    let forward = fill(&mut free_nodes.iter().copied());
    let backward = fill(&mut free_nodes.iter().rev().copied());
    let mut order =
        if super::route_length(problem, &backward) < super::route_length(problem, &forward) {
            backward
        } else {
            forward
        };
    let mut run = vec![None];
    let mut run_id = 0;
    for slot in &slot_node {
        match slot {
            Some(_) => {
                run.push(None);
                run_id += 1;
            }
            None => run.push(Some(run_id)),
        }
    }
    if fixed_end.is_some() {
        run.push(None);
    }
    let free: Vec<usize> = (0..order.len()).filter(|&p| run[p].is_some()).collect();
    let search = Locked {
        matrix: &problem.matrix,
        symmetric: problem.matrix.is_symmetric(),
        closed: problem.end == RouteEnd::Closed,
        run,
        free,
    };
    search.descend(&mut order, deadline);
    if search.free.len() < 2 {
        return order;
    }
    let mut rng = Rng::new(seed);
    let mut kicks = 0u64;
    let mut stall = 0u64;
    let stall_max = 200 + 20 * search.free.len() as u64;
    let mut trial = order.clone();
    while Instant::now() < deadline
        && !matches!(max_kicks, Some(k) if kicks >= k)
        && stall < stall_max
    {
        kicks += 1;
        stall += 1;
        trial.copy_from_slice(&order);
        let mut delta = 0;
        for _ in 0..2 {
            let f = &search.free;
            let i = f[rng.below(f.len())];
            let j = f[rng.below(f.len())];
            if i != j {
                let (i, j) = (i.min(j), i.max(j));
                delta += search.exchange_delta(&mut trial, i, j);
                trial.swap(i, j);
            }
        }
        delta += search.descend(&mut trial, deadline);
        if delta <= 0 {
            if delta < 0 {
                stall = 0;
            }
            order.copy_from_slice(&trial);
        }
    }
    order
}

/// Free stops up to which [`exact`] is used: 2^12 subsets × 12 × 12 steps, about a millisecond.
pub(crate) const EXACT_MAX_FREE: usize = 12;

/// The optimal route with locks (few free stops only), by dynamic programming over the sets of
/// free stops placed so far (Held–Karp): the next free slot is fixed by how many are placed, and
/// the locked stops between two free slots are a fixed chain. Costs are read in the direction of
/// travel, so asymmetric matrices are exact too.
pub(crate) fn exact(problem: &RouteProblem, locks: &[(usize, usize)]) -> Vec<usize> {
    let n = problem.matrix.len();
    let end = match problem.end {
        RouteEnd::Fixed(e) => Some(e),
        _ => None,
    };
    let slots = n - 1 - usize::from(end.is_some());
    let mut template: Vec<Option<usize>> = vec![None; slots];
    for &(node, pos) in locks {
        template[pos] = Some(node);
    }
    let free: Vec<usize> = (0..n)
        .filter(|&v| v != problem.start && Some(v) != end && !locks.iter().any(|l| l.0 == v))
        .collect();
    let c = |a: usize, b: usize| problem.matrix.get(a, b) as u64;
    // gaps[j]: the locked stops after the j-th free slot (gaps[0]: before the first one; the
    // last: after the last free slot, up to the end).
    let mut gaps: Vec<Vec<usize>> = vec![Vec::new()];
    for slot in &template {
        match slot {
            Some(node) => gaps.last_mut().expect("one gap at least").push(*node),
            None => gaps.push(Vec::new()),
        }
    }
    let k = free.len();
    // From `from` through gap `j`'s chain: its cost and the node it leaves from.
    let through = |from: usize, j: usize| -> (u64, usize) {
        let mut cost = 0;
        let mut at = from;
        for &v in &gaps[j] {
            cost += c(at, v);
            at = v;
        }
        (cost, at)
    };
    let finish = |from: usize| -> u64 {
        match problem.end {
            RouteEnd::Fixed(e) => c(from, e),
            RouteEnd::Closed => c(from, problem.start),
            _ => 0,
        }
    };
    if k == 0 {
        let mut order = vec![problem.start];
        order.extend(template.iter().map(|s| s.expect("no free slot")));
        order.extend(end);
        return order;
    }
    let (head, head_at) = through(problem.start, 0);
    const NONE: u64 = u64::MAX;
    let full = (1usize << k) - 1;
    // best[set * k + i]: the cheapest route from the start that fills the first |set| free slots
    // with `set`, the last of them free stop i (and not yet through the gap after it).
    let mut best = vec![NONE; (full + 1) * k];
    let mut from = vec![usize::MAX; (full + 1) * k];
    for i in 0..k {
        best[(1 << i) * k + i] = head + c(head_at, free[i]);
    }
    for set in 1..=full {
        let placed = set.count_ones() as usize;
        if placed == k {
            continue;
        }
        for i in 0..k {
            let here = best[set * k + i];
            if here == NONE || set & (1 << i) == 0 {
                continue;
            }
            let (gap, at) = through(free[i], placed);
            for j in 0..k {
                if set & (1 << j) != 0 {
                    continue;
                }
                let next = set | (1 << j);
                let cost = here + gap + c(at, free[j]);
                if cost < best[next * k + j] {
                    best[next * k + j] = cost;
                    from[next * k + j] = i;
                }
            }
        }
    }
    let mut last = 0;
    let mut total = NONE;
    for i in 0..k {
        if best[full * k + i] == NONE {
            continue;
        }
        let (gap, at) = through(free[i], k);
        let t = best[full * k + i] + gap + finish(at);
        if t < total {
            total = t;
            last = i;
        }
    }
    // Walk back to the free stops' order, then lay them into the free slots.
    let mut picked = Vec::with_capacity(k);
    let (mut set, mut i) = (full, last);
    while i != usize::MAX {
        picked.push(free[i]);
        let prev = from[set * k + i];
        set &= !(1 << i);
        i = prev;
    }
    picked.reverse();
    let mut it = picked.into_iter();
    let mut order = vec![problem.start];
    order.extend(
        template
            .iter()
            .map(|s| s.unwrap_or_else(|| it.next().expect("a free stop per slot"))),
    );
    order.extend(end);
    order
}
