//! The multi-vehicle planning model: a fleet, a pool of stops, travel matrices and the objective.
//! Locations are indices into the two matrices, so a straight-line estimate and a road matrix
//! plug in the same way.

use thiserror::Error;

/// A square matrix of non-negative integer costs, row-major; `get(i, j)` is from `i` to `j`
/// (asymmetric allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    n: usize,
    data: Vec<i64>,
}

impl Matrix {
    /// `data` holds `n * n` entries, row after row.
    pub fn new(n: usize, data: Vec<i64>) -> Result<Self, VrpError> {
        if data.len() != n * n {
            return Err(VrpError::MatrixShape {
                field: "matrix",
                expected: n * n,
                got: data.len(),
            });
        }
        Ok(Matrix { n, data })
    }

    /// Builds an `n`×`n` matrix from a function of (from, to).
    pub fn from_fn(n: usize, mut f: impl FnMut(usize, usize) -> i64) -> Self {
        let mut data = Vec::with_capacity(n * n);
        for i in 0..n {
            for j in 0..n {
                data.push(f(i, j));
            }
        }
        Matrix { n, data }
    }

    /// Number of locations.
    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    #[inline]
    pub fn get(&self, from: usize, to: usize) -> i64 {
        self.data[from * self.n + to]
    }
}

/// Where a vehicle's route ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Back at this location (the depot, usually the start), by the shift end.
    Return(usize),
    /// At the last stop; its service must end by the shift end.
    Open,
}

/// One vehicle (driver).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vehicle {
    pub id: String,
    /// Capacity per unit (parcels first, then e.g. kg, volume); same length as every stop's demand.
    pub capacity: Vec<i64>,
    /// Earliest departure from `start` (time unit of the durations matrix).
    pub shift_start: i64,
    /// Latest arrival at the end (or end of the last service for an open route).
    pub shift_end: i64,
    /// Location index of the start.
    pub start: usize,
    pub end: End,
    /// At most this many stops, when set.
    pub max_stops: Option<usize>,
    /// Cost of using the vehicle at all, in the units of the minimised metric.
    pub fixed_cost: i64,
}

/// How much a stop matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Left out only when no plan can serve it.
    Must,
    Normal,
}

/// One stop to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    pub id: String,
    /// Location index.
    pub location: usize,
    /// Demand per unit, one per entry of the vehicles' `capacity`.
    pub demand: Vec<i64>,
    /// Service duration (time unit of the durations matrix).
    pub service: i64,
    /// Inclusive `(earliest, latest)` service START times; empty = any time within the shift.
    /// The service start must lie in one of them (waiting is allowed).
    pub windows: Vec<(i64, i64)>,
    pub priority: Priority,
    /// Index of the vehicle this stop must be served by (set by the dispatcher).
    pub locked_vehicle: Option<usize>,
}

/// The metric minimised after the served-stop count (and vehicle count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Sum of the durations-matrix legs (driving time).
    Duration,
    /// Sum of the distances-matrix legs.
    Distance,
}

/// Spread work evenly across the used vehicles (a convex penalty per route, added to the metric).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Balance {
    Stops,
    Duration,
}

/// Objective, lexicographic: every `Must` stop served, then as many stops as possible, then (if
/// `fewer_vehicles`) fewer vehicles, then the metric (plus fixed costs and the balance term).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Objective {
    pub fewer_vehicles: bool,
    pub minimise: Metric,
    pub balance: Option<Balance>,
}

impl Default for Objective {
    fn default() -> Self {
        Objective {
            fewer_vehicles: false,
            minimise: Metric::Duration,
            balance: None,
        }
    }
}

/// One planning request.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Travel time between locations (any integer time unit, e.g. seconds).
    pub durations: Matrix,
    /// Travel distance between locations (any integer length unit, e.g. metres).
    pub distances: Matrix,
    pub vehicles: Vec<Vehicle>,
    pub stops: Vec<Stop>,
    pub objective: Objective,
}

/// A malformed problem: names the vehicle or stop and the field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VrpError {
    #[error("{field}: expected {expected} entries, got {got}")]
    MatrixShape {
        field: &'static str,
        expected: usize,
        got: usize,
    },
    #[error("durations matrix has {durations} locations but distances has {distances}")]
    MatrixMismatch { durations: usize, distances: usize },
    #[error("{matrix} matrix entry ({from}, {to}) is negative ({value})")]
    NegativeMatrixEntry {
        matrix: &'static str,
        from: usize,
        to: usize,
        value: i64,
    },
    #[error("{owner} `{id}` (#{index}): {field} = {value} is not a location (matrix has {len})")]
    LocationOutOfRange {
        owner: &'static str,
        id: String,
        index: usize,
        field: &'static str,
        value: usize,
        len: usize,
    },
    #[error("{owner} `{id}` (#{index}): {field} has {got} units, expected {expected} (vehicle 0's capacity)")]
    UnitMismatch {
        owner: &'static str,
        id: String,
        index: usize,
        field: &'static str,
        expected: usize,
        got: usize,
    },
    #[error("{owner} `{id}` (#{index}): {field} is invalid: {why}")]
    InvalidField {
        owner: &'static str,
        id: String,
        index: usize,
        field: &'static str,
        why: String,
    },
    #[error(
        "stop `{id}` (#{index}): locked_vehicle = {vehicle} but there are {vehicles} vehicles"
    )]
    LockOutOfRange {
        id: String,
        index: usize,
        vehicle: usize,
        vehicles: usize,
    },
}

/// Search settings.
#[derive(Debug, Clone, Copy)]
pub struct SolveOptions {
    /// Wall-clock budget; a valid plan is returned by budget + 5 %.
    pub time_limit: std::time::Duration,
    pub seed: u64,
}

/// One vehicle's route in a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Vehicle index.
    pub vehicle: usize,
    /// Stop indices in visiting order (never empty).
    pub stops: Vec<usize>,
    /// Service start time of each stop (earliest schedule).
    pub starts: Vec<i64>,
    /// Departure from the start location (as late as the first service allows, not before the shift start).
    pub departure: i64,
    /// Arrival at the end location (open route: end of the last service).
    pub end_time: i64,
    /// Total demand carried, per unit.
    pub load: Vec<i64>,
    /// `end_time - departure` (driving, service and waiting).
    pub duration: i64,
    /// Sum of the distances-matrix legs, end leg included.
    pub distance: i64,
}

/// A stop the plan leaves out, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unassigned {
    /// Stop index.
    pub stop: usize,
    pub code: super::ReasonCode,
    /// One sentence for the dispatcher naming the binding limit.
    pub message: String,
}

/// A solution: the used vehicles' routes (vehicles with no stop are absent) and the left-out stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub routes: Vec<Route>,
    pub unassigned: Vec<Unassigned>,
    /// Minimised metric (Σ legs of the chosen matrix) plus the used vehicles' fixed costs.
    pub cost: i64,
}
