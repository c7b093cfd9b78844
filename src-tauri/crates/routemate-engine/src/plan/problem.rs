//! A day plan request as the solver's model: places (the depot, the drivers' starts and ends, the
//! placed stops) into one travel matrix, drivers into vehicles (capacity units, shift, start and
//! end, maximum stops, fixed cost), stops into solver stops (demand, service, windows, priority,
//! lock). The same building serves planning, the stored plan's check and the desktop's live
//! feasibility of a dispatcher's moves, so all three see the same problem.

use super::costs::{self, Travel};
use crate::error::EngineError;
use crate::settings::Settings;
use crate::travel::TravelCosts;
use routemate_core::dayplan::{
    Balance, FleetDriver, PlanObjective, PlanOptions, PlanStopInput, Priority,
};
use routemate_core::geo::LatLng;
use routemate_core::validate::parse_hhmm;
use routemate_core::vrp::{self, End, Matrix, Metric, Objective, Problem, Vehicle};

/// No limit in a unit the driver does not state.
const UNLIMITED: i64 = 1_000_000_000_000;
/// A shift without an end runs to 23:59.
const DAY_END_S: i64 = (23 * 60 + 59) * 60;

/// The solver's problem and how its indices map back to the request.
pub struct Built {
    pub problem: Problem,
    /// Solver stop → request stop index.
    pub stop_index: Vec<usize>,
    /// The place of each matrix location.
    pub points: Vec<LatLng>,
    pub source: &'static str,
}

/// Builds the problem for `stops` (with `points[i]` the place of request stop `i`, `None` when
/// it could not be placed: such stops are left out of the problem) over `drivers`.
///
/// Errors: a driver without a start when there is no depot (`drivers[i].start`).
pub fn build(
    drivers: &[FleetDriver],
    stops: &[PlanStopInput],
    points: &[Option<LatLng>],
    depot: Option<LatLng>,
    options: &PlanOptions,
    settings: &Settings,
    travel_costs: &dyn TravelCosts,
) -> Result<Built, EngineError> {
    let mut places: Vec<LatLng> = Vec::new();
    let mut place = |p: LatLng| {
        places.push(p);
        places.len() - 1
    };
    let depot_loc = depot.map(&mut place);
    let day_start = i64::from(parse_hhmm(&settings.day_start).unwrap_or(480)) * 60;
    let units = Units::of(drivers, stops);
    let mut vehicles = Vec::with_capacity(drivers.len());
    for (i, d) in drivers.iter().enumerate() {
        let start = match (d.start, depot_loc) {
            (Some(p), _) => place(LatLng::new(p.lat, p.lng)),
            (None, Some(l)) => l,
            (None, None) => {
                return Err(EngineError::invalid_field(
                    &format!("drivers.{i}.start"),
                    "required",
                    "no depot in the plan or in Settings: give the driver a start",
                ))
            }
        };
        let end = match (d.open_end, d.end) {
            (true, _) => End::Open,
            (false, Some(p)) => End::Return(place(LatLng::new(p.lat, p.lng))),
            (false, None) => End::Return(start),
        };
        let hhmm =
            |s: &Option<String>| s.as_deref().and_then(parse_hhmm).map(|m| i64::from(m) * 60);
        vehicles.push(Vehicle {
            id: d.email.clone(),
            capacity: units.capacity(d),
            shift_start: hhmm(&d.shift_start).unwrap_or(day_start),
            shift_end: hhmm(&d.shift_end).unwrap_or(DAY_END_S),
            start,
            end,
            max_stops: d.max_stops.map(|m| m as usize),
            // Minutes of driving → the metric's seconds.
            fixed_cost: d.fixed_cost.map_or(0, |c| (c * 60.0).round() as i64),
        });
    }
    let mut solver_stops = Vec::new();
    let mut stop_index = Vec::new();
    for (i, s) in stops.iter().enumerate() {
        let Some(p) = points.get(i).copied().flatten() else {
            continue;
        };
        let location = place(p);
        let windows = s
            .windows()
            .iter()
            .filter_map(|w| Some((parse_hhmm(&w.start)?, parse_hhmm(&w.end)?)))
            .map(|(a, b)| (i64::from(a) * 60, i64::from(b) * 60))
            .collect();
        let service = s.stop.service_minutes.unwrap_or(settings.service_minutes);
        solver_stops.push(vrp::Stop {
            id: s.stop.external_stop_id.clone(),
            location,
            demand: units.demand(s),
            service: (service * 60.0).round() as i64,
            windows,
            priority: match s.priority {
                Priority::Must => vrp::Priority::Must,
                Priority::Normal => vrp::Priority::Normal,
            },
            locked_vehicle: s
                .driver_email
                .as_deref()
                .and_then(|e| drivers.iter().position(|d| d.email == e)),
        });
        stop_index.push(i);
    }
    let Travel {
        durations,
        distances,
        source,
    } = costs::travel(&places, travel_costs);
    let problem = Problem {
        durations,
        distances,
        vehicles,
        stops: solver_stops,
        objective: Objective {
            fewer_vehicles: options.objective == PlanObjective::Vehicles,
            minimise: Metric::Duration,
            balance: match options.balance {
                Balance::None => None,
                Balance::Stops => Some(vrp::Balance::Stops),
                Balance::Duration => Some(vrp::Balance::Duration),
            },
        },
    };
    Ok(Built {
        problem,
        stop_index,
        points: places,
        source,
    })
}

