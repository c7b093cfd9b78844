//! Travel costs between the places of a plan: the one call the day planner (and the single-job
//! window planner) makes for its matrices, so swapping the straight-line estimate for a road
//! network changes this file only. Today: the same haversine × road factor matrix single jobs use
//! (`DistanceMatrix::haversine`), durations at the average speed in Settings.

use crate::settings::Settings;
use routemate_core::geo::LatLng;
use routemate_core::optimize::DistanceMatrix;
use routemate_core::vrp::Matrix;

/// Durations (seconds) and distances (metres) between `points`, row-major.
pub struct Travel {
    pub durations: Matrix,
    pub distances: Matrix,
    /// How the figures were obtained (the jobs' `optimization.distance_source`).
    pub source: &'static str,
}

/// The matrices for `points`.
pub fn travel(points: &[LatLng], settings: &Settings) -> Travel {
    let metres = DistanceMatrix::haversine(points, settings.road_factor);
    travel_from(&metres, settings)
}

/// The matrices for an already built distance matrix (the single-job planner has one).
pub fn travel_from(metres: &DistanceMatrix, settings: &Settings) -> Travel {
    let n = metres.len();
    let m_per_s = settings.average_speed_kmh / 3.6;
    Travel {
        distances: Matrix::from_fn(n, |i, j| i64::from(metres.get(i, j))),
        durations: Matrix::from_fn(n, |i, j| {
            (f64::from(metres.get(i, j)) / m_per_s).round() as i64
        }),
        source: "straight_line_estimate",
    }
}
