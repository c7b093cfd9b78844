//! Placing stops: caller-supplied coordinates win; otherwise the geocoder, whose precision becomes
//! the stop's `geocode` info and the warnings (approximate, ambiguous, failed, flagged).

use routemate_core::geo::LatLng;
use routemate_core::geocode::{GeocodeLevel, Geocoded, Geocoder};
use routemate_core::model::{warning_codes as codes, GeocodeInfo, Warning};
use std::collections::HashMap;

/// Geocodes each distinct address once per import, for the importing account.
pub struct Placer<'a> {
    geocoder: &'a dyn Geocoder,
    account: &'a str,
    seen: HashMap<String, Geocoded>,
}

impl<'a> Placer<'a> {
    pub fn new(geocoder: &'a dyn Geocoder, account: &'a str) -> Self {
        Placer {
            geocoder,
            account,
            seen: HashMap::new(),
        }
    }

    /// Places one stop; pushes its warnings.
    pub fn place(
        &mut self,
        stop_id: &str,
        address: Option<&str>,
        given: Option<LatLng>,
        warnings: &mut Vec<Warning>,
    ) -> (Option<LatLng>, GeocodeInfo) {
        if let Some(p) = given {
            let info = GeocodeInfo {
                source: "input".into(),
                level: GeocodeLevel::Exact,
                confidence: 1.0,
                matched: None,
            };
            return (Some(p), info);
        }
        let address = address.unwrap_or_default();
        let g = match self.seen.get(address) {
            Some(g) => g.clone(),
            None => {
                let g = self.geocoder.geocode(self.account, address);
                self.seen.insert(address.to_string(), g.clone());
                g
            }
        };
        for flag in &g.flags {
            warnings.push(Warning::stop(codes::ADDRESS_FLAGGED, stop_id, flag.clone()));
        }
        let point = g.point.filter(|p| p.is_valid());
        if point.is_none() || g.level == GeocodeLevel::None {
            let why = if g.ambiguous {
                format!("'{address}' matches several places: {}", candidates(&g))
            } else {
                format!(
                    "'{address}' could not be placed; the stop is kept but left out of the route"
                )
            };
            let code = if g.ambiguous {
                codes::GEOCODE_AMBIGUOUS
            } else {
                codes::GEOCODE_FAILED
            };
            warnings.push(Warning::stop(code, stop_id, why));
        } else if g.ambiguous {
            warnings.push(Warning::stop(
                codes::GEOCODE_AMBIGUOUS,
                stop_id,
                format!(
                    "'{address}' matches several places, best used: {}",
                    candidates(&g)
                ),
            ));
        } else if g.level.is_approximate() {
            warnings.push(Warning::stop(
                codes::GEOCODE_APPROXIMATE,
                stop_id,
                format!(
                    "'{address}' placed at {} level{}",
                    g.level.as_str(),
                    g.matched
                        .as_deref()
                        .map(|m| format!(" ({m})"))
                        .unwrap_or_default()
                ),
            ));
        }
        let info = GeocodeInfo {
            source: g.source.clone(),
            level: if point.is_some() {
                g.level
            } else {
                GeocodeLevel::None
            },
            confidence: if point.is_some() { g.confidence } else { 0.0 },
            matched: g.matched.clone(),
        };
        (point, info)
    }
}

fn candidates(g: &Geocoded) -> String {
    g.candidates
        .iter()
        .take(5)
        .map(|c| c.matched.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}
