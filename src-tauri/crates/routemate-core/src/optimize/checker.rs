//! The solution checker every test runs: each node exactly once, ends and locks respected, and
//! the length recomputed from the matrix.

use super::{route_length, RouteEnd, RouteProblem, RouteSolution};
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum CheckError {
    #[error("order has {got} nodes, expected {expected}")]
    WrongLength { got: usize, expected: usize },
    #[error("node {0} is out of range or visited twice")]
    BadNode(usize),
    #[error("route must start at node {0}")]
    WrongStart(usize),
    #[error("route must end at node {0}")]
    WrongEnd(usize),
    #[error("locked node {node} must be at position {position}")]
    LockBroken { node: usize, position: usize },
    #[error("reported length {reported} differs from recomputed {actual}")]
    WrongLengthValue { reported: u64, actual: u64 },
}

/// Validates `solution` against `problem`; returns the recomputed length.
pub fn check(problem: &RouteProblem, solution: &RouteSolution) -> Result<u64, CheckError> {
    let n = problem.matrix.len();
    let order = &solution.order;
    if order.len() != n {
        return Err(CheckError::WrongLength {
            got: order.len(),
            expected: n,
        });
    }
    let mut seen = vec![false; n];
    for &v in order {
        if v >= n || seen[v] {
            return Err(CheckError::BadNode(v));
        }
        seen[v] = true;
    }
    if n > 0 && order[0] != problem.start {
        return Err(CheckError::WrongStart(problem.start));
    }
    if let RouteEnd::Fixed(e) = problem.end {
        if order.last() != Some(&e) {
            return Err(CheckError::WrongEnd(e));
        }
    }
    let stops = valid_locks(problem);
    for (node, position) in stops {
        if order.get(position + 1) != Some(&node) {
            return Err(CheckError::LockBroken { node, position });
        }
    }
    let actual = route_length(problem, order);
    if actual != solution.length {
        return Err(CheckError::WrongLengthValue {
            reported: solution.length,
            actual,
        });
    }
    Ok(actual)
}

/// The locks that make sense: stop nodes in range, each node and position used once. Others are
/// ignored by [`super::solve`] and by [`check`].
pub(crate) fn valid_locks(problem: &RouteProblem) -> Vec<(usize, usize)> {
    let n = problem.matrix.len();
    let stops = stop_count(problem);
    let mut used_nodes = vec![false; n];
    let mut used_pos = vec![false; stops];
    let mut out = Vec::new();
    for &(node, pos) in &problem.locked {
        let is_stop = node < n && node != problem.start && problem.end != RouteEnd::Fixed(node);
        if is_stop && pos < stops && !used_nodes[node] && !used_pos[pos] {
            used_nodes[node] = true;
            used_pos[pos] = true;
            out.push((node, pos));
        }
    }
    out
}

fn stop_count(problem: &RouteProblem) -> usize {
    let n = problem.matrix.len();
    match problem.end {
        RouteEnd::Fixed(e) if e != problem.start && e < n => n.saturating_sub(2),
        _ => n.saturating_sub(1),
    }
}
