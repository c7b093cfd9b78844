//! GeoNames postal-code dumps (`AU.txt`): tab separated, no header, 12 columns
//! (country, postcode, place, state name, state code, admin2 name/code, admin3 name/code, lat,
//! lng, accuracy). Each row becomes a locality centroid carrying its postcode.

use super::{normalise_place, valid_point, ImportSummary};
use crate::gazetteer::{Gazetteer, LocalityRow};
use crate::GeocodeError;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

pub const GEONAMES_ATTRIBUTION: &str = "Postal codes: GeoNames (www.geonames.org), CC BY 3.0/4.0";

pub fn import_geonames(
    gazetteer: &Gazetteer,
    path: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportSummary, GeocodeError> {
    let file = std::fs::File::open(path).map_err(|e| GeocodeError::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    import_geonames_reader(gazetteer, file, "geonames", progress)
}

/// Imports GeoNames-format rows from any reader; `source` names them ("geonames", "bundled").
pub fn import_geonames_reader(
    gazetteer: &Gazetteer,
    reader: impl Read,
    source: &str,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportSummary, GeocodeError> {
    let mut summary = ImportSummary::new(source);
    let mut writer = gazetteer.writer()?;
    let reader = BufReader::new(reader);
    for line in reader.lines() {
        let line = line.map_err(|e| GeocodeError::Io {
            path: source.to_string(),
            source: e,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        summary.rows_read += 1;
        if summary.rows_read.is_multiple_of(5000) {
            progress(summary.rows_read);
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 11 {
            summary.skip("wrong_column_count");
            continue;
        }
        let (postcode, place, state) = (cols[1].trim(), cols[2].trim(), cols[4].trim());
        let (Ok(lat), Ok(lng)) = (
            cols[9].trim().parse::<f64>(),
            cols[10].trim().parse::<f64>(),
        ) else {
            summary.skip("bad_coordinates");
            continue;
        };
        if !valid_point(lat, lng) {
            summary.skip("bad_coordinates");
            continue;
        }
        let name = normalise_place(place);
        if name.is_empty() {
            summary.skip("missing_place_name");
            continue;
        }
        let accuracy = cols
            .get(11)
            .and_then(|a| a.trim().parse().ok())
            .unwrap_or(1);
        let state = (!state.is_empty()).then(|| state.to_lowercase());
        let row = LocalityRow {
            key: format!(
                "{source}:{}:{postcode}:{name}:{}",
                cols[0],
                state.as_deref().unwrap_or("")
            ),
            name,
            display: title_case(place),
            state,
            // Bundled suburb rows have no postcode: they only name a point.
            postcode: (!postcode.is_empty()).then(|| postcode.to_string()),
            lat,
            lng,
            accuracy,
            source: source.to_string(),
        };
        writer.locality(&row)?;
        summary.localities += 1;
    }
    progress(summary.rows_read);
    if source == "geonames" {
        writer.attribution("geonames", GEONAMES_ATTRIBUTION)?;
    }
    writer.finish()?;
    Ok(summary)
}

/// "SOUTH BRISBANE" → "South Brisbane" (GeoNames and the bundled data mix cases).
pub fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let lower = w.to_lowercase();
            let mut c = lower.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
