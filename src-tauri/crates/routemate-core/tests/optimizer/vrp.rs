//! The multi-vehicle planner (`routemate_core::vrp`): on random small instances (windows,
//! capacities in several units, shifts, open ends, max stops, locks, asymmetric matrices) every
//! plan passes the independent checker; tiny ones match brute force; reasons are classified
//! right on constructed cases; malformed problems name the field.

use proptest::prelude::*;
use routemate_core::optimize::rng::Rng;
use routemate_core::vrp::{
    check, solve, End, Matrix, Metric, Objective, Plan, Priority, Problem, ReasonCode,
    SolveOptions, Stop, Vehicle, VrpError,
};
use std::time::Duration;

fn opts(ms: u64, seed: u64) -> SolveOptions {
    SolveOptions {
        time_limit: Duration::from_millis(ms),
        seed,
    }
}

/// A random instance with every feature; `tiny` keeps it brute-forceable (≤ 6 stops, 2 vehicles).
fn random_problem(seed: u64, tiny: bool) -> Problem {
    let mut rng = Rng::new(seed);
    let stops_n = if tiny {
        1 + rng.below(6)
    } else {
        1 + rng.below(25)
    };
    let locs = stops_n + 2;
    let pts: Vec<(i64, i64)> = (0..locs)
        .map(|_| (rng.below(40) as i64, rng.below(40) as i64))
        .collect();
    let asym: Vec<i64> = (0..locs * locs).map(|_| rng.below(4) as i64).collect();
    let euclid = |a: usize, b: usize| {
        let (dx, dy) = (pts[a].0 - pts[b].0, pts[a].1 - pts[b].1);
        ((dx * dx + dy * dy) as f64).sqrt().round() as i64
    };
    let durations = Matrix::from_fn(locs, |a, b| {
        euclid(a, b) + if a == b { 0 } else { asym[a * locs + b] }
    });
    let distances = Matrix::from_fn(locs, |a, b| {
        10 * euclid(a, b) + if a == b { 0 } else { asym[b * locs + a] }
    });
    let units = 1 + rng.below(2);
    let vehicles_n = if tiny {
        1 + rng.below(2)
    } else {
        1 + rng.below(4)
    };
    let vehicles = (0..vehicles_n)
        .map(|k| {
            let start = rng.below(2);
            let shift_start = rng.below(20) as i64;
            Vehicle {
                id: format!("van{k}"),
                capacity: (0..units).map(|_| 3 + rng.below(12) as i64).collect(),
                shift_start,
                shift_end: shift_start + 60 + rng.below(300) as i64,
                start,
                end: if rng.below(3) == 0 {
                    End::Open
                } else {
                    End::Return(rng.below(2))
                },
                max_stops: if rng.below(3) == 0 {
                    Some(rng.below(5))
                } else {
                    None
                },
                fixed_cost: if rng.below(2) == 0 {
                    0
                } else {
                    rng.below(100) as i64
                },
            }
        })
        .collect();
    let stops = (0..stops_n)
        .map(|i| {
            let windows = (0..rng.below(3))
                .map(|_| {
                    let a = rng.below(250) as i64;
                    (a, a + rng.below(80) as i64)
                })
                .collect();
            Stop {
                id: format!("s{i}"),
                location: i + 2,
                demand: (0..units).map(|_| rng.below(6) as i64).collect(),
                service: rng.below(15) as i64,
                windows,
                priority: if rng.below(4) == 0 {
                    Priority::Must
                } else {
                    Priority::Normal
                },
                locked_vehicle: if rng.below(6) == 0 {
                    Some(rng.below(vehicles_n))
                } else {
                    None
                },
            }
        })
        .collect();
    Problem {
        durations,
        distances,
        vehicles,
        stops,
        objective: Objective {
            fewer_vehicles: rng.below(2) == 0,
            minimise: if rng.below(2) == 0 {
                Metric::Duration
            } else {
                Metric::Distance
            },
            balance: None,
        },
    }
}

