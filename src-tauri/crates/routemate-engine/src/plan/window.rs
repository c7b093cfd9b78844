//! Single jobs whose stops carry time windows: ordered by the day planner's solver with one
//! vehicle, so the windows are honoured, not only warned about after the fact. A stop that cannot
//! be fitted (its window unreachable from the day start, or crowded out by the others) still
//! belongs to the job: it is visited after the others and carries a `STOP_CANNOT_FIT` warning
//! with the solver's reason. Jobs without windows, and jobs with locked stops (the locks fix
//! positions, which the solver does not model), keep the single-route optimizer.

use super::costs;
use crate::settings::Settings;
use routemate_core::model::{warning_codes, Stop, Warning};
use routemate_core::optimize::{RouteEnd, SolveOptions as RouteOptions};
use routemate_core::validate::parse_hhmm;
use routemate_core::vrp::{self, End, Objective, Problem, SolveOptions, Vehicle};
use std::time::Duration;

/// A single job has no shift end: two days is beyond any route.
const NO_SHIFT_END_S: i64 = 2 * 24 * 3600;

/// True when the placed stops of a job are planned here rather than by the route optimizer.
pub fn applies(placed: &[Stop]) -> bool {
    placed.iter().any(|s| s.time_window.is_some()) && !placed.iter().any(|s| s.locked)
}

/// The visiting order (`0`, the start, first; node `i` is `placed[i - 1]`) over `travel`, every
/// stop visited once; warns for each stop the windows could not fit.
pub fn order(
    travel: costs::Travel,
    placed: &[Stop],
    end: RouteEnd,
    settings: &Settings,
    time_limit: Option<Duration>,
    warnings: &mut Vec<Warning>,
) -> Vec<usize> {
    let day_start = i64::from(parse_hhmm(&settings.day_start).unwrap_or(480)) * 60;
    let problem = Problem {
        durations: travel.durations,
        distances: travel.distances,
        vehicles: vec![Vehicle {
            id: "driver".into(),
            capacity: vec![i64::MAX / 4],
            shift_start: day_start,
            shift_end: NO_SHIFT_END_S,
            start: 0,
            end: match end {
                RouteEnd::Open => End::Open,
                _ => End::Return(0),
            },
            max_stops: None,
            fixed_cost: 0,
        }],
        stops: placed
            .iter()
            .enumerate()
            .map(|(i, s)| vrp::Stop {
                id: s.external_stop_id.clone(),
                location: i + 1,
                demand: vec![i64::from(s.parcel_count)],
                service: (s.service_minutes * 60.0).round() as i64,
                windows: s
                    .time_window
                    .iter()
                    .filter_map(|w| Some((parse_hhmm(&w.start)?, parse_hhmm(&w.end)?)))
                    .map(|(a, b)| (i64::from(a) * 60, i64::from(b) * 60))
                    .collect(),
                priority: vrp::Priority::Normal,
                locked_vehicle: None,
            })
            .collect(),
        objective: Objective::default(),
    };
    let budget = time_limit.unwrap_or_else(|| RouteOptions::for_size(placed.len()).time_limit);
    let opts = SolveOptions {
        time_limit: budget,
        seed: 1,
    };
    let plan = match vrp::solve(&problem, &opts) {
        Ok(p) => p,
        Err(e) => {
            // The problem is built here from validated stops; a refusal is a bug, not the
            // caller's: keep the import order rather than fail the import.
            tracing::error!(error = %e, "the window planner refused a single job");
            return (0..=placed.len()).collect();
        }
    };
    let mut order = vec![0];
    if let Some(r) = plan.routes.first() {
        order.extend(r.stops.iter().map(|s| s + 1));
    }
    for u in &plan.unassigned {
        order.push(u.stop + 1);
        warnings.push(Warning::stop(
            warning_codes::STOP_CANNOT_FIT,
            &placed[u.stop].external_stop_id,
            format!("{}: {} It is visited after the others.", u.code, u.message),
        ));
    }
    order
}
