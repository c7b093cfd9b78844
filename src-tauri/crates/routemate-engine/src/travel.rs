//! Travel costs between placed points, behind one trait: the road pack under the data dir where
//! it covers every point, else the straight-line estimate (haversine × road factor at the
//! average speed). The import pipeline, re-optimizing after edits, ETAs and totals all ask
//! [`crate::Context::travel_costs`], so every plan uses the same source.
//!
//! ```ignore
//! let costs = ctx.travel_costs(&settings);
//! let m = costs.matrix(&points);          // durations_s / distances_m, row = from
//! if m.source == DistanceSource::Road { /* real roads, asymmetric */ }
//! ```

use routemate_core::geo::{haversine_m, LatLng};
use routemate_roads::{Coord, Metric, RoadPack};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// How far a stop may lie from the nearest drivable road and still be routed on roads (metres).
pub const MAX_SNAP_M: f64 = routemate_roads::DEFAULT_MAX_SNAP_M;

/// Where a matrix came from (`optimization.distance_source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistanceSource {
    /// Fastest paths on the imported road network.
    Road,
    /// Haversine × road factor at the average speed.
    StraightLineEstimate,
}

impl DistanceSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DistanceSource::Road => "road",
            DistanceSource::StraightLineEstimate => "straight_line_estimate",
        }
    }
}

/// Durations and distances between points, row = from, column = to (not symmetric on roads).
#[derive(Debug, Clone, PartialEq)]
pub struct CostMatrix {
    pub size: usize,
    pub durations_s: Vec<f64>,
    pub distances_m: Vec<f64>,
    pub source: DistanceSource,
    /// Per point: `Some(metres to the nearest road)` when a road pack is loaded but the point is
    /// farther than [`MAX_SNAP_M`] from it (so the whole matrix fell back to the estimate).
    pub off_network: Vec<Option<f64>>,
}

impl CostMatrix {
    pub fn duration_s(&self, i: usize, j: usize) -> f64 {
        self.durations_s[i * self.size + j]
    }

    pub fn distance_m(&self, i: usize, j: usize) -> f64 {
        self.distances_m[i * self.size + j]
    }
}

/// A source of travel costs between placed points.
pub trait TravelCosts: Send + Sync {
    /// Durations (fastest paths) and distances between all `points`.
    fn matrix(&self, points: &[LatLng]) -> CostMatrix;
    /// The road line of each leg as an encoded polyline (precision 5), `None` where there is
    /// none (straight-line estimate, off the network).
    fn leg_geometry(&self, legs: &[(LatLng, LatLng)]) -> Vec<Option<String>>;
}

/// The straight-line estimate: haversine × `road_factor`, driven at `speed_kmh`.
#[derive(Debug, Clone, Copy)]
pub struct StraightLine {
    pub road_factor: f64,
    pub speed_kmh: f64,
}

impl TravelCosts for StraightLine {
    fn matrix(&self, points: &[LatLng]) -> CostMatrix {
        let n = points.len();
        let mut distances_m = Vec::with_capacity(n * n);
        for a in points {
            for b in points {
                distances_m.push((haversine_m(*a, *b) * self.road_factor).round());
            }
        }
        let mps = (self.speed_kmh / 3.6).max(0.1);
        CostMatrix {
            size: n,
            durations_s: distances_m.iter().map(|d| d / mps).collect(),
            distances_m,
            source: DistanceSource::StraightLineEstimate,
            off_network: vec![None; n],
        }
    }

    fn leg_geometry(&self, legs: &[(LatLng, LatLng)]) -> Vec<Option<String>> {
        vec![None; legs.len()]
    }
}

/// The road pack, falling back to the estimate for any set of points it does not cover.
pub struct RoadCosts {
    pub pack: Arc<RoadPack>,
    pub fallback: StraightLine,
}

fn coord(p: LatLng) -> Coord {
    Coord::from_deg(p.lat, p.lng)
}

impl TravelCosts for RoadCosts {
    fn matrix(&self, points: &[LatLng]) -> CostMatrix {
        let coords: Vec<Coord> = points.iter().map(|&p| coord(p)).collect();
        let m = self.pack.matrix(&coords, Metric::Time, MAX_SNAP_M);
        let off: Vec<Option<f64>> = coords
            .iter()
            .zip(&m.snaps)
            .map(|(&c, s)| match s {
                Some(_) => None,
                None => Some(self.pack.nearest(c).map_or(f64::INFINITY, |n| n.distance_m)),
            })
            .collect();
        let complete = m.durations_ms.iter().all(Option::is_some)
            && m.distances_cm.iter().all(Option::is_some);
        if off.iter().any(Option::is_some) || !complete {
            let mut est = self.fallback.matrix(points);
            est.off_network = off;
            return est;
        }
        CostMatrix {
            size: m.size,
            durations_s: m
                .durations_ms
                .iter()
                .map(|v| v.unwrap_or(0) as f64 / 1000.0)
                .collect(),
            distances_m: m
                .distances_cm
                .iter()
                .map(|v| v.unwrap_or(0) as f64 / 100.0)
                .collect(),
            source: DistanceSource::Road,
            off_network: off,
        }
    }

    fn leg_geometry(&self, legs: &[(LatLng, LatLng)]) -> Vec<Option<String>> {
        let snaps: Vec<Option<(routemate_roads::snap::Snap, routemate_roads::snap::Snap)>> = legs
            .iter()
            .map(|(a, b)| {
                let sa = self
                    .pack
                    .nearest(coord(*a))
                    .filter(|s| s.distance_m <= MAX_SNAP_M)?;
                let sb = self
                    .pack
                    .nearest(coord(*b))
                    .filter(|s| s.distance_m <= MAX_SNAP_M)?;
                Some((sa, sb))
            })
            .collect();
        let pairs: Vec<_> = snaps.iter().flatten().copied().collect();
        let mut routes = self.pack.routes_between(&pairs, Metric::Time).into_iter();
        snaps
            .iter()
            .map(|s| s.and_then(|_| routes.next().flatten()).map(|r| r.geometry))
            .collect()
    }
}

/// The road pack of a data dir, loaded on first use and again whenever its file changes (a new
/// import from the CLI or the desktop is picked up by a running engine).
#[derive(Default)]
pub(crate) struct PackSlot {
    loaded: Mutex<Option<(FileStamp, Arc<RoadPack>)>>,
}

type FileStamp = (u64, Option<std::time::SystemTime>);

impl PackSlot {
    /// The current pack under `data_dir`, or `None` (none imported, or unreadable: logged).
    pub(crate) fn get(&self, data_dir: &std::path::Path) -> Option<Arc<RoadPack>> {
        let path: PathBuf = routemate_roads::pack_path(data_dir);
        let mut slot = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(meta) = std::fs::metadata(&path) else {
            *slot = None;
            return None;
        };
        let stamp = (meta.len(), meta.modified().ok());
        if let Some((s, pack)) = slot.as_ref() {
            if *s == stamp {
                return Some(pack.clone());
            }
        }
        match RoadPack::load(&path) {
            Ok(pack) => {
                tracing::info!(
                    source = %pack.meta.source_file,
                    nodes = pack.meta.nodes,
                    "road pack loaded"
                );
                let pack = Arc::new(pack);
                *slot = Some((stamp, pack.clone()));
                Some(pack)
            }
            Err(e) => {
                tracing::warn!(code = e.code(), error = %e, "road pack not usable; straight-line estimates");
                *slot = None;
                None
            }
        }
    }
}
