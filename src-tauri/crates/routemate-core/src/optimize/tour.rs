//! The tour as an array with a position index: O(1) successor, predecessor and `between`, and
//! 2-opt flips that reverse the shorter side, journaled so the ILS can undo a rejected kick.
//! The cost of every tour edge is cached by position: the search reads tour edges far more often
//! than it changes them, and a matrix lookup is a cache miss on large instances.

use super::cost::Costs;

/// A cyclic tour over nodes `0..n`.
#[derive(Debug, Clone)]
pub(crate) struct Tour<'a> {
    costs: &'a Costs,
    order: Vec<u32>,
    pos: Vec<u32>,
    /// `edge[p]`: cost of the edge from position `p` to `p + 1` (cyclic).
    edge: Vec<i32>,
    /// Position ranges reversed since the last [`Tour::commit`], in order.
    journal: Vec<(u32, u32)>,
}

impl<'a> Tour<'a> {
    /// Builds from a permutation of `0..order.len()` (the nodes of `costs`).
    pub(crate) fn new(order: &[usize], costs: &'a Costs) -> Self {
        let n = order.len();
        let mut pos = vec![0u32; n];
        for (i, &v) in order.iter().enumerate() {
            pos[v] = i as u32;
        }
        let edge = (0..n)
            .map(|p| costs.get(order[p], order[(p + 1) % n]) as i32)
            .collect();
        Tour {
            costs,
            order: order.iter().map(|&v| v as u32).collect(),
            pos,
            edge,
            journal: Vec::new(),
        }
    }

    /// Cost of the edge from `v` to its successor.
    #[inline]
    pub(crate) fn next_cost(&self, v: usize) -> i64 {
        self.edge[self.pos[v] as usize] as i64
    }