/// Earliest-schedule feasibility and metric of one route (stops in order) for vehicle `v`.
fn route_cost(p: &Problem, v: usize, route: &[usize]) -> Option<i64> {
    let veh = &p.vehicles[v];
    if veh.max_stops.is_some_and(|m| route.len() > m) {
        return None;
    }
    let metric = match p.objective.minimise {
        Metric::Duration => &p.durations,
        Metric::Distance => &p.distances,
    };
    let mut load = vec![0; veh.capacity.len()];
    let (mut t, mut loc, mut cost) = (veh.shift_start, veh.start, veh.fixed_cost);
    for &s in route {
        let stop = &p.stops[s];
        if stop.locked_vehicle.is_some_and(|l| l != v) {
            return None;
        }
        let arrival = t + p.durations.get(loc, stop.location);
        let start = if stop.windows.is_empty() {
            arrival
        } else {
            stop.windows
                .iter()
                .filter(|w| w.1 >= arrival)
                .map(|w| w.0.max(arrival))
                .min()?
        };
        cost += metric.get(loc, stop.location);
        t = start + stop.service;
        loc = stop.location;
        for (l, d) in load.iter_mut().zip(&stop.demand) {
            *l += d;
        }
    }
    let end = match veh.end {
        End::Return(e) => {
            cost += metric.get(loc, e);
            t + p.durations.get(loc, e)
        }
        End::Open => t,
    };
    (end <= veh.shift_end && load.iter().zip(&veh.capacity).all(|(l, c)| l <= c)).then_some(cost)
}

fn permutations(items: &mut Vec<usize>, k: usize, f: &mut impl FnMut(&[usize])) {
    if k == items.len() {
        f(items);
        return;
    }
    for i in k..items.len() {
        items.swap(k, i);
        permutations(items, k + 1, f);
        items.swap(k, i);
    }
}

/// The best (missing must, missing, vehicles if counted, cost) by enumeration (2 vehicles at most).
fn brute_force(p: &Problem) -> (i64, i64, i64, i64) {
    let n = p.stops.len();
    let k = p.vehicles.len();
    let mut best = (i64::MAX, 0, 0, 0);
    let mut assign = vec![0usize; n];
    loop {
        // 0 = unassigned, 1.. = vehicle index + 1.
        let mut best_per = vec![Some(0i64); k];
        for (v, slot) in best_per.iter_mut().enumerate() {
            let mut mine: Vec<usize> = (0..n).filter(|&s| assign[s] == v + 1).collect();
            if mine.is_empty() {
                continue;
            }
            let mut b: Option<i64> = None;
            permutations(&mut mine, 0, &mut |perm| {
                if let Some(c) = route_cost(p, v, perm) {
                    b = Some(b.map_or(c, |x| x.min(c)));
                }
            });
            *slot = b;
        }
        if best_per.iter().all(Option::is_some) {
            let missing: Vec<usize> = (0..n).filter(|&s| assign[s] == 0).collect();
            let must = missing
                .iter()
                .filter(|&&s| p.stops[s].priority == Priority::Must)
                .count();
            let used = (0..k).filter(|&v| assign.contains(&(v + 1))).count();
            let key = (
                must as i64,
                missing.len() as i64,
                if p.objective.fewer_vehicles {
                    used as i64
                } else {
                    0
                },
                best_per.iter().map(|c| c.unwrap()).sum::<i64>(),
            );
            best = best.min(key);
        }
        // Next assignment in base k+1.
        let mut i = 0;
        while i < n && assign[i] == k {
            assign[i] = 0;
            i += 1;
        }
        if i == n {
            return best;
        }
        assign[i] += 1;
    }
}

fn key_of(p: &Problem, plan: &Plan) -> (i64, i64, i64, i64) {
    let must = plan
        .unassigned
        .iter()
        .filter(|u| p.stops[u.stop].priority == Priority::Must)
        .count() as i64;
    let used = if p.objective.fewer_vehicles {
        plan.routes.len() as i64
    } else {
        0
    };
    (must, plan.unassigned.len() as i64, used, plan.cost)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_plan_passes_the_checker(seed in any::<u64>()) {
        let p = random_problem(seed, false);
        let plan = solve(&p, &opts(30, seed)).unwrap();
        prop_assert_eq!(check(&p, &plan), Ok(()));
        for u in &plan.unassigned {
            prop_assert!(!u.message.is_empty());
            if let Some(v) = p.stops[u.stop].locked_vehicle {
                prop_assert!(matches!(
                    u.code,
                    ReasonCode::LockedVehicleInfeasible | ReasonCode::CapacityExhausted
                        | ReasonCode::ShiftTimeExhausted | ReasonCode::MaxStopsReached
                ), "locked to {v}: {:?}", u.code);
            }
        }
    }

    #[test]
    fn tiny_plans_are_optimal(seed in any::<u64>()) {
        let p = random_problem(seed, true);
        let plan = solve(&p, &opts(150, seed)).unwrap();
        prop_assert_eq!(check(&p, &plan), Ok(()));
        prop_assert_eq!(key_of(&p, &plan), brute_force(&p));
    }
}

