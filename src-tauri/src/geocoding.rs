//! The geocoder behind the app's imports: the offline stack (gazetteer, bundled localities,
//! cache, learned corrections), with the online backend when Settings turns it on. A dispatcher's
//! pin teaches the stack (through the engine's edit calls), so the next job with that address is
//! placed at the pin.

use routemate_engine::Api;
use routemate_geocode::GeocodeStack;
use std::path::Path;
use std::sync::{Arc, RwLock};

/// The stack currently attached to the engine (`None` when it could not open).
#[derive(Default)]
pub struct Geocoding(RwLock<Option<Arc<GeocodeStack>>>);

impl Geocoding {
    /// Opens the stack for `data_dir` (online per Settings) and hands it to the engine. A stack
    /// that cannot open is logged: stops with coordinates still route, the rest are warned.
    pub fn attach(&self, api: &Api, data_dir: &Path) {
        let s = crate::settings::DesktopSettings::current(api);
        let online = s.online_geocoder.then_some(s.online_geocoder_url);
        match routemate_server::cli::geocoder(api, data_dir, online.as_deref()) {
            Ok(stack) => {
                tracing::info!(online = online.is_some(), "geocoder attached");
                api.set_geocoder(stack.clone());
                *self.0.write().unwrap_or_else(|e| e.into_inner()) = Some(stack);
            }
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "geocoder unavailable"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use routemate_engine::{EngineConfig, DEFAULT_ACCOUNT as A};
    use serde_json::json;

    #[test]
    fn a_pin_places_the_same_address_in_the_next_job() {
        let dir = tempfile::tempdir().unwrap();
        let api = Api::open(EngineConfig::new(dir.path())).unwrap();
        let geocoding = Geocoding::default();
        geocoding.attach(&api, dir.path());
        let job = |id: &str| {
            json!({"external_job_id": id, "depot": {"lat": -27.47, "lng": 153.02},
            "stops": [{"external_stop_id": "A", "lat": -27.46, "lng": 153.03},
                      {"external_stop_id": "X", "address": "12 Nowhere Lane, Atlantis QLD 4999"}]})
        };
        let first = api.import_value(A, &job("J1")).unwrap().job;
        let x = |j: &routemate_engine::jobs::JobView| {
            j.stops
                .iter()
                .find(|s| s.external_stop_id == "X")
                .cloned()
                .unwrap()
        };
        assert_eq!(x(&first).sequence, None, "unknown to the offline geocoder");

        api.move_stop_pin(A, &first.job_id, "X", -27.5, 153.01)
            .unwrap();

        let second = api.import_value(A, &job("J2")).unwrap().job;
        let placed = x(&second);
        assert_eq!((placed.lat, placed.lng), (Some(-27.5), Some(153.01)));
        assert_eq!(placed.geocode.source, "correction");
        assert!(placed.sequence.is_some());
    }
}
