//! Synthetic one-way street matrices for the asymmetric optimizer benchmark: a jittered square
//! street grid (100 m blocks), 15 % of the streets one-way in each direction, 20 % of them twice
//! as fast, two-way streets a little slower one way than the other; `n` stops on distinct
//! intersections that can all reach each other; the matrix holds shortest-path travel costs
//! (Dijkstra) between the stops.
//! Seeded, so a seed names the same matrix everywhere.

use crate::Rng;
use routemate_core::optimize::DistanceMatrix;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Cost of a pair with no path (a one-way corner of the grid can be a dead end).
const UNREACHABLE: u32 = 10_000_000;

/// The matrix of `n` stops on a grid of about `6n` intersections.
pub fn matrix(n: usize, seed: u64) -> DistanceMatrix {
    let mut rng = Rng::new(seed);
    let mut unit = || rng.below(1 << 20) as f64 / (1 << 20) as f64;
    let side = ((n * 6) as f64).sqrt().ceil() as usize + 2;
    let nodes = side * side;
    let pos: Vec<(f64, f64)> = (0..nodes)
        .map(|k| {
            let (x, y) = ((k % side) as f64, (k / side) as f64);
            (x * 100.0 + unit() * 40.0, y * 100.0 + unit() * 40.0)
        })
        .collect();
    let mut adj: Vec<Vec<(usize, u32)>> = vec![Vec::new(); nodes];
    for k in 0..nodes {
        let (x, y) = (k % side, k / side);
        let right = (x + 1 < side).then_some(k + 1);
        let down = (y + 1 < side).then_some(k + side);
        for b in [right, down].into_iter().flatten() {
            let (dx, dy) = (pos[k].0 - pos[b].0, pos[k].1 - pos[b].1);
            let speed = if unit() < 0.2 { 2.0 } else { 1.0 };
            let cost = ((dx * dx + dy * dy).sqrt() / speed).round() as u32 + 1;
            let kind = unit();
            if kind < 0.15 {
                adj[k].push((b, cost));
            } else if kind < 0.3 {
                adj[b].push((k, cost));
            } else {
                adj[k].push((b, cost));
                adj[b].push((k, cost + (unit() * 10.0) as u32));
            }
        }
    }
    // Stops only where the centre can be reached from and reaches (one-way streets can make
    // dead ends): every stop can then reach every other.
    let centre = (side / 2) * side + side / 2;
    let mut back: Vec<Vec<(usize, u32)>> = vec![Vec::new(); nodes];
    for (u, out) in adj.iter().enumerate() {
        for &(v, c) in out {
            back[v].push((u, c));
        }
    }
    let (from, to) = (reach(&adj, centre), reach(&back, centre));
    let mut used: Vec<bool> = (0..nodes).map(|k| !(from[k] && to[k])).collect();
    let usable = used.iter().filter(|&&u| !u).count();
    let mut stops = Vec::with_capacity(n);
    while stops.len() < n.min(usable) {
        let k = rng.below(nodes);
        if !used[k] {
            used[k] = true;
            stops.push(k);
        }
    }
    let n = stops.len();
    let mut data = vec![0u32; n * n];
    let mut dist = vec![u32::MAX; nodes];
    for (i, &s) in stops.iter().enumerate() {
        dist.fill(u32::MAX);
        dist[s] = 0;
        let mut heap = BinaryHeap::from([Reverse((0u32, s))]);
        while let Some(Reverse((d, u))) = heap.pop() {
            if d > dist[u] {
                continue;
            }
            for &(v, c) in &adj[u] {
                if d + c < dist[v] {
                    dist[v] = d + c;
                    heap.push(Reverse((d + c, v)));
                }
            }
        }
        for (j, &t) in stops.iter().enumerate() {
            if i != j {
                data[i * n + j] = dist[t].min(UNREACHABLE);
            }
        }
    }
    DistanceMatrix::from_vec(n, data)
}

/// Which nodes `adj` reaches from `s`.
fn reach(adj: &[Vec<(usize, u32)>], s: usize) -> Vec<bool> {
    let mut seen = vec![false; adj.len()];
    let mut todo = vec![s];
    seen[s] = true;
    while let Some(u) = todo.pop() {
        for &(v, _) in &adj[u] {
            if !seen[v] {
                seen[v] = true;
                todo.push(v);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_way_streets_make_the_matrix_asymmetric_and_a_seed_repeats_it() {
        let a = super::matrix(60, 3);
        assert_eq!(a.len(), 60);
        assert!(!a.is_symmetric());
        assert_eq!(a, super::matrix(60, 3));
        // Every stop reaches every other, and shortest paths obey the triangle inequality.
        for i in 0..60 {
            for j in 0..60 {
                assert!(a.get(i, j) < 10_000_000, "{i} -> {j}");
            }
        }
        for (i, j, k) in [(0, 1, 2), (5, 17, 40), (59, 30, 1)] {
            assert!(a.get(i, k) <= a.get(i, j) + a.get(j, k));
        }
    }
}
