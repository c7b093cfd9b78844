//! The route optimizer: given a distance matrix, a start, an end mode and locked positions, find a
//! short visiting order within a wall-clock budget.
//!
//! The interface ([`RouteProblem`], [`SolveOptions`], [`solve`], [`check`]) is what the import
//! pipeline and the CLI call; the search behind it may change freely.
//!
//! How: open and fixed-end routes become closed tours with a pinned edge (`reduction`); tiny
//! ones are enumerated; the rest get a nearest-neighbour tour, alpha-nearness candidate lists
//! (`cost`) and an iterated local search (`ils`) whose local search (`search`, `moves`) does
//! 2-opt, sequential 3-opt, Or-opt and a Lin–Kernighan chain of 3-opt steps on an array tour
//! (`tour`), kicked by segment-local double bridges. An asymmetric matrix (one-way streets) is
//! detected and searched as a symmetric tour over in/out node pairs (`asymmetric`), so the
//! route is judged on its directed length. Routes with locked stops use a simpler
//! position-preserving search (`locks`). Every quadratic step and the search itself stop at the
//! deadline (budget minus a margin of 5 % + 1 ms, at most 50 ms), returning the best valid order so far.

mod asymmetric;
mod checker;
mod cost;
mod ils;
mod locks;
mod matrix;
mod moves;
mod reduction;
pub mod rng;
mod search;
mod tour;

pub use checker::{check, CheckError};
pub use matrix::DistanceMatrix;

use std::time::{Duration, Instant};

/// Where the route ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteEnd {
    /// Back to the start node (closed tour).
    Closed,
    /// Wherever the last stop is (open path).
    Open,
    /// At this node, distinct from the start.
    Fixed(usize),
}

/// One optimization request. Nodes are `0..matrix.len()`; every node except `start` (and the
/// `Fixed` end) is a stop to visit exactly once. `matrix.get(i, j)` is the cost of going from
/// `i` to `j`: it may differ from `get(j, i)` (one-way streets), and the route is then optimised
/// and measured in its direction of travel.
#[derive(Debug, Clone)]
pub struct RouteProblem {
    pub matrix: DistanceMatrix,
    pub start: usize,
    pub end: RouteEnd,
    /// `(node, position)`: the stop `node` must be visited at `position` (0-based among the
    /// visited stops, i.e. excluding the start and a fixed end).
    pub locked: Vec<(usize, usize)>,
}

/// Search settings.
#[derive(Debug, Clone, Copy)]
pub struct SolveOptions {
    /// Wall-clock budget; the best valid order is returned by budget + 5 %.
    pub time_limit: Duration,
    pub seed: u64,
}

impl SolveOptions {
    /// The interactive default for `n` stops (≤ 100 ms up to 200 stops).
    pub fn for_size(n: usize) -> Self {
        SolveOptions {
            time_limit: budget_for(n),
            seed: 1,
        }
    }
}

/// The budget the import pipeline uses for `n` stops. Small jobs get less: an import answers
/// within tens of milliseconds, and such routes converge in a fraction of it.
pub fn budget_for(n: usize) -> Duration {
    match n {
        0..=30 => Duration::from_millis(20),
        31..=100 => Duration::from_millis(50),
        101..=200 => Duration::from_millis(100),
        201..=1000 => Duration::from_millis(1000),
        _ => Duration::from_millis(2000),
    }
}

/// A solved route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSolution {
    /// Every node once: `start` first, then the stops in visiting order, then the `Fixed` end if
    /// any. For `Closed` the return edge to `start` is implied (not repeated).
    pub order: Vec<usize>,
    /// Total length (the matrix's unit, e.g. metres or seconds) in the direction of travel,
    /// including the return edge for `Closed`.
    pub length: u64,
}

/// Optimizes `problem` within `opts.time_limit`. Never fails: invalid locks (out of range,
/// duplicates) are ignored, and the result is always a valid order.
pub fn solve(problem: &RouteProblem, opts: &SolveOptions) -> RouteSolution {
    solve_with(problem, opts, None)
}

