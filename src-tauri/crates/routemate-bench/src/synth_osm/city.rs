//! A city: a field of irregular arterial cells, suburban streets inside each cell, motorways
//! with diamond interchanges (the module documentation of [`super`] has the numbers).

use super::Synth;
use rand::{rngs::StdRng, Rng};
use std::f64::consts::PI;

impl Synth {
    /// Adds a city of `cx × cy` cells with its lower-left corner at `(x0, y0)`; returns the
    /// midpoints of its four sides (for roads out of town).
    pub(super) fn add_city(&mut self, x0: f64, y0: f64, cx: usize, cy: usize) -> Vec<u64> {
        const CELL: f64 = 1_000.0;
        self.building_boxes
            .push((x0, y0, x0 + cx as f64 * CELL, y0 + cy as f64 * CELL));
        // Arterial corners.
        let mut a = vec![0u64; (cx + 1) * (cy + 1)];
        for i in 0..=cy {
            for j in 0..=cx {
                let jit = |r: &mut StdRng| r.gen_range(-0.2..0.2) * CELL;
                let x = x0 + j as f64 * CELL + jit(&mut self.rng);
                let y = y0 + i as f64 * CELL + jit(&mut self.rng);
                a[i * (cx + 1) + j] = self.node(x, y);
            }
        }
        let corner = |i: usize, j: usize| a[i * (cx + 1) + j];
        let motorways: Vec<usize> = if cx >= 20 {
            vec![cx / 3, 2 * cx / 3]
        } else if cx >= 8 {
            vec![cx / 2]
        } else {
            vec![]
        };
        // Attachments on each arterial edge: (t along it, node). Horizontal edge (i, j) runs
        // corner(i, j) → corner(i, j + 1); vertical edge (i, j) runs corner(i, j) → corner(i + 1, j).
        let mut h_att: Vec<Vec<(f64, u64)>> = vec![Vec::new(); (cy + 1) * cx];
        let mut v_att: Vec<Vec<(f64, u64)>> = vec![Vec::new(); cy * (cx + 1)];
        for i in 0..cy {
            for j in 0..cx {
                let p = [
                    self.pos(corner(i, j)),
                    self.pos(corner(i, j + 1)),
                    self.pos(corner(i + 1, j)),
                    self.pos(corner(i + 1, j + 1)),
                ];
                let left_open = !motorways.contains(&j);
                let right_open = !motorways.contains(&(j + 1));
                self.cell(p, i, j, cx, left_open, right_open, &mut h_att, &mut v_att);
            }
        }
        // Arterial ways, one per edge.
        let trunk_row = cy / 2;
        for i in 0..=cy {
            for j in 0..cx {
                let class = if i == trunk_row {
                    "trunk"
                } else if i % 4 == 0 {
                    "primary"
                } else {
                    "secondary"
                };
                let atts = std::mem::take(&mut h_att[i * cx + j]);
                self.arterial(corner(i, j), corner(i, j + 1), atts, class);
            }
        }
        for i in 0..cy {
            for j in 0..=cx {
                if motorways.contains(&j) {
                    continue;
                }
                let class = if j % 4 == 0 { "primary" } else { "secondary" };
                let atts = std::mem::take(&mut v_att[i * (cx + 1) + j]);
                self.arterial(corner(i, j), corner(i + 1, j), atts, class);
            }
        }
        for &j in &motorways {
            self.motorway(&(0..=cy).map(|i| corner(i, j)).collect::<Vec<_>>());
        }
        vec![
            corner(0, cx / 2),
            corner(cy, cx / 2),
            corner(cy / 2, 0),
            corner(cy / 2, cx),
        ]
    }

    fn arterial(&mut self, from: u64, to: u64, mut atts: Vec<(f64, u64)>, class: &str) {
        atts.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut stops = vec![from];
        stops.extend(atts.iter().map(|a| a.1));
        stops.push(to);
        if self.rng.gen_bool(0.2) {
            let speed = if class == "trunk" { "90" } else { "70" };
            self.street(stops, class, &[("maxspeed", speed)]);
        } else {
            self.street(stops, class, &[]);
        }
    }

