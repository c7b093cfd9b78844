//! The job as the driver needs it: the stops in planned order (then the ones left off the
//! route), the depot, the lines to draw, and the header facts (driver, date, vehicle, totals).
//! Every export format reads this one view, so they cannot disagree about the order.

use routemate_core::geo::LatLng;
use routemate_core::model::Stop;
use routemate_engine::jobs::JobView;
use serde_json::Value;

/// A line on the map or in a GPX track: points in travel order.
pub type LatLngLine = Vec<LatLng>;

/// The job in driving order.
#[derive(Debug, Clone)]
pub struct Route {
    pub job_id: String,
    pub external_job_id: String,
    pub title: String,
    pub driver: Option<String>,
    /// The job's `date`, else the day it was created (UTC), `YYYY-MM-DD`.
    pub date: String,
    /// A `vehicle` the job carries (an extension field: a string, or an object's `name`/`id`).
    pub vehicle: Option<String>,
    pub depot: Option<LatLng>,
    pub return_to_depot: bool,
    /// Stops on the route, by sequence (each has a sequence and coordinates).
    pub routed: Vec<Stop>,
    /// Stops left off the route (not placed), in the job's order.
    pub unplaced: Vec<Stop>,
    pub total_distance_km: f64,
    pub total_duration_minutes: f64,
    /// True when distances are straight-line estimates, not a road network.
    pub estimate: bool,
    /// The lines to draw: the road geometry of each leg when the job carries it, else one
    /// straight line through depot, stops (and depot again when the route returns).
    pub lines: Vec<LatLngLine>,
    /// True when `lines` are road geometry (`legs[].geometry`).
    pub road_geometry: bool,
}

impl Route {
    pub fn from_job(job: &JobView) -> Route {
        let mut routed: Vec<Stop> = job
            .stops
            .iter()
            .filter(|s| s.sequence.is_some() && s.lat.is_some() && s.lng.is_some())
            .cloned()
            .collect();
        routed.sort_by_key(|s| s.sequence);
        let unplaced: Vec<Stop> = job
            .stops
            .iter()
            .filter(|s| !(s.sequence.is_some() && s.lat.is_some() && s.lng.is_some()))
            .cloned()
            .collect();
        // Extension fields other helpers' features add to the job's wire shape: read from its
        // JSON so this crate works before and after they exist.
        let wire = serde_json::to_value(job).unwrap_or(Value::Null);
        let road = leg_geometry(&wire);
        let road_geometry = !road.is_empty();
        let mut route = Route {
            job_id: job.job_id.clone(),
            external_job_id: job.external_job_id.clone(),
            title: if job.title.trim().is_empty() {
                job.external_job_id.clone()
            } else {
                job.title.clone()
            },
            driver: job.driver_email.clone(),
            date: job
                .date
                .clone()
                .unwrap_or_else(|| job.created_at.format("%Y-%m-%d").to_string()),
            vehicle: vehicle(&wire),
            depot: job.depot,
            return_to_depot: job.return_to_depot,
            routed,
            unplaced,
            total_distance_km: job.optimization.total_distance_km,
            total_duration_minutes: job.optimization.total_duration_minutes,
            estimate: job.optimization.estimate,
            lines: road,
            road_geometry,
        };
        if !route.road_geometry {
            route.lines = vec![route.straight_line()];
        }
        route
    }

    /// The stop points in route order, with the depot at the start (and end when the route
    /// returns to it).
    pub fn straight_line(&self) -> LatLngLine {
        let mut line = Vec::with_capacity(self.routed.len() + 2);
        line.extend(self.depot);
        line.extend(self.routed.iter().filter_map(point));
        if self.return_to_depot {
            line.extend(self.depot);
        }
        line
    }

    /// Parcels on the route and off it.
    pub fn parcels(&self) -> u64 {
        self.routed
            .iter()
            .chain(&self.unplaced)
            .map(|s| u64::from(s.parcel_count))
            .sum()
    }

    /// Every stop the driver gets: routed ones in order, then the unplaced ones.
    pub fn all_stops(&self) -> impl Iterator<Item = &Stop> {
        self.routed.iter().chain(&self.unplaced)
    }
}

/// A stop's coordinates, when it has both.
pub fn point(s: &Stop) -> Option<LatLng> {
    Some(LatLng::new(s.lat?, s.lng?))
}

/// `legs[].geometry`: each leg's road geometry as a Google encoded polyline (precision 5).
/// Legs without geometry, or whose geometry does not decode to valid coordinates, are skipped;
/// if none decode, the route has no road geometry.
fn leg_geometry(wire: &Value) -> Vec<LatLngLine> {
    // `optimization.legs` where the engine puts them; a top-level `legs` as written before.
    let legs = wire
        .pointer("/optimization/legs")
        .or_else(|| wire.get("legs"))
        .and_then(Value::as_array);
    let Some(legs) = legs else {
        return Vec::new();
    };
    legs.iter()
        .filter_map(|leg| leg.get("geometry").and_then(Value::as_str))
        .filter_map(decode_polyline)
        .filter(|l| l.len() >= 2)
        .collect()
}

/// Decodes one encoded polyline into points, refusing coordinates off the globe.
pub fn decode_polyline(encoded: &str) -> Option<LatLngLine> {
    let line = polyline::decode_polyline(encoded, 5).ok()?;
    line.0
        .iter()
        .map(|c| {
            let (lat, lng) = (c.y, c.x);
            ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng))
                .then(|| LatLng::new(lat, lng))
        })
        .collect()
}

fn vehicle(wire: &Value) -> Option<String> {
    let v = wire.get("vehicle")?;
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Object(o) => o
            .get("name")
            .or_else(|| o.get("id"))
            .and_then(Value::as_str)?
            .to_string(),
        _ => return None,
    };
    (!text.trim().is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polylines_decode_to_lat_lng_and_refuse_garbage() {
        // Google's documented example: (38.5, -120.2), (40.7, -120.95), (43.252, -126.453).
        let line = decode_polyline("_p~iF~ps|U_ulLnnqC_mqNvxq`@").unwrap();
        assert_eq!(line.len(), 3);
        assert!((line[0].lat - 38.5).abs() < 1e-9 && (line[0].lng + 120.2).abs() < 1e-9);
        assert!((line[2].lat - 43.252).abs() < 1e-9);
        assert!(decode_polyline("\u{1}\u{2}").is_none());
    }

    #[test]
    fn leg_geometry_is_read_from_the_extension_field() {
        let wire = serde_json::json!({"legs": [
            {"geometry": "_p~iF~ps|U_ulLnnqC_mqNvxq`@"}, {"geometry": null}, {}]});
        assert_eq!(leg_geometry(&wire).len(), 1);
        assert!(leg_geometry(&serde_json::json!({})).is_empty());
        let nested = serde_json::json!({"optimization": {"legs": [
            {"geometry": "_p~iF~ps|U_ulLnnqC_mqNvxq`@"}]}});
        assert_eq!(
            leg_geometry(&nested).len(),
            1,
            "the engine's optimization.legs"
        );
        assert_eq!(
            vehicle(&serde_json::json!({"vehicle": {"name": "Van 3"}})).as_deref(),
            Some("Van 3")
        );
    }
}
