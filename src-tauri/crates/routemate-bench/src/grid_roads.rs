//! Synthetic one-way street matrices for the asymmetric optimizer benchmark: a jittered square
//! street grid (100 m blocks), 15 % of the streets one-way in each direction, 20 % of them twice
//! as fast, two-way streets a little slower one way than the other; `n` stops on distinct
//! intersections; the matrix holds shortest-path travel costs (Dijkstra) between the stops.
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
    let mut used = vec![false; nodes];
    let mut stops = Vec::with_capacity(n);
    while stops.len() < n.min(nodes) {
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

#[cfg(test)]
mod tests {
    #[test]
    fn one_way_streets_make_the_matrix_asymmetric_and_a_seed_repeats_it() {
        let a = super::matrix(60, 3);
        assert_eq!(a.len(), 60);
        assert!(!a.is_symmetric());
        assert_eq!(a, super::matrix(60, 3));
        // Triangle inequality holds for shortest paths (where both legs exist).
        for (i, j, k) in [(0, 1, 2), (5, 17, 40), (59, 30, 1)] {
            if a.get(i, j) < 10_000_000 && a.get(j, k) < 10_000_000 {
                assert!(a.get(i, k) <= a.get(i, j) + a.get(j, k));
            }
        }
    }
}
