//! Iterated local search (Lourenço, Martin & Stützle 2003) on a closed tour: local search to a
//! local optimum, then repeatedly a segment-local double-bridge kick, local search only around
//! the kick's endpoints (don't-look bits), and acceptance when not worse, else undo.

use super::cost::{Costs, Neighbours};
use super::rng::Rng;
use super::search::{exchange, LocalSearch};
use super::tour::Tour;
use std::time::Instant;

/// When to stop searching.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub deadline: Instant,
    /// At most this many kicks; with a generous deadline the result depends only on the seed.
    pub max_kicks: Option<u64>,
    /// Stop after this many kicks in a row without improvement.
    pub stall_kicks: u64,
}

/// Candidate neighbours per node.
fn neighbour_count(n: usize) -> usize {
    if n <= 1000 {
        10
    } else {
        8
    }
}

/// The longest segment a kick moves: local, so the local search repairs it cheaply.
fn kick_segment_max(n: usize) -> usize {
    ((n - 2) / 3).clamp(1, 30)
}

/// Improves the closed tour `init` over `costs` (at least 8 nodes) until a limit is hit.
pub(crate) fn optimize(costs: &Costs, init: &[usize], limits: &Limits, seed: u64) -> Vec<usize> {
    let n = costs.len();
    let mut rng = Rng::new(seed);
    let neigh = Neighbours::nearest(costs, neighbour_count(n));
    let mut tour = Tour::new(init);
    if Instant::now() >= limits.deadline {
        return init.to_vec();
    }
    let mut ls = LocalSearch::new(costs, &neigh);
    for v in init {
        ls.push(*v);
    }
    let deadline = limits.deadline;
    let mut out_of_time = || Instant::now() >= deadline;
    ls.run(&mut tour, &mut out_of_time);
    tour.commit();
    let seg_max = kick_segment_max(n);
    let (mut kicks, mut stall) = (0u64, 0u64);
    loop {
        if limits.max_kicks.is_some_and(|m| kicks >= m) || stall >= limits.stall_kicks {
            break;
        }
        if kicks % 4 == 0 && out_of_time() {
            break;
        }
        kicks += 1;
        stall += 1;
        let mut delta = kick(&mut tour, costs, &mut rng, seg_max, &mut ls);
        delta -= ls.run(&mut tour, &mut out_of_time);
        if delta <= 0 {
            if delta < 0 {
                stall = 0;
            }
            tour.commit();
        } else {
            ls.clear();
            tour.undo_to(0);
        }
    }
    tour.order().collect()
}

/// Segment-local double bridge: two adjacent random segments of at most `seg_max` nodes swap
/// places (`A B C D → A C B D`). Returns the length change and queues the six endpoints.
fn kick(t: &mut Tour, costs: &Costs, rng: &mut Rng, seg_max: usize, ls: &mut LocalSearch) -> i64 {
    let n = t.len();
    let p = rng.below(n);
    let l1 = 1 + rng.below(seg_max);
    let l2 = 1 + rng.below(seg_max);
    let a = t.at(p);
    let b1 = t.at(p + 1);
    let bl = t.at(p + l1);
    let c1 = t.at(p + l1 + 1);
    let cl = t.at(p + l1 + l2);
    let d = t.at(p + l1 + l2 + 1);
    let c = |x, y| costs.get(x, y);
    let delta = c(a, c1) + c(cl, b1) + c(bl, d) - c(a, b1) - c(bl, c1) - c(cl, d);
    exchange(t, [a, b1, cl, d, bl, c1], true);
    for v in [a, b1, bl, c1, cl, d] {
        ls.push(v);
    }
    delta
}