/// A line of locations 0..n at unit spacing: durations = distances = |i - j| * step.
fn line(n: usize, step: i64) -> Matrix {
    Matrix::from_fn(n, |a, b| (a as i64 - b as i64).abs() * step)
}

fn vehicle(id: &str, capacity: i64, shift_end: i64) -> Vehicle {
    Vehicle {
        id: id.into(),
        capacity: vec![capacity],
        shift_start: 0,
        shift_end,
        start: 0,
        end: End::Return(0),
        max_stops: None,
        fixed_cost: 0,
    }
}

fn stop(id: &str, location: usize, demand: i64) -> Stop {
    Stop {
        id: id.into(),
        location,
        demand: vec![demand],
        service: 0,
        windows: vec![],
        priority: Priority::Normal,
        locked_vehicle: None,
    }
}

fn problem(vehicles: Vec<Vehicle>, stops: Vec<Stop>, step: i64) -> Problem {
    let n = 1 + stops.iter().map(|s| s.location).max().unwrap_or(0);
    Problem {
        durations: line(n, step),
        distances: line(n, step),
        vehicles,
        stops,
        objective: Objective::default(),
    }
}

/// Solves, checks, and returns each unassigned stop's id and code.
fn reasons(p: &Problem) -> Vec<(String, ReasonCode, String)> {
    let plan = solve(p, &opts(40, 1)).unwrap();
    assert_eq!(check(p, &plan), Ok(()));
    plan.unassigned
        .iter()
        .map(|u| (p.stops[u.stop].id.clone(), u.code, u.message.clone()))
        .collect()
}

#[test]
fn demand_over_every_capacity() {
    let p = problem(
        vec![vehicle("a", 10, 1000), vehicle("b", 20, 1000)],
        vec![stop("big", 1, 25), stop("ok", 2, 5)],
        1,
    );
    let r = reasons(&p);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(
        (r[0].0.as_str(), r[0].1),
        ("big", ReasonCode::DemandExceedsCapacity)
    );
    assert!(
        r[0].2.contains("20"),
        "names the largest capacity: {}",
        r[0].2
    );
}

#[test]
fn window_unreachable_within_every_shift() {
    let mut late = stop("late", 3, 1);
    late.windows = vec![(0, 5)]; // 30 away: nobody is there by 5
    let p = problem(
        vec![vehicle("a", 10, 1000), vehicle("b", 10, 1000)],
        vec![late],
        10,
    );
    let r = reasons(&p);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].1, ReasonCode::WindowUnreachable, "{r:?}");
    // A shift too short to get there and back is unreachable too.
    let p = problem(vec![vehicle("short", 10, 50)], vec![stop("far", 3, 1)], 10);
    assert_eq!(reasons(&p)[0].1, ReasonCode::WindowUnreachable);
}

#[test]
fn fits_alone_but_capacity_exhausted() {
    let p = problem(
        vec![vehicle("a", 10, 1000)],
        vec![stop("x", 1, 6), stop("y", 2, 6)],
        1,
    );
    let r = reasons(&p);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].1, ReasonCode::CapacityExhausted, "{r:?}");
    assert!(r[0].2.contains("unit 0"), "{}", r[0].2);
}

#[test]
fn fits_alone_but_shift_time_exhausted() {
    let (mut x, mut y) = (stop("x", 1, 1), stop("y", 2, 1));
    x.service = 50;
    y.service = 50;
    let p = problem(vec![vehicle("a", 10, 80)], vec![x, y], 1);
    let r = reasons(&p);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].1, ReasonCode::ShiftTimeExhausted, "{r:?}");
}

#[test]
fn max_stops_reached() {
    let mut v = vehicle("a", 10, 1000);
    v.max_stops = Some(1);
    let p = problem(vec![v], vec![stop("x", 1, 1), stop("y", 2, 1)], 1);
    assert_eq!(reasons(&p)[0].1, ReasonCode::MaxStopsReached);
}

#[test]
fn lock_to_a_vehicle_that_cannot_serve_it() {
    let mut s = stop("locked", 1, 8);
    s.locked_vehicle = Some(0);
    let p = problem(
        vec![vehicle("small", 5, 1000), vehicle("big", 10, 1000)],
        vec![s],
        1,
    );
    let r = reasons(&p);
    assert_eq!(r[0].1, ReasonCode::LockedVehicleInfeasible, "{r:?}");
    assert!(r[0].2.contains("small"), "{}", r[0].2);
}

