//! Property tests: on random instances (closed, open, fixed end, locks, duplicate points, tiny
//! sizes) every solution passes the checker, and tiny ones are optimal.

use proptest::prelude::*;
use routemate_core::optimize::{
    check, route_length, solve_with, DistanceMatrix, RouteEnd, RouteProblem, SolveOptions,
};
use std::time::Duration;

fn opts(seed: u64) -> SolveOptions {
    SolveOptions {
        time_limit: Duration::from_secs(600),
        seed,
    }
}

/// Points on a coarse grid, so duplicates and equal distances are common.
fn matrix(points: &[(i32, i32)]) -> DistanceMatrix {
    let n = points.len();
    let mut data = vec![0u32; n * n];
    for i in 0..n {
        for j in 0..n {
            let (dx, dy) = (
                (points[i].0 - points[j].0) as f64,
                (points[i].1 - points[j].1) as f64,
            );
            data[i * n + j] = ((dx * dx + dy * dy).sqrt() * 100.0).round() as u32;
        }
    }
    DistanceMatrix::from_vec(n, data)
}

fn end_mode(kind: u8, n: usize, start: usize, e: usize) -> RouteEnd {
    match kind % 3 {
        0 => RouteEnd::Closed,
        1 => RouteEnd::Open,
        _ if n >= 2 => RouteEnd::Fixed(if e % n == start {
            (start + 1) % n
        } else {
            e % n
        }),
        _ => RouteEnd::Closed,
    }
}

/// The best order by enumeration, honouring ends and locks.
fn brute_force(p: &RouteProblem) -> u64 {
    let n = p.matrix.len();
    let end = match p.end {
        RouteEnd::Fixed(e) => Some(e),
        _ => None,
    };
    let mut rest: Vec<usize> = (0..n).filter(|&v| v != p.start && Some(v) != end).collect();
    let mut best = u64::MAX;
    permutations(&mut rest, 0, &mut |perm| {
        if p.locked
            .iter()
            .any(|&(node, pos)| perm.get(pos) != Some(&node))
        {
            return;
        }
        let mut order = vec![p.start];
        order.extend_from_slice(perm);
        order.extend(end);
        best = best.min(route_length(p, &order));
    });
    best
}

