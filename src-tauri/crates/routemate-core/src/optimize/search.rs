//! Local search on a closed tour: 2-opt, the sequential 3-opt move of Lin (1965) evaluated in
//! O(1) per candidate (both the "2-opt then 2-opt" and the "segment exchange" reconnections),
//! Or-opt (Or 1976) segment insertion, and a Lin–Kernighan chain of up to five sequential 3-opt
//! steps, all driven by candidate neighbour lists and a don't-look-bit queue (Bentley 1992):
//! only nodes near a recent change are examined.

use super::cost::{Costs, Neighbours};
use super::moves::{flips, Move};
use super::tour::Tour;
use std::collections::VecDeque;

/// The longest segment Or-opt moves by default.
const OR_OPT_MAX: usize = 3;

/// Remembers `m` as the move to continue from when its partial gain `g` is the best so far.
#[inline]
fn keep_open(open: &mut Option<(Move, i64, usize)>, m: Move, g: i64, last: usize) {
    if g > 0 && !matches!(open, Some((_, og, _)) if *og >= g) {
        *open = Some((m, g, last));
    }
}

/// The local search state: reusable across kicks.
pub(crate) struct LocalSearch<'a> {
    costs: &'a Costs,
    neigh: &'a Neighbours,
    queue: VecDeque<u32>,
    queued: Vec<bool>,
    /// Depth of the Lin–Kernighan chain tried when no 3-opt or Or-opt move improves (0: off).
    lk_depth: usize,
    /// The longest segment Or-opt moves (nodes).
    or_opt_max: usize,
    touched: Vec<usize>,
}

#[inline]
fn succ(t: &Tour, fwd: bool, v: usize) -> usize {
    if fwd {
        t.next(v)
    } else {
        t.prev(v)
    }
}

#[inline]
fn pred(t: &Tour, fwd: bool, v: usize) -> usize {
    if fwd {
        t.prev(v)
    } else {
        t.next(v)
    }
}

/// Cost of the edge from `v` to its successor in direction `fwd`.
#[inline]
fn succ_cost(t: &Tour, fwd: bool, v: usize) -> i64 {
    if fwd {
        t.next_cost(v)
    } else {
        t.prev_cost(v)
    }
}

#[inline]
fn pred_cost(t: &Tour, fwd: bool, v: usize) -> i64 {
    if fwd {
        t.prev_cost(v)
    } else {
        t.next_cost(v)
    }
}

#[inline]
fn between(t: &Tour, fwd: bool, a: usize, b: usize, c: usize) -> bool {
    if fwd {
        t.between(a, b, c)
    } else {
        t.between(c, b, a)
    }
}

impl<'a> LocalSearch<'a> {
    pub(crate) fn new(costs: &'a Costs, neigh: &'a Neighbours) -> Self {
        LocalSearch {
            costs,
            neigh,
            queue: VecDeque::new(),
            queued: vec![false; costs.len()],
            lk_depth: 0,
            or_opt_max: OR_OPT_MAX,
            touched: Vec::new(),
        }
    }

    /// Enables the Lin–Kernighan chain up to `depth` 2-opt steps.
    pub(crate) fn with_lk_depth(mut self, depth: usize) -> Self {
        self.lk_depth = depth;
        self
    }

    /// Or-opt moves segments of up to `max` nodes.
    pub(crate) fn with_or_opt_max(mut self, max: usize) -> Self {
        self.or_opt_max = max;
        self
    }

    /// Clears the don't-look bit of `v` (queues it for examination).
    pub(crate) fn push(&mut self, v: usize) {
        if !self.queued[v] {
            self.queued[v] = true;
            self.queue.push_back(v as u32);
        }
    }

    pub(crate) fn clear(&mut self) {
        for v in self.queue.drain(..) {
            self.queued[v as usize] = false;
        }
    }

    /// Improves until every queued node is locally optimal or `stop()` says so (asked every
    /// few nodes). Returns the total gain (length decrease).
    pub(crate) fn run(&mut self, tour: &mut Tour, stop: &mut impl FnMut() -> bool) -> i64 {
        let mut gain = 0;
        let mut steps = 0u32;
        while let Some(v) = self.queue.pop_front() {
            let v = v as usize;
            self.queued[v] = false;
            loop {
                if let Some(mv) = self.best_move(tour, v) {
                    gain += self.apply(tour, mv);
                    continue;
                }
                match self.lk_chain(tour, v) {
                    0 => break,
                    g => gain += g,
                }
            }
            steps += 1;
            if steps & 15 == 0 && stop() {
                break;
            }
        }
        gain
    }

