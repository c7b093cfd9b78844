//! Links that open the route in a phone's navigation app, for the run sheet's QR codes.
//!
//! The form is Google Maps' documented cross-platform directions URL ("Maps URLs"), which opens
//! the Google Maps app on Android and iOS (or the browser where it is not installed):
//!
//! `https://www.google.com/maps/dir/?api=1&origin=LAT,LNG&destination=LAT,LNG&waypoints=LAT,LNG%7CLAT,LNG&travelmode=driving`
//!
//! Coordinates, not addresses: the stops were placed already and a coordinate cannot be
//! mis-read. Google accepts at most 9 waypoints per link (fewer on some mobile browsers), so a
//! longer route is cut into parts: part 1 runs from the depot (or the first stop) through up to
//! 9 waypoints to its destination stop, part 2 starts where part 1 ended, and so on; the last
//! part ends at the depot when the route returns there.

use crate::route::Route;
use routemate_core::geo::LatLng;

/// Waypoints per link (Google Maps URLs' documented maximum).
pub const MAX_WAYPOINTS: usize = 9;

/// One part of the route as a navigation link.
#[derive(Debug, Clone, PartialEq)]
pub struct NavLink {
    /// 1-based part number.
    pub part: usize,
    /// Sequences of the first and last stop this part drives to.
    pub first_stop: u32,
    pub last_stop: u32,
    pub url: String,
}

/// The route's navigation links, in order; empty when no stop is routed.
pub fn links(route: &Route) -> Vec<NavLink> {
    // (point, sequence of the stop there; 0 for the depot)
    let mut points: Vec<(LatLng, u32)> = Vec::with_capacity(route.routed.len() + 2);
    points.extend(route.depot.map(|d| (d, 0)));
    for s in &route.routed {
        if let (Some(lat), Some(lng), Some(seq)) = (s.lat, s.lng, s.sequence) {
            points.push((LatLng::new(lat, lng), seq));
        }
    }
    if points.iter().all(|(_, seq)| *seq == 0) {
        return Vec::new();
    }
    if route.return_to_depot {
        points.extend(route.depot.map(|d| (d, 0)));
    }
    if points.len() == 1 {
        // One stop and no depot: navigate to it from wherever the phone is.
        let (p, seq) = points[0];
        return vec![NavLink {
            part: 1,
            first_stop: seq,
            last_stop: seq,
            url: format!("{BASE}&destination={}&travelmode=driving", coord(p)),
        }];
    }
    let mut out = Vec::new();
    let mut start = 0;
    while start + 1 < points.len() {
        let end = (start + MAX_WAYPOINTS + 1).min(points.len() - 1);
        let seg = &points[start..=end];
        let stops: Vec<u32> = seg[1..]
            .iter()
            .map(|(_, s)| *s)
            .filter(|s| *s > 0)
            .collect();
        let waypoints: Vec<String> = seg[1..seg.len() - 1]
            .iter()
            .map(|(p, _)| coord(*p))
            .collect();
        let mut url = format!(
            "{BASE}&origin={}&destination={}",
            coord(seg[0].0),
            coord(seg[seg.len() - 1].0)
        );
        if !waypoints.is_empty() {
            url.push_str("&waypoints=");
            url.push_str(&waypoints.join("%7C"));
        }
        url.push_str("&travelmode=driving");
        out.push(NavLink {
            part: out.len() + 1,
            first_stop: stops.first().copied().unwrap_or(0),
            last_stop: stops.last().copied().unwrap_or(0),
            url,
        });
        start = end;
    }
    out
}

const BASE: &str = "https://www.google.com/maps/dir/?api=1";

/// `lat,lng` with 6 decimals (~0.1 m), the form the URL takes.
fn coord(p: LatLng) -> String {
    format!("{:.6},{:.6}", p.lat, p.lng)
}
