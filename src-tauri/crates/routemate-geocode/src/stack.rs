//! The geocoder the engine uses: learned corrections first, then the sled cache, then the
//! offline chain, then (only if enabled, reachable and better) Nominatim.

use crate::chain::OfflineGeocoder;
use crate::gazetteer::Gazetteer;
use crate::online::{Nominatim, NominatimConfig};
use crate::parse::normalise;
use crate::GeocodeError;
use routemate_core::geo::LatLng;
use routemate_core::geocode::{GeocodeLevel, Geocoded, Geocoder};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Everything [`GeocodeStack::open`] needs. The engine owns the sled database and the data dir.
pub struct GeocodeConfig {
    /// `<data_dir>/gazetteer.sqlite`; created empty if missing. `None`: no user gazetteer.
    pub gazetteer_path: Option<PathBuf>,
    /// sled tree for cached answers.
    pub cache: sled::Tree,
    /// sled tree for dispatcher corrections.
    pub corrections: sled::Tree,
    /// Online backend; `None` (the default) keeps geocoding fully offline.
    pub online: Option<NominatimConfig>,
    /// The bundled AU postcode/locality file written at set-up (GeoNames TSV format); loaded if
    /// the path exists, silently skipped if not.
    pub bundled_localities: Option<PathBuf>,
}

