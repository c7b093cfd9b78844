//! The geocoder behind the app's imports: the offline stack (gazetteer, bundled localities,
//! cache, learned corrections), with the online backend when Settings turns it on. A dispatcher's
//! pin teaches the stack (through the engine's edit calls), so the next job with that address is
//! placed at the pin.

use routemate_engine::Api;
use routemate_geocode::{GeocodeConfig, GeocodeStack, NominatimConfig};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// The stack currently attached to the engine (`None` until it opened), and the bundled locality
/// file it loads (the shell's resource path, see `resources.rs`).
#[derive(Default)]
pub struct Geocoding {
    stack: RwLock<Option<Arc<GeocodeStack>>>,
    localities: Option<PathBuf>,
}

impl Geocoding {
    /// A geocoder that will load the bundled localities from `localities` when it opens.
    pub fn new(localities: Option<PathBuf>) -> Self {
        Geocoding {
            stack: RwLock::default(),
            localities,
        }
    }

    /// The open stack (`None` while it opens, or when it could not).
    pub fn stack(&self) -> Option<Arc<GeocodeStack>> {
        self.stack.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Opens the stack for `data_dir` (online per Settings) and hands it to the engine; once
    /// open, later calls only switch the online backend, keeping the stack's store. A stack
    /// that cannot open is logged: stops with coordinates still route, the rest are warned.
    pub fn attach(&self, api: &Api, data_dir: &Path) {
        let s = crate::settings::DesktopSettings::current(api);
        let online = s
            .online_geocoder
            .then(|| NominatimConfig::new(&s.online_geocoder_url));
        let is_online = online.is_some();
        let mut current = self.stack.write().unwrap_or_else(|e| e.into_inner());
        if let Some(stack) = current.as_ref() {
            match stack.set_online(online) {
                Ok(()) => tracing::info!(online = is_online, "geocoder online setting applied"),
                Err(e) => tracing::warn!(error = %e, "online geocoder not changed"),
            }
            return;
        }
        let config = GeocodeConfig {
            online,
            ..GeocodeConfig::for_data_dir(data_dir, self.localities.clone())
        };
        match GeocodeStack::open(config) {
            Ok(stack) => {
                tracing::info!(online = is_online, "geocoder attached");
                let stack = Arc::new(stack);
                api.set_geocoder(stack.clone());
                *current = Some(stack);
            }
            Err(e) => tracing::warn!(error = %e, "geocoder unavailable"),
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
        // A second attach (the online switch in Settings) keeps the same stack and its pins.
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
