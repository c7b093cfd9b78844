//! Contraction hierarchies: `fast_paths` orders the junctions and adds the shortcuts; the
//! queries are ours: a bucket-based many-to-many search (Knopp et al. 2007: one backward upward
//! search per target fills buckets, one forward upward search per source scans them) with
//! stall-on-demand, and a one-to-one search that unpacks its path into roads.
//!
//! Every edge also carries a secondary value (the distance of a fastest path, or the time of a
//! shortest one), summed through the shortcuts when the hierarchy is built, so a matrix gives
//! both without unpacking paths.

use crate::graph::{Metric, RoadNetwork};
use crate::RoadsError;
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Marks an original edge driven along its road (`b` field); `a` is then the road id.
const ORIG_FWD: u32 = u32::MAX;
/// Marks an original edge driven against its road.
const ORIG_BWD: u32 = u32::MAX - 1;
const NONE: u32 = u32::MAX;

/// `fast_paths`' preparation parameters: `(hierarchy depth factor, settled-node limits of the
/// witness searches: initial priorities, neighbour updates, contraction)`.
const PARAMS: fast_paths::Params = fast_paths::Params {
    hierarchy_depth_factor: 0.1,
    edge_quotient_factor: 1.0,
    max_settled_nodes_initial_relevance: 500,
    max_settled_nodes_neighbor_relevance: 100,
    max_settled_nodes_contraction: 500,
};

/// An upward edge. In the forward list of node `v` it is the arc `v → adj`; in the backward list
/// of `v` it is the arc `adj → v`. A shortcut is `bwd[a]` then `fwd[b]` (both at the contracted
/// middle node); an original edge is road `a`, driven as `b` says.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ChEdge {
    pub adj: u32,
    pub weight: u32,
    pub sec: u32,
    pub a: u32,
    pub b: u32,
}

/// The hierarchy of one metric.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hierarchy {
    pub metric: Metric,
    rank: Vec<u32>,
    fwd_first: Vec<u32>,
    fwd: Vec<ChEdge>,
    bwd_first: Vec<u32>,
    bwd: Vec<ChEdge>,
}

/// A start (or end) of a search: a node reached at `weight` (and `sec`) from the snapped point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seed {
    pub node: u32,
    pub weight: u64,
    pub sec: u64,
}

/// `fast_paths::FastGraph`'s serde layout, so its private fields can be read (pinned `=1.0.0`).
#[derive(Deserialize)]
struct FastGraphMirror {
    num_nodes: usize,
    ranks: Vec<usize>,
    edges_fwd: Vec<EdgeMirror>,
    first_edge_ids_fwd: Vec<usize>,
    edges_bwd: Vec<EdgeMirror>,
    first_edge_ids_bwd: Vec<usize>,
}

#[derive(Deserialize)]
struct EdgeMirror {
    base_node: usize,
    adj_node: usize,
    weight: usize,
    replaced_in_edge: usize,
    replaced_out_edge: usize,
}

