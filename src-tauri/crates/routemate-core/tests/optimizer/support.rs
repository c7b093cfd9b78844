//! Helpers for the optimizer tests: the shared benchmark instances as closed-tour problems.

use routemate_bench::instance::{self, Instance};
use routemate_core::optimize::{RouteEnd, RouteProblem, SolveOptions};
use std::time::Duration;

/// The TSPLIB instance `name`, or `None` (after one line saying so) without the shared folder.
pub fn tsplib(name: &str) -> Option<Instance> {
    instance::for_test(&format!("tsplib/{name}.tsp"))
}

/// The published optimal tour of TSPLIB instance `name`, 0-based.
pub fn optimal_tour(name: &str) -> Option<Vec<usize>> {
    let path = routemate_bench::shared::for_test(&format!("bench/data/tsplib/{name}.opt.tour"))?;
    Some(instance::parse_tour(
        &std::fs::read_to_string(path).unwrap(),
    ))
}

pub fn closed(inst: Instance) -> RouteProblem {
    RouteProblem {
        matrix: inst.matrix,
        start: 0,
        end: RouteEnd::Closed,
        locked: vec![],
    }
}

/// A budget no test run reaches, so that the kick cap alone ends the search.
pub fn generous(seed: u64) -> SolveOptions {
    SolveOptions {
        time_limit: Duration::from_secs(600),
        seed,
    }
}
