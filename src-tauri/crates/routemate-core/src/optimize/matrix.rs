//! A dense, symmetric-or-not distance matrix in whole metres.

use crate::geo::{haversine_int_m, LatLng};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistanceMatrix {
    n: usize,
    data: Vec<u32>,
}

impl DistanceMatrix {
    /// Builds from a row-major `n × n` vector. Panics when the length is not `n * n`.
    pub fn from_vec(n: usize, data: Vec<u32>) -> Self {
        assert_eq!(data.len(), n * n, "matrix data must be n*n");
        DistanceMatrix { n, data }
    }

    /// Integer haversine metres between every pair of points, scaled by `factor` (1.0 = the
    /// benchmark's definition; a road factor > 1 estimates driving distance).
    pub fn haversine(points: &[LatLng], factor: f64) -> Self {
        let n = points.len();
        let mut data = vec![0u32; n * n];
        for i in 0..n {
            for j in (i + 1)..n {
                let d = if factor == 1.0 {
                    haversine_int_m(points[i], points[j])
                } else {
                    (crate::geo::haversine_m(points[i], points[j]) * factor + 0.5).floor() as u32
                };
                data[i * n + j] = d;
                data[j * n + i] = d;
            }
        }
        DistanceMatrix { n, data }
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    #[inline]
    pub fn get(&self, i: usize, j: usize) -> u32 {
        self.data[i * self.n + j]
    }

    /// True when `get(i, j) == get(j, i)` for every pair (compared in tiles, cache-friendly).
    pub fn is_symmetric(&self) -> bool {
        const TILE: usize = 64;
        let n = self.n;
        (0..n).step_by(TILE).all(|bi| {
            (bi..n).step_by(TILE).all(|bj| {
                (bi..(bi + TILE).min(n)).all(|i| {
                    (bj.max(i + 1)..(bj + TILE).min(n)).all(|j| self.get(i, j) == self.get(j, i))
                })
            })
        })
    }

    /// Sum of every entry (the benchmark's `matrix_checksum`).
    pub fn checksum(&self) -> u64 {
        self.data.iter().map(|&d| d as u64).sum()
    }
}
