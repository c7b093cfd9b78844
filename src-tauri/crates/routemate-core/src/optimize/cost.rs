//! The search's view of a problem: a symmetric `i32` cost matrix over a closed tour (open and
//! fixed-end routes become closed tours whose pinned edges cost [`PINNED`]), and candidate
//! neighbour lists.

/// Cost of an edge that must stay in the tour: removing it loses far more than any move gains.
pub(crate) const PINNED: i32 = -(1 << 30);
/// Distances are clamped here so that two of them plus a pinned edge still fit an `i32`.
const CLAMP: u32 = 1 << 28;

/// A dense symmetric cost matrix.
#[derive(Debug, Clone)]
pub(crate) struct Costs {
    n: usize,
    data: Vec<i32>,
}

impl Costs {
    /// `n × n` from `d(i, j)`; asymmetric input is symmetrised as `d(i,j) + d(j,i)`, which
    /// ranks undirected tours by their mean over both directions.
    pub(crate) fn build(n: usize, d: impl Fn(usize, usize) -> u32) -> Self {
        let symmetric = (0..n).all(|i| (i + 1..n).all(|j| d(i, j) == d(j, i)));
        let mut data = vec![0i32; n * n];
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    let c = if symmetric {
                        d(i, j).min(CLAMP)
                    } else {
                        d(i, j).min(CLAMP) + d(j, i).min(CLAMP)
                    };
                    data[i * n + j] = c as i32;
                }
            }
        }
        Costs { n, data }
    }

    pub(crate) fn len(&self) -> usize {
        self.n
    }

    #[inline]
    pub(crate) fn get(&self, i: usize, j: usize) -> i64 {
        self.data[i * self.n + j] as i64
    }

    pub(crate) fn set(&mut self, i: usize, j: usize, c: i32) {
        self.data[i * self.n + j] = c;
        self.data[j * self.n + i] = c;
    }

    /// Length of the closed tour `order`.
    pub(crate) fn tour_length(&self, order: &[usize]) -> i64 {
        let n = order.len();
        (0..n).map(|i| self.get(order[i], order[(i + 1) % n])).sum()
    }
}

/// The `k` cheapest other nodes of every node, cheapest first (ties by index, so deterministic).
#[derive(Debug, Clone)]
pub(crate) struct Neighbours {
    k: usize,
    data: Vec<u32>,
}

impl Neighbours {
    pub(crate) fn nearest(costs: &Costs, k: usize) -> Self {
        let n = costs.len();
        let k = k.min(n.saturating_sub(1));
        let mut data = Vec::with_capacity(n * k);
        let mut row: Vec<(i64, u32)> = Vec::with_capacity(n);
        for i in 0..n {
            row.clear();
            row.extend(
                (0..n)
                    .filter(|&j| j != i)
                    .map(|j| (costs.get(i, j), j as u32)),
            );
            if k < row.len() {
                row.select_nth_unstable(k);
                row.truncate(k);
            }
            row.sort_unstable();
            data.extend(row.iter().map(|&(_, j)| j));
        }
        Neighbours { k, data }
    }

    #[inline]
    pub(crate) fn of(&self, v: usize) -> &[u32] {
        &self.data[v * self.k..(v + 1) * self.k]
    }
}
