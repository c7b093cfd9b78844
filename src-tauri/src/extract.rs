//! Settings → "Import OpenStreetMap extract": one action builds both the road pack and the
//! address gazetteer from the same `.osm.pbf`, with one progress bar over both.
//!
//! Two reads of the file, not one: the road importer streams it twice (ways, then only the
//! nodes those ways use), so a state-size extract fits in its memory budget, while the
//! gazetteer's importer needs every addressed node's coordinates in a single pass in the file's
//! own order (nodes, ways, relations). Sharing one read would make the road import hold every
//! node of the extract. Reading is the cheap part (seconds of the import's total); the roads
//! are built first so a refused file (`not_pbf`, `pbf_damaged`) changes nothing at all.

use crate::commands::UiError;
use crate::geocoding::Geocoding;
use routemate_engine::api::roads::{RoadImportProgress, RoadPackStatus};
use routemate_engine::Api;
use routemate_geocode::bundled::GAZETTEER_FILE;
use routemate_geocode::{import_file, Gazetteer};
use serde::Serialize;
use std::path::Path;

/// Where the combined import is: `step` (`roads`, `addresses`), the step's own stage, and the
/// fraction of the whole import, 0–1.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ExtractProgress {
    pub step: String,
    pub stage: String,
    pub fraction: f64,
}

/// What the import built.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ExtractImport {
    pub roads: RoadPackStatus,
    /// Address points, named street pieces and localities stored in the gazetteer.
    pub addresses: u64,
    pub street_ways: u64,
    pub localities: u64,
}

/// The road pack's share of the progress bar (contraction dominates a large import).
const ROADS_SHARE: f64 = 0.8;

/// Imports `file` into the road pack, then into the gazetteer the geocoder reads.
pub fn import(
    api: &Api,
    geocoding: &Geocoding,
    data_dir: &Path,
    file: &Path,
    progress: &mut dyn FnMut(ExtractProgress),
) -> Result<ExtractImport, UiError> {
    let roads = api.import_road_pack(file, &mut |p: RoadImportProgress| {
        progress(ExtractProgress {
            fraction: road_fraction(&p) * ROADS_SHARE,
            step: "roads".into(),
            stage: p.stage,
        })
    })?;
    progress(ExtractProgress {
        step: "addresses".into(),
        stage: "addresses".into(),
        fraction: ROADS_SHARE,
    });
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    // Elements per byte of PBF are roughly 0.1 (dense nodes): a guess for the bar, capped.
    let expected = (size as f64 / 10.0).max(1.0);
    let mut on_rows = |rows: u64| {
        progress(ExtractProgress {
            step: "addresses".into(),
            stage: "addresses".into(),
            fraction: ROADS_SHARE + (1.0 - ROADS_SHARE) * (rows as f64 / expected).min(0.95),
        })
    };
    let geocode_err = |e: routemate_geocode::GeocodeError| UiError::new(e.code(), e.to_string());
    // The open stack's gazetteer when the geocoder is attached (its cache follows the new
    // generation), else the file it will open.
    let summary = match geocoding
        .stack()
        .and_then(|s| s.gazetteer().map(|_| s.clone()))
    {
        Some(stack) => {
            let g = stack.gazetteer().expect("checked above");
            import_file(g, file, &mut on_rows).map_err(geocode_err)?
        }
        None => {
            let g = Gazetteer::open(&data_dir.join(GAZETTEER_FILE)).map_err(geocode_err)?;
            import_file(&g, file, &mut on_rows).map_err(geocode_err)?
        }
    };
    progress(ExtractProgress {
        step: "addresses".into(),
        stage: "done".into(),
        fraction: 1.0,
    });
    tracing::info!(
        roads = roads.roads,
        addresses = summary.addresses,
        "extract imported"
    );
    Ok(ExtractImport {
        roads,
        addresses: summary.addresses,
        street_ways: summary.street_ways,
        localities: summary.localities,
    })
}

/// The road import's stages in order, each an equal part of its bar except the contraction.
fn road_fraction(p: &RoadImportProgress) -> f64 {
    let stages = [
        ("ways", 0.0, 0.15),
        ("nodes", 0.15, 0.15),
        ("graph", 0.30, 0.05),
        ("component", 0.35, 0.03),
        ("simplify", 0.38, 0.02),
        ("hierarchy", 0.40, 0.55),
        ("write", 0.95, 0.05),
    ];
    stages
        .iter()
        .find(|(s, _, _)| *s == p.stage)
        .map_or(0.0, |(_, start, len)| {
            start + len * p.fraction.clamp(0.0, 1.0)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use routemate_engine::EngineConfig;

    #[test]
    fn one_import_builds_roads_and_addresses_with_rising_progress() {
        let geo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/fixtures/geo/south_brisbane.osm.pbf");
        if !geo.is_file() {
            eprintln!("SKIP: {} not found", geo.display());
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let api = Api::open(EngineConfig::new(dir.path())).unwrap();
        let geocoding = Geocoding::default();
        let mut seen = Vec::new();
        let done = import(&api, &geocoding, dir.path(), &geo, &mut |p| seen.push(p)).unwrap();
        assert!(
            done.roads.loaded && done.roads.roads > 50,
            "{:?}",
            done.roads
        );
        assert!(done.addresses >= 150, "{} addresses", done.addresses);
        // Every stage the road importer reports has its place in the bar: it never goes back.
        assert!(
            seen.windows(2)
                .all(|w| w[0].fraction <= w[1].fraction + 1e-9),
            "{seen:?}"
        );
        assert_eq!(seen.last().map(|p| p.fraction), Some(1.0));
        assert!(
            seen.iter().any(|p| p.step == "roads") && seen.iter().any(|p| p.step == "addresses")
        );
        // A file that is not a PBF changes nothing.
        let junk = dir.path().join("junk.osm.pbf");
        std::fs::write(&junk, b"not a pbf").unwrap();
        let e = import(&api, &geocoding, dir.path(), &junk, &mut |_| {}).unwrap_err();
        assert!(e.fields.iter().any(|f| f.code == "not_pbf"), "{e:?}");
        assert!(api.road_pack_status().unwrap().loaded);
    }
}
