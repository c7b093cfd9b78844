//! Questions a loaded pack answers: snap points, matrices (by the hierarchy, or by plain
//! Dijkstra for tests), and the route line between two points.

use crate::ch::{Hierarchy, PathWorkspace, Seed};
use crate::geometry::{encode_line, Coord};
use crate::graph::{Metric, RoadNetwork};
use crate::pack::RoadPack;
use crate::snap::{partial_points, Snap};
use serde::Serialize;

/// How far a point may lie from the nearest drivable road and still be routed on the network
/// (metres). Beyond it the point is "off the road network".
pub const DEFAULT_MAX_SNAP_M: f64 = 500.0;

/// Which search answers a matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Solver {
    /// The contraction hierarchy's bucket many-to-many search.
    Hierarchy,
    /// A plain Dijkstra per source over the network (the reference).
    Dijkstra,
}

/// A square matrix between points: row = from, column = to; `None` where the point is off the
/// network or the pair is unreachable.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub size: usize,
    /// Milliseconds.
    pub durations_ms: Vec<Option<u64>>,
    /// Centimetres.
    pub distances_cm: Vec<Option<u64>>,
    /// Each point's snap (`None`: farther than the limit from any road).
    pub snaps: Vec<Option<Snap>>,
}

impl Matrix {
    pub fn duration_s(&self, i: usize, j: usize) -> Option<f64> {
        self.durations_ms[i * self.size + j].map(|v| v as f64 / 1000.0)
    }

    pub fn distance_m(&self, i: usize, j: usize) -> Option<f64> {
        self.distances_cm[i * self.size + j].map(|v| v as f64 / 100.0)
    }
}

/// One route between two points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Route {
    pub distance_m: f64,
    pub duration_s: f64,
    /// Encoded polyline (precision 5) of the simplified line.
    pub geometry: String,
    /// The unsimplified points, snapped start to snapped end.
    #[serde(skip)]
    pub points: Vec<Coord>,
}

/// A snapped point's positions along its road in both units.
#[derive(Debug, Clone, Copy)]
struct Place {
    road: u32,
    forward: bool,
    backward: bool,
    from: u32,
    to: u32,
    w: u64,
    s: u64,
    pw: u64,
    ps: u64,
}

impl Place {
    fn new(net: &RoadNetwork, snap: &Snap, metric: Metric) -> Place {
        let r = net.roads[snap.road as usize];
        let (w, s) = (r.weight(metric) as u64, r.weight(metric.other()) as u64);
        Place {
            road: snap.road,
            forward: r.forward,
            backward: r.backward,
            from: r.from,
            to: r.to,
            w,
            s,
            pw: (snap.frac * w as f64).round() as u64,
            ps: (snap.frac * s as f64).round() as u64,
        }
    }

    /// Where a search leaving this point starts.
    fn source_seeds(&self) -> Vec<Seed> {
        let mut v = Vec::with_capacity(2);
        if self.forward {
            v.push(Seed {
                node: self.to,
                weight: self.w - self.pw,
                sec: self.s - self.ps,
            });
        }
        if self.backward {
            v.push(Seed {
                node: self.from,
                weight: self.pw,
                sec: self.ps,
            });
        }
        v
    }

    /// Where a search arriving at this point ends.
    fn target_seeds(&self) -> Vec<Seed> {
        let mut v = Vec::with_capacity(2);
        if self.forward {
            v.push(Seed {
                node: self.from,
                weight: self.pw,
                sec: self.ps,
            });
        }
        if self.backward {
            v.push(Seed {
                node: self.to,
                weight: self.w - self.pw,
                sec: self.s - self.ps,
            });
        }
        v
    }

    /// Driving from `self` to `t` along their shared road without passing a junction.
    fn direct(&self, t: &Place) -> Option<(u64, u64)> {
        if self.road != t.road {
            return None;
        }
        if self.forward && t.pw >= self.pw {
            Some((t.pw - self.pw, t.ps.saturating_sub(self.ps)))
        } else if self.backward && self.pw >= t.pw {
            Some((self.pw - t.pw, self.ps.saturating_sub(t.ps)))
        } else {
            None
        }
    }
}

impl RoadPack {
    pub fn hierarchy(&self, metric: Metric) -> &Hierarchy {
        match metric {
            Metric::Time => &self.time,
            Metric::Distance => &self.distance,
        }
    }

    /// The nearest road to a point, whatever the distance.
    pub fn nearest(&self, c: Coord) -> Option<Snap> {
        self.snap.nearest(&self.net, c)
    }

    /// Snaps each point (`None` beyond `max_snap_m`).
    pub fn snap_all(&self, points: &[Coord], max_snap_m: f64) -> Vec<Option<Snap>> {
        points
            .iter()
            .map(|&c| self.nearest(c).filter(|s| s.distance_m <= max_snap_m))
            .collect()
    }

    /// Durations and distances between all `points` along the fastest (`Metric::Time`) or
    /// shortest (`Metric::Distance`) paths.
    pub fn matrix(&self, points: &[Coord], metric: Metric, max_snap_m: f64) -> Matrix {
        let snaps = self.snap_all(points, max_snap_m);
        self.matrix_of_snaps(snaps, metric, Solver::Hierarchy)
    }

