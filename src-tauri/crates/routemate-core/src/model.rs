//! Domain types: what an import request carries, and the job, stops and warnings RouteMate stores
//! and answers with. Field names are the wire names of the integration API.

use crate::geocode::GeocodeLevel;
use serde::{Deserialize, Serialize};

/// A validated `POST /v1/integration-import` body (also what a CSV or JSON job file becomes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub external_job_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver_email: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 5000))]
    pub stops: Vec<StopInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depot: Option<DepotInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_to_depot: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Extension: `false` keeps the order given by the stops' `sequence` instead of optimizing
    /// (what a RouteMate desktop sends when it syncs a dispatcher's route). Default `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optimize: Option<bool>,
}

/// One stop as the integrator sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StopInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub external_stop_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[cfg_attr(feature = "openapi", schema(maximum = 100000))]
    #[serde(default = "default_parcels")]
    pub parcel_count: u32,
    #[cfg_attr(feature = "openapi", schema(minimum = -90, maximum = 90))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[cfg_attr(feature = "openapi", schema(minimum = -180, maximum = 180))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lng: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// A string (a JSON number is taken too, as its digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1440))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_minutes: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_window: Option<TimeWindow>,
    /// Extension, read with `"optimize": false`: the stop's 1-based place in the route. Stops
    /// without one follow those with one, in the order given.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u32>,
}

fn default_parcels() -> u32 {
    1
}

/// `{"start": "09:00", "end": "11:00"}`, local time of the job's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimeWindow {
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$")
    )]
    pub start: String,
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$")
    )]
    pub end: String,
}

/// Where the route starts (and ends when `return_to_depot`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepotInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = -90, maximum = 90))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[cfg_attr(feature = "openapi", schema(minimum = -180, maximum = 180))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lng: Option<f64>,
}

/// Job status, derived from the driver assignment and the stop statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Unassigned,
    Assigned,
    InProgress,
    Completed,
    Cancelled,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Unassigned => "unassigned",
            JobStatus::Assigned => "assigned",
            JobStatus::InProgress => "in_progress",
            JobStatus::Completed => "completed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "unassigned" => JobStatus::Unassigned,
            "assigned" => JobStatus::Assigned,
            "in_progress" => JobStatus::InProgress,
            "completed" => JobStatus::Completed,
            "cancelled" => JobStatus::Cancelled,
            _ => return None,
        })
    }
}

/// Stop status as a driver app or the dispatcher reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StopStatus {
    Pending,
    Completed,
    Failed,
    Skipped,
}

impl StopStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StopStatus::Pending => "pending",
            StopStatus::Completed => "completed",
            StopStatus::Failed => "failed",
            StopStatus::Skipped => "skipped",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => StopStatus::Pending,
            "completed" => StopStatus::Completed,
            "failed" => StopStatus::Failed,
            "skipped" => StopStatus::Skipped,
            _ => return None,
        })
    }

    /// A final status: the stop needs no more work.
    pub fn is_final(self) -> bool {
        self != StopStatus::Pending
    }
}

/// Derives the job status from its driver and stop statuses.
pub fn job_status(has_driver: bool, cancelled: bool, stops: &[StopStatus]) -> JobStatus {
    if cancelled {
        return JobStatus::Cancelled;
    }
    let done = stops.iter().filter(|s| s.is_final()).count();
    if !stops.is_empty() && done == stops.len() {
        JobStatus::Completed
    } else if done > 0 {
        JobStatus::InProgress
    } else if has_driver {
        JobStatus::Assigned
    } else {
        JobStatus::Unassigned
    }
}

/// How a stop was placed, as shown to integrators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GeocodeInfo {
    /// "input", "gazetteer", "cache", "correction", "nominatim", "none".
    pub source: String,
    pub level: GeocodeLevel,
    pub confidence: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
}

/// A stop as stored and answered: in route order, with its placement, legs and status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Stop {
    pub external_stop_id: String,
    /// 1-based position in the route; `None` for a stop left out (not placed).
    pub sequence: Option<u32>,
    pub address: Option<String>,
    pub label: Option<String>,
    pub parcel_count: u32,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub geocode: GeocodeInfo,
    pub status: StopStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_note: Option<String>,
    /// Distance of the leg arriving at this stop, km (straight-line estimate × road factor).
    pub leg_distance_km: Option<f64>,
    pub leg_duration_minutes: Option<f64>,
    /// Planned arrival, "HH:MM" from the day's start time.
    pub eta: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub service_minutes: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_window: Option<TimeWindow>,
    /// Locked in place by the dispatcher: re-optimization keeps its sequence.
    #[serde(default)]
    pub locked: bool,
}