impl GeocodeConfig {
    /// The usual configuration: `<data_dir>/gazetteer.sqlite`, the bundled locality file if the
    /// set-up wrote one ([`crate::bundled::default_bundled_path`]), offline only.
    pub fn for_data_dir(
        data_dir: &std::path::Path,
        cache: sled::Tree,
        corrections: sled::Tree,
    ) -> Self {
        GeocodeConfig {
            gazetteer_path: Some(data_dir.join(crate::bundled::GAZETTEER_FILE)),
            cache,
            corrections,
            online: None,
            bundled_localities: crate::bundled::default_bundled_path(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct CacheEntry {
    generation: u64,
    result: Geocoded,
}

/// Corrections, cache, offline chain and optional online backend behind one [`Geocoder`].
pub struct GeocodeStack {
    offline: OfflineGeocoder,
    cache: sled::Tree,
    corrections: sled::Tree,
    online: Option<Nominatim>,
}

impl std::fmt::Debug for GeocodeStack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeocodeStack")
            .field("online", &self.online)
            .finish_non_exhaustive()
    }
}

impl GeocodeStack {
    pub fn open(config: GeocodeConfig) -> Result<GeocodeStack, GeocodeError> {
        let main = config
            .gazetteer_path
            .as_deref()
            .map(Gazetteer::open)
            .transpose()?;
        let bundled = match &config.bundled_localities {
            Some(path) if path.exists() => Some(load_bundled(path)?),
            Some(path) => {
                tracing::info!(path = %path.display(), "no bundled locality file; run the set-up");
                None
            }
            None => None,
        };
        let online = config.online.map(Nominatim::start).transpose()?;
        Ok(GeocodeStack {
            offline: OfflineGeocoder::new(main, bundled),
            cache: config.cache,
            corrections: config.corrections,
            online,
        })
    }

    /// The user's gazetteer (for imports); `None` when opened without one.
    pub fn gazetteer(&self) -> Option<&Gazetteer> {
        self.offline.main()
    }

    /// Attribution lines for the data in use (bundled localities and every imported source),
    /// for the About box.
    pub fn attributions(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.offline.bundled().is_some() {
            out.push(crate::bundled::BUNDLED_ATTRIBUTION.to_string());
        }
        if let Some(g) = self.offline.main() {
            out.extend(g.attributions());
        }
        out
    }

    pub fn offline(&self) -> &OfflineGeocoder {
        &self.offline
    }

    /// A dispatcher moved the pin: this point wins for the same normalised address from now on.
    pub fn remember_correction(&self, address: &str, point: LatLng) -> Result<(), GeocodeError> {
        if !point.is_valid() {
            return Err(GeocodeError::OnlineConfig(format!(
                "correction point out of range: {}, {}",
                point.lat, point.lng
            )));
        }
        let value = serde_json::to_vec(&point).unwrap_or_default();
        self.corrections
            .insert(normalise(address).as_bytes(), value)?;
        Ok(())
    }

    /// Removes a learned correction; true if there was one.
    pub fn forget_correction(&self, address: &str) -> Result<bool, GeocodeError> {
        Ok(self
            .corrections
            .remove(normalise(address).as_bytes())?
            .is_some())
    }

    /// Drops every cached answer (corrections are kept).
    pub fn clear_cache(&self) -> Result<(), GeocodeError> {
        self.cache.clear()?;
        Ok(())
    }

    fn correction(&self, key: &str) -> Option<Geocoded> {
        let raw = self.corrections.get(key.as_bytes()).ok()??;
        let point: LatLng = serde_json::from_slice(&raw).ok()?;
        Some(Geocoded {
            point: Some(point),
            level: GeocodeLevel::Exact,
            confidence: 1.0,
            matched: Some("dispatcher correction".into()),
            source: "correction".into(),
            ambiguous: false,
            candidates: Vec::new(),
            flags: Vec::new(),
        })
    }

    fn cached(&self, key: &str, generation: u64) -> Option<Geocoded> {
        let raw = self.cache.get(key.as_bytes()).ok()??;
        let entry: CacheEntry = serde_json::from_slice(&raw).ok()?;
        (entry.generation == generation).then(|| {
            let mut r = entry.result;
            r.source = "cache".into();
            r
        })
    }
}

impl Geocoder for GeocodeStack {
    fn learn(&self, address: &str, point: LatLng) {
        if let Err(e) = self.remember_correction(address, point) {
            tracing::warn!(error = %e, "correction not remembered");
        }
    }

    fn forget(&self, address: &str) {
        if let Err(e) = self.forget_correction(address) {
            tracing::warn!(error = %e, "correction not forgotten");
        }
    }

    fn geocode(&self, address: &str) -> Geocoded {
        let key = normalise(address);
        if key.is_empty() {
            return Geocoded::none("none");
        }
        if let Some(c) = self.correction(&key) {
            return c;
        }
        let generation = self.offline.generation();
        if let Some(c) = self.cached(&key, generation) {
            return c;
        }
        let mut result = self.offline.geocode(address);
        let mut cacheable = true;
        let postal_only = result
            .flags
            .iter()
            .any(|f| f == "po_box" || f == "locked_bag");
        if let (Some(online), false) = (&self.online, postal_only) {
            // Only worth a (rate-limited, 1/s) request when the address could be placed better:
            // it names a house number and a street.
            let parsed = crate::parse::parse(address);
            let could_improve = parsed.number.is_some() && !parsed.splits.is_empty();
            if could_improve && (result.level > GeocodeLevel::Address || result.ambiguous) {
                match online.geocode(address) {
                    Some(mut better) if better.level < result.level => {
                        better.flags = std::mem::take(&mut result.flags);
                        result = better;
                    }
                    Some(_) => {}
                    // Unreachable: keep the offline answer, and ask again next time.
                    None => cacheable = false,
                }
            }
        }
        if cacheable {
            let entry = CacheEntry {
                generation,
                result: result.clone(),
            };
            if let Ok(bytes) = serde_json::to_vec(&entry) {
                if let Err(e) = self.cache.insert(key.as_bytes(), bytes) {
                    tracing::warn!(error = %e, "geocode cache write failed");
                }
            }
        }
        crate::cache_limit::after_insert(&self.cache, address, generation);
        result
    }
}

/// Loads the bundled locality file into an in-memory gazetteer.
fn load_bundled(path: &std::path::Path) -> Result<Gazetteer, GeocodeError> {
    let g = Gazetteer::open_in_memory()?;
    let file = std::fs::File::open(path).map_err(|e| GeocodeError::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    let summary = crate::import::import_geonames_reader(&g, file, "bundled", &mut |_| {})?;
    tracing::info!(localities = summary.localities, "bundled localities loaded");
    Ok(g)
}
