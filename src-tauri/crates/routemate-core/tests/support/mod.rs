//! Shared helpers for the optimizer tests: locating the shared benchmark data and loading it.

#![allow(dead_code)]

use routemate_core::optimize::instance::{parse_delivery, parse_tsplib, Instance};
use routemate_core::optimize::{RouteEnd, RouteProblem, SolveOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `ROUTEMATE_SHARED`, else the first ancestor of the crate holding `shared/spec`.
pub fn shared_dir() -> PathBuf {
    if let Ok(p) = std::env::var("ROUTEMATE_SHARED") {
        return PathBuf::from(p);
    }
    let mut d = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
    loop {
        if d.join("shared/spec").is_dir() {
            return d.join("shared");
        }
        assert!(d.pop(), "shared data not found; set ROUTEMATE_SHARED");
    }
}

pub fn tsplib(name: &str) -> Instance {
    let path = shared_dir().join(format!("bench/data/tsplib/{name}.tsp"));
    parse_tsplib(&std::fs::read_to_string(&path).expect("read tsplib")).expect("parse tsplib")
}

pub fn delivery(name: &str) -> Instance {
    let path = shared_dir().join(format!("bench/data/delivery/{name}.json"));
    parse_delivery(&std::fs::read_to_string(&path).expect("read json")).expect("parse delivery")
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
