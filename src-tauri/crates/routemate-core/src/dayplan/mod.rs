//! The day plan's wire types: a `POST /v1/integration-plans` body (a pool of stops, the drivers or
//! the saved fleet, options) and the fleet a dispatcher keeps in Settings. Validation of untyped
//! JSON into these types lists every bad field with its JSON pointer, as imports do
//! ([`validate::parse_plan`], [`validate::parse_fleet`]).

pub mod validate;

use crate::model::{DepotInput, StopInput, TimeWindow};
use serde::{Deserialize, Serialize};

/// Most drivers in one plan or fleet.
pub const MAX_DRIVERS: usize = 200;
/// Longest solver budget a caller may ask for.
pub const MAX_TIME_LIMIT_MS: u64 = 60_000;

/// A validated `POST /v1/integration-plans` body (also what a day's job file becomes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub external_plan_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `YYYY-MM-DD`, copied to every driver's job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Where the vans start and end unless a driver says otherwise (else the depot in Settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depot: Option<DepotInput>,
    /// The drivers of the day; when absent, the fleet saved in Settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub drivers: Option<Vec<FleetDriver>>,
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 5000))]
    pub stops: Vec<PlanStopInput>,
    #[serde(default)]
    pub options: PlanOptions,
}

/// One stop of the day's pool: an import stop plus what the planner needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanStopInput {
    #[serde(flatten)]
    pub stop: StopInput,
    /// Several delivery windows (the stop is served in one of them); `time_window` is one more.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub time_windows: Vec<TimeWindow>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100000))]
    pub weight_kg: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100000))]
    pub volume_m3: Option<f64>,
    #[serde(default)]
    pub priority: Priority,
    /// Locks the stop to this driver (one of the plan's drivers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver_email: Option<String>,
}

impl PlanStopInput {
    /// Every window of the stop: `time_window` first, then `time_windows`.
    pub fn windows(&self) -> Vec<TimeWindow> {
        self.stop
            .time_window
            .iter()
            .chain(&self.time_windows)
            .cloned()
            .collect()
    }
}

/// `must`: left out only when it cannot be served at all; `normal`: served when it fits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Must,
    #[default]
    Normal,
}

/// A driver and van: in a plan request or in the fleet saved in Settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FleetDriver {
    /// The driver's e-mail: the job's `driver_email`, and the driver's key in the plan.
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub name: Option<String>,
    /// Parcels the van carries; absent: no parcel limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    #[cfg_attr(feature = "openapi", schema(maximum = 1000000))]
    pub capacity: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub capacity_kg: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub capacity_m3: Option<f64>,
    /// `HH:MM`; absent: the day start in Settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub shift_start: Option<String>,
    /// `HH:MM`; absent: end of the day (23:59).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub shift_end: Option<String>,
    /// Where the van starts; absent: the plan's depot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub start: Option<PointInput>,
    /// Where the van ends; absent: back at its start (or the depot) unless `open_end`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub end: Option<PointInput>,
    /// The route ends at its last stop.
    #[serde(default)]
    pub open_end: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub max_stops: Option<u32>,
    /// The cost of using this van at all, in minutes of driving (more: used last).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub fixed_cost: Option<f64>,
}

/// A place given by coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PointInput {
    #[cfg_attr(feature = "openapi", schema(minimum = -90, maximum = 90))]
    pub lat: f64,
    #[cfg_attr(feature = "openapi", schema(minimum = -180, maximum = 180))]
    pub lng: f64,
}

/// The fleet saved in Settings: the drivers a day is planned over when a request names none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fleet {
    pub drivers: Vec<FleetDriver>,
}

/// How to weigh a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanOptions {
    #[serde(default)]
    pub objective: PlanObjective,
    #[serde(default)]
    pub balance: Balance,
    /// Solver budget, an upper bound (a day of n stops uses at most 1 s + 50 ms × n); absent:
    /// grows with the day (1 s up to 100 stops … 10 s beyond 1,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 10, maximum = 60000))]
    pub time_limit_ms: Option<u64>,
}

/// After serving every stop it can: `duration` minimises total time; `vehicles` uses as few
/// vans as it can first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PlanObjective {
    #[default]
    Duration,
    Vehicles,
}

/// Spread the work evenly across the drivers used, by stops or by duration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Balance {
    #[default]
    None,
    Stops,
    Duration,
}
