//! Route planning for one job: straight-line matrix × road factor, the optimizer (or the
//! dispatcher's own order), then sequence numbers, legs, ETAs and totals.

use crate::settings::Settings;
use routemate_core::geo::LatLng;
use routemate_core::model::{warning_codes, Optimization, Stop, Warning};
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

/// Plans `stops` from `depot`. Stops without coordinates are left out of the route (sequence
/// `None`) and kept at the end; locked stops keep their sequence.
pub fn plan(
    stops: Vec<Stop>,
    depot: Option<LatLng>,
    return_to_depot: bool,
    settings: &Settings,
    mode: PlanMode,
) -> Plan {
    let started = Instant::now();
    let (mut placed, unplaced): (Vec<Stop>, Vec<Stop>) = stops
        .into_iter()
        .partition(|s| s.lat.is_some() && s.lng.is_some());
    // The current order (by sequence, new stops last) is the starting point and the KeepOrder order.
    placed.sort_by_key(|s| s.sequence.unwrap_or(u32::MAX));

    // Node 0 is the depot, or a free start point (zero distance to every stop) when there is none.
    let mut points = Vec::with_capacity(placed.len() + 1);
    points.push(depot.unwrap_or(LatLng::new(0.0, 0.0)));
    points.extend(
        placed
            .iter()
            .map(|s| LatLng::new(s.lat.unwrap_or(0.0), s.lng.unwrap_or(0.0))),
    );
    let mut matrix = DistanceMatrix::haversine(&points, settings.road_factor);
    if depot.is_none() {
        matrix = free_start(matrix);
    }
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
    let mut warnings = Vec::new();
    let (order, algorithm) = match mode {
        // Stops with time windows: the day planner's solver with one vehicle honours them.
        PlanMode::Optimize { time_limit } if crate::plan::window::applies(&placed) => {
            let m = &problem.matrix;
            let order =
                crate::plan::window::order(m, &placed, end, settings, time_limit, &mut warnings);
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

    let speed_m_per_min = settings.average_speed_kmh * 1000.0 / 60.0;
    let day_start = parse_hhmm(&settings.day_start).unwrap_or(480) as f64;
    let mut clock_min = day_start;
    let mut total_m: u64 = 0;
    let mut total_min = 0.0;
    let mut prev = 0usize;
    let mut slots: Vec<Option<Stop>> = placed.into_iter().map(Some).collect();
    let mut routed = Vec::with_capacity(n);
    for (seq, &node) in order.iter().skip(1).enumerate() {
        let mut stop = slots[node - 1]
            .take()
            .expect("optimizer visits each stop once");
        let leg_m = problem.matrix.get(prev, node);
        let leg_min = leg_m as f64 / speed_m_per_min;
        clock_min += leg_min;
        total_m += leg_m as u64;
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
        stop.leg_distance_km = Some(round(leg_m as f64 / 1000.0, 3));
        stop.leg_duration_minutes = Some(round(leg_min, 1));
        stop.eta = Some(hhmm(clock_min));
        clock_min += stop.service_minutes;
        total_min += stop.service_minutes;
        routed.push(stop);
        prev = node;
    }
    if end == RouteEnd::Closed && n > 0 {
        let back = problem.matrix.get(prev, 0);
        total_m += back as u64;
        total_min += back as f64 / speed_m_per_min;
    }
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
            total_distance_km: round(total_m as f64 / 1000.0, 2),
            total_duration_minutes: round(total_min, 1),
            distance_source: "straight_line_estimate".into(),
            estimate: true,
            road_factor: settings.road_factor,
            average_speed_kmh: settings.average_speed_kmh,
            routed_stops: n,
            unplaced_stops: unplaced_count,
            algorithm: algorithm.into(),
            elapsed_ms: started.elapsed().as_millis() as u64,
        },
        warnings,
    }
}

/// Makes node 0 a free start: zero distance to and from every stop.
fn free_start(m: DistanceMatrix) -> DistanceMatrix {
    let n = m.len();
    let mut data = Vec::with_capacity(n * n);
    for i in 0..n {
        for j in 0..n {
            data.push(if i == 0 || j == 0 { 0 } else { m.get(i, j) });
        }
    }
    DistanceMatrix::from_vec(n, data)
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
