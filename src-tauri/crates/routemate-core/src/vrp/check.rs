//! An independent solution checker: recomputes every schedule from the problem alone (no solver
//! state) and reports the first broken rule. Every test runs it on every plan.

use super::model::{End, Plan, Problem};
use thiserror::Error;

/// The first rule a plan breaks.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Violation {
    #[error("route {route}: vehicle {vehicle} does not exist or has two routes")]
    BadVehicle { route: usize, vehicle: usize },
    #[error("route {route} is empty")]
    EmptyRoute { route: usize },
    #[error("stop {stop} is out of range, or appears twice among routes and unassigned")]
    StopTwice { stop: usize },
    #[error("stop {stop} is neither routed nor listed as unassigned")]
    StopMissing { stop: usize },
    #[error("route {route}: stop {stop} is locked to vehicle {locked}, not {vehicle}")]
    Lock {
        route: usize,
        stop: usize,
        locked: usize,
        vehicle: usize,
    },
    #[error("route {route}: {stops} stops exceed the vehicle's maximum {max}")]
    MaxStops {
        route: usize,
        stops: usize,
        max: usize,
    },
    #[error("route {route}: load {load} exceeds capacity {capacity} in unit {unit}")]
    Capacity {
        route: usize,
        unit: usize,
        load: i64,
        capacity: i64,
    },
    #[error("route {route}: stop {stop} service starts at {start}, outside its windows or before arrival {arrival}")]
    Window {
        route: usize,
        stop: usize,
        start: i64,
        arrival: i64,
    },
    #[error("route {route}: departs at {departure}, before the shift starts at {shift_start}")]
    EarlyDeparture {
        route: usize,
        departure: i64,
        shift_start: i64,
    },
    #[error("route {route}: ends at {end}, after the shift ends at {shift_end}")]
    LateEnd {
        route: usize,
        end: i64,
        shift_end: i64,
    },
    #[error("route {route}: reported {field} {reported} differs from recomputed {actual}")]
    Reported {
        route: usize,
        field: &'static str,
        reported: i64,
        actual: i64,
    },
    #[error("plan cost {reported} differs from recomputed {actual}")]
    Cost { reported: i64, actual: i64 },
}

/// Checks every hard constraint of `plan` against `p`, and that its reported figures match.
pub fn check(p: &Problem, plan: &Plan) -> Result<(), Violation> {
    let mut seen = vec![false; p.stops.len()];
    let mut used = vec![false; p.vehicles.len()];
    let metric = match p.objective.minimise {
        super::Metric::Duration => &p.durations,
        super::Metric::Distance => &p.distances,
    };
    let mut cost = 0i64;
    for (r, route) in plan.routes.iter().enumerate() {
        let Some(v) = p
            .vehicles
            .get(route.vehicle)
            .filter(|_| !used[route.vehicle])
        else {
            return Err(Violation::BadVehicle {
                route: r,
                vehicle: route.vehicle,
            });
        };
        used[route.vehicle] = true;
        if route.stops.is_empty() {
            return Err(Violation::EmptyRoute { route: r });
        }
        if route.starts.len() != route.stops.len() {
            return Err(Violation::Reported {
                route: r,
                field: "starts length",
                reported: route.starts.len() as i64,
                actual: route.stops.len() as i64,
            });
        }
        if let Some(max) = v.max_stops.filter(|&m| route.stops.len() > m) {
            return Err(Violation::MaxStops {
                route: r,
                stops: route.stops.len(),
                max,
            });
        }
        let mut load = vec![0i64; v.capacity.len()];
        let mut loc = v.start;
        if route.departure < v.shift_start {
            return Err(Violation::EarlyDeparture {
                route: r,
                departure: route.departure,
                shift_start: v.shift_start,
            });
        }
        let mut time = route.departure;
        let mut distance = 0i64;
        cost += v.fixed_cost;
        for (k, &s) in route.stops.iter().enumerate() {
            if s >= seen.len() || seen[s] {
                return Err(Violation::StopTwice { stop: s });
            }
            seen[s] = true;
            let stop = &p.stops[s];
            if let Some(locked) = stop.locked_vehicle.filter(|&l| l != route.vehicle) {
                return Err(Violation::Lock {
                    route: r,
                    stop: s,
                    locked,
                    vehicle: route.vehicle,
                });
            }
            for (u, d) in stop.demand.iter().enumerate() {
                load[u] += d;
            }
            let arrival = time + p.durations.get(loc, stop.location);
            distance += p.distances.get(loc, stop.location);
            cost += metric.get(loc, stop.location);
            let start = route.starts[k];
            let in_window = stop.windows.is_empty()
                || stop.windows.iter().any(|&(a, b)| a <= start && start <= b);
            if start < arrival || !in_window {
                return Err(Violation::Window {
                    route: r,
                    stop: s,
                    start,
                    arrival,
                });
            }
            time = start + stop.service;
            loc = stop.location;
        }
        let end = match v.end {
            End::Return(e) => {
                distance += p.distances.get(loc, e);
                cost += metric.get(loc, e);
                time + p.durations.get(loc, e)
            }
            End::Open => time,
        };
        if end > v.shift_end {
            return Err(Violation::LateEnd {
                route: r,
                end,
                shift_end: v.shift_end,
            });
        }
        for (u, (&l, &c)) in load.iter().zip(&v.capacity).enumerate() {
            if l > c {
                return Err(Violation::Capacity {
                    route: r,
                    unit: u,
                    load: l,
                    capacity: c,
                });
            }
        }
        let reported = [
            ("distance", route.distance, distance),
            ("end_time", route.end_time, end),
            ("duration", route.duration, end - route.departure),
        ];
        for (field, reported, actual) in reported {
            if reported != actual {
                return Err(Violation::Reported {
                    route: r,
                    field,
                    reported,
                    actual,
                });
            }
        }
        if route.load != load {
            return Err(Violation::Reported {
                route: r,
                field: "load (unit 0)",
                reported: route.load.first().copied().unwrap_or(0),
                actual: load.first().copied().unwrap_or(0),
            });
        }
    }
    for u in &plan.unassigned {
        if u.stop >= seen.len() || seen[u.stop] {
            return Err(Violation::StopTwice { stop: u.stop });
        }
        seen[u.stop] = true;
    }
    if let Some(stop) = seen.iter().position(|s| !s) {
        return Err(Violation::StopMissing { stop });
    }
    if plan.cost != cost {
        return Err(Violation::Cost {
            reported: plan.cost,
            actual: cost,
        });
    }
    Ok(())
}
