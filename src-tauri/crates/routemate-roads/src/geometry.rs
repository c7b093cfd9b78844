//! Coordinates as OSM stores them (1e-7 degrees in an `i32`), distances and route lines through
//! the `geo` crate.

use geo::{Distance, Haversine, LineString, Point, Simplify};
use serde::{Deserialize, Serialize};

/// A WGS84 position in 1e-7 degrees (OSM's own precision, about 1 cm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coord {
    pub lat_e7: i32,
    pub lng_e7: i32,
}

impl Coord {
    pub fn new_e7(lat_e7: i32, lng_e7: i32) -> Coord {
        Coord { lat_e7, lng_e7 }
    }

    pub fn from_deg(lat: f64, lng: f64) -> Coord {
        Coord {
            lat_e7: (lat * 1e7).round() as i32,
            lng_e7: (lng * 1e7).round() as i32,
        }
    }

    pub fn lat(self) -> f64 {
        self.lat_e7 as f64 * 1e-7
    }

    pub fn lng(self) -> f64 {
        self.lng_e7 as f64 * 1e-7
    }

    pub fn point(self) -> Point<f64> {
        Point::new(self.lng(), self.lat())
    }
}

/// Great-circle distance in metres.
pub fn haversine_m(a: Coord, b: Coord) -> f64 {
    Haversine.distance(a.point(), b.point())
}

/// Route line tolerance: points within ~1 m of the simplified line are dropped.
const SIMPLIFY_EPSILON_DEG: f64 = 1e-5;

/// The line through `points`, simplified (Ramer–Douglas–Peucker, `geo`) and encoded as a Google
/// encoded polyline (precision 5, latitude first).
pub fn encode_line(points: &[Coord]) -> String {
    let mut line: Vec<geo::Coord<f64>> = points
        .iter()
        .map(|c| geo::coord! { x: c.lng(), y: c.lat() })
        .collect();
    line.dedup();
    let simplified = LineString::new(line).simplify(SIMPLIFY_EPSILON_DEG);
    polyline::encode_coordinates(simplified, 5).unwrap_or_default()
}
