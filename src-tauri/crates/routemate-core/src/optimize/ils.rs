//! Iterated local search (Lourenço, Martin & Stützle 2003) on a closed tour: local search to a
//! local optimum, then repeatedly a segment-local double-bridge kick, local search only around
//! the kick's endpoints (don't-look bits), and acceptance when not worse, else undo.

use super::cost::{Costs, Neighbours, PINNED};
use super::rng::Rng;
use super::search::LocalSearch;
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

/// Candidate neighbours per node (alpha-nearest): fewer on large instances, where the time
/// per kick matters more than the reach of each move (tuned on the shared benchmark).
fn neighbour_count(n: usize) -> usize {
    if n <= 1500 {
        8
    } else {
        6
    }
}

/// Steps of the Lin–Kernighan chain (each a sequential 3-opt move).
const LK_DEPTH: usize = 5;

/// The most stops an Or-opt move carries.
const OR_OPT_STOPS: usize = 3;

/// The longest segment a kick moves: local, so the local search repairs it cheaply.
fn kick_segment_max(n: usize) -> usize {
    ((n - 2) / 3).clamp(1, 100)
}

/// Kicks without a new best after which the search restarts from the best tour with a
/// double bridge over the whole tour (escapes basins that local kicks cannot leave).
fn restart_after(n: usize) -> u64 {
    (5 * n as u64).max(1_000)
}

/// Improves the closed tour `init` over `costs` (at least 8 nodes) until a limit is hit.
pub(crate) fn optimize(costs: &Costs, init: &[usize], limits: &Limits, seed: u64) -> Vec<usize> {
    let n = costs.len();
    let mut rng = Rng::new(seed);
    let Some(neigh) = Neighbours::alpha_nearest(costs, neighbour_count(n), limits.deadline) else {
        return init.to_vec();
    };
    let mut tour = Tour::new(init, costs);
    let mut ls = LocalSearch::new(costs, &neigh).with_lk_depth(LK_DEPTH);
    if costs.split {
        // Segments of whole in/out pairs: the same 1..=3 stops as on a symmetric tour.
        ls = ls.with_or_opt_max(2 * OR_OPT_STOPS);
    }
    for v in init {
        ls.push(*v);
    }
    let deadline = limits.deadline;
    let mut out_of_time = || Instant::now() >= deadline;
    ls.run(&mut tour, &mut out_of_time);
    tour.commit();
    let mut best: Vec<usize> = tour.order().collect();
    let mut cur = costs.tour_length(&best);
    let mut best_len = cur;
    let seg_max = kick_segment_max(n);
    let restart = restart_after(n);
    let (mut kicks, mut since_best) = (0u64, 0u64);
    loop {
        if limits.max_kicks.is_some_and(|m| kicks >= m) || since_best >= limits.stall_kicks {
            break;
        }
        if out_of_time() {
            break;
        }
        kicks += 1;
        since_best += 1;
        if since_best % restart == 0 {
            if cur > best_len {
                tour = Tour::new(&best, costs);
                cur = best_len;
            }
            let wide = (n - 2) / 3;
            cur += kick(&mut tour, costs, &mut rng, wide, &mut ls);
            cur -= ls.run(&mut tour, &mut out_of_time);
            tour.commit();
            continue;
        }
        let mut delta = kick(&mut tour, costs, &mut rng, seg_max, &mut ls);
        delta -= ls.run(&mut tour, &mut out_of_time);
        if delta <= 0 {
            cur += delta;
            tour.commit();
            if cur < best_len {
                best_len = cur;
                best.clear();
                best.extend(tour.order());
                since_best = 0;
            }
        } else {
            ls.clear();
            tour.undo_to(0);
        }
    }
    best
}

/// Segment-local double bridge (Martin, Otto & Felten 1991): three adjacent random segments of
/// at most `seg_max` nodes are reordered `B C D → D C B`, which changes four edges in a way no
/// sequential 3-opt move undoes. Returns the length change and queues the eight endpoints.
fn kick(t: &mut Tour, costs: &Costs, rng: &mut Rng, seg_max: usize, ls: &mut LocalSearch) -> i64 {
    let n = t.len();
    let (p, [l1, l2, l3]) = if costs.split {
        match split_cuts(t, costs, rng, seg_max) {
            Some(cuts) => cuts,
            None => return 0,
        }
    } else {
        let p = rng.below(n);
        let l1 = 1 + rng.below(seg_max);
        let l2 = 1 + rng.below(seg_max);
        let l3 = 1 + rng.below(seg_max);
        (p, [l1, l2, l3])
    };
    let a = t.at(p);
    let (b1, bl) = (t.at(p + 1), t.at(p + l1));
    let (c1, cl) = (t.at(p + l1 + 1), t.at(p + l1 + l2));
    let (d1, dl) = (t.at(p + l1 + l2 + 1), t.at(p + l1 + l2 + l3));
    let e = t.at(p + l1 + l2 + l3 + 1);
    let c = |x, y| costs.get(x, y);
    let delta =
        c(a, d1) + c(dl, c1) + c(cl, b1) + c(bl, e) - c(a, b1) - c(bl, c1) - c(cl, d1) - c(dl, e);
    // a b1..bl c1..cl d1..dl e → a dl..d1 cl..c1 bl..b1 e → … → a d1..dl c1..cl b1..bl e
    t.flip(a, b1, dl, e);
    t.flip(a, dl, d1, cl);
    t.flip(dl, cl, c1, bl);
    t.flip(cl, bl, b1, e);
    for v in [a, b1, bl, c1, cl, d1, dl, e] {
        ls.push(v);
    }
    delta
}

/// The double bridge's start position and segment lengths on a split tour (in/out pairs): each
/// segment holds whole pairs, so that no pinned edge is cut and the kicked tour is still a
/// directed route. `None` when a few random tries all hit a pinned edge (next to the start of
/// an open or fixed-end route, where three pinned edges follow each other).
fn split_cuts(
    t: &Tour,
    costs: &Costs,
    rng: &mut Rng,
    seg_max: usize,
) -> Option<(usize, [usize; 3])> {
    let n = t.len();
    let pairs = (seg_max / 2).max(1);
    let free = |p: usize| costs.get(t.at(p), t.at(p + 1)) != PINNED as i64;
    for _ in 0..8 {
        let p = rng.below(n);
        let lens = [0; 3].map(|_| 2 * (1 + rng.below(pairs)));
        let total: usize = lens.iter().sum();
        if total + 1 >= n {
            continue;
        }
        let cuts = [p, p + lens[0], p + lens[0] + lens[1], p + total];
        if cuts.iter().all(|&q| free(q)) {
            return Some((p, lens));
        }
    }
    None
}
