//! Travel costs between the places of a plan: the one call the day planner (and the single-job
//! window planner) makes for its matrices. The figures come from the engine's one travel-cost
//! source ([`crate::travel::TravelCosts`]: the road pack where it covers every place, else the
//! straight-line estimate); this file only converts them to the solver's integer matrices.

use crate::travel::{CostMatrix, TravelCosts};
use routemate_core::geo::LatLng;
use routemate_core::vrp::Matrix;

/// Durations (seconds) and distances (metres) between `points`, row-major (asymmetric on roads).
pub struct Travel {
    pub durations: Matrix,
    pub distances: Matrix,
    /// How the figures were obtained (the jobs' `optimization.distance_source`).
    pub source: &'static str,
}

/// The matrices for `points`.
pub fn travel(points: &[LatLng], costs: &dyn TravelCosts) -> Travel {
    from_costs(&costs.matrix(points))
}

/// The solver's matrices for a cost matrix already asked for (the single-job planner has one).
pub fn from_costs(m: &CostMatrix) -> Travel {
    from_fn(
        m.size,
        |i, j| (m.distance_m(i, j), m.duration_s(i, j)),
        m.source.as_str(),
    )
}

/// The solver's matrices from `leg(i, j) = (metres, seconds)`.
pub fn from_fn(n: usize, leg: impl Fn(usize, usize) -> (f64, f64), source: &'static str) -> Travel {
    let round = |x: f64| x.round().clamp(0.0, i64::MAX as f64 / 4.0) as i64;
    Travel {
        distances: Matrix::from_fn(n, |i, j| round(leg(i, j).0)),
        durations: Matrix::from_fn(n, |i, j| round(leg(i, j).1)),
        source,
    }
}