    /// Cost of the edge from `v`'s predecessor to `v`.
    #[inline]
    pub(crate) fn prev_cost(&self, v: usize) -> i64 {
        let p = self.pos[v] as usize;
        self.edge[if p == 0 { self.order.len() - 1 } else { p - 1 }] as i64
    }

    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }

    pub(crate) fn order(&self) -> impl Iterator<Item = usize> + '_ {
        self.order.iter().map(|&v| v as usize)
    }

    #[inline]
    pub(crate) fn at(&self, p: usize) -> usize {
        self.order[p % self.order.len()] as usize
    }

    #[inline]
    pub(crate) fn pos(&self, v: usize) -> usize {
        self.pos[v] as usize
    }

    #[inline]
    pub(crate) fn next(&self, v: usize) -> usize {
        let p = self.pos[v] as usize + 1;
        if p == self.order.len() {
            self.order[0] as usize
        } else {
            self.order[p] as usize
        }
    }

    #[inline]
    pub(crate) fn prev(&self, v: usize) -> usize {
        let p = self.pos[v] as usize;
        if p == 0 {
            self.order[self.order.len() - 1] as usize
        } else {
            self.order[p - 1] as usize
        }
    }

    /// True when `b` lies on the forward path from `a` to `c` (inclusive).
    #[inline]
    pub(crate) fn between(&self, a: usize, b: usize, c: usize) -> bool {
        let (pa, pb, pc) = (self.pos[a], self.pos[b], self.pos[c]);
        if pa <= pc {
            pa <= pb && pb <= pc
        } else {
            pb >= pa || pb <= pc
        }
    }

    /// The 2-opt move on the logical path `a → b … c → d`: removes `(a,b)`, `(c,d)` and adds
    /// `(a,c)`, `(b,d)` by reversing `b … c`, whichever way the array currently runs.
    pub(crate) fn flip(&mut self, a: usize, b: usize, c: usize, _d: usize) {
        if self.next(a) == b {
            self.reverse_range(self.pos(b), self.pos(c));
        } else {
            self.reverse_range(self.pos(c), self.pos(b));
        }
    }

    /// Reverses the cyclic position range `i..=j` or, equivalently for the cyclic tour, its
    /// complement, whichever is shorter; journals what was actually reversed.
    pub(crate) fn reverse_range(&mut self, i: usize, j: usize) {
        let n = self.order.len();
        let len = (j + n - i) % n + 1;
        let (i, j, len) = if 2 * len > n {
            ((j + 1) % n, (i + n - 1) % n, n - len)
        } else {
            (i, j, len)
        };
        if len < 2 {
            return;
        }
        self.reverse_exact(i, j, len);
        self.journal.push((i as u32, j as u32));
    }

    fn reverse_exact(&mut self, i: usize, j: usize, len: usize) {
        let n = self.order.len();
        let (mut a, mut b) = (i, j);
        for _ in 0..len / 2 {
            let (va, vb) = (self.order[a], self.order[b]);
            self.order[a] = vb;
            self.order[b] = va;
            self.pos[vb as usize] = a as u32;
            self.pos[va as usize] = b as u32;
            a = if a + 1 == n { 0 } else { a + 1 };
            b = if b == 0 { n - 1 } else { b - 1 };
        }
        // The len - 1 inner edges i..j-1 reverse their order; the two boundary edges change.
        let (mut a, mut b) = (i, if j == 0 { n - 1 } else { j - 1 });
        for _ in 0..(len - 1) / 2 {
            self.edge.swap(a, b);
            a = if a + 1 == n { 0 } else { a + 1 };
            b = if b == 0 { n - 1 } else { b - 1 };
        }
        for p in [if i == 0 { n - 1 } else { i - 1 }, j] {
            let q = if p + 1 == n { 0 } else { p + 1 };
            self.edge[p] =
                self.costs
                    .get(self.order[p] as usize, self.order[q] as usize) as i32;
        }
    }

    /// A journal mark to undo back to.
    pub(crate) fn mark(&self) -> usize {
        self.journal.len()
    }

    /// Undoes every reversal after the first `mark` journal entries.
    pub(crate) fn undo_to(&mut self, mark: usize) {
        let n = self.order.len();
        while self.journal.len() > mark {
            let (i, j) = self.journal.pop().expect("journal entry");
            let (i, j) = (i as usize, j as usize);
            self.reverse_exact(i, j, (j + n - i) % n + 1);
        }
    }

    /// Forgets the journal (the current tour is accepted).
    pub(crate) fn commit(&mut self) {
        self.journal.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycle_from(t: &Tour<'_>, start: usize) -> Vec<usize> {
        let mut out = vec![start];
        let mut v = t.next(start);
        while v != start {
            out.push(v);
            v = t.next(v);
        }
        out
    }

    #[test]
    fn flip_reconnects_edges_and_undo_restores() {
        let costs = Costs::build(8, |i, j| (i * 8 + j.max(i) * 3 + j) as u32 % 17);
        let mut t = Tour::new(&[0, 1, 2, 3, 4, 5, 6, 7], &costs);
        t.flip(1, 2, 5, 6);
        assert_eq!(cycle_from(&t, 0), vec![0, 1, 5, 4, 3, 2, 6, 7]);
        // A flip that reverses the complement still yields the same cycle up to orientation.
        t.flip(7, 0, 4, 3);
        let c = cycle_from(&t, 7);
        let rev: Vec<usize> = {
            let mut v = c.clone();
            v[1..].reverse();
            v
        };
        assert!(c == vec![7, 4, 5, 1, 0, 3, 2, 6] || rev == vec![7, 4, 5, 1, 0, 3, 2, 6]);
        for v in 0..8 {
            assert_eq!(t.next_cost(v), costs.get(v, t.next(v)));
            assert_eq!(t.prev_cost(v), costs.get(t.prev(v), v));
        }
        t.undo_to(0);
        assert_eq!(t.order().collect::<Vec<_>>(), vec![0, 1, 2, 3, 4, 5, 6, 7]);
        for v in 0..8 {
            assert_eq!(t.next_cost(v), costs.get(v, t.next(v)));
        }
    }

    #[test]
    fn between_wraps() {
        let costs = Costs::build(5, |_, _| 1);
        let t = Tour::new(&[3, 1, 4, 0, 2], &costs);
        assert!(t.between(0, 2, 1));
        assert!(t.between(4, 4, 4));
        assert!(!t.between(1, 3, 0));
    }
}