/// [`solve`] that also stops after `max_kicks` perturbations of the iterated local search:
/// with a generous time limit the result then depends only on the problem and the seed.
pub fn solve_with(
    problem: &RouteProblem,
    opts: &SolveOptions,
    max_kicks: Option<u64>,
) -> RouteSolution {
    let started = Instant::now();
    // A margin (5 % + 1 ms, at most 50 ms) for the work between two looks at the clock, what
    // follows the search (route extraction, the final check) and the scheduler on a busy
    // machine: the promise is budget + 5 %.
    let margin = (opts.time_limit / 20 + Duration::from_millis(1))
        .min(Duration::from_millis(50))
        .min(opts.time_limit / 2);
    let deadline = started + opts.time_limit - margin;
    let order = search_order(problem, deadline, max_kicks, opts.seed);
    let solution = RouteSolution {
        length: route_length(problem, &order),
        order,
    };
    if check(problem, &solution).is_ok() {
        return solution;
    }
    // Only a malformed problem (start or fixed end out of range, end equal to start) gets here.
    let order = fallback_order(problem);
    RouteSolution {
        length: route_length(problem, &order),
        order,
    }
}

/// Start, the other nodes in index order, the fixed end last: valid whenever the problem is.
fn fallback_order(problem: &RouteProblem) -> Vec<usize> {
    let n = problem.matrix.len();
    let end = match problem.end {
        RouteEnd::Fixed(e) if e < n && e != problem.start => Some(e),
        _ => None,
    };
    let mut order: Vec<usize> = Vec::with_capacity(n);
    if problem.start < n {
        order.push(problem.start);
    }
    order.extend((0..n).filter(|&v| v != problem.start && Some(v) != end));
    order.extend(end);
    order
}

fn search_order(
    problem: &RouteProblem,
    deadline: Instant,
    max_kicks: Option<u64>,
    seed: u64,
) -> Vec<usize> {
    let n = problem.matrix.len();
    let end_ok = match problem.end {
        RouteEnd::Fixed(e) => e < n && e != problem.start,
        _ => true,
    };
    if problem.start >= n || !end_ok || n <= 2 {
        return fallback_order(problem);
    }
    let locks = checker::valid_locks(problem);
    if locks.is_empty() {
        return free_order(problem, deadline, max_kicks, seed);
    }
    let free_stops = n - 1 - usize::from(matches!(problem.end, RouteEnd::Fixed(_))) - locks.len();
    if free_stops <= locks::EXACT_MAX_FREE {
        return locks::exact(problem, &locks);
    }
    // Half the time for the route without locks, which then guides the search with them.
    let now = Instant::now();
    let halfway = now + deadline.saturating_duration_since(now) / 2;
    let guide = free_order(problem, halfway, max_kicks, seed);
    locks::solve(problem, &locks, &guide, deadline, max_kicks, seed)
}

/// The search for `problem` ignoring its locks.
fn free_order(
    problem: &RouteProblem,
    deadline: Instant,
    max_kicks: Option<u64>,
    seed: u64,
) -> Vec<usize> {
    // Every quadratic step gives up at the deadline; the best valid order so far is returned.
    if !problem.matrix.is_symmetric() {
        return asymmetric::free_order(problem, deadline, max_kicks, seed)
            .unwrap_or_else(|| fallback_order(problem));
    }
    let Some(closed) = reduction::Closed::new(problem, deadline) else {
        return fallback_order(problem);
    };
    let tour = if closed.costs.len() <= 9 {
        reduction::exact(&closed.costs, closed.start)
    } else {
        let Some(init) = closed.nearest_neighbour(deadline) else {
            return fallback_order(problem);
        };
        let limits = ils::Limits {
            deadline,
            max_kicks,
            stall_kicks: 5_000 + 200 * closed.costs.len() as u64,
        };
        ils::optimize(&closed.costs, &init, &limits, seed)
    };
    closed.route(&tour)
}

/// Length of `order` under `problem`'s end mode.
pub fn route_length(problem: &RouteProblem, order: &[usize]) -> u64 {
    let m = &problem.matrix;
    let mut total: u64 = order.windows(2).map(|w| m.get(w[0], w[1]) as u64).sum();
    if problem.end == RouteEnd::Closed && order.len() > 1 {
        total += m.get(order[order.len() - 1], order[0]) as u64;
    }
    total
}