fn permutations(a: &mut [usize], k: usize, f: &mut impl FnMut(&[usize])) {
    if k == a.len() {
        f(a);
        return;
    }
    for i in k..a.len() {
        a.swap(k, i);
        permutations(a, k + 1, f);
        a.swap(k, i);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_solution_passes_the_checker(
        points in prop::collection::vec((0i32..12, 0i32..12), 1..60),
        start in 0usize..60,
        kind in 0u8..3,
        e in 0usize..60,
        locks in prop::collection::vec((0usize..60, 0usize..60), 0..4),
        seed in 0u64..1000,
    ) {
        let n = points.len();
        let start = start % n;
        let problem = RouteProblem {
            matrix: matrix(&points),
            start,
            end: end_mode(kind, n, start, e),
            locked: locks.iter().map(|&(v, p)| (v % n, p % n)).collect(),
        };
        let sol = solve_with(&problem, &opts(seed), Some(100));
        prop_assert!(check(&problem, &sol).is_ok(), "{:?}", check(&problem, &sol));
    }

    #[test]
    fn tiny_routes_without_locks_are_optimal(
        points in prop::collection::vec((0i32..12, 0i32..12), 1..9),
        start in 0usize..9,
        kind in 0u8..3,
        e in 0usize..9,
    ) {
        let n = points.len();
        let start = start % n;
        let problem = RouteProblem {
            matrix: matrix(&points),
            start,
            end: end_mode(kind, n, start, e),
            locked: vec![],
        };
        let sol = solve_with(&problem, &opts(1), Some(100));
        prop_assert_eq!(check(&problem, &sol), Ok(brute_force(&problem)));
    }

    #[test]
    fn small_routes_with_locks_keep_them_and_are_near_optimal(
        points in prop::collection::vec((0i32..12, 0i32..12), 3..8),
        kind in 0u8..3,
        lock in (0usize..8, 0usize..8),
    ) {
        let n = points.len();
        let end = end_mode(kind, n, 0, n - 1);
        let stops = if matches!(end, RouteEnd::Fixed(_)) { n - 2 } else { n - 1 };
        let node = 1 + lock.0 % (n - 1);
        let problem = RouteProblem {
            matrix: matrix(&points),
            start: 0,
            end,
            locked: if end == RouteEnd::Fixed(node) { vec![] } else { vec![(node, lock.1 % stops)] },
        };
        let sol = solve_with(&problem, &opts(3), Some(200));
        let len = check(&problem, &sol);
        prop_assert!(len.is_ok(), "{:?}", len);
        prop_assert_eq!(len.unwrap(), brute_force(&problem));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn larger_routes_pass_the_checker_in_every_mode(
        points in prop::collection::vec((0i32..400, 0i32..400), 10..250),
        kind in 0u8..3,
        e in 0usize..250,
        locks in prop::collection::vec((0usize..250, 0usize..250), 0..6),
        seed in 0u64..1000,
    ) {
        let n = points.len();
        let problem = RouteProblem {
            matrix: matrix(&points),
            start: 0,
            end: end_mode(kind, n, 0, e),
            locked: locks.iter().map(|&(v, p)| (v % n, p % n)).collect(),
        };
        let sol = solve_with(&problem, &opts(seed), Some(30));
        prop_assert!(check(&problem, &sol).is_ok(), "{:?}", check(&problem, &sol));
    }

    #[test]
    fn asymmetric_matrices_get_valid_routes(
        raw in prop::collection::vec(0u32..10_000, 4..900),
        kind in 0u8..3,
        seed in 0u64..1000,
    ) {
        let n = (raw.len() as f64).sqrt() as usize;
        let mut data: Vec<u32> = raw[..n * n].to_vec();
        for i in 0..n {
            data[i * n + i] = 0;
        }
        let problem = RouteProblem {
            matrix: DistanceMatrix::from_vec(n, data),
            start: n - 1,
            end: end_mode(kind, n, n - 1, 0),
            locked: vec![],
        };
        let sol = solve_with(&problem, &opts(seed), Some(30));
        prop_assert!(check(&problem, &sol).is_ok(), "{:?}", check(&problem, &sol));
    }
}

#[test]
fn sizes_one_two_three_in_every_end_mode() {
    for n in 1..=3usize {
        let points: Vec<(i32, i32)> = (0..n as i32).map(|i| (i * 3, i * i)).collect();
        for end in [RouteEnd::Closed, RouteEnd::Open, RouteEnd::Fixed(n - 1)] {
            if end == RouteEnd::Fixed(0) {
                continue;
            }
            let p = RouteProblem {
                matrix: matrix(&points),
                start: 0,
                end,
                locked: vec![],
            };
            let sol = solve_with(&p, &opts(1), Some(10));
            assert_eq!(check(&p, &sol), Ok(brute_force(&p)), "n={n} {end:?}");
        }
    }
}

#[test]
fn open_and_fixed_routes_on_a_line_go_straight() {
    // Ten points on a line, start in the middle: the open route goes to the nearer end first.
    let points: Vec<(i32, i32)> = (0..10).map(|i| (i, 0)).collect();
    let open = RouteProblem {
        matrix: matrix(&points),
        start: 3,
        end: RouteEnd::Open,
        locked: vec![],
    };
    let sol = solve_with(&open, &opts(1), Some(500));
    assert_eq!(sol.order, vec![3, 2, 1, 0, 4, 5, 6, 7, 8, 9]);
    let fixed = RouteProblem {
        end: RouteEnd::Fixed(9),
        start: 0,
        ..open
    };
    let sol = solve_with(&fixed, &opts(1), Some(500));
    assert_eq!(sol.order, (0..10).collect::<Vec<_>>());
}

#[test]
fn locked_stops_keep_their_positions_on_a_larger_route() {
    let points: Vec<(i32, i32)> = (0..80).map(|i| ((i * 37) % 101, (i * 59) % 97)).collect();
    let locked = vec![(5, 0), (17, 40), (60, 78)];
    for end in [RouteEnd::Closed, RouteEnd::Open] {
        let p = RouteProblem {
            matrix: matrix(&points),
            start: 0,
            end,
            locked: locked.clone(),
        };
        let sol = solve_with(&p, &opts(1), Some(300));
        assert!(check(&p, &sol).is_ok());
        assert_eq!((sol.order[1], sol.order[41], sol.order[79]), (5, 17, 60));
    }
}