impl Hierarchy {
    /// Contracts `net` for `metric`, finding a node order. Parallel arcs keep the lighter one.
    pub fn build(net: &RoadNetwork, metric: Metric) -> Result<Hierarchy, RoadsError> {
        let other = metric.other();
        // (from, to, weight, secondary, road), lightest first per (from, to).
        let mut arcs: Vec<(u32, u32, u32, u32, u32)> = net
            .arcs()
            .filter(|a| a.from != a.to)
            .map(|a| {
                let r = &net.roads[a.road as usize];
                (a.from, a.to, r.weight(metric), r.weight(other), a.road)
            })
            .collect();
        arcs.sort_unstable();
        arcs.dedup_by_key(|a| (a.0, a.1));
        let mut input = fast_paths::InputGraph::new();
        for a in &arcs {
            input.add_edge(a.0 as usize, a.1 as usize, a.2.max(1) as usize);
        }
        input.freeze();
        if input.get_num_nodes() != net.nodes.len() {
            return Err(RoadsError::NoRoads);
        }
        let fg = fast_paths::prepare_with_params(&input, &PARAMS);
        let bytes = postcard::to_allocvec(&fg).map_err(|e| RoadsError::Internal(e.to_string()))?;
        drop(fg);
        let m: FastGraphMirror =
            postcard::from_bytes(&bytes).map_err(|e| RoadsError::Internal(e.to_string()))?;
        drop(bytes);
        if m.num_nodes != net.nodes.len() {
            return Err(RoadsError::Internal("hierarchy node count differs".into()));
        }

        let road_of = |x: usize, y: usize| -> (u32, u32) {
            let i = arcs
                .binary_search_by(|a| (a.0, a.1).cmp(&(x as u32, y as u32)))
                .expect("an original edge is an input arc");
            let road = arcs[i].4;
            let dir = if net.roads[road as usize].from == x as u32 {
                ORIG_FWD
            } else {
                ORIG_BWD
            };
            (road, dir)
        };
        let convert = |e: &EdgeMirror, forward_list: bool| -> ChEdge {
            if e.replaced_in_edge == usize::MAX {
                let (x, y) = if forward_list {
                    (e.base_node, e.adj_node)
                } else {
                    (e.adj_node, e.base_node)
                };
                let (road, dir) = road_of(x, y);
                ChEdge {
                    adj: e.adj_node as u32,
                    weight: e.weight as u32,
                    sec: 0,
                    a: road,
                    b: dir,
                }
            } else {
                ChEdge {
                    adj: e.adj_node as u32,
                    weight: e.weight as u32,
                    sec: 0,
                    a: e.replaced_in_edge as u32,
                    b: e.replaced_out_edge as u32,
                }
            }
        };
        let mut h = Hierarchy {
            metric,
            rank: m.ranks.iter().map(|&r| r as u32).collect(),
            fwd_first: m.first_edge_ids_fwd.iter().map(|&r| r as u32).collect(),
            fwd: m.edges_fwd.iter().map(|e| convert(e, true)).collect(),
            bwd_first: m.first_edge_ids_bwd.iter().map(|&r| r as u32).collect(),
            bwd: m.edges_bwd.iter().map(|e| convert(e, false)).collect(),
        };
        // Secondary values, lowest rank first: a shortcut's halves sit at a lower node.
        let n = h.rank.len();
        for rank in 0..n {
            for list in [true, false] {
                let (first, _) = if list {
                    (&h.fwd_first, &h.fwd)
                } else {
                    (&h.bwd_first, &h.bwd)
                };
                let range = first[rank] as usize..first[rank + 1] as usize;
                for e in range {
                    let edge = if list { h.fwd[e] } else { h.bwd[e] };
                    let sec = if edge.b == ORIG_FWD || edge.b == ORIG_BWD {
                        net.roads[edge.a as usize].weight(other)
                    } else {
                        h.bwd[edge.a as usize]
                            .sec
                            .saturating_add(h.fwd[edge.b as usize].sec)
                    };
                    if list {
                        h.fwd[e].sec = sec;
                    } else {
                        h.bwd[e].sec = sec;
                    }
                }
            }
        }
        Ok(h)
    }

    pub fn node_count(&self) -> usize {
        self.rank.len()
    }

    /// Edges in the hierarchy (original upward edges and shortcuts, both lists).
    pub fn edge_count(&self) -> usize {
        self.fwd.len() + self.bwd.len()
    }

    fn fwd_of(&self, v: u32) -> &[ChEdge] {
        let r = self.rank[v as usize] as usize;
        &self.fwd[self.fwd_first[r] as usize..self.fwd_first[r + 1] as usize]
    }

    fn bwd_of(&self, v: u32) -> &[ChEdge] {
        let r = self.rank[v as usize] as usize;
        &self.bwd[self.bwd_first[r] as usize..self.bwd_first[r + 1] as usize]
    }

