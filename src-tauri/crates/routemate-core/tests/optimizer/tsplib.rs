//! The optimizer on TSPLIB instances with proven optima: it reaches them, pinned lengths at a
//! fixed seed and kick cap, and identical output for identical input.

use super::support::{closed, generous, optimal_tour, tsplib};
use routemate_core::optimize::{check, solve_with};

#[test]
fn berlin52_reaches_its_proven_optimum() {
    let Some(inst) = tsplib("berlin52") else {
        return;
    };
    let p = closed(inst);
    let sol = solve_with(&p, &generous(1), Some(20_000));
    assert_eq!(check(&p, &sol), Ok(7542));
}

#[test]
fn kroa100_reaches_its_proven_optimum() {
    let Some(inst) = tsplib("kroA100") else {
        return;
    };
    let p = closed(inst);
    let sol = solve_with(&p, &generous(1), Some(20_000));
    assert_eq!(check(&p, &sol), Ok(21282));
}

#[test]
fn golden_lengths_at_seed_7_and_5_kicks() {
    // Pinned from a run of this implementation: a change in any move, the kick or the random
    // stream shows up here. Each is within 0.3 % of the proven optimum (in comments).
    for (name, pinned) in [("ch150", GOLDEN_CH150), ("kroA200", GOLDEN_KROA200)] {
        let Some(inst) = tsplib(name) else { return };
        let p = closed(inst);
        let sol = solve_with(&p, &generous(7), Some(5));
        assert_eq!(check(&p, &sol), Ok(pinned), "{name}");
    }
}

const GOLDEN_CH150: u64 = 6528; // optimum 6528
const GOLDEN_KROA200: u64 = 29445; // optimum 29368

#[test]
fn same_seed_same_route_and_other_seed_still_valid() {
    let Some(inst) = tsplib("kroA200") else {
        return;
    };
    let p = closed(inst);
    let a = solve_with(&p, &generous(42), Some(3_000));
    let b = solve_with(&p, &generous(42), Some(3_000));
    assert_eq!(a, b);
    let c = solve_with(&p, &generous(43), Some(3_000));
    assert!(check(&p, &c).is_ok());
    // Within 2 % of the optimum 29368 either way.
    for s in [&a, &c] {
        assert!(s.length <= 29368 * 102 / 100, "{}", s.length);
    }
}

#[test]
fn tour_starts_at_node_zero_and_visits_every_node_once() {
    let Some(inst) = tsplib("pr1002") else { return };
    let p = closed(inst);
    let sol = solve_with(&p, &generous(1), Some(500));
    assert_eq!(sol.order[0], 0);
    // Within 5 % of the optimum 259045 after only 500 kicks.
    let len = check(&p, &sol).expect("valid");
    assert!(len <= 259_045 * 105 / 100, "{len}");
}

#[test]
fn locks_taken_from_the_optimal_tour_still_allow_a_near_optimal_route() {
    // Lock three stops where the published optimal tour of berlin52 has them: that tour stays
    // feasible, so a good search around the locks lands close to 7542.
    let (Some(inst), Some(opt)) = (tsplib("berlin52"), optimal_tour("berlin52")) else {
        return;
    };
    let at = opt.iter().position(|&v| v == 0).unwrap();
    let from_zero: Vec<usize> = (0..52).map(|k| opt[(at + k) % 52]).collect();
    let locked: Vec<(usize, usize)> = [5, 20, 40].iter().map(|&p| (from_zero[p + 1], p)).collect();
    let mut p = closed(inst);
    p.locked = locked.clone();
    let sol = solve_with(&p, &generous(1), Some(2_000));
    let len = check(&p, &sol).expect("valid");
    for (node, pos) in locked {
        assert_eq!(sol.order[pos + 1], node);
    }
    assert!(len <= 7542 * 101 / 100, "{len}");
}