/// Route totals and how they were obtained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Optimization {
    pub total_distance_km: f64,
    pub total_duration_minutes: f64,
    /// "road": fastest paths on the imported OpenStreetMap road pack (durations minimised,
    /// one-way streets respected); "straight_line_estimate": haversine × road factor at the
    /// average speed (no road pack, or a stop or the depot off its network).
    pub distance_source: String,
    pub estimate: bool,
    pub road_factor: f64,
    pub average_speed_kmh: f64,
    pub routed_stops: usize,
    pub unplaced_stops: usize,
    pub algorithm: String,
    pub elapsed_ms: u64,
    /// The route's legs in driving order (depot → first stop → … → last stop, → depot when
    /// the route returns). Extension of the hosted API.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Vec<Leg>>"))]
    pub legs: Vec<Leg>,
}

/// One leg of a planned route (extension of the hosted API).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Leg {
    /// The stop the leg leaves; absent for the depot (or a free start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_stop: Option<String>,
    /// The stop the leg reaches; absent for the depot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_stop: Option<String>,
    pub distance_km: f64,
    pub duration_minutes: f64,
    /// The road line as an encoded polyline (Google's format, precision 5); absent on the
    /// straight-line estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geometry: Option<String>,
}

/// Something the integrator should know about a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Warning {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_stop_id: Option<String>,
    pub message: String,
}

impl Warning {
    pub fn job(code: &str, message: impl Into<String>) -> Self {
        Warning {
            code: code.into(),
            external_stop_id: None,
            message: message.into(),
        }
    }

    pub fn stop(code: &str, stop: &str, message: impl Into<String>) -> Self {
        Warning {
            code: code.into(),
            external_stop_id: Some(stop.into()),
            message: message.into(),
        }
    }
}

/// Warning codes, stable for integrators: the one list of every code a job or stop warning
/// carries. Emit and match them through these constants, never as bare literals.
pub mod warning_codes {
    /// Nothing matched the address; the stop is kept but left out of the route.
    pub const GEOCODE_FAILED: &str = "GEOCODE_FAILED";
    /// Placed below address level (street, locality, postcode).
    pub const GEOCODE_APPROXIMATE: &str = "GEOCODE_APPROXIMATE";
    /// Several plausible places; the candidates are listed.
    pub const GEOCODE_AMBIGUOUS: &str = "GEOCODE_AMBIGUOUS";
    /// A PO box, or a postcode that contradicts the suburb.
    pub const ADDRESS_FLAGGED: &str = "ADDRESS_FLAGGED";
    /// The driver e-mail was seen for the first time and registered.
    pub const DRIVER_REGISTERED: &str = "DRIVER_REGISTERED";
    pub const NO_DRIVER: &str = "NO_DRIVER";
    /// A re-import changed an existing job in place.
    pub const JOB_UPDATED: &str = "JOB_UPDATED";
    pub const STOP_ADDED: &str = "STOP_ADDED";
    pub const STOP_REMOVED: &str = "STOP_REMOVED";
    pub const STOP_CHANGED: &str = "STOP_CHANGED";
    pub const DEPOT_MISSING: &str = "DEPOT_MISSING";
    /// The planned arrival is after the stop's time window closes.
    pub const TIME_WINDOW_MISSED: &str = "TIME_WINDOW_MISSED";
    /// A road pack is loaded but the stop (or, without a stop id, the depot) lies farther than
    /// the snap limit from any drivable road: the job is planned on the straight-line estimate.
    pub const STOP_OFF_ROAD_NETWORK: &str = "STOP_OFF_ROAD_NETWORK";
    /// Windows could not all be met: the stop is visited after the others (message: the reason).
    pub const STOP_CANNOT_FIT: &str = "STOP_CANNOT_FIT";

    /// Every code above, for documentation and for clients that check what they handle.
    pub const ALL: &[&str] = &[
        GEOCODE_FAILED,
        GEOCODE_APPROXIMATE,
        GEOCODE_AMBIGUOUS,
        ADDRESS_FLAGGED,
        DRIVER_REGISTERED,
        NO_DRIVER,
        JOB_UPDATED,
        STOP_ADDED,
        STOP_REMOVED,
        STOP_CHANGED,
        DEPOT_MISSING,
        TIME_WINDOW_MISSED,
        STOP_OFF_ROAD_NETWORK,
        STOP_CANNOT_FIT,
    ];

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn every_code_is_listed_once_and_spelled_as_its_name() {
            let mut seen = std::collections::BTreeSet::new();
            for code in ALL {
                assert!(seen.insert(code), "{code} listed twice");
                assert!(
                    code.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                    "{code}"
                );
            }
            assert!(ALL.contains(&TIME_WINDOW_MISSED));
        }
    }
}