    /// Fastest (or shortest) `(weight, secondary)` from every source to every target, row-major;
    /// `None` where a target cannot be reached. Each source or target is a set of seeds.
    pub fn many_to_many(
        &self,
        sources: &[Vec<Seed>],
        targets: &[Vec<Seed>],
    ) -> Vec<Option<(u64, u64)>> {
        let n = self.node_count();
        let mut ws = Search::new(n);
        // Backward searches fill the buckets: (node, target, weight, secondary).
        let mut entries: Vec<(u32, u32, u64, u64)> = Vec::new();
        for (t, seeds) in targets.iter().enumerate() {
            self.upward(&mut ws, seeds, false, |v, d, s| {
                entries.push((v, t as u32, d, s))
            });
        }
        let mut first = vec![0u32; n + 1];
        for e in &entries {
            first[e.0 as usize + 1] += 1;
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        let mut bucket = vec![(0u32, 0u64, 0u64); entries.len()];
        let mut fill = first.clone();
        for e in &entries {
            let slot = &mut fill[e.0 as usize];
            bucket[*slot as usize] = (e.1, e.2, e.3);
            *slot += 1;
        }
        drop(entries);
        let cols = targets.len();
        let mut out: Vec<Option<(u64, u64)>> = vec![None; sources.len() * cols];
        for (s, seeds) in sources.iter().enumerate() {
            let row = &mut out[s * cols..(s + 1) * cols];
            self.upward(&mut ws, seeds, true, |v, d, sec| {
                let b = &bucket[first[v as usize] as usize..first[v as usize + 1] as usize];
                for &(t, dt, st) in b {
                    let cand = (d + dt, sec + st);
                    let cell = &mut row[t as usize];
                    if cell.is_none_or(|c| cand < c) {
                        *cell = Some(cand);
                    }
                }
            });
        }
        out
    }

    /// One upward Dijkstra (forward: along arcs; backward: against them) from `seeds`, calling
    /// `visit(node, weight, secondary)` for every node settled and not stalled.
    fn upward(
        &self,
        ws: &mut Search,
        seeds: &[Seed],
        forward: bool,
        mut visit: impl FnMut(u32, u64, u64),
    ) {
        ws.reset();
        for s in seeds {
            ws.relax(s.node, s.weight, s.sec, NONE, NONE);
        }
        while let Some(Reverse((d, sec, v))) = ws.heap.pop() {
            let vi = v as usize;
            if ws.settled[vi] == ws.gen || (d, sec) != (ws.dist[vi], ws.sec[vi]) {
                continue;
            }
            ws.settled[vi] = ws.gen;
            // Stall on demand: a higher node reaches v by a shorter path, so v is not on a
            // shortest path from the seeds within the upward search.
            let down = if forward {
                self.bwd_of(v)
            } else {
                self.fwd_of(v)
            };
            if down.iter().any(|e| {
                ws.stamp[e.adj as usize] == ws.gen
                    && ws.dist[e.adj as usize].saturating_add(e.weight as u64) < d
            }) {
                continue;
            }
            visit(v, d, sec);
            let up = if forward {
                self.fwd_of(v)
            } else {
                self.bwd_of(v)
            };
            let base = if forward {
                self.fwd_first[self.rank[vi] as usize]
            } else {
                self.bwd_first[self.rank[vi] as usize]
            };
            for (i, e) in up.iter().enumerate() {
                ws.relax(
                    e.adj,
                    d + e.weight as u64,
                    sec + e.sec as u64,
                    v,
                    base + i as u32,
                );
            }
        }
    }

    /// Search state for [`Hierarchy::path`], reusable across calls (two arrays per node).
    pub fn workspace(&self) -> PathWorkspace {
        PathWorkspace {
            f: Search::new(self.node_count()),
            b: Search::new(self.node_count()),
        }
    }

    /// The best path from any source seed to any target seed: `(weight, secondary, roads, first
    /// node, last node)`, the roads as `(road, driven along it)`. `None` when unreachable.
    #[allow(clippy::type_complexity)]
    pub fn path(
        &self,
        ws: &mut PathWorkspace,
        sources: &[Seed],
        targets: &[Seed],
    ) -> Option<(u64, u64, Vec<(u32, bool)>, u32, u32)> {
        let PathWorkspace { f, b } = ws;
        let mut reached = Vec::new();
        self.upward(f, sources, true, |v, _, _| reached.push(v));
        self.upward(b, targets, false, |_, _, _| {});
        let mut best: Option<(u64, u64, u32)> = None;
        for &v in &reached {
            let vi = v as usize;
            if b.settled[vi] == b.gen {
                let cand = (f.dist[vi] + b.dist[vi], f.sec[vi] + b.sec[vi], v);
                if best.is_none_or(|x| (cand.0, cand.1) < (x.0, x.1)) {
                    best = Some(cand);
                }
            }
        }
        let (w, s, meet) = best?;
        // Up from the source side (collected backwards, then reversed)...
        let mut chain = Vec::new();
        let mut v = meet;
        while f.parent_edge[v as usize] != NONE {
            chain.push(EdgeRef::Fwd(f.parent_edge[v as usize]));
            v = f.parent_node[v as usize];
        }
        let first_node = v;
        chain.reverse();
        // ...then down to the target side.
        let mut v = meet;
        while b.parent_edge[v as usize] != NONE {
            chain.push(EdgeRef::Bwd(b.parent_edge[v as usize]));
            v = b.parent_node[v as usize];
        }
        let last_node = v;
        let mut roads = Vec::new();
        for e in chain {
            self.unpack(e, &mut roads);
        }
        Some((w, s, roads, first_node, last_node))
    }

    /// Appends the roads of a hierarchy edge, in driving order.
    fn unpack(&self, edge: EdgeRef, out: &mut Vec<(u32, bool)>) {
        let mut stack = vec![edge];
        while let Some(e) = stack.pop() {
            let edge = match e {
                EdgeRef::Fwd(i) => self.fwd[i as usize],
                EdgeRef::Bwd(i) => self.bwd[i as usize],
            };
            match edge.b {
                ORIG_FWD => out.push((edge.a, true)),
                ORIG_BWD => out.push((edge.a, false)),
                _ => {
                    stack.push(EdgeRef::Fwd(edge.b));
                    stack.push(EdgeRef::Bwd(edge.a));
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum EdgeRef {
    Fwd(u32),
    Bwd(u32),
}

/// The two searches of a one-to-one path query.
pub struct PathWorkspace {
    f: Search,
    b: Search,
}

/// Reusable search state: generation stamps instead of clearing arrays.
struct Search {
    gen: u32,
    stamp: Vec<u32>,
    settled: Vec<u32>,
    dist: Vec<u64>,
    sec: Vec<u64>,
    parent_node: Vec<u32>,
    parent_edge: Vec<u32>,
    heap: BinaryHeap<Reverse<(u64, u64, u32)>>,
}

impl Search {
    fn new(n: usize) -> Search {
        Search {
            gen: 0,
            stamp: vec![0; n],
            settled: vec![0; n],
            dist: vec![u64::MAX; n],
            sec: vec![u64::MAX; n],
            parent_node: vec![NONE; n],
            parent_edge: vec![NONE; n],
            heap: BinaryHeap::new(),
        }
    }

    fn reset(&mut self) {
        self.gen += 1;
        self.heap.clear();
    }

    fn relax(&mut self, v: u32, d: u64, sec: u64, parent: u32, edge: u32) {
        let vi = v as usize;
        if self.stamp[vi] != self.gen || (d, sec) < (self.dist[vi], self.sec[vi]) {
            if self.settled[vi] == self.gen {
                return;
            }
            self.stamp[vi] = self.gen;
            self.dist[vi] = d;
            self.sec[vi] = sec;
            self.parent_node[vi] = parent;
            self.parent_edge[vi] = edge;
            self.heap.push(Reverse((d, sec, v)));
        }
    }
}
