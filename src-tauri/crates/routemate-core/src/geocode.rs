//! The geocoder interface the import pipeline calls, and the result it gets back.
//!
//! Implementations (offline gazetteer, cache, learned corrections, online Nominatim) live outside
//! the core; the pipeline only sees [`Geocoder`]. A result always says how precise it is
//! ([`GeocodeLevel`]) and never claims more precision than it has.

use crate::geo::LatLng;
use serde::{Deserialize, Serialize};

/// How precisely an address was placed, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum GeocodeLevel {
    /// Coordinates supplied by the caller (`lat`/`lng` on the stop) or a dispatcher's pin.
    Exact,
    /// A known address point.
    Address,
    /// Interpolated between address points along the street.
    Interpolated,
    /// Somewhere on the named street.
    Street,
    /// The centre of the suburb / locality.
    Locality,
    /// The centre of the postcode area.
    Postcode,
    /// Not placed at all.
    None,
}

impl GeocodeLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            GeocodeLevel::Exact => "exact",
            GeocodeLevel::Address => "address",
            GeocodeLevel::Interpolated => "interpolated",
            GeocodeLevel::Street => "street",
            GeocodeLevel::Locality => "locality",
            GeocodeLevel::Postcode => "postcode",
            GeocodeLevel::None => "none",
        }
    }

    /// Below address level: usable for routing but warned as approximate.
    pub fn is_approximate(self) -> bool {
        matches!(
            self,
            GeocodeLevel::Interpolated
                | GeocodeLevel::Street
                | GeocodeLevel::Locality
                | GeocodeLevel::Postcode
        )
    }
}

/// One place an address might be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GeocodeCandidate {
    pub lat: f64,
    pub lng: f64,
    pub level: GeocodeLevel,
    pub confidence: f64,
    /// Human-readable description of what was matched ("15 Smith Street, Bowen Hills QLD 4006").
    pub matched: String,
}

/// What a geocoder answers for one address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Geocoded {
    /// Best placement; `None` when nothing plausible was found (level `none`).
    pub point: Option<LatLng>,
    pub level: GeocodeLevel,
    /// 0.0 ..= 1.0.
    pub confidence: f64,
    /// What was matched, for the dispatcher to check.
    pub matched: Option<String>,
    /// Which backend answered: "gazetteer", "cache", "correction", "nominatim", "input", "none".
    pub source: String,
    /// Several plausible, distinct matches: the dispatcher must choose (warned GEOCODE_AMBIGUOUS).
    pub ambiguous: bool,
    /// Alternatives when ambiguous, best first (includes the chosen one).
    pub candidates: Vec<GeocodeCandidate>,
    /// Problems found in the address itself (PO box, postcode contradicts suburb, …).
    pub flags: Vec<String>,
}

impl Geocoded {
    /// The "could not place it" answer.
    pub fn none(source: &str) -> Self {
        Geocoded {
            point: None,
            level: GeocodeLevel::None,
            confidence: 0.0,
            matched: None,
            source: source.to_string(),
            ambiguous: false,
            candidates: Vec::new(),
            flags: Vec::new(),
        }
    }
}

/// Turns a free-text address into a point for an account. Implementations must be cheap to call
/// repeatedly and safe to share between threads; they may do IO (files, caches) but never panic
/// on bad input. What a geocoder remembers (cache, learned pins) is kept per account: one
/// account's imports and pins never show in another account's answers.
pub trait Geocoder: Send + Sync {
    fn geocode(&self, account: &str, address: &str) -> Geocoded;

    /// Remembers a dispatcher's fix: from now on `address` is at `point` for `account` (a learned
    /// correction that wins over every other source). Geocoders without a memory ignore it.
    fn learn(&self, _account: &str, _address: &str, _point: LatLng) {}

    /// Forgets a fix taught by [`Geocoder::learn`] (the dispatcher undid the pin).
    fn forget(&self, _account: &str, _address: &str) {}
}

/// A geocoder that places nothing: the pipeline's fallback when no gazetteer is configured.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoGeocoder;

impl Geocoder for NoGeocoder {
    fn geocode(&self, _account: &str, _address: &str) -> Geocoded {
        Geocoded::none("none")
    }
}
