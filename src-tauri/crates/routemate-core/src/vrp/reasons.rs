//! Why a stop is left out: first whether any vehicle could serve it even alone (else the stop or
//! the fleet is the problem), then which limit of the final plan binds (capacity, time, maximum
//! stops), found by relaxing one limit at a time and retrying the insertion.

use super::model::End;
use super::route::{earliest_start, fits, insertion_delta, Inst, Limits, ALL_LIMITS};
use super::solution::Sol;
use std::fmt;

/// Stable machine-readable reason codes (`Display` prints the code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonCode {
    /// Demand exceeds every vehicle's capacity in some unit.
    DemandExceedsCapacity,
    /// No vehicle that could carry it can reach it within a window and finish within its shift.
    WindowUnreachable,
    /// The fleet is empty.
    NoVehicle,
    /// Fits alone, but the plan's vehicles that could serve it are full.
    CapacityExhausted,
    /// Fits alone, but no route that could serve it has the time left.
    ShiftTimeExhausted,
    /// Fits alone, but the vehicles that could serve it reached their maximum stops.
    MaxStopsReached,
    /// The vehicle the dispatcher locked it to cannot serve it even alone.
    LockedVehicleInfeasible,
    /// The location is not reachable on the road network (set by the engine, never by the solver).
    OffRoadNetwork,
}

impl ReasonCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::DemandExceedsCapacity => "DEMAND_EXCEEDS_CAPACITY",
            ReasonCode::WindowUnreachable => "WINDOW_UNREACHABLE",
            ReasonCode::NoVehicle => "NO_VEHICLE",
            ReasonCode::CapacityExhausted => "CAPACITY_EXHAUSTED",
            ReasonCode::ShiftTimeExhausted => "SHIFT_TIME_EXHAUSTED",
            ReasonCode::MaxStopsReached => "MAX_STOPS_REACHED",
            ReasonCode::LockedVehicleInfeasible => "LOCKED_VEHICLE_INFEASIBLE",
            ReasonCode::OffRoadNetwork => "OFF_ROAD_NETWORK",
        }
    }

    /// A generic sentence (the solver's [`super::Unassigned::message`] is more specific).
    pub fn message(self) -> &'static str {
        match self {
            ReasonCode::DemandExceedsCapacity => {
                "Its demand exceeds the capacity of every vehicle."
            }
            ReasonCode::WindowUnreachable => {
                "No vehicle can reach it within its time windows and finish within its shift."
            }
            ReasonCode::NoVehicle => "There is no vehicle to plan with.",
            ReasonCode::CapacityExhausted => {
                "It fits a vehicle alone, but the vehicles that could serve it are full."
            }
            ReasonCode::ShiftTimeExhausted => {
                "It fits a vehicle alone, but no route that could serve it has the time left."
            }
            ReasonCode::MaxStopsReached => {
                "It fits a vehicle alone, but those vehicles reached their maximum number of stops."
            }
            ReasonCode::LockedVehicleInfeasible => {
                "It is locked to a vehicle that cannot serve it even alone."
            }
            ReasonCode::OffRoadNetwork => "Its location is not reachable on the road network.",
        }
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why vehicle `v` cannot serve stop `s` on its own (`None`: it can).
fn alone(inst: &Inst, v: usize, s: usize) -> Option<String> {
    let p = inst.p;
    let veh = &p.vehicles[v];
    let stop = &p.stops[s];
    for (u, (d, c)) in stop.demand.iter().zip(&veh.capacity).enumerate() {
        if d > c {
            return Some(format!("demand {d} in unit {u} exceeds its capacity {c}"));
        }
    }
    if veh.max_stops == Some(0) {
        return Some("it may serve no stop".into());
    }
    let arrival = veh.shift_start + p.durations.get(veh.start, stop.location);
    let Some(start) = earliest_start(&inst.windows[s], arrival) else {
        return Some(format!(
            "it arrives at {arrival} at the earliest, after every window closes"
        ));
    };
    let back = match veh.end {
        End::Return(e) => p.durations.get(stop.location, e),
        End::Open => 0,
    };
    let end = start + stop.service + back;
    if end > veh.shift_end {
        return Some(format!(
            "serving it would end the shift at {end}, after {}",
            veh.shift_end
        ));
    }
    None
}