    fn c(&self, a: usize, b: usize) -> i64 {
        self.costs.get(a, b)
    }

    /// The best improving move around `t1`, if any.
    fn best_move(&self, t: &Tour, t1: usize) -> Option<(Move, i64)> {
        let mut best: Option<(Move, i64)> = None;
        let mut offer = |m: Move, g: i64| {
            if g > 0 && !matches!(best, Some((_, bg)) if bg >= g) {
                best = Some((m, g));
            }
        };
        for fwd in [true, false] {
            let t2 = succ(t, fwd, t1);
            let g0 = succ_cost(t, fwd, t1);
            self.sequential_moves(t, fwd, [t1, t2], g0, &mut offer, &mut None);
            self.or_opt_moves(t, fwd, t1, &mut offer);
        }
        best
    }

    /// The sequential 2-opt and 3-opt moves that break `(t1, t2)` (`t2 = succ t1` in direction
    /// `fwd`) with `g0` gained so far: improving ones go to `offer`, and the one that leaves the
    /// best partial gain with `(t1, t_last)` as its closing edge to `open`.
    fn sequential_moves(
        &self,
        t: &Tour,
        fwd: bool,
        [t1, t2]: [usize; 2],
        g0: i64,
        offer: &mut impl FnMut(Move, i64),
        open: &mut Option<(Move, i64, usize)>,
    ) {
        for &(t3, c23) in self.neigh.of(t2) {
            let t3 = t3 as usize;
            let g1 = g0 - c23 as i64;
            if g1 <= 0 {
                break;
            }
            if t3 == t1 || t3 == succ(t, fwd, t2) {
                continue;
            }
            // t4 = pred t3: the 2-opt move, then one more sequential step from t4.
            let t4 = pred(t, fwd, t3);
            let g2 = g1 + pred_cost(t, fwd, t3);
            offer(Move::TwoOpt { t1, t2, t3, t4 }, g2 - self.c(t4, t1));
            keep_open(open, Move::TwoOpt { t1, t2, t3, t4 }, g2, t4);
            let t4_new_succ = pred(t, fwd, t4);
            for &(t5, c45) in self.neigh.of(t4) {
                let t5 = t5 as usize;
                let g3 = g2 - c45 as i64;
                if g3 <= 0 {
                    break;
                }
                if t5 == t1 || t5 == t3 || t5 == t4_new_succ {
                    continue;
                }
                // In the tour after the 2-opt, t2 … t4 runs backwards.
                let (t6, c56) = if between(t, fwd, t2, t5, t4) {
                    (succ(t, fwd, t5), succ_cost(t, fwd, t5))
                } else {
                    (pred(t, fwd, t5), pred_cost(t, fwd, t5))
                };
                let m = Move::ThreeOptSeq {
                    t1,
                    t2,
                    t3,
                    t4,
                    t5,
                    t6,
                };
                offer(m, g3 + c56 - self.c(t6, t1));
                keep_open(open, m, g3 + c56, t6);
            }
            // t4 = succ t3: close the cycle t2 … t3 by breaking an edge (t5, t6) on it.
            let t4 = succ(t, fwd, t3);
            if t4 == t1 {
                continue;
            }
            let g2 = g1 + succ_cost(t, fwd, t3);
            for &(t5, c45) in self.neigh.of(t4) {
                let t5 = t5 as usize;
                let g3 = g2 - c45 as i64;
                if g3 <= 0 {
                    break;
                }
                if !between(t, fwd, t2, t5, t3) {
                    continue;
                }
                if t5 != t3 {
                    let t6 = succ(t, fwd, t5);
                    let m = Move::ThreeOptExchange {
                        t1,
                        t2,
                        t3,
                        t4,
                        t5,
                        t6,
                        t6_is_succ: true,
                    };
                    offer(m, g3 + succ_cost(t, fwd, t5) - self.c(t6, t1));
                    keep_open(open, m, g3 + succ_cost(t, fwd, t5), t6);
                }
                if t5 != t2 {
                    let t6 = pred(t, fwd, t5);
                    let m = Move::ThreeOptExchange {
                        t1,
                        t2,
                        t3,
                        t4,
                        t5,
                        t6,
                        t6_is_succ: false,
                    };
                    offer(m, g3 + pred_cost(t, fwd, t5) - self.c(t6, t1));
                    keep_open(open, m, g3 + pred_cost(t, fwd, t5), t6);
                }
            }
        }
    }

