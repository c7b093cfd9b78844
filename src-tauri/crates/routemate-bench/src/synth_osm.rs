//! Synthetic OpenStreetMap road networks for the roads benchmark, shaped like real ones rather
//! than a uniform grid (a contraction hierarchy's worst case), written as OSM XML and converted
//! to PBF by `osmium cat` (Debian's `osmium-tool`), so the real importer reads them.
//!
//! A **city** is a field of irregular arterial cells (~1 km, corners jittered by ±20 %): arterial
//! lines are primary (every 4th), secondary (the rest), one trunk across the middle; one or two
//! motorways (two one-way carriageways 50 m apart, crossing everything on bridges) with diamond
//! interchanges (four one-way `motorway_link` ramps) every third arterial. Inside each cell,
//! suburban streets in a brick pattern mapped onto the skewed cell (so blocks are irregular
//! quadrilaterals of ~80–170 m): 5–9 residential streets across, short streets between them
//! offset from band to band (T-junctions, not crossings), 10 % of them cul-de-sacs, only some
//! streets reaching the arterials, one tertiary collector in half the cells, 6 % of residential
//! streets one-way, service spurs (driveways, car parks) off 15 % of the blocks. Like real OSM,
//! ways carry shape nodes (a bowed line, one every 15–30 m in town, 100 m in the country), some
//! ways are split mid-block with the same tags (a `bridge=yes` piece), and 20 % of arterial
//! pieces carry a `maxspeed`.
//!
//! A **state** (Queensland-size) is a metropolitan city, a few regional cities and many towns
//! placed over ~1,400 × 1,000 km, joined by a meandering rural network (trunk, secondary and
//! unclassified roads between jittered rural junctions ~25 km apart, a quarter of the links
//! missing, farm roads branching off as dead ends), plus the non-drivable bulk of a real extract
//! (buildings, footways) that the importer must read past: about 200 MB of PBF.
//!
//! Not modelled: turn restrictions, roundabouts, dual carriageways of arterials, terrain.

use rand::{rngs::StdRng, Rng, SeedableRng};
use std::f64::consts::PI;
use std::io::Write;
use std::path::Path;

/// Metres per degree of latitude.
const M_PER_DEG: f64 = 111_320.0;

