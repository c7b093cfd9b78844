//! The search's view of a problem: a symmetric `i32` cost matrix over a closed tour (open and
//! fixed-end routes become closed tours whose pinned edges cost [`PINNED`]; asymmetric ones
//! become symmetric over in/out node pairs, see `asymmetric`), and candidate neighbour lists.

use std::time::Instant;

/// Cost of an edge that must stay in the tour: removing it loses far more than any move gains.
pub(crate) const PINNED: i32 = -(1 << 30);
/// Distances are clamped here so that two of them plus a pinned edge still fit an `i32`.
const CLAMP: u32 = 1 << 28;

/// A dense symmetric cost matrix.
#[derive(Debug, Clone)]
pub(crate) struct Costs {
    n: usize,
    data: Vec<i32>,
    /// The open route's dummy node (cost 0 to every stop), left out of the spanning tree: it
    /// would make a star of zero edges and blind the alpha-nearness of every other pair.
    pub dummy: Option<usize>,
    /// The nodes are the in/out pairs of an asymmetric problem (`asymmetric`): kicks cut only
    /// between pairs, and Or-opt moves whole pairs.
    pub split: bool,
}

impl Costs {
    /// `n × n` from a symmetric `d(i, j)` (only `i < j` is read).
    #[cfg(test)]
    pub(crate) fn build(n: usize, d: impl Fn(usize, usize) -> u32) -> Self {
        Self::build_until(n, d, None).expect("no deadline")
    }

    /// [`Costs::build`] that gives up (`None`) once `deadline` has passed.
    pub(crate) fn build_until(
        n: usize,
        d: impl Fn(usize, usize) -> u32,
        deadline: Option<Instant>,
    ) -> Option<Self> {
        Self::symmetric_until(n, |i, j| d(i, j).min(CLAMP) as i32, deadline)
    }

