//! The moves of the local search and how each is made on the tour as a short sequence of
//! 2-opt flips (so that every change is journaled and can be undone).

use super::tour::Tour;

/// An improving move, with the nodes named as in the literature (t1 … t6).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Move {
    /// Removes `(t1,t2)`, `(t4,t3)`; adds `(t2,t3)`, `(t4,t1)`.
    TwoOpt {
        t1: usize,
        t2: usize,
        t3: usize,
        t4: usize,
    },
    /// Sequential 3-opt whose first step is a valid 2-opt: then removes `(t6,t5)`, adds
    /// `(t4,t5)`, `(t6,t1)`.
    ThreeOptSeq {
        t1: usize,
        t2: usize,
        t3: usize,
        t4: usize,
        t5: usize,
        t6: usize,
    },
    /// Sequential 3-opt through an infeasible 2-opt (`t4 = succ t3`): segment exchange
    /// (`t6 = succ t5`, "or3opt") or double reversal (`t6 = pred t5`).
    ThreeOptExchange {
        t1: usize,
        t2: usize,
        t3: usize,
        t4: usize,
        t5: usize,
        t6: usize,
        t6_is_succ: bool,
    },
    /// Or-opt: the segment `s1 … s2` (preceded by `p`, followed by `nx`) goes between `c` and
    /// `d = succ c` (same logical direction), `s1` next to `c` when `forward`.
    OrOpt {
        p: usize,
        s1: usize,
        s2: usize,
        nx: usize,
        c: usize,
        d: usize,
        forward: bool,
    },
}

/// The segment exchange / double reversal of [`Move::ThreeOptExchange`] on the logical path
/// `t1 → t2 … t3 → t4` with `t5, t6` on `t2 … t3`.
fn exchange(t: &mut Tour, [t1, t2, t3, t4, t5, t6]: [usize; 6], t6_is_succ: bool) {
    if t6_is_succ {
        // t1 t2..t5 t6..t3 t4 → t1 t6..t3 t2..t5 t4
        t.flip(t1, t2, t3, t4);
        t.flip(t1, t3, t6, t5);
        t.flip(t3, t5, t2, t4);
    } else {
        // t1 t2..t6 t5..t3 t4 → t1 t6..t2 t3..t5 t4
        t.flip(t1, t2, t6, t5);
        t.flip(t2, t5, t3, t4);
    }
}

/// Moves the segment `s1 … s2` between `c` and `d` (see [`Move::OrOpt`]) with three flips at
/// most.
fn or_opt(t: &mut Tour, [p, s1, s2, nx, c, d]: [usize; 6], forward: bool) {
    // Seen from the other direction when d = p, so that the insertion edge is never (·, p).
    let (p, s1, s2, nx, c, d, forward) = if d == p {
        (nx, s2, s1, p, d, c, forward)
    } else {
        (p, s1, s2, nx, c, d, forward)
    };
    // p s1..s2 nx … c d  →  p c … nx s2..s1 d  →  p nx … c s2..s1 d
    t.flip(p, s1, c, d);
    t.flip(p, c, nx, s2);
    if forward {
        t.flip(c, s2, s1, d);
    }
}

/// Makes `mv` on the tour; returns the nodes whose edges changed.
pub(crate) fn flips(t: &mut Tour, mv: Move) -> [usize; 6] {
    match mv {
        Move::TwoOpt { t1, t2, t3, t4 } => {
            t.flip(t1, t2, t4, t3);
            [t1, t2, t3, t4, t1, t2]
        }
        Move::ThreeOptSeq {
            t1,
            t2,
            t3,
            t4,
            t5,
            t6,
        } => {
            t.flip(t1, t2, t4, t3);
            t.flip(t1, t4, t6, t5);
            [t1, t2, t3, t4, t5, t6]
        }
        Move::ThreeOptExchange {
            t1,
            t2,
            t3,
            t4,
            t5,
            t6,
            t6_is_succ,
        } => {
            exchange(t, [t1, t2, t3, t4, t5, t6], t6_is_succ);
            [t1, t2, t3, t4, t5, t6]
        }
        Move::OrOpt {
            p,
            s1,
            s2,
            nx,
            c,
            d,
            forward,
        } => {
            or_opt(t, [p, s1, s2, nx, c, d], forward);
            [p, s1, s2, nx, c, d]
        }
    }
}
