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
    pub(crate) fn alpha_nearest(costs: &Costs, k: usize) -> Self {
        let n = costs.len();
        let k = k.min(n.saturating_sub(1));
        let adj = spanning_tree(costs);
        let mut data = Vec::with_capacity(n * k);
        let mut beta = vec![i64::MIN; n];
        let mut stack: Vec<usize> = Vec::with_capacity(n);
        let mut row: Vec<(i64, i64, u32)> = Vec::with_capacity(n);
        for i in 0..n {
            // Largest tree edge on the path from i to every node, by a walk over the tree.
            beta.iter_mut().for_each(|b| *b = i64::MIN);
            beta[i] = i64::MIN + 1;
            stack.push(i);
            while let Some(u) = stack.pop() {
                for &(w, c) in &adj[u] {
                    if beta[w] == i64::MIN {
                        beta[w] = beta[u].max(c);
                        stack.push(w);
                    }
                }
            }
            row.clear();
            row.extend((0..n).filter(|&j| j != i).map(|j| {
                let c = costs.get(i, j);
                (c - beta[j], c, j as u32)
            }));
            if k < row.len() {
                row.select_nth_unstable(k);
                row.truncate(k);
            }
            row.sort_unstable_by_key(|&(_, c, j)| (c, j));
            data.extend(row.iter().map(|&(_, c, j)| (j, c as i32)));
        }
        Neighbours { k, data }
    }
}

/// Prim's minimum spanning tree on the dense matrix, as adjacency lists `(node, cost)`.
fn spanning_tree(costs: &Costs) -> Vec<Vec<(usize, i64)>> {
    let n = costs.len();
    let mut adj = vec![Vec::new(); n];
    if n == 0 {
        return adj;
    }
    let mut in_tree = vec![false; n];
    let mut key = vec![i64::MAX; n];
    let mut dad = vec![usize::MAX; n];
    key[0] = 0;
    for _ in 0..n {
        let mut v = usize::MAX;
        for u in 0..n {
            if !in_tree[u] && (v == usize::MAX || key[u] < key[v]) {
                v = u;
            }
        }
        in_tree[v] = true;
        if dad[v] != usize::MAX {
            adj[v].push((dad[v], key[v]));
            adj[dad[v]].push((v, key[v]));
        }
        for u in 0..n {
            if !in_tree[u] {
                let c = costs.get(v, u);
                if c < key[u] {
                    key[u] = c;
                    dad[u] = v;
                }
            }
        }
    }
    adj
}