/// One OSM way: node references and tags.
pub struct Way {
    pub refs: Vec<u64>,
    pub tags: Vec<(&'static str, String)>,
}

/// A synthetic extract: road nodes (id = index + 1, positions in metres east/north of the
/// origin), ways, and filler (buildings, footways) generated while writing.
pub struct Synth {
    origin: (f64, f64),
    pub xy: Vec<(f32, f32)>,
    pub ways: Vec<Way>,
    /// Filler buildings (4-node closed ways) around these boxes `(x0, y0, x1, y1)`.
    building_boxes: Vec<(f64, f64, f64, f64)>,
    pub buildings: u64,
    pub footways: u64,
    rng: StdRng,
}

/// What the generated network holds (printed by the benchmark).
#[derive(Debug, Clone, serde::Serialize)]
pub struct SynthStats {
    pub road_nodes: u64,
    pub road_ways: u64,
    pub filler_nodes: u64,
    pub filler_ways: u64,
    pub one_way_ways: u64,
}

impl Synth {
    pub fn new(seed: u64) -> Synth {
        Synth {
            origin: (-27.47, 153.02),
            xy: Vec::new(),
            ways: Vec::new(),
            building_boxes: Vec::new(),
            buildings: 0,
            footways: 0,
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// A city of `cells × cells` arterial cells of ~1 km (about 110 junctions per cell).
    pub fn city(seed: u64, cells: usize) -> Synth {
        let mut s = Synth::new(seed);
        s.add_city(0.0, 0.0, cells, cells);
        s
    }

    /// A Queensland-size state: metro, regional cities, towns, rural roads, filler to ~200 MB.
    pub fn state(seed: u64) -> Synth {
        let mut s = Synth::new(seed);
        s.origin = (-28.0, 138.0);
        let (w, h, step) = (1_400_000.0, 1_000_000.0, 25_000.0);
        let (nx, ny) = ((w / step) as usize + 1, (h / step) as usize + 1);
        // Rural junctions.
        let mut rural = Vec::with_capacity(nx * ny);
        for i in 0..ny {
            for j in 0..nx {
                let x = j as f64 * step + s.rng.gen_range(-0.3..0.3) * step;
                let y = i as f64 * step + s.rng.gen_range(-0.3..0.3) * step;
                rural.push(s.node(x, y));
            }
        }
        let at = |i: usize, j: usize| rural[i * nx + j];
        for i in 0..ny {
            for j in 0..nx {
                for (di, dj) in [(0usize, 1usize), (1, 0)] {
                    let (i2, j2) = (i + di, j + dj);
                    if i2 >= ny || j2 >= nx || s.rng.gen_bool(0.25) {
                        continue;
                    }
                    let line = if di == 0 { i } else { j };
                    let class = if line % 5 == 0 {
                        "trunk"
                    } else if line % 2 == 0 {
                        "secondary"
                    } else {
                        "unclassified"
                    };
                    let refs = s.shaped(&[at(i, j), at(i2, j2)], 100.0, 0.04);
                    // Farm roads off the link, dead ends of 2–8 km.
                    let spurs = if refs.len() > 2 {
                        s.rng.gen_range(1..4)
                    } else {
                        0
                    };
                    for _ in 0..spurs {
                        let k = s.rng.gen_range(1..refs.len() - 1);
                        let from = refs[k];
                        let (x, y) = s.pos(from);
                        let a = s.rng.gen_range(0.0..2.0 * PI);
                        let len = s.rng.gen_range(2_000.0..8_000.0);
                        let end = s.node(x + a.cos() * len, y + a.sin() * len);
                        let spur = s.shaped(&[from, end], 100.0, 0.05);
                        s.way(spur, "unclassified", &[]);
                    }
                    s.way(refs, class, &[]);
                }
            }
        }
        // Towns at rural junctions, joined to them by a secondary road from each side.
        // Cells per side: a metropolis, 13 regional cities, 460 towns (~7,800 cells).
        let mut towns: Vec<usize> = vec![55];
        towns.extend([20, 15, 12, 12, 10, 10, 9, 8, 8, 7, 7, 6, 6]);
        towns.extend(std::iter::repeat_n(5, 40));
        towns.extend(std::iter::repeat_n(3, 120));
        towns.extend(std::iter::repeat_n(2, 300));
        let mut used = vec![false; rural.len()];
        for size in towns {
            let (i, j) = loop {
                let (i, j) = (s.rng.gen_range(2..ny - 2), s.rng.gen_range(2..nx - 2));
                if !used[i * nx + j] {
                    used[i * nx + j] = true;
                    break (i, j);
                }
            };
            let hub = at(i, j);
            let (hx, hy) = s.pos(hub);
            let half = size as f64 * 500.0;
            let gates = s.add_city(hx + 2_000.0, hy - half, size, size);
            for g in gates {
                let link = s.shaped(&[hub, g], 60.0, 0.05);
                s.way(link, "secondary", &[]);
            }
        }
        s
    }

    fn node(&mut self, x: f64, y: f64) -> u64 {
        self.xy.push((x as f32, y as f32));
        self.xy.len() as u64
    }

    fn pos(&self, id: u64) -> (f64, f64) {
        let (x, y) = self.xy[id as usize - 1];
        (x as f64, y as f64)
    }

    /// The way through the junctions `stops` with shape nodes every ~`spacing` metres, each
    /// stretch bowed sideways by up to `bow` of its length (a curved street).
    fn shaped(&mut self, stops: &[u64], spacing: f64, bow: f64) -> Vec<u64> {
        let mut refs = vec![stops[0]];
        for w in stops.windows(2) {
            let ((ax, ay), (bx, by)) = (self.pos(w[0]), self.pos(w[1]));
            let (dx, dy) = (bx - ax, by - ay);
            let len = (dx * dx + dy * dy).sqrt();
            let inner = (len / spacing) as usize;
            let side = self.rng.gen_range(-bow..bow) * len;
            let wiggle = self.rng.gen_range(-0.3..0.3) * side;
            let (nx, ny) = if len > 0.0 {
                (-dy / len, dx / len)
            } else {
                (0.0, 0.0)
            };
            for k in 1..=inner {
                let t = k as f64 / (inner + 1) as f64;
                let off = side * (PI * t).sin() + wiggle * (3.0 * PI * t).sin();
                let p = self.node(ax + dx * t + nx * off, ay + dy * t + ny * off);
                refs.push(p);
            }
            refs.push(w[1]);
        }
        refs
    }

    fn way(&mut self, refs: Vec<u64>, class: &str, extra: &[(&'static str, &str)]) {
        let mut tags = vec![("highway", class.to_string())];
        tags.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
        self.ways.push(Way { refs, tags });
    }

    /// A street through `stops`, sometimes split mid-way with the same tags (a bridge piece).
    fn street(&mut self, stops: Vec<u64>, class: &str, extra: &[(&'static str, &str)]) {
        let spacing = if class == "residential" || class == "service" {
            self.rng.gen_range(15.0..30.0)
        } else {
            30.0
        };
        let refs = self.shaped(&stops, spacing, 0.06);
        if refs.len() >= 6 && self.rng.gen_bool(0.12) {
            let a = self.rng.gen_range(1..refs.len() - 3);
            let b = a + self.rng.gen_range(1..3);
            self.way(refs[..=a].to_vec(), class, extra);
            let mut bridge = extra.to_vec();
            bridge.extend([("bridge", "yes"), ("layer", "1")]);
            self.way(refs[a..=b].to_vec(), class, &bridge);
            self.way(refs[b..].to_vec(), class, extra);
        } else {
            self.way(refs, class, extra);
        }
    }

    /// Adds a city of `cx × cy` cells with its lower-left corner at `(x0, y0)`; returns the
    /// midpoints of its four sides (for roads out of town).
    fn add_city(&mut self, x0: f64, y0: f64, cx: usize, cy: usize) -> Vec<u64> {
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

    /// Filler for a state extract: `buildings` 4-node buildings in the city boxes and
    /// `footways` footpaths (non-drivable), written with the network.
    pub fn with_filler(mut self, buildings: u64, footways: u64) -> Synth {
        self.buildings = buildings;
        self.footways = footways;
        self
    }

    pub fn stats(&self) -> SynthStats {
        SynthStats {
            road_nodes: self.xy.len() as u64,
            road_ways: self.ways.len() as u64,
            filler_nodes: self.buildings * 4 + self.footways * 3,
            filler_ways: self.buildings + self.footways,
            one_way_ways: self
                .ways
                .iter()
                .filter(|w| {
                    w.tags.iter().any(|(k, _)| *k == "oneway")
                        || w.tags
                            .iter()
                            .any(|(k, v)| *k == "highway" && v == "motorway")
                })
                .count() as u64,
        }
    }

    /// Writes the extract as OSM XML to `out`: road nodes, filler nodes, road ways, filler ways.
    pub fn write_xml(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(
            out,
            "<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6' generator='routemate-bench'>"
        )?;
        let (lat0, lng0) = self.origin;
        let cos = lat0.to_radians().cos();
        let to_ll = |x: f64, y: f64| (lat0 + y / M_PER_DEG, lng0 + x / (M_PER_DEG * cos));
        for (k, &(x, y)) in self.xy.iter().enumerate() {
            let (lat, lng) = to_ll(x as f64, y as f64);
            writeln!(
                out,
                "<node id='{}' version='1' lat='{lat:.7}' lon='{lng:.7}'/>",
                k + 1
            )?;
        }
        let base = self.xy.len() as u64 + 1;
        let mut filler = StdRng::seed_from_u64(7);
        let mut id = base;
        let boxes = &self.building_boxes;
        let weights: Vec<f64> = boxes
            .iter()
            .map(|b| (b.2 - b.0) * (b.3 - b.1))
            .scan(0.0, |acc, a| {
                *acc += a;
                Some(*acc)
            })
            .collect();
        let total = weights.last().copied().unwrap_or(0.0);
        let place = |r: &mut StdRng| -> (f64, f64) {
            let pick = r.gen_range(0.0..total.max(1.0));
            let b = boxes[weights.partition_point(|&w| w < pick).min(boxes.len() - 1)];
            (r.gen_range(b.0..b.2), r.gen_range(b.1..b.3))
        };
        for _ in 0..self.buildings {
            let (x, y) = place(&mut filler);
            let (w, h) = (filler.gen_range(8.0..20.0), filler.gen_range(8.0..20.0));
            for (dx, dy) in [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)] {
                let (lat, lng) = to_ll(x + dx, y + dy);
                writeln!(
                    out,
                    "<node id='{id}' version='1' lat='{lat:.7}' lon='{lng:.7}'/>"
                )?;
                id += 1;
            }
        }
        for _ in 0..self.footways {
            let (x, y) = place(&mut filler);
            for k in 0..3 {
                let (lat, lng) = to_ll(x + k as f64 * 15.0, y + filler.gen_range(-5.0..5.0));
                writeln!(
                    out,
                    "<node id='{id}' version='1' lat='{lat:.7}' lon='{lng:.7}'/>"
                )?;
                id += 1;
            }
        }
        for (k, w) in self.ways.iter().enumerate() {
            write!(out, "<way id='{}' version='1'>", k + 1)?;
            for r in &w.refs {
                write!(out, "<nd ref='{r}'/>")?;
            }
            for (key, v) in &w.tags {
                write!(out, "<tag k='{key}' v='{v}'/>")?;
            }
            writeln!(out, "</way>")?;
        }
        let mut way_id = self.ways.len() as u64 + 1;
        let mut node = base;
        for _ in 0..self.buildings {
            write!(out, "<way id='{way_id}' version='1'>")?;
            for k in [0, 1, 2, 3, 0] {
                write!(out, "<nd ref='{}'/>", node + k)?;
            }
            writeln!(out, "<tag k='building' v='yes'/></way>")?;
            node += 4;
            way_id += 1;
        }
        for _ in 0..self.footways {
            write!(out, "<way id='{way_id}' version='1'>")?;
            for k in 0..3 {
                write!(out, "<nd ref='{}'/>", node + k)?;
            }
            writeln!(out, "<tag k='highway' v='footway'/></way>")?;
            node += 3;
            way_id += 1;
        }
        writeln!(out, "</osm>")
    }

    /// Converts to PBF at `pbf` by piping the XML into `osmium cat`.
    pub fn write_pbf(&self, pbf: &Path) -> anyhow::Result<()> {
        let child = std::process::Command::new("osmium")
            .args(["cat", "--overwrite", "-F", "osm", "-o"])
            .arg(pbf)
            .arg("-")
            .stdin(std::process::Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => anyhow::bail!(
                "the synthetic networks need `osmium` (Debian package osmium-tool: apt-get \
                 install osmium-tool) ({e})"
            ),
        };
        {
            let stdin = child.stdin.take().expect("piped stdin");
            let mut w = std::io::BufWriter::with_capacity(1 << 20, stdin);
            self.write_xml(&mut w)?;
            w.flush()?;
        }
        let status = child.wait()?;
        if !status.success() {
            anyhow::bail!("osmium cat failed ({status})");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_city_has_road_classes_one_ways_shape_nodes_and_valid_references() {
        let s = Synth::city(1, 8);
        let n = s.xy.len() as u64;
        assert!(s.ways.iter().all(|w| w.refs.len() >= 2));
        assert!(s
            .ways
            .iter()
            .flat_map(|w| &w.refs)
            .all(|&r| r >= 1 && r <= n));
        let class = |c: &str| s.ways.iter().filter(|w| w.tags[0].1 == c).count();
        for c in [
            "motorway",
            "motorway_link",
            "trunk",
            "primary",
            "secondary",
            "residential",
            "service",
        ] {
            assert!(class(c) > 0, "{c}");
        }
        assert!(s.stats().one_way_ways > 10);
        // Shape nodes: far more nodes than way ends.
        let mut uses = vec![0u32; n as usize + 1];
        for w in &s.ways {
            for &r in &w.refs {
                uses[r as usize] += 1;
            }
        }
        let shared = uses.iter().filter(|&&u| u >= 2).count();
        assert!(n as usize > 3 * shared, "{n} nodes, {shared} shared");
        // Same seed, same network.
        assert_eq!(Synth::city(1, 8).xy, s.xy);
    }
}