/// The capacity units in play: parcels always; kilograms (in tens of grams) and cubic metres (in
/// litres) when a driver or a stop states them.
struct Units {
    kg: bool,
    m3: bool,
}

impl Units {
    fn of(drivers: &[FleetDriver], stops: &[PlanStopInput]) -> Units {
        Units {
            kg: drivers.iter().any(|d| d.capacity_kg.is_some())
                || stops.iter().any(|s| s.weight_kg.is_some()),
            m3: drivers.iter().any(|d| d.capacity_m3.is_some())
                || stops.iter().any(|s| s.volume_m3.is_some()),
        }
    }

    fn capacity(&self, d: &FleetDriver) -> Vec<i64> {
        let mut c = vec![d.capacity.map_or(UNLIMITED, i64::from)];
        if self.kg {
            c.push(
                d.capacity_kg
                    .map_or(UNLIMITED, |k| (k * 100.0).floor() as i64),
            );
        }
        if self.m3 {
            c.push(
                d.capacity_m3
                    .map_or(UNLIMITED, |v| (v * 1000.0).floor() as i64),
            );
        }
        c
    }

    fn demand(&self, s: &PlanStopInput) -> Vec<i64> {
        let mut d = vec![i64::from(s.stop.parcel_count)];
        if self.kg {
            d.push(s.weight_kg.map_or(0, |k| (k * 100.0).ceil() as i64));
        }
        if self.m3 {
            d.push(s.volume_m3.map_or(0, |v| (v * 1000.0).ceil() as i64));
        }
        d
    }
}

/// The route of `vehicle` through solver stops `stops` in this order, scheduled as the solver
/// does (leave as late as the first service allows, then serve each stop as early as its
/// windows allow). An infeasible order still gets a schedule: [`vrp::check`] names the broken
/// rule.
pub fn route_of(p: &Problem, vehicle: usize, stops: Vec<usize>) -> vrp::Route {
    let v = &p.vehicles[vehicle];
    let earliest = |s: usize, t: i64| {
        let w = &p.stops[s].windows;
        if w.is_empty() {
            return t;
        }
        w.iter()
            .filter(|&&(_, b)| b >= t)
            .map(|&(a, _)| a.max(t))
            .min()
            .unwrap_or(t)
    };
    let departure = match stops.first() {
        Some(&s) => {
            let leg = p.durations.get(v.start, p.stops[s].location);
            (earliest(s, v.shift_start + leg) - leg).max(v.shift_start)
        }
        None => v.shift_start,
    };
    let (mut time, mut loc, mut distance) = (departure, v.start, 0i64);
    let mut load = vec![0i64; v.capacity.len()];
    let mut starts = Vec::with_capacity(stops.len());
    for &s in &stops {
        let stop = &p.stops[s];
        distance += p.distances.get(loc, stop.location);
        let start = earliest(s, time + p.durations.get(loc, stop.location));
        starts.push(start);
        time = start + stop.service;
        loc = stop.location;
        for (l, d) in load.iter_mut().zip(&stop.demand) {
            *l += d;
        }
    }
    let end_time = match v.end {
        End::Return(e) => {
            distance += p.distances.get(loc, e);
            time + p.durations.get(loc, e)
        }
        End::Open => time,
    };
    vrp::Route {
        vehicle,
        stops,
        starts,
        departure,
        end_time,
        load,
        duration: end_time - departure,
        distance,
    }
}

/// A plan of the given routes and unassigned stops with its cost as the checker counts it.
pub fn plan_of(
    p: &Problem,
    routes: Vec<vrp::Route>,
    unassigned: Vec<vrp::Unassigned>,
) -> vrp::Plan {
    let metric = match p.objective.minimise {
        Metric::Duration => &p.durations,
        Metric::Distance => &p.distances,
    };
    let cost = routes
        .iter()
        .map(|r| {
            let v = &p.vehicles[r.vehicle];
            let mut loc = v.start;
            let mut c = v.fixed_cost;
            for &s in &r.stops {
                c += metric.get(loc, p.stops[s].location);
                loc = p.stops[s].location;
            }
            if let End::Return(e) = v.end {
                c += metric.get(loc, e);
            }
            c
        })
        .sum();
    vrp::Plan {
        routes,
        unassigned,
        cost,
    }
}

/// An empty matrix (no places).
pub fn empty_matrix() -> Matrix {
    Matrix::from_fn(0, |_, _| 0)
}
