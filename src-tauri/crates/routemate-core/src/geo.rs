//! Geometry on the sphere: points and the haversine distance shared with the benchmark instances.

use serde::{Deserialize, Serialize};

/// Mean Earth radius used by every distance in RouteMate (and by the shared benchmark data).
pub const EARTH_RADIUS_M: f64 = 6_371_000.0;

/// A WGS84 point in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LatLng {
    pub lat: f64,
    pub lng: f64,
}

impl LatLng {
    pub fn new(lat: f64, lng: f64) -> Self {
        Self { lat, lng }
    }

    /// True when both coordinates are finite and inside their ranges.
    pub fn is_valid(&self) -> bool {
        self.lat.is_finite()
            && self.lng.is_finite()
            && (-90.0..=90.0).contains(&self.lat)
            && (-180.0..=180.0).contains(&self.lng)
    }
}

/// Great-circle distance in metres (float), as the benchmark generator computes it.
pub fn haversine_m(a: LatLng, b: LatLng) -> f64 {
    let (phi1, phi2) = (a.lat.to_radians(), b.lat.to_radians());
    let dphi = phi2 - phi1;
    let dlmb = b.lng.to_radians() - a.lng.to_radians();
    let h = (dphi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (dlmb / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Haversine rounded half-up to whole metres: `floor(d + 0.5)`, the benchmark's definition.
pub fn haversine_int_m(a: LatLng, b: LatLng) -> u32 {
    (haversine_m(a, b) + 0.5).floor() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brisbane_to_sydney_is_about_730_km() {
        let bne = LatLng::new(-27.4698, 153.0251);
        let syd = LatLng::new(-33.8688, 151.2093);
        let km = haversine_m(bne, syd) / 1000.0;
        assert!((km - 732.0).abs() < 5.0, "{km}");
    }

    #[test]
    fn same_point_is_zero() {
        let p = LatLng::new(-27.5, 153.0);
        assert_eq!(haversine_int_m(p, p), 0);
    }
}
