//! A plain Dijkstra over the road network itself (no hierarchy): the yardstick the hierarchy's
//! answers are tested and benchmarked against.

use crate::ch::Seed;
use crate::graph::{Metric, RoadNetwork};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The lightest weight from every source's seeds to every target's seeds, row-major, by a
/// one-to-all Dijkstra per source.
pub fn dijkstra_matrix(
    net: &RoadNetwork,
    metric: Metric,
    sources: &[Vec<Seed>],
    targets: &[Vec<Seed>],
) -> Vec<Option<u64>> {
    let n = net.nodes.len();
    let mut first = vec![0usize; n + 1];
    let arcs: Vec<_> = net.arcs().collect();
    for a in &arcs {
        first[a.from as usize + 1] += 1;
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let mut adj = vec![(0u32, 0u64); arcs.len()];
    let mut fill = first.clone();
    for a in &arcs {
        adj[fill[a.from as usize]] = (a.to, net.roads[a.road as usize].weight(metric) as u64);
        fill[a.from as usize] += 1;
    }
    let mut out = Vec::with_capacity(sources.len() * targets.len());
    let mut dist = vec![u64::MAX; n];
    let mut heap = BinaryHeap::new();
    for seeds in sources {
        dist.iter_mut().for_each(|d| *d = u64::MAX);
        for s in seeds {
            if s.weight < dist[s.node as usize] {
                dist[s.node as usize] = s.weight;
                heap.push(Reverse((s.weight, s.node)));
            }
        }
        while let Some(Reverse((d, v))) = heap.pop() {
            if d > dist[v as usize] {
                continue;
            }
            for &(w, c) in &adj[first[v as usize]..first[v as usize + 1]] {
                if d + c < dist[w as usize] {
                    dist[w as usize] = d + c;
                    heap.push(Reverse((d + c, w)));
                }
            }
        }
        for t in targets {
            out.push(
                t.iter()
                    .filter(|s| dist[s.node as usize] != u64::MAX)
                    .map(|s| dist[s.node as usize] + s.weight)
                    .min(),
            );
        }
    }
    out
}