    /// Or-opt moves of the segments of 1..=`or_opt_max` nodes that start at `s1` and run in direction
    /// `fwd`, inserted next to a candidate neighbour of either end.
    fn or_opt_moves(&self, t: &Tour, fwd: bool, s1: usize, offer: &mut impl FnMut(Move, i64)) {
        let n = t.len();
        let p = pred(t, fwd, s1);
        let mut s2 = s1;
        for len in 1..=self.or_opt_max {
            if len > 1 {
                s2 = succ(t, fwd, s2);
            }
            if n < len + 3 {
                return;
            }
            if self.costs.split && len % 2 == 1 {
                // Half an in/out pair: it would cut a pinned edge.
                continue;
            }
            let nx = succ(t, fwd, s2);
            let removed = pred_cost(t, fwd, s1) + succ_cost(t, fwd, s2) - self.c(p, nx);
            if removed <= 0 {
                continue;
            }
            let in_seg = |v: usize| {
                let mut x = s1;
                loop {
                    if x == v {
                        return true;
                    }
                    if x == s2 {
                        return false;
                    }
                    x = succ(t, fwd, x);
                }
            };
            for (end, other) in [(s1, s2), (s2, s1)] {
                for &(c, cost) in self.neigh.of(end) {
                    let c = c as usize;
                    let added_end = cost as i64;
                    if added_end >= removed {
                        break;
                    }
                    if in_seg(c) {
                        continue;
                    }
                    let sides = [
                        (succ(t, fwd, c), succ_cost(t, fwd, c)),
                        (pred(t, fwd, c), pred_cost(t, fwd, c)),
                    ];
                    for (d, ccd) in sides {
                        if in_seg(d) || (c == p && d == nx) || (c == nx && d == p) {
                            continue;
                        }
                        let g = removed - added_end - self.c(other, d) + ccd;
                        // Normalise to the edge (cc, dd) with dd = succ cc in direction fwd.
                        let (cc, dd, first) = if d == succ(t, fwd, c) {
                            (c, d, end)
                        } else {
                            (d, c, other)
                        };
                        let m = Move::OrOpt {
                            p,
                            s1,
                            s2,
                            nx,
                            c: cc,
                            d: dd,
                            forward: first == s1,
                        };
                        offer(m, g);
                    }
                }
            }
        }
    }

    /// Applies `mv`, queues its endpoints and returns its gain.
    fn apply(&mut self, t: &mut Tour, (mv, gain): (Move, i64)) -> i64 {
        let nodes = flips(t, mv);
        self.push_all(&nodes);
        gain
    }

    /// A Lin–Kernighan move (Lin & Kernighan 1973) built from sequential 3-opt steps, as in
    /// LKH (Helsgaun 2000) with 3-opt basic moves: when no move around `t1` improves, the step
    /// with the best positive partial gain is made tentatively and the search continues by
    /// breaking its closing edge `(t1, t_last)`, up to `lk_depth` steps. The first improving
    /// closing is kept; otherwise every tentative step is undone.
    fn lk_chain(&mut self, t: &mut Tour, t1: usize) -> i64 {
        if self.lk_depth == 0 || t.len() < 8 {
            return 0;
        }
        let mark = t.mark();
        let mut open = None;
        let mut ignore = |_: Move, _: i64| {};
        for fwd in [true, false] {
            let t2 = succ(t, fwd, t1);
            let g0 = succ_cost(t, fwd, t1);
            self.sequential_moves(t, fwd, [t1, t2], g0, &mut ignore, &mut open);
        }
        self.touched.clear();
        for _ in 0..self.lk_depth {
            let Some((mv, g_open, last)) = open.take() else {
                break;
            };
            self.touched.extend(flips(t, mv));
            let fwd = t.next(t1) == last;
            let mut best: Option<(Move, i64)> = None;
            let mut offer = |m: Move, g: i64| {
                if g > 0 && !matches!(best, Some((_, bg)) if bg >= g) {
                    best = Some((m, g));
                }
            };
            self.sequential_moves(t, fwd, [t1, last], g_open, &mut offer, &mut open);
            if let Some(found) = best {
                let touched = std::mem::take(&mut self.touched);
                self.push_all(&touched);
                self.touched = touched;
                return self.apply(t, found);
            }
        }
        t.undo_to(mark);
        0
    }

    fn push_all(&mut self, nodes: &[usize]) {
        for &v in nodes {
            self.push(v);
        }
    }
}
