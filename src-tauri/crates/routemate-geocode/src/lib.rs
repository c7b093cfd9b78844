//! Offline geocoding for RouteMate: an Australian address parser, a SQLite gazetteer (FTS5 +
//! R*Tree) with importers, a fallback chain that always says how precise it is, a sled cache,
//! learned dispatcher corrections and an optional Nominatim backend.
//!
//! The front end opens one [`GeocodeStack`] over a data dir it names and hands it to the engine,
//! which calls it through `routemate_core::geocode::Geocoder`, always for an account.

pub mod batch;
pub mod bundled;
pub mod cache_limit;
pub mod chain;
pub mod fixture;
pub mod gazetteer;
pub mod import;
pub mod normalise;
pub mod online;
pub mod parse;
pub mod remote;
pub mod stack;
pub mod tokenize;
pub mod vocab;

pub use gazetteer::Gazetteer;
pub use import::{import_file, ImportFormat, ImportSummary};
pub use online::NominatimConfig;
pub use parse::{normalise, parse, ParsedAddress};
pub use stack::{GeocodeConfig, GeocodeStack, STORE_DIR};

/// Errors from opening, importing and configuring the geocoder (geocoding itself never fails:
/// it answers level `none`).
#[derive(Debug, thiserror::Error)]
pub enum GeocodeError {
    #[error("gazetteer database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("not an OSM PBF file or unreadable: {0}")]
    Osm(String),
    #[error("CSV import failed: {0}")]
    Csv(String),
    #[error("unrecognised gazetteer file format: {0} (expected .osm.pbf, a GeoNames dump or CSV)")]
    UnknownFormat(String),
    #[error("geocode cache error: {0}")]
    Cache(#[from] sled::Error),
    #[error("invalid online geocoder settings: {0}")]
    OnlineConfig(String),
}

impl GeocodeError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            GeocodeError::Sqlite(_) => "GAZETTEER_DB",
            GeocodeError::Io { .. } => "GAZETTEER_IO",
            GeocodeError::Osm(_) => "GAZETTEER_OSM",
            GeocodeError::Csv(_) => "GAZETTEER_CSV",
            GeocodeError::UnknownFormat(_) => "GAZETTEER_FORMAT",
            GeocodeError::Cache(_) => "GEOCODE_CACHE",
            GeocodeError::OnlineConfig(_) => "GEOCODE_ONLINE_CONFIG",
        }
    }
}

/// Installs the process-wide rustls crypto provider (ring): the whole app has one TLS stack, and
/// reqwest built with `rustls-no-provider` panics when a client is built before this ran. Call it
/// first thing in every binary and in tests that build a reqwest client. Idempotent.
pub fn install_crypto_provider() {
    // Err means a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