    /// `n × n` from a symmetric `c(i, j)` read for `i < j` only, row by row; the lower triangle
    /// is mirrored in tiles (column-wise writes would miss the cache on every entry of a large
    /// matrix, and this runs inside the interactive budget). `None` once `deadline` has passed.
    pub(crate) fn symmetric_until(
        n: usize,
        c: impl Fn(usize, usize) -> i32,
        deadline: Option<Instant>,
    ) -> Option<Self> {
        const TILE: usize = 64;
        let mut data = vec![0i32; n * n];
        for i in 0..n {
            if deadline.is_some_and(|t| Instant::now() >= t) {
                return None;
            }
            for j in i + 1..n {
                data[i * n + j] = c(i, j);
            }
        }
        for bi in (0..n).step_by(TILE) {
            for bj in (bi..n).step_by(TILE) {
                for i in bi..(bi + TILE).min(n) {
                    for j in bj.max(i + 1)..(bj + TILE).min(n) {
                        data[j * n + i] = data[i * n + j];
                    }
                }
            }
        }
        Some(Costs {
            n,
            data,
            dummy: None,
            split: false,
        })
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

/// Candidate neighbours of every node, cheapest first (ties by index, so deterministic).
#[derive(Debug, Clone)]
pub(crate) struct Neighbours {
    k: usize,
    /// `(node, cost)`: the cost is kept next to the node because the search reads both and a
    /// matrix lookup is a cache miss on large instances.
    data: Vec<(u32, i32)>,
}

impl Neighbours {
    #[inline]
    pub(crate) fn of(&self, v: usize) -> &[(u32, i32)] {
        &self.data[v * self.k..(v + 1) * self.k]
    }
}

impl Neighbours {
    /// The `k` alpha-nearest other nodes of every node (Helsgaun 2000), without subgradient
    /// optimisation: `alpha(i, j) = c(i, j) - (largest edge on the minimum spanning tree path
    /// from i to j)`, i.e. how much longer than the tree edge j would replace. Unlike the
    /// plain nearest nodes, it keeps the edges that join clusters among the candidates. Each
    /// list is then sorted by cost, which the gain criterion's early exit relies on.
    /// `None` once `deadline` has passed.
    pub(crate) fn alpha_nearest(costs: &Costs, k: usize, deadline: Instant) -> Option<Self> {
        let n = costs.len();
        let k = k.min(n.saturating_sub(1));
        let tree = SpanningTree::prim(costs, deadline)?;
        let mut data = Vec::with_capacity(n * k);
        let mut beta = vec![0i64; n];
        let mut mark = vec![usize::MAX; n];
        // The k best (alpha, cost, node) so far, sorted; a bounded insertion beats sorting rows.
        let mut best: Vec<(i64, i64, u32)> = Vec::with_capacity(k + 1);
        for i in 0..n {
            if Instant::now() >= deadline {
                return None;
            }
            // Largest tree edge on the path from i to every node (Helsgaun's O(n) per node):
            // first up the path from i to the root, then every other node from its parent, in
            // the order Prim added them (parents first).
            if costs.dummy == Some(i) {
                // Any stop may end an open route: the dummy's alpha is its cost.
                beta.iter_mut().for_each(|b| *b = 0);
            } else {
                beta[i] = i64::MIN;
                mark[i] = i;
                let mut u = i;
                while let Some(d) = tree.dad[u] {
                    beta[d] = beta[u].max(tree.dad_cost[u]);
                    mark[d] = i;
                    u = d;
                }
                for &j in &tree.order {
                    if mark[j] != i {
                        let d = tree.dad[j].expect("only the root has no parent, and it is marked");
                        beta[j] = beta[d].max(tree.dad_cost[j]);
                    }
                }
                if let Some(d) = costs.dummy {
                    // Any stop may end an open route: the dummy is everyone's candidate.
                    beta[d] = 0;
                }
            }
            best.clear();
            for (j, &b) in beta.iter().enumerate() {
                if j == i {
                    continue;
                }
                let c = costs.get(i, j);
                let entry = (c - b, c, j as u32);
                if best.len() == k && entry >= best[k - 1] {
                    continue;
                }
                let at = best.partition_point(|e| *e < entry);
                best.insert(at, entry);
                best.truncate(k);
            }
            best.sort_unstable_by_key(|&(_, c, j)| (c, j));
            data.extend(best.iter().map(|&(_, c, j)| (j, c as i32)));
        }
        Some(Neighbours { k, data })
    }
}

/// A minimum spanning tree as parent links, with nodes in the order Prim's algorithm added them
/// (every parent before its children).
struct SpanningTree {
    dad: Vec<Option<usize>>,
    dad_cost: Vec<i64>,
    order: Vec<usize>,
}

impl SpanningTree {
    /// Prim's algorithm on the dense matrix, O(n²), rooted at node 0.
    fn prim(costs: &Costs, deadline: Instant) -> Option<Self> {
        let n = costs.len();
        let mut in_tree = vec![false; n];
        let mut key = vec![i64::MAX; n];
        let mut dad = vec![None; n];
        let mut order = Vec::with_capacity(n);
        let mut size = n;
        if let Some(d) = costs.dummy {
            in_tree[d] = true;
            key[d] = 0;
            size -= 1;
        }
        let root = (0..n).find(|&v| !in_tree[v]);
        if let Some(r) = root {
            key[r] = 0;
        }
        for _ in 0..size {
            if Instant::now() >= deadline {
                return None;
            }
            let mut v = usize::MAX;
            for u in 0..n {
                if !in_tree[u] && (v == usize::MAX || key[u] < key[v]) {
                    v = u;
                }
            }
            in_tree[v] = true;
            order.push(v);
            for u in 0..n {
                if !in_tree[u] {
                    let c = costs.get(v, u);
                    if c < key[u] {
                        key[u] = c;
                        dad[u] = Some(v);
                    }
                }
            }
        }
        Some(SpanningTree {
            dad,
            dad_cost: key,
            order,
        })
    }
}
