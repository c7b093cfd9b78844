//! Route planning for one job: the travel-cost matrix (road pack or straight-line estimate, see
//! [`crate::travel`]), the optimizer on durations (or the dispatcher's own order), then sequence
//! numbers, legs (with road lines), ETAs and totals.

use crate::settings::Settings;
use crate::travel::{CostMatrix, DistanceSource, TravelCosts, MAX_SNAP_M};
use routemate_core::geo::LatLng;
use routemate_core::model::{warning_codes, Leg, Optimization, Stop, Warning};
use routemate_core::optimize::{self, DistanceMatrix, RouteEnd, RouteProblem, SolveOptions};
use routemate_core::validate::parse_hhmm;
use std::time::{Duration, Instant};

/// How the order of the placed stops is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanMode {
    /// Run the optimizer around the locked stops.
    Optimize { time_limit: Option<Duration> },
    /// Keep the current order of the placed stops (a dispatcher's manual reorder).
    KeepOrder,
}

/// The result of planning: stops in route order (unplaced last), totals, and timing warnings.
pub struct Plan {
    pub stops: Vec<Stop>,
    pub optimization: Optimization,
    pub warnings: Vec<Warning>,
}

/// Plans `stops` from `depot` on the travel costs `costs` (durations are minimised). Stops
/// without coordinates are left out of the route (sequence `None`) and kept at the end; locked
/// stops keep their sequence.
pub fn plan(
    stops: Vec<Stop>,
    depot: Option<LatLng>,
    return_to_depot: bool,
    settings: &Settings,
    costs: &dyn TravelCosts,
    mode: PlanMode,
) -> Plan {
    let started = Instant::now();
    let (mut placed, unplaced): (Vec<Stop>, Vec<Stop>) = stops
        .into_iter()
        .partition(|s| s.lat.is_some() && s.lng.is_some());
    // The current order (by sequence, new stops last) is the starting point and the KeepOrder order.
    placed.sort_by_key(|s| s.sequence.unwrap_or(u32::MAX));

    // Node 0 is the depot, or a free start point (zero cost to every stop) when there is none;
    // only real places go to the travel costs.
    let mut points = Vec::with_capacity(placed.len() + 1);
    points.extend(depot);
    points.extend(
        placed
            .iter()
            .map(|s| LatLng::new(s.lat.unwrap_or(0.0), s.lng.unwrap_or(0.0))),
    );
    let costs_m = costs.matrix(&points);
    let mut warnings = off_network_warnings(&costs_m, depot.is_some(), &placed);
    let legs_cost = NodeCosts {
        m: &costs_m,
        free_start: depot.is_none(),
    };
    let matrix = legs_cost.optimizer_matrix(placed.len() + 1);
    let end = if depot.is_some() && return_to_depot {
        RouteEnd::Closed
    } else {
        RouteEnd::Open
    };

    let n = placed.len();
    let locked: Vec<(usize, usize)> = placed
        .iter()
        .enumerate()
        .filter(|(_, s)| s.locked)
        .filter_map(|(i, s)| Some((i + 1, (s.sequence? as usize).checked_sub(1)?)))
        .filter(|&(_, pos)| pos < n)
        .collect();
    let problem = RouteProblem {
        matrix,
        start: 0,
        end,
        locked,
    };
    let (order, algorithm) = match mode {
        // Stops with time windows: the day planner's solver with one vehicle honours them.
        PlanMode::Optimize { time_limit } if crate::plan::window::applies(&placed) => {
            let travel = crate::plan::costs::from_fn(
                n + 1,
                |a, b| {
                    let (m, min) = legs_cost.leg(a, b);
                    (m, min * 60.0)
                },
                costs_m.source.as_str(),
            );
            let order = crate::plan::window::order(
                travel,
                &placed,
                end,
                settings,
                time_limit,
                &mut warnings,
            );
            (order, "time_windows")
        }
        PlanMode::Optimize { time_limit } => {
            let mut opts = SolveOptions::for_size(n);
            if let Some(t) = time_limit {
                opts.time_limit = t;
            }
            (optimize::solve(&problem, &opts).order, "local_search")
        }
        PlanMode::KeepOrder => ((0..=n).collect(), "manual"),
    };

    let day_start = parse_hhmm(&settings.day_start).unwrap_or(480) as f64;
    let mut clock_min = day_start;
    let mut total_m = 0.0;
    let mut total_min = 0.0;
    let mut prev = 0usize;
    // Each leg's ends (stop id, or None for the depot; place) and (metres, minutes).
    let mut legs: Vec<LegEnds> = Vec::with_capacity(n + 1);
    let mut prev_end: End = (None, depot);
    let mut slots: Vec<Option<Stop>> = placed.into_iter().map(Some).collect();
    let mut routed = Vec::with_capacity(n);
    for (seq, &node) in order.iter().skip(1).enumerate() {
        let mut stop = slots[node - 1]
            .take()
            .expect("optimizer visits each stop once");
        let (leg_m, leg_min) = legs_cost.leg(prev, node);
        let end: End = (
            Some(stop.external_stop_id.clone()),
            Some(LatLng::new(
                stop.lat.unwrap_or(0.0),
                stop.lng.unwrap_or(0.0),
            )),
        );
        if !(prev == 0 && depot.is_none()) {
            legs.push((prev_end, end.clone(), (leg_m, leg_min)));
        }
        prev_end = end;
        clock_min += leg_min;
        total_m += leg_m;
        total_min += leg_min;
        if let Some(w) = &stop.time_window {
            let (open, close) = (parse_hhmm(&w.start), parse_hhmm(&w.end));
            if let Some(open) = open.map(f64::from).filter(|&o| o > clock_min) {
                total_min += open - clock_min;
                clock_min = open;
            }
            if close.is_some_and(|c| clock_min > c as f64) {
                warnings.push(Warning::stop(
                    warning_codes::TIME_WINDOW_MISSED,
                    &stop.external_stop_id,
                    format!(
                        "planned arrival {} is after the window end {}",
                        hhmm(clock_min),
                        w.end
                    ),
                ));
            }
        }
        stop.sequence = Some(seq as u32 + 1);
        stop.leg_distance_km = Some(round(leg_m / 1000.0, 3));
        stop.leg_duration_minutes = Some(round(leg_min, 1));
        stop.eta = Some(hhmm(clock_min));
        clock_min += stop.service_minutes;
        total_min += stop.service_minutes;
        routed.push(stop);
        prev = node;
    }
    if end == RouteEnd::Closed && n > 0 {
        let (back_m, back_min) = legs_cost.leg(prev, 0);
        total_m += back_m;
        total_min += back_min;
        legs.push((prev_end, (None, depot), (back_m, back_min)));
    }
    let legs = leg_list(legs, costs_m.source, costs);
    let unplaced_count = unplaced.len();
    for mut s in unplaced {
        s.sequence = None;
        s.leg_distance_km = None;
        s.leg_duration_minutes = None;
        s.eta = None;
        routed.push(s);
    }
    Plan {
        stops: routed,
        optimization: Optimization {
            total_distance_km: round(total_m / 1000.0, 2),
            total_duration_minutes: round(total_min, 1),
            distance_source: costs_m.source.as_str().into(),
            estimate: costs_m.source != DistanceSource::Road,
            road_factor: settings.road_factor,
            average_speed_kmh: settings.average_speed_kmh,
            routed_stops: n,
            unplaced_stops: unplaced_count,
            algorithm: algorithm.into(),
            elapsed_ms: started.elapsed().as_millis() as u64,
            legs,
        },
        warnings,
    }
}