    /// The matrix between already snapped points, by `solver`. With `Solver::Dijkstra` only the
    /// metric's own values are filled (the other is `None`).
    pub fn matrix_of_snaps(
        &self,
        snaps: Vec<Option<Snap>>,
        metric: Metric,
        solver: Solver,
    ) -> Matrix {
        let n = snaps.len();
        let places: Vec<Option<Place>> = snaps
            .iter()
            .map(|s| s.as_ref().map(|s| Place::new(&self.net, s, metric)))
            .collect();
        let sources: Vec<Vec<Seed>> = places
            .iter()
            .map(|p| p.map(|p| p.source_seeds()).unwrap_or_default())
            .collect();
        let targets: Vec<Vec<Seed>> = places
            .iter()
            .map(|p| p.map(|p| p.target_seeds()).unwrap_or_default())
            .collect();
        let cells: Vec<Option<(u64, u64)>> = match solver {
            Solver::Hierarchy => self.hierarchy(metric).many_to_many(&sources, &targets),
            Solver::Dijkstra => {
                crate::reference::dijkstra_matrix(&self.net, metric, &sources, &targets)
                    .into_iter()
                    .map(|c| c.map(|w| (w, u64::MAX)))
                    .collect()
            }
        };
        let mut primary = vec![None; n * n];
        let mut secondary = vec![None; n * n];
        for i in 0..n {
            for j in 0..n {
                let (Some(a), Some(b)) = (&places[i], &places[j]) else {
                    continue;
                };
                let mut best = cells[i * n + j];
                if i == j {
                    best = Some((0, 0));
                } else if let Some(d) = a.direct(b) {
                    if best.is_none_or(|c| d < c) {
                        best = Some(d);
                    }
                }
                primary[i * n + j] = best.map(|c| c.0);
                secondary[i * n + j] = best.map(|c| c.1).filter(|&s| s != u64::MAX);
            }
        }
        let (durations_ms, distances_cm) = match metric {
            Metric::Time => (primary, secondary),
            Metric::Distance => (secondary, primary),
        };
        Matrix {
            size: n,
            durations_ms,
            distances_cm,
            snaps,
        }
    }

    /// The fastest (or shortest) route from `from` to `to`, snapped within `max_snap_m`. `None`
    /// when either point is off the network or no path joins them.
    pub fn route(&self, from: Coord, to: Coord, metric: Metric, max_snap_m: f64) -> Option<Route> {
        let snaps = self.snap_all(&[from, to], max_snap_m);
        let (a, b) = (snaps[0]?, snaps[1]?);
        self.route_between(&a, &b, metric)
    }

    /// The route between two snapped points.
    pub fn route_between(&self, a: &Snap, b: &Snap, metric: Metric) -> Option<Route> {
        let mut ws = self.hierarchy(metric).workspace();
        self.route_with(&mut ws, a, b, metric)
    }

    /// Routes between many pairs of snapped points, sharing one search workspace.
    pub fn routes_between(&self, pairs: &[(Snap, Snap)], metric: Metric) -> Vec<Option<Route>> {
        let mut ws = self.hierarchy(metric).workspace();
        pairs
            .iter()
            .map(|(a, b)| self.route_with(&mut ws, a, b, metric))
            .collect()
    }

    fn route_with(
        &self,
        ws: &mut PathWorkspace,
        a: &Snap,
        b: &Snap,
        metric: Metric,
    ) -> Option<Route> {
        let (pa, pb) = (
            Place::new(&self.net, a, metric),
            Place::new(&self.net, b, metric),
        );
        let via = self
            .hierarchy(metric)
            .path(ws, &pa.source_seeds(), &pb.target_seeds());
        let direct = pa.direct(&pb);
        let use_direct = match (&direct, &via) {
            (Some(d), Some(v)) => (d.0, d.1) <= (v.0, v.1),
            (Some(_), None) => true,
            _ => false,
        };
        let (w, s, points) = if use_direct {
            let d = direct?;
            (d.0, d.1, partial_points(&self.net, a.road, a.frac, b.frac))
        } else {
            let (w, s, roads, first, last) = via?;
            let mut pts = if first == pa.to {
                partial_points(&self.net, a.road, a.frac, 1.0)
            } else {
                partial_points(&self.net, a.road, a.frac, 0.0)
            };
            for (r, along) in roads {
                let rp = self.net.road_points(r);
                if along {
                    pts.extend_from_slice(&rp[1..]);
                } else {
                    pts.extend(rp.iter().rev().skip(1));
                }
            }
            let tail = if last == pb.from {
                partial_points(&self.net, b.road, 0.0, b.frac)
            } else {
                partial_points(&self.net, b.road, 1.0, b.frac)
            };
            pts.extend_from_slice(&tail[1..]);
            (w, s, pts)
        };
        let (ms, cm) = match metric {
            Metric::Time => (w, s),
            Metric::Distance => (s, w),
        };
        Some(Route {
            distance_m: cm as f64 / 100.0,
            duration_s: ms as f64 / 1000.0,
            geometry: encode_line(&points),
            points,
        })
    }
}
