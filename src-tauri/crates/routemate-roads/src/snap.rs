//! Snapping: the nearest drivable road segment to a point (an R*-tree of segments, `rstar`, in a
//! local equirectangular projection around the pack's centre), and where along its road it lies.

use crate::geometry::{haversine_m, Coord};
use crate::graph::RoadNetwork;
use rstar::primitives::{GeomWithData, Line};
use rstar::RTree;

const EARTH_RADIUS_M: f64 = 6_371_008.8;

type Segment = GeomWithData<Line<[f64; 2]>, (u32, u32)>;

/// Where a point meets the network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    pub road: u32,
    /// Position along the road from its `from` end, 0..=1 of its length.
    pub frac: f64,
    /// The nearest point on the road.
    pub point: Coord,
    /// Metres from the given point to `point`.
    pub distance_m: f64,
}

/// The segment index, rebuilt when a pack is loaded (bulk load: about a second per million).
pub struct SnapIndex {
    tree: RTree<Segment>,
    cos_lat: f64,
}

impl SnapIndex {
    pub fn build(net: &RoadNetwork) -> SnapIndex {
        let mean_lat = if net.nodes.is_empty() {
            0.0
        } else {
            net.nodes.iter().map(|c| c.lat()).sum::<f64>() / net.nodes.len() as f64
        };
        let cos_lat = mean_lat.to_radians().cos();
        let mut segs = Vec::with_capacity(net.geom.len());
        for r in 0..net.roads.len() as u32 {
            let pts = net.road_points(r);
            for (i, w) in pts.windows(2).enumerate() {
                let (a, b) = (project(w[0], cos_lat), project(w[1], cos_lat));
                segs.push(GeomWithData::new(Line::new(a, b), (r, i as u32)));
            }
        }
        SnapIndex {
            tree: RTree::bulk_load(segs),
            cos_lat,
        }
    }

    /// The nearest road to `c` (whatever the distance; the caller applies its limit).
    pub fn nearest(&self, net: &RoadNetwork, c: Coord) -> Option<Snap> {
        let p = project(c, self.cos_lat);
        let seg = self.tree.nearest_neighbor(&p)?;
        let (road, i) = seg.data;
        let (a, b) = (seg.geom().from, seg.geom().to);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let pts = net.road_points(road);
        let (pa, pb) = (pts[i as usize], pts[i as usize + 1]);
        let point = Coord::from_deg(
            pa.lat() + (pb.lat() - pa.lat()) * t,
            pa.lng() + (pb.lng() - pa.lng()) * t,
        );
        let lens: Vec<f64> = pts.windows(2).map(|w| haversine_m(w[0], w[1])).collect();
        let total: f64 = lens.iter().sum();
        let before: f64 = lens[..i as usize].iter().sum::<f64>() + lens[i as usize] * t;
        let frac = if total > 0.0 {
            (before / total).clamp(0.0, 1.0)
        } else {
            0.0
        };
        Some(Snap {
            road,
            frac,
            point,
            distance_m: haversine_m(c, point),
        })
    }
}

fn project(c: Coord, cos_lat: f64) -> [f64; 2] {
    [
        c.lng().to_radians() * EARTH_RADIUS_M * cos_lat,
        c.lat().to_radians() * EARTH_RADIUS_M,
    ]
}

/// The points of road `road` between positions `a` and `b` (fractions of its length), in the
/// order driven: from `a` to `b`.
pub fn partial_points(net: &RoadNetwork, road: u32, a: f64, b: f64) -> Vec<Coord> {
    let pts = net.road_points(road);
    let lens: Vec<f64> = pts.windows(2).map(|w| haversine_m(w[0], w[1])).collect();
    let total: f64 = lens.iter().sum();
    let at = |f: f64| -> (usize, Coord) {
        let target = f * total;
        let mut acc = 0.0;
        for (i, &l) in lens.iter().enumerate() {
            if acc + l >= target || i + 1 == lens.len() {
                let t = if l > 0.0 {
                    ((target - acc) / l).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let (p, q) = (pts[i], pts[i + 1]);
                let c = Coord::from_deg(
                    p.lat() + (q.lat() - p.lat()) * t,
                    p.lng() + (q.lng() - p.lng()) * t,
                );
                return (i, c);
            }
            acc += l;
        }
        (0, pts[0])
    };
    let (lo, hi) = (a.min(b), a.max(b));
    let (i, start) = at(lo);
    let (j, end) = at(hi);
    let mut out = vec![start];
    out.extend_from_slice(&pts[i + 1..=j]);
    out.push(end);
    if a > b {
        out.reverse();
    }
    out
}
