//! Streets for drawing: the pack's roads (class and geometry) inside a bounding box, the minor
//! classes left out at low zoom, each line simplified for the scale (`geo`'s Ramer–Douglas–
//! Peucker at about half a screen pixel). The desktop's offline street basemap and the run
//! sheet's map draw from this; `routemate roads streets` prints it as GeoJSON.
//!
//! The pack keeps every kept road's class and points already ([`RoadNetwork`]), so nothing is
//! added to the pack file: [`StreetIndex`] is an R-tree of road envelopes built beside a loaded
//! pack (about a second per million roads) and reused for every query.

use crate::geometry::Coord;
use crate::graph::RoadNetwork;
use crate::profile::{RoadClass, SPEED_TABLE};
use geo::{LineString, Simplify};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use serde::Serialize;

/// A bounding box in degrees: south, west, north, east.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BBox {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
}

impl BBox {
    /// A box from its edges; `Err` says which edge is wrong (out of range, or south > north).
    pub fn new(south: f64, west: f64, north: f64, east: f64) -> Result<BBox, String> {
        for (name, v, lim) in [
            ("south", south, 90.0),
            ("west", west, 180.0),
            ("north", north, 90.0),
            ("east", east, 180.0),
        ] {
            if !v.is_finite() || v.abs() > lim {
                return Err(format!(
                    "{name} edge {v} is not a latitude/longitude in range"
                ));
            }
        }
        if south > north {
            return Err(format!(
                "south edge {south} lies north of the north edge {north}"
            ));
        }
        if west > east {
            return Err(format!(
                "west edge {west} lies east of the east edge {east}"
            ));
        }
        Ok(BBox {
            south,
            west,
            north,
            east,
        })
    }

    /// `S,W,N,E` in degrees (as `routemate roads streets --bbox` takes it).
    pub fn parse(s: &str) -> Result<BBox, String> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        if parts.len() != 4 {
            return Err(format!("{s:?} is not S,W,N,E (four numbers)"));
        }
        let mut v = [0.0; 4];
        for (slot, (p, name)) in v
            .iter_mut()
            .zip(parts.iter().zip(["south", "west", "north", "east"]))
        {
            *slot = p
                .parse()
                .map_err(|_| format!("{name} edge {p:?} is not a number"))?;
        }
        BBox::new(v[0], v[1], v[2], v[3])
    }

    fn aabb(&self) -> AABB<[f64; 2]> {
        AABB::from_corners([self.west, self.south], [self.east, self.north])
    }
}

/// One road to draw: its class (0 = motorway … 13 = service, as in [`SPEED_TABLE`]) and its
/// points, simplified for the zoom it was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Street {
    pub class: RoadClass,
    pub points: Vec<Coord>,
}

impl Street {
    /// The OSM `highway` value of the class (`residential`).
    pub fn class_name(&self) -> &'static str {
        class_name(self.class)
    }
}

/// The OSM `highway` value of a class, `road` for one this build does not know.
pub fn class_name(class: RoadClass) -> &'static str {
    SPEED_TABLE.get(class as usize).map_or("road", |(c, _)| c)
}

/// How a class is drawn, from 0 (motorways, trunks) to 3 (service roads): the basemap and the
/// run sheet give each rank its own width and grey.
pub fn rank(class: RoadClass) -> u8 {
    match class {
        0..=3 => 0,  // motorway, trunk and their links
        4..=7 => 1,  // primary, secondary
        8..=12 => 2, // tertiary, unclassified, residential, living street
        _ => 3,      // service
    }
}

/// The most minor class drawn at a zoom level (web map zoom: 0 = the world in 256 px): the big
/// roads from zoom 8, then primary (10), secondary (12), tertiary (13), residential streets
/// (14) and service roads (16).
pub fn max_class_for_zoom(zoom: u8) -> Option<RoadClass> {
    match zoom {
        0..=7 => None,
        8..=9 => Some(3),
        10..=11 => Some(5),
        12 => Some(7),
        13 => Some(9),
        14..=15 => Some(12),
        _ => Some(13),
    }
}

