//! The drivable road network: junction nodes, roads between them (one-way or both ways) with
//! their geometry, and the cut to the largest strongly connected component.

use crate::geometry::Coord;
use crate::profile::RoadClass;
use serde::{Deserialize, Serialize};

/// What a matrix or route minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Fastest paths (weights in milliseconds).
    Time,
    /// Shortest paths (weights in centimetres).
    Distance,
}

impl Metric {
    /// The other metric: the one carried along as the secondary value.
    pub fn other(self) -> Metric {
        match self {
            Metric::Time => Metric::Distance,
            Metric::Distance => Metric::Time,
        }
    }
}

/// A road between two junctions, drawn by `geom[geom_first[i]..geom_first[i + 1]]` from `from`
/// to `to`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Road {
    pub from: u32,
    pub to: u32,
    /// Drivable from `from` to `to`.
    pub forward: bool,
    /// Drivable from `to` to `from`.
    pub backward: bool,
    pub class: RoadClass,
    pub speed_kmh: f32,
    pub time_ms: u32,
    pub dist_cm: u32,
}

impl Road {
    pub fn weight(&self, metric: Metric) -> u32 {
        match metric {
            Metric::Time => self.time_ms,
            Metric::Distance => self.dist_cm,
        }
    }
}

/// Junctions, roads and road geometry.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RoadNetwork {
    pub nodes: Vec<Coord>,
    pub roads: Vec<Road>,
    pub geom_first: Vec<u32>,
    pub geom: Vec<Coord>,
}

/// One directed arc of the network: a road driven one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arc {
    pub from: u32,
    pub to: u32,
    pub road: u32,
}

impl RoadNetwork {
    pub fn add_road(&mut self, road: Road, points: &[Coord]) {
        if self.geom_first.is_empty() {
            self.geom_first.push(0);
        }
        self.roads.push(road);
        self.geom.extend_from_slice(points);
        self.geom_first.push(self.geom.len() as u32);
    }

    /// The points of road `r`, from its `from` end to its `to` end.
    pub fn road_points(&self, r: u32) -> &[Coord] {
        let r = r as usize;
        &self.geom[self.geom_first[r] as usize..self.geom_first[r + 1] as usize]
    }

    /// Every directed arc (a two-way road gives two).
    pub fn arcs(&self) -> impl Iterator<Item = Arc> + '_ {
        self.roads.iter().enumerate().flat_map(|(i, r)| {
            let i = i as u32;
            let f = r.forward.then_some(Arc {
                from: r.from,
                to: r.to,
                road: i,
            });
            let b = r.backward.then_some(Arc {
                from: r.to,
                to: r.from,
                road: i,
            });
            f.into_iter().chain(b)
        })
    }

    /// The network cut to its largest strongly connected component (every junction reaches
    /// every other), renumbered. Returns it and the share of junctions kept.
    pub fn largest_component(self) -> (RoadNetwork, f64) {
        use petgraph::graph::{DiGraph, NodeIndex};
        let mut g: DiGraph<(), ()> = DiGraph::with_capacity(self.nodes.len(), self.roads.len());
        for _ in 0..self.nodes.len() {
            g.add_node(());
        }
        for a in self.arcs() {
            if a.from != a.to {
                g.add_edge(
                    NodeIndex::new(a.from as usize),
                    NodeIndex::new(a.to as usize),
                    (),
                );
            }
        }
        let components = petgraph::algo::kosaraju_scc(&g);
        drop(g);
        let Some(best) = components.iter().max_by_key(|c| c.len()) else {
            return (RoadNetwork::default(), 0.0);
        };
        let share = best.len() as f64 / self.nodes.len().max(1) as f64;
        let mut new_id = vec![u32::MAX; self.nodes.len()];
        let mut best: Vec<usize> = best.iter().map(|n| n.index()).collect();
        best.sort_unstable();
        let mut out = RoadNetwork::default();
        for (i, &old) in best.iter().enumerate() {
            new_id[old] = i as u32;
            out.nodes.push(self.nodes[old]);
        }
        for (i, r) in self.roads.iter().enumerate() {
            let (from, to) = (new_id[r.from as usize], new_id[r.to as usize]);
            if from == u32::MAX || to == u32::MAX {
                continue;
            }
            out.add_road(Road { from, to, ..*r }, self.road_points(i as u32));
        }
        (out, share)
    }
}