    /// Suburban streets inside one cell with corners `p` (lower-left, lower-right, upper-left,
    /// upper-right), attaching to the arterial edges around it.
    #[allow(clippy::too_many_arguments)]
    fn cell(
        &mut self,
        p: [(f64, f64); 4],
        i: usize,
        j: usize,
        cx: usize,
        left_open: bool,
        right_open: bool,
        h_att: &mut [Vec<(f64, u64)>],
        v_att: &mut [Vec<(f64, u64)>],
    ) {
        let at = |u: f64, v: f64| -> (f64, f64) {
            let b = (
                p[0].0 + (p[1].0 - p[0].0) * u,
                p[0].1 + (p[1].1 - p[0].1) * u,
            );
            let t = (
                p[2].0 + (p[3].0 - p[2].0) * u,
                p[2].1 + (p[3].1 - p[2].1) * u,
            );
            (b.0 + (t.0 - b.0) * v, b.1 + (t.1 - b.1) * v)
        };
        let rows = self.rng.gen_range(5..=9usize);
        let mut vs = vec![0.0];
        for k in 1..=rows {
            let base = k as f64 / (rows + 1) as f64;
            vs.push(base + self.rng.gen_range(-0.25..0.25) / (rows + 1) as f64);
        }
        vs.push(1.0);
        // Junctions along each interior street k (1..=rows): (u, node).
        let mut on_street: Vec<Vec<(f64, u64)>> = vec![Vec::new(); rows + 2];
        // Streets between bands, offset band to band.
        for band in 0..=rows {
            let cols = self.rng.gen_range(3..=8usize);
            for c in 1..=cols {
                if self.rng.gen_bool(0.1) {
                    continue;
                }
                let u = (c as f64 + self.rng.gen_range(-0.3..0.3)) / (cols + 1) as f64;
                let (v0, v1) = (vs[band], vs[band + 1]);
                let mut stops = Vec::new();
                // Bottom end: on an interior street, or on the arterial (sometimes not reaching it).
                let (bx, by) = at(u, v0);
                if band == 0 {
                    if self.rng.gen_bool(0.5) {
                        let n = self.node(bx, by);
                        h_att[i * cx + j].push((u, n));
                        stops.push(n);
                    } else {
                        let (x, y) = at(u, v0 + 0.15 * (v1 - v0));
                        stops.push(self.node(x, y));
                    }
                } else {
                    let n = self.node(bx, by);
                    on_street[band].push((u, n));
                    stops.push(n);
                }
                let cul_de_sac = self.rng.gen_bool(0.1);
                if cul_de_sac {
                    let (x, y) = at(u, v0 + 0.6 * (v1 - v0));
                    stops.push(self.node(x, y));
                } else if band == rows {
                    if self.rng.gen_bool(0.5) {
                        let (x, y) = at(u, v1);
                        let n = self.node(x, y);
                        h_att[(i + 1) * cx + j].push((u, n));
                        stops.push(n);
                    } else {
                        let (x, y) = at(u, v1 - 0.15 * (v1 - v0));
                        stops.push(self.node(x, y));
                    }
                } else {
                    let (x, y) = at(u, v1);
                    let n = self.node(x, y);
                    on_street[band + 1].push((u, n));
                    stops.push(n);
                }
                self.street(stops, "residential", &[]);
            }
        }
        // Service spurs: a new junction on an interior street and a dead end off it.
        for street in on_street.iter_mut().take(rows + 1).skip(1) {
            let spurs = self.rng.gen_range(0..3usize);
            for _ in 0..spurs {
                // The node is made with the street (u64::MAX marks it).
                street.push((self.rng.gen_range(0.05..0.95), u64::MAX));
            }
        }
        // Interior streets across the cell.
        let collector = self.rng.gen_bool(0.5).then_some(rows.div_ceil(2));
        for k in 1..=rows {
            let v = vs[k];
            let mut atts = std::mem::take(&mut on_street[k]);
            let mut spur_roots = Vec::new();
            for a in atts.iter_mut() {
                if a.1 == u64::MAX {
                    let (x, y) = at(a.0, v);
                    a.1 = self.node(x, y);
                    spur_roots.push(a.1);
                }
            }
            atts.sort_by(|x, y| x.0.total_cmp(&y.0));
            let mut stops = Vec::new();
            let (lx, ly) = at(0.0, v);
            if left_open && self.rng.gen_bool(0.7) {
                let n = self.node(lx, ly);
                v_att[i * (cx + 1) + j].push((v, n));
                stops.push(n);
            } else {
                let (x, y) = at(0.03, v);
                stops.push(self.node(x, y));
            }
            stops.extend(atts.iter().map(|a| a.1));
            let (rx, ry) = at(1.0, v);
            if right_open && self.rng.gen_bool(0.7) {
                let n = self.node(rx, ry);
                v_att[i * (cx + 1) + j + 1].push((v, n));
                stops.push(n);
            } else {
                let (x, y) = at(0.97, v);
                stops.push(self.node(x, y));
            }
            if Some(k) == collector {
                self.street(stops, "tertiary", &[]);
            } else if self.rng.gen_bool(0.06) {
                let dir = if self.rng.gen_bool(0.5) { "yes" } else { "-1" };
                self.street(stops, "residential", &[("oneway", dir)]);
            } else {
                self.street(stops, "residential", &[]);
            }
            for root in spur_roots {
                let (x, y) = self.pos(root);
                let a = self.rng.gen_range(0.0..2.0 * PI);
                let len = self.rng.gen_range(30.0..80.0);
                let end = self.node(x + a.cos() * len, y + a.sin() * len);
                self.street(vec![root, end], "service", &[]);
            }
        }
    }

    /// Two one-way carriageways along `line` (arterial corners, south to north), 25 m either
    /// side, bridging every arterial; a diamond interchange at every third corner.
    fn motorway(&mut self, line: &[u64]) {
        let mut north = Vec::new();
        let mut south = Vec::new();
        for (k, &c) in line.iter().enumerate() {
            let (x, y) = self.pos(c);
            let before = (k > 0).then(|| {
                (
                    self.node(x + 25.0, y - 300.0),
                    self.node(x - 25.0, y - 300.0),
                )
            });
            let after = (k + 1 < line.len()).then(|| {
                (
                    self.node(x + 25.0, y + 300.0),
                    self.node(x - 25.0, y + 300.0),
                )
            });
            if let Some((nb, sb)) = before {
                north.push(nb);
                south.push(sb);
            }
            if let Some((na, sa)) = after {
                north.push(na);
                south.push(sa);
            }
            if k % 3 == 1 {
                if let (Some((nb, sb)), Some((na, sa))) = (before, after) {
                    for (from, to) in [(nb, c), (c, na), (sa, c), (c, sb)] {
                        let refs = self.shaped(&[from, to], 40.0, 0.1);
                        self.way(refs, "motorway_link", &[("oneway", "yes")]);
                    }
                }
            }
        }
        south.reverse();
        for carriageway in [north, south] {
            // Ways of up to 6 points, each starting where the previous one ends.
            let mut k = 0;
            while k + 1 < carriageway.len() {
                let end = (k + 5).min(carriageway.len() - 1);
                let refs = self.shaped(&carriageway[k..=end], 50.0, 0.01);
                self.way(refs, "motorway", &[]);
                k = end;
            }
        }
    }
}