/// Degrees of longitude per screen pixel at a zoom level.
pub fn degrees_per_pixel(zoom: u8) -> f64 {
    360.0 / (256.0 * 2f64.powi(i32::from(zoom.min(24))))
}

/// The zoom at which `span_lng` degrees of longitude fill about `pixels` pixels (for a printed
/// map of known width), clamped to 0–20.
pub fn zoom_for_span(span_lng: f64, pixels: f64) -> u8 {
    if !(span_lng > 0.0 && pixels > 0.0) {
        return 20;
    }
    (pixels * 360.0 / (256.0 * span_lng))
        .log2()
        .floor()
        .clamp(0.0, 20.0) as u8
}

/// The streets found in a box.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Streets {
    /// Minor classes first, so a painter that draws in order puts the big roads on top.
    pub streets: Vec<Street>,
    /// More roads matched than the limit; the most minor ones were left out.
    pub truncated: bool,
}

type Envelope = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// The roads' envelopes (longitude, latitude) in an R-tree, for box queries.
pub struct StreetIndex {
    tree: RTree<Envelope>,
}

impl StreetIndex {
    pub fn build(net: &RoadNetwork) -> StreetIndex {
        let envelopes = (0..net.roads.len() as u32)
            .filter_map(|r| {
                let pts = net.road_points(r);
                let first = pts.first()?;
                let (mut lo, mut hi) = ([first.lng(), first.lat()], [first.lng(), first.lat()]);
                for p in &pts[1..] {
                    lo = [lo[0].min(p.lng()), lo[1].min(p.lat())];
                    hi = [hi[0].max(p.lng()), hi[1].max(p.lat())];
                }
                Some(GeomWithData::new(Rectangle::from_corners(lo, hi), r))
            })
            .collect();
        StreetIndex {
            tree: RTree::bulk_load(envelopes),
        }
    }

    /// The roads of `net` whose envelope meets `bbox`, of classes drawn at `zoom`, simplified
    /// for it; at most `limit` (the biggest classes kept when there are more).
    pub fn streets(&self, net: &RoadNetwork, bbox: BBox, zoom: u8, limit: usize) -> Streets {
        let Some(max_class) = max_class_for_zoom(zoom) else {
            return Streets::default();
        };
        let mut hits: Vec<(RoadClass, u32)> = self
            .tree
            .locate_in_envelope_intersecting(&bbox.aabb())
            .filter_map(|e| {
                let class = net.roads[e.data as usize].class;
                (class <= max_class).then_some((class, e.data))
            })
            .collect();
        // Biggest roads first for the cut, then in a stable order.
        hits.sort_unstable();
        let truncated = hits.len() > limit;
        hits.truncate(limit);
        let epsilon = degrees_per_pixel(zoom) / 2.0;
        let mut streets: Vec<Street> = hits
            .into_iter()
            .map(|(class, r)| Street {
                class,
                points: simplify(net.road_points(r), epsilon),
            })
            .collect();
        streets.reverse();
        Streets { streets, truncated }
    }
}

fn simplify(points: &[Coord], epsilon: f64) -> Vec<Coord> {
    let line: LineString<f64> = points
        .iter()
        .map(|c| geo::coord! { x: c.lng(), y: c.lat() })
        .collect();
    line.simplify(epsilon)
        .0
        .into_iter()
        .map(|c| Coord::from_deg(c.y, c.x))
        .collect()
}

/// The streets as a GeoJSON FeatureCollection of LineStrings (`[lng, lat]`), each with its
/// `class` (the `highway` value) and `rank` (0–3).
pub fn to_geojson(streets: &Streets) -> serde_json::Value {
    let features: Vec<serde_json::Value> = streets
        .streets
        .iter()
        .map(|s| {
            let coords: Vec<[f64; 2]> = s
                .points
                .iter()
                .map(|c| [round7(c.lng()), round7(c.lat())])
                .collect();
            serde_json::json!({
                "type": "Feature",
                "properties": { "class": s.class_name(), "rank": rank(s.class) },
                "geometry": { "type": "LineString", "coordinates": coords },
            })
        })
        .collect();
    serde_json::json!({
        "type": "FeatureCollection",
        "features": features,
        "truncated": streets.truncated,
    })
}

fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Road;

    fn road(class: RoadClass) -> Road {
        Road {
            from: 0,
            to: 1,
            forward: true,
            backward: true,
            class,
            speed_kmh: 30.0,
            time_ms: 1,
            dist_cm: 1,
        }
    }

    /// Three roads: a motorway across the box, a residential street inside it (with a kink of
    /// a few centimetres), a service road far away.
    fn net() -> RoadNetwork {
        let mut net = RoadNetwork::default();
        let c = Coord::from_deg;
        net.nodes = vec![c(-27.5, 153.0), c(-27.4, 153.1)];
        net.add_road(road(0), &[c(-27.50, 152.90), c(-27.45, 153.20)]);
        net.add_road(
            road(11),
            &[
                c(-27.450, 153.010),
                c(-27.4500002, 153.0105),
                c(-27.450, 153.011),
            ],
        );
        net.add_road(road(13), &[c(-26.0, 150.0), c(-26.0, 150.01)]);
        net
    }

    #[test]
    fn classes_follow_the_zoom_and_the_box() {
        let net = net();
        let index = StreetIndex::build(&net);
        let bbox = BBox::parse("-27.46,153.0,-27.44,153.02").unwrap();
        let classes = |zoom| -> Vec<RoadClass> {
            let s = index.streets(&net, bbox, zoom, 100);
            s.streets.iter().map(|s| s.class).collect()
        };
        assert_eq!(classes(6), Vec::<RoadClass>::new());
        assert_eq!(classes(10), vec![0]);
        // Minor first, the motorway drawn last (on top).
        assert_eq!(classes(15), vec![11, 0]);
        let cut = index.streets(&net, bbox, 15, 1);
        assert!(cut.truncated);
        assert_eq!(cut.streets[0].class, 0, "the biggest road is kept");
    }

    #[test]
    fn lines_are_simplified_for_the_scale() {
        let net = net();
        let index = StreetIndex::build(&net);
        let bbox = BBox::parse("-27.46,153.0,-27.44,153.02").unwrap();
        let at = |zoom| index.streets(&net, bbox, zoom, 100).streets[0].points.len();
        assert_eq!(at(15), 2, "a 2 cm kink is below half a pixel at zoom 15");
        assert_eq!(at(24), 3, "and kept at zoom 24");
    }

    #[test]
    fn bad_boxes_are_named() {
        assert!(BBox::parse("1,2,3").unwrap_err().contains("four numbers"));
        assert!(BBox::parse("-27,x,-26,153").unwrap_err().contains("west"));
        assert!(BBox::parse("-26,153,-27,154")
            .unwrap_err()
            .contains("south"));
        assert!(BBox::parse("-27,153,-26,200").unwrap_err().contains("east"));
    }

    #[test]
    fn geojson_names_classes() {
        let net = net();
        let index = StreetIndex::build(&net);
        let bbox = BBox::parse("-27.46,153.0,-27.44,153.02").unwrap();
        let json = to_geojson(&index.streets(&net, bbox, 15, 100));
        assert_eq!(json["features"][0]["properties"]["class"], "residential");
        assert_eq!(json["features"][1]["properties"]["class"], "motorway");
        assert_eq!(json["features"][1]["geometry"]["coordinates"][0][0], 152.9);
    }

    #[test]
    fn zoom_fits_a_printed_width() {
        // ~0.04° of longitude over 523 pt (≈ 700 px at 96 dpi) is a neighbourhood: zoom 14.
        assert_eq!(zoom_for_span(0.04, 700.0), 14);
        assert_eq!(zoom_for_span(0.0, 700.0), 20);
    }
}
