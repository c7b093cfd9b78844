//! Gazetteer importers (OSM PBF, GeoNames postal codes, CSV / G-NAF Core) and their summary.

mod csv_file;
mod geonames;
mod osm;

pub use csv_file::import_csv;
pub use geonames::{import_geonames, import_geonames_reader, title_case};
pub use osm::import_osm_pbf;

use crate::gazetteer::Gazetteer;
use crate::GeocodeError;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// What an import did: rows read, rows imported by kind, rows skipped with the reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub format: String,
    pub rows_read: u64,
    pub addresses: u64,
    /// Named street pieces (OSM highway ways) stored.
    pub street_ways: u64,
    pub localities: u64,
    /// Reason → count, e.g. "bad_coordinates" → 3.
    pub skipped: BTreeMap<String, u64>,
    /// Problems that did not stop a row from being used ("missing_node_refs" → 12).
    pub warnings: BTreeMap<String, u64>,
}

impl ImportSummary {
    pub(crate) fn new(format: &str) -> Self {
        ImportSummary {
            format: format.to_string(),
            ..Default::default()
        }
    }

    pub(crate) fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
    }

    pub(crate) fn warn(&mut self, reason: &str) {
        *self.warnings.entry(reason.to_string()).or_default() += 1;
    }

    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }
}

/// Which importer a file needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    OsmPbf,
    GeoNames,
    Csv,
}

impl ImportFormat {
    /// Recognises the format from the file name and its first bytes.
    pub fn detect(path: &Path) -> Result<ImportFormat, GeocodeError> {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_lowercase();
        if name.ends_with(".pbf") {
            return Ok(ImportFormat::OsmPbf);
        }
        let mut head = [0u8; 4096];
        let n = std::fs::File::open(path)
            .and_then(|mut f| f.read(&mut head))
            .map_err(|e| GeocodeError::Io {
                path: path.display().to_string(),
                source: e,
            })?;
        let head = String::from_utf8_lossy(&head[..n]);
        let first = head.lines().next().unwrap_or("");
        // GeoNames dumps: tab separated, 12 columns, a two-letter country code first, no header.
        let cols: Vec<&str> = first.split('\t').collect();
        if cols.len() == 12 && cols[0].len() == 2 && cols[0].chars().all(|c| c.is_ascii_uppercase())
        {
            return Ok(ImportFormat::GeoNames);
        }
        if first.contains(',') || first.contains('|') || first.contains('\t') {
            return Ok(ImportFormat::Csv);
        }
        Err(GeocodeError::UnknownFormat(path.display().to_string()))
    }
}

/// Imports any supported file; `progress` is called now and then with the rows read so far.
pub fn import_file(
    gazetteer: &Gazetteer,
    path: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportSummary, GeocodeError> {
    let format = ImportFormat::detect(path)?;
    tracing::info!(path = %path.display(), ?format, "importing into the gazetteer");
    match format {
        ImportFormat::OsmPbf => import_osm_pbf(gazetteer, path, progress),
        ImportFormat::GeoNames => import_geonames(gazetteer, path, progress),
        ImportFormat::Csv => import_csv(gazetteer, path, progress),
    }
}

/// True for coordinates that can be a place on Earth (and not the 0,0 placeholder).
pub(crate) fn valid_point(lat: f64, lng: f64) -> bool {
    lat.is_finite()
        && lng.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lng)
        && !(lat == 0.0 && lng == 0.0)
}

/// Lowercase single-spaced words: the form locality names are stored and looked up in.
pub fn normalise_place(name: &str) -> String {
    crate::parse::tokenize(name)
        .into_iter()
        .filter(|t| t != ",")
        .collect::<Vec<_>>()
        .join(" ")
}