/// Costs between the optimizer's nodes (0 = depot or free start, k = placed stop k - 1).
struct NodeCosts<'a> {
    m: &'a CostMatrix,
    free_start: bool,
}

impl NodeCosts<'_> {
    /// The index in the cost matrix of node `k`, or `None` for the free start.
    fn point(&self, k: usize) -> Option<usize> {
        match (self.free_start, k) {
            (true, 0) => None,
            (true, k) => Some(k - 1),
            (false, k) => Some(k),
        }
    }

    /// `(metres, minutes)` of the leg from node `a` to node `b`.
    fn leg(&self, a: usize, b: usize) -> (f64, f64) {
        match (self.point(a), self.point(b)) {
            (Some(i), Some(j)) => (self.m.distance_m(i, j), self.m.duration_s(i, j) / 60.0),
            _ => (0.0, 0.0),
        }
    }

    /// The optimizer minimises durations, in tenths of a second (asymmetric on roads).
    fn optimizer_matrix(&self, n: usize) -> DistanceMatrix {
        let mut data = Vec::with_capacity(n * n);
        for a in 0..n {
            for b in 0..n {
                let (_, min) = self.leg(a, b);
                data.push((min * 600.0).round().min(u32::MAX as f64) as u32);
            }
        }
        DistanceMatrix::from_vec(n, data)
    }
}

/// `STOP_OFF_ROAD_NETWORK` for each point the loaded road pack does not reach.
fn off_network_warnings(m: &CostMatrix, has_depot: bool, placed: &[Stop]) -> Vec<Warning> {
    let mut out = Vec::new();
    for (i, off) in m.off_network.iter().enumerate() {
        let Some(d) = off else { continue };
        let what = format!(
            "{d:.0} m from the nearest drivable road of the road pack (limit {MAX_SNAP_M:.0} m): \
             the job is planned on straight-line estimates"
        );
        match (has_depot, i) {
            (true, 0) => out.push(Warning::job(
                warning_codes::STOP_OFF_ROAD_NETWORK,
                format!("the depot is {what}"),
            )),
            (true, i) | (false, i) => {
                let k = if has_depot { i - 1 } else { i };
                out.push(Warning::stop(
                    warning_codes::STOP_OFF_ROAD_NETWORK,
                    &placed[k].external_stop_id,
                    format!("the stop is {what}"),
                ));
            }
        }
    }
    out
}

/// One end of a leg: the stop's id (`None`: the depot) and its place.
type End = (Option<String>, Option<LatLng>);
type LegEnds = (End, End, (f64, f64));

/// The route's legs in driving order, with road lines when the costs came from roads.
fn leg_list(ends: Vec<LegEnds>, source: DistanceSource, costs: &dyn TravelCosts) -> Vec<Leg> {
    let geometry = if source == DistanceSource::Road {
        let origin = LatLng::new(0.0, 0.0);
        let pairs: Vec<(LatLng, LatLng)> = ends
            .iter()
            .map(|(f, t, _)| (f.1.unwrap_or(origin), t.1.unwrap_or(origin)))
            .collect();
        costs.leg_geometry(&pairs)
    } else {
        vec![None; ends.len()]
    };
    ends.into_iter()
        .zip(geometry)
        .map(|((from, to, (m, min)), geometry)| Leg {
            from_stop: from.0,
            to_stop: to.0,
            distance_km: round(m / 1000.0, 3),
            duration_minutes: round(min, 1),
            geometry,
        })
        .collect()
}

fn hhmm(minutes: f64) -> String {
    let m = minutes.round() as i64;
    let (d, rem) = (m / 1440, m % 1440);
    let base = format!("{:02}:{:02}", rem / 60, rem % 60);
    if d > 0 {
        format!("{base}+{d}d")
    } else {
        base
    }
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}
