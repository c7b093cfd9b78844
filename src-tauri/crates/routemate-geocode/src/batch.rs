//! `routemate geocode` input and output: addresses from a CSV's `address` column, and one JSON
//! object per result line.

use crate::GeocodeError;
use routemate_core::geocode::{GeocodeLevel, Geocoded};
use serde::Serialize;
use std::path::Path;

/// One output line: `{"query","lat","lng","level","confidence","matched"}` (`lat`/`lng` null at
/// level none), plus `ambiguous`, `candidates`, `flags` and `source` for the dispatcher.
#[derive(Debug, Clone, Serialize)]
pub struct Line<'a> {
    pub query: &'a str,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub level: GeocodeLevel,
    pub confidence: f64,
    pub matched: Option<&'a str>,
    pub source: &'a str,
    pub ambiguous: bool,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub candidates: &'a [routemate_core::geocode::GeocodeCandidate],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub flags: &'a [String],
}

impl<'a> Line<'a> {
    pub fn new(query: &'a str, g: &'a Geocoded) -> Self {
        Line {
            query,
            lat: g.point.map(|p| p.lat),
            lng: g.point.map(|p| p.lng),
            level: g.level,
            confidence: g.confidence,
            matched: g.matched.as_deref(),
            source: &g.source,
            ambiguous: g.ambiguous,
            candidates: &g.candidates,
            flags: &g.flags,
        }
    }
}

/// The `address` column of a CSV file (header required; other columns are ignored).
pub fn read_addresses(path: &Path) -> Result<Vec<String>, GeocodeError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| GeocodeError::Csv(format!("{}: {e}", path.display())))?;
    let header = reader
        .headers()
        .map_err(|e| GeocodeError::Csv(e.to_string()))?
        .clone();
    let column = header
        .iter()
        .position(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case("address")
        })
        .ok_or_else(|| {
            GeocodeError::Csv(format!(
                "{}: no `address` column in the header",
                path.display()
            ))
        })?;
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| GeocodeError::Csv(format!("row {}: {e}", i + 2)))?;
        out.push(record.get(column).unwrap_or("").trim().to_string());
    }
    Ok(out)
}
