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
//!
//! Parts: this file holds the extract (`Synth`: nodes, ways, the street-drawing primitives) and
//! its statistics; `city` lays out a city, `state` a state of cities joined by rural roads,
//! `xml` writes OSM XML and the PBF.

mod city;
mod state;
mod xml;

use rand::{rngs::StdRng, Rng, SeedableRng};
use std::f64::consts::PI;

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

    pub(super) fn node(&mut self, x: f64, y: f64) -> u64 {
        self.xy.push((x as f32, y as f32));
        self.xy.len() as u64
    }

    pub(super) fn pos(&self, id: u64) -> (f64, f64) {
        let (x, y) = self.xy[id as usize - 1];
        (x as f64, y as f64)
    }

    /// The way through the junctions `stops` with shape nodes every ~`spacing` metres, each
    /// stretch bowed sideways by up to `bow` of its length (a curved street).
    pub(super) fn shaped(&mut self, stops: &[u64], spacing: f64, bow: f64) -> Vec<u64> {
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

    pub(super) fn way(&mut self, refs: Vec<u64>, class: &str, extra: &[(&'static str, &str)]) {
        let mut tags = vec![("highway", class.to_string())];
        tags.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
        self.ways.push(Way { refs, tags });
    }

    /// A street through `stops`, sometimes split mid-way with the same tags (a bridge piece).
    pub(super) fn street(&mut self, stops: Vec<u64>, class: &str, extra: &[(&'static str, &str)]) {
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
