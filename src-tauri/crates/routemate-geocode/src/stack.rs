//! The geocoder the engine uses: the account's learned pins first, then the account's cache,
//! then the offline chain, then (only if enabled, reachable and better) Nominatim.
//!
//! The stack keeps its own sled store (`<data_dir>/geocode`): one tree of learned pins and one
//! cache, both keyed by account and [`normalise`]d address, so one account's imports and pins
//! never show in another account's answers. The engine's edit calls (through
//! `Geocoder::learn`/`forget`) are the only writers of pins.

use crate::chain::OfflineGeocoder;
use crate::gazetteer::Gazetteer;
use crate::online::{Nominatim, NominatimConfig};
use crate::parse::normalise;
use crate::GeocodeError;
use routemate_core::geo::LatLng;
use routemate_core::geocode::{GeocodeLevel, Geocoded, Geocoder};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// The geocoder's store folder inside the data directory.
pub const STORE_DIR: &str = "geocode";

/// Everything [`GeocodeStack::open`] needs. Paths are given by the caller: the stack never looks
/// in the current directory, the environment or beside the executable.
#[derive(Debug, Clone, Default)]
pub struct GeocodeConfig {
    /// The folder of the stack's own store (learned pins and cache); created if missing.
    /// `None`: a temporary store that is gone when the stack is dropped (tests, benchmarks).
    pub store_dir: Option<PathBuf>,
    /// `<data_dir>/gazetteer.sqlite`; created empty if missing. `None`: no user gazetteer.
    pub gazetteer_path: Option<PathBuf>,
    /// Online backend; `None` (the default) keeps geocoding fully offline.
    pub online: Option<NominatimConfig>,
    /// The bundled AU postcode/locality file written at set-up (GeoNames TSV format), as the
    /// caller found it; loaded if the path exists, skipped with a log line if not.
    pub bundled_localities: Option<PathBuf>,
}

impl GeocodeConfig {
    /// The usual configuration: the store in `<data_dir>/geocode`, the gazetteer in
    /// `<data_dir>/gazetteer.sqlite`, the bundled locality file at `bundled`, offline only.
    pub fn for_data_dir(data_dir: &Path, bundled: Option<PathBuf>) -> Self {
        GeocodeConfig {
            store_dir: Some(data_dir.join(STORE_DIR)),
            gazetteer_path: Some(data_dir.join(crate::bundled::GAZETTEER_FILE)),
            online: None,
            bundled_localities: bundled,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct CacheEntry {
    generation: u64,
    result: Geocoded,
}

/// Pins, cache, offline chain and optional online backend behind one [`Geocoder`].
pub struct GeocodeStack {
    offline: OfflineGeocoder,
    db: sled::Db,
    cache: sled::Tree,
    pins: sled::Tree,
    online: RwLock<Option<Arc<Nominatim>>>,
}

impl std::fmt::Debug for GeocodeStack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeocodeStack")
            .field("online", &self.online)
            .finish_non_exhaustive()
    }
}

/// `account \0 normalised address`: the key of a pin and of a cached answer.
fn key(account: &str, normalised: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(account.len() + normalised.len() + 1);
    k.extend_from_slice(account.as_bytes());
    k.push(0);
    k.extend_from_slice(normalised.as_bytes());
    k
}

impl GeocodeStack {
    pub fn open(config: GeocodeConfig) -> Result<GeocodeStack, GeocodeError> {
        let db = match &config.store_dir {
            Some(dir) => sled::Config::new().path(dir),
            None => sled::Config::new().temporary(true),
        }
        .open()?;
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
            cache: db.open_tree("cache")?,
            pins: db.open_tree("pins")?,
            db,
            online: RwLock::new(online.map(Arc::new)),
        })
    }

    /// Turns the online backend on (with `config`) or off, keeping the store, pins and cache.
    pub fn set_online(&self, config: Option<NominatimConfig>) -> Result<(), GeocodeError> {
        let online = config.map(Nominatim::start).transpose()?.map(Arc::new);
        *self.online.write().unwrap_or_else(|e| e.into_inner()) = online;
        Ok(())
    }

    /// True when the online backend is on.
    pub fn is_online(&self) -> bool {
        self.online_backend().is_some()
    }

    fn online_backend(&self) -> Option<Arc<Nominatim>> {
        self.online
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
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

    /// A dispatcher of `account` moved the pin: this point wins for the same normalised address
    /// in that account from now on (other accounts are not affected).
    pub fn remember_correction(
        &self,
        account: &str,
        address: &str,
        point: LatLng,
    ) -> Result<(), GeocodeError> {
        if !point.is_valid() {
            return Err(GeocodeError::OnlineConfig(format!(
                "correction point out of range: {}, {}",
                point.lat, point.lng
            )));
        }
        let value = serde_json::to_vec(&point).unwrap_or_default();
        self.pins.insert(key(account, &normalise(address)), value)?;
        self.db.flush()?;
        Ok(())
    }

    /// Removes `account`'s learned pin for `address`; true if there was one.
    pub fn forget_correction(&self, account: &str, address: &str) -> Result<bool, GeocodeError> {
        let removed = self.pins.remove(key(account, &normalise(address)))?;
        self.db.flush()?;
        Ok(removed.is_some())
    }

    /// Drops every cached answer of every account (pins are kept).
    pub fn clear_cache(&self) -> Result<(), GeocodeError> {
        self.cache.clear()?;
        Ok(())
    }

    fn correction(&self, key: &[u8]) -> Option<Geocoded> {
        let raw = self.pins.get(key).ok()??;
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

    fn cached(&self, key: &[u8], generation: u64) -> Option<Geocoded> {
        let raw = self.cache.get(key).ok()??;
        let entry: CacheEntry = serde_json::from_slice(&raw).ok()?;
        (entry.generation == generation).then(|| {
            let mut r = entry.result;
            r.source = "cache".into();
            r
        })
    }
}

impl Geocoder for GeocodeStack {
    fn learn(&self, account: &str, address: &str, point: LatLng) {
        if let Err(e) = self.remember_correction(account, address, point) {
            tracing::warn!(error = %e, "correction not remembered");
        }
    }

    fn forget(&self, account: &str, address: &str) {
        if let Err(e) = self.forget_correction(account, address) {
            tracing::warn!(error = %e, "correction not forgotten");
        }
    }

    fn geocode(&self, account: &str, address: &str) -> Geocoded {
        let normalised = normalise(address);
        if normalised.is_empty() {
            return Geocoded::none("none");
        }
        let key = key(account, &normalised);
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
        if let (Some(online), false) = (self.online_backend(), postal_only) {
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
                if let Err(e) = self.cache.insert(key, bytes) {
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
