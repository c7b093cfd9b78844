//! The depot address in Settings, placed by the app's own geocoder: the places it could be, best
//! first, for the dispatcher to choose from (an ambiguous "Main St" lists each town's).

use routemate_core::geocode::{GeocodeCandidate, GeocodeLevel, Geocoded};

/// Candidates closer than this (degrees, about 10 m) are the same place.
const SAME_PLACE_DEG: f64 = 1e-4;

/// The places to offer for one geocoder answer: the chosen placement first, then the other
/// candidates, without repeats; empty when the address could not be placed.
pub fn candidates(address: &str, g: &Geocoded) -> Vec<GeocodeCandidate> {
    let mut out: Vec<GeocodeCandidate> = Vec::new();
    if let Some(p) = g.point.filter(|_| g.level != GeocodeLevel::None) {
        out.push(GeocodeCandidate {
            lat: p.lat,
            lng: p.lng,
            level: g.level,
            confidence: g.confidence,
            matched: g
                .matched
                .clone()
                .unwrap_or_else(|| address.trim().to_string()),
        });
    }
    for c in &g.candidates {
        let seen = out.iter().any(|o| {
            (o.lat - c.lat).abs() < SAME_PLACE_DEG && (o.lng - c.lng).abs() < SAME_PLACE_DEG
        });
        if !seen && c.level != GeocodeLevel::None {
            out.push(c.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use routemate_core::geo::LatLng;

    fn cand(lat: f64, lng: f64, matched: &str) -> GeocodeCandidate {
        GeocodeCandidate {
            lat,
            lng,
            level: GeocodeLevel::Locality,
            confidence: 0.5,
            matched: matched.into(),
        }
    }

    fn answer(point: Option<(f64, f64)>, candidates: Vec<GeocodeCandidate>) -> Geocoded {
        Geocoded {
            point: point.map(|(lat, lng)| LatLng { lat, lng }),
            level: if point.is_some() {
                GeocodeLevel::Locality
            } else {
                GeocodeLevel::None
            },
            confidence: 0.6,
            matched: point.map(|_| "Paddington QLD 4064".to_string()),
            source: "gazetteer".into(),
            ambiguous: candidates.len() > 1,
            candidates,
            flags: Vec::new(),
        }
    }

    #[test]
    fn the_chosen_place_comes_first_and_other_towns_follow_once_each() {
        let g = answer(
            Some((-27.46, 152.99)),
            vec![
                cand(-27.46, 152.99, "Paddington QLD 4064"),
                cand(-33.88, 151.23, "Paddington NSW 2021"),
            ],
        );
        let c = candidates("Paddington", &g);
        let names: Vec<&str> = c.iter().map(|c| c.matched.as_str()).collect();
        assert_eq!(names, ["Paddington QLD 4064", "Paddington NSW 2021"]);
    }

    #[test]
    fn an_address_that_cannot_be_placed_has_no_candidates() {
        assert!(candidates("Nowhere Rd", &answer(None, Vec::new())).is_empty());
    }
}