fn insertable(inst: &Inst, sol: &Sol, v: usize, s: usize, lim: Limits) -> bool {
    let r = &sol.routes[v];
    fits(inst, v, r, s, lim)
        && (0..=r.stops.len()).any(|pos| insertion_delta(inst, v, r, s, pos, lim.time).is_some())
}

/// The reason code and sentence for missing stop `s` in `sol`.
pub fn classify(inst: &Inst, sol: &Sol, s: usize) -> (ReasonCode, String) {
    let p = inst.p;
    let stop = &p.stops[s];
    if let Some(v) = stop.locked_vehicle {
        if let Some(why) = alone(inst, v, s) {
            return (
                ReasonCode::LockedVehicleInfeasible,
                format!(
                    "Stop {} is locked to vehicle {}, which cannot serve it even alone: {why}.",
                    stop.id, p.vehicles[v].id
                ),
            );
        }
    }
    if p.vehicles.is_empty() {
        return (
            ReasonCode::NoVehicle,
            format!("Stop {} cannot be planned: there is no vehicle.", stop.id),
        );
    }
    let candidates: Vec<usize> = match stop.locked_vehicle {
        Some(v) => vec![v],
        None => (0..p.vehicles.len())
            .filter(|&v| alone(inst, v, s).is_none())
            .collect(),
    };
    if candidates.is_empty() {
        let units = stop.demand.len();
        for u in 0..units {
            let largest = p.vehicles.iter().map(|v| v.capacity[u]).max().unwrap_or(0);
            if stop.demand[u] > largest {
                return (
                    ReasonCode::DemandExceedsCapacity,
                    format!(
                        "Stop {} needs {} in unit {u}, more than the largest vehicle capacity ({largest}).",
                        stop.id, stop.demand[u]
                    ),
                );
            }
        }
        let example = alone(inst, 0, s).unwrap_or_default();
        return (
            ReasonCode::WindowUnreachable,
            format!(
                "No vehicle can serve stop {} within its time windows and its shift, even alone (vehicle {}: {example}).",
                stop.id, p.vehicles[0].id
            ),
        );
    }
    let names = |vs: &[usize]| {
        let mut names: Vec<&str> = vs.iter().map(|&v| p.vehicles[v].id.as_str()).collect();
        names.truncate(5);
        names.join(", ")
    };
    let relaxed = |lim: Limits| candidates.iter().any(|&v| insertable(inst, sol, v, s, lim));
    let no_cap = Limits {
        capacity: false,
        ..ALL_LIMITS
    };
    let no_time = Limits {
        time: false,
        ..ALL_LIMITS
    };
    let no_max = Limits {
        max_stops: false,
        ..ALL_LIMITS
    };
    if relaxed(no_cap) {
        let unit = (0..stop.demand.len())
            .find(|&u| {
                candidates
                    .iter()
                    .all(|&v| sol.routes[v].load[u] + stop.demand[u] > p.vehicles[v].capacity[u])
            })
            .unwrap_or(0);
        return (
            ReasonCode::CapacityExhausted,
            format!(
                "Stop {} fits a vehicle alone, but every vehicle with time for it is full in unit {unit} (needs {}; vehicles: {}).",
                stop.id, stop.demand.get(unit).copied().unwrap_or(0), names(&candidates)
            ),
        );
    }
    if relaxed(no_max) {
        return (
            ReasonCode::MaxStopsReached,
            format!(
                "Stop {} fits a vehicle alone, but the vehicles that could take it reached their maximum stops ({}).",
                stop.id,
                names(&candidates)
            ),
        );
    }
    let both = !relaxed(no_time);
    (
        ReasonCode::ShiftTimeExhausted,
        format!(
            "Stop {} fits a vehicle alone, but no route that could serve it has the time left within its windows and the shift{} ({}).",
            stop.id,
            if both { ", nor the capacity" } else { "" },
            names(&candidates)
        ),
    )
}