#[test]
fn locks_are_kept_even_when_another_vehicle_is_cheaper() {
    let mut s = stop("locked", 1, 1);
    s.locked_vehicle = Some(1);
    let mut far = vehicle("far", 10, 1000);
    far.start = 5;
    far.end = End::Return(5);
    let p = problem(
        vec![vehicle("near", 10, 1000), far],
        vec![s, stop("pad", 5, 1)],
        1,
    );
    let plan = solve(&p, &opts(40, 3)).unwrap();
    assert_eq!(check(&p, &plan), Ok(()));
    let r = plan.routes.iter().find(|r| r.stops.contains(&0)).unwrap();
    assert_eq!(r.vehicle, 1);
}

#[test]
fn must_stops_win_over_normal_ones() {
    let mut must = stop("must", 2, 6);
    must.priority = Priority::Must;
    let p = problem(
        vec![vehicle("a", 10, 1000)],
        vec![stop("n1", 1, 5), stop("n2", 1, 5), must],
        1,
    );
    let plan = solve(&p, &opts(40, 1)).unwrap();
    assert_eq!(check(&p, &plan), Ok(()));
    assert!(plan.routes[0].stops.contains(&2), "{plan:?}");
}

#[test]
fn several_windows_open_end_and_units() {
    let mut s = stop("x", 4, 1);
    s.windows = vec![(0, 1), (100, 110)]; // the first is unreachable, the second is not
    s.demand = vec![1, 7];
    let mut v = vehicle("a", 10, 200);
    v.capacity = vec![10, 7];
    v.end = End::Open;
    let mut p = problem(vec![v], vec![s], 10);
    let plan = solve(&p, &opts(20, 1)).unwrap();
    assert_eq!(check(&p, &plan), Ok(()));
    assert_eq!(plan.routes[0].starts, vec![100]);
    assert_eq!(plan.routes[0].end_time, 100, "open end: no return leg");
    // One more kilogram than the second unit holds.
    p.stops[0].demand = vec![1, 8];
    assert_eq!(reasons(&p)[0].1, ReasonCode::DemandExceedsCapacity);
}

#[test]
fn malformed_problems_name_the_field() {
    let mut p = problem(vec![vehicle("a", 10, 100)], vec![stop("x", 1, 1)], 1);
    p.stops[0].location = 9;
    let e = solve(&p, &opts(10, 1)).unwrap_err();
    assert!(
        matches!(
            e,
            VrpError::LocationOutOfRange {
                field: "location",
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("`x`"), "{e}");
    p.stops[0].location = 1;
    p.stops[0].demand = vec![1, 2];
    let e = solve(&p, &opts(10, 1)).unwrap_err();
    assert!(
        matches!(
            e,
            VrpError::UnitMismatch {
                field: "demand",
                ..
            }
        ),
        "{e}"
    );
    p.stops[0].demand = vec![1];
    p.stops[0].windows = vec![(5, 3)];
    let e = solve(&p, &opts(10, 1)).unwrap_err();
    assert!(e.to_string().contains("windows"), "{e}");
    p.stops[0].windows = vec![];
    p.stops[0].locked_vehicle = Some(4);
    assert!(matches!(
        solve(&p, &opts(10, 1)),
        Err(VrpError::LockOutOfRange { vehicle: 4, .. })
    ));
    p.stops[0].locked_vehicle = None;
    p.distances = line(3, 1);
    assert!(matches!(
        solve(&p, &opts(10, 1)),
        Err(VrpError::MatrixMismatch { .. })
    ));
    assert!(Matrix::new(2, vec![0; 3]).is_err());
}

#[test]
fn the_checker_catches_broken_plans() {
    let p = problem(
        vec![vehicle("a", 10, 1000)],
        vec![stop("x", 1, 6), stop("y", 2, 6)],
        1,
    );
    let plan = solve(&p, &opts(20, 1)).unwrap();
    assert_eq!(check(&p, &plan), Ok(()));
    let mut twice = plan.clone();
    let first = twice.routes[0].stops[0];
    twice.routes[0].stops.push(first);
    twice.routes[0].starts.push(500);
    assert!(check(&p, &twice).is_err());
    let mut over = plan.clone();
    let u = over.unassigned.pop().unwrap();
    over.routes[0].stops.push(u.stop);
    over.routes[0].starts.push(500);
    assert!(check(&p, &over).is_err(), "capacity 10 < 12");
    let mut lost = plan;
    lost.unassigned.clear();
    assert!(
        check(&p, &lost).is_err(),
        "a stop neither routed nor unassigned"
    );
}
