//! Test and benchmark helpers: finding the shared geodata fixtures and building gazetteers from
//! them (used by this crate's tests, the engine's end-to-end tests and `routemate bench geocode`).

use crate::{import_file, Gazetteer, GeocodeError, ImportSummary};
use std::path::{Path, PathBuf};

/// The shared data directory: `ROUTEMATE_SHARED` if set, else the first ancestor of `start`
/// holding `shared/spec` (joined with `shared`).
pub fn shared_dir(start: &Path) -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("ROUTEMATE_SHARED") {
        return Some(PathBuf::from(dir));
    }
    start
        .ancestors()
        .map(|a| a.join("shared"))
        .find(|s| s.join("spec").is_dir())
}

/// `<shared>/fixtures/geo/<name>`, located from `start` (pass `env!("CARGO_MANIFEST_DIR")`).
pub fn geo_fixture(start: &Path, name: &str) -> Option<PathBuf> {
    shared_dir(start)
        .map(|s| s.join("fixtures").join("geo").join(name))
        .filter(|p| p.exists())
}

/// Builds `<dir>/gazetteer.sqlite` from the South Brisbane OSM extract (and, when `geonames` is
/// true, the GeoNames AU postcodes). Returns the gazetteer path and the import summaries.
pub fn build_south_brisbane(
    start: &Path,
    dir: &Path,
    geonames: bool,
) -> Result<(PathBuf, Vec<ImportSummary>), GeocodeError> {
    let missing = |n: &str| GeocodeError::Io {
        path: n.to_string(),
        source: std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "shared geodata fixture not found",
        ),
    };
    let path = dir.join("gazetteer.sqlite");
    let g = Gazetteer::open(&path)?;
    let pbf = geo_fixture(start, "south_brisbane.osm.pbf")
        .ok_or_else(|| missing("south_brisbane.osm.pbf"))?;
    let mut summaries = vec![import_file(&g, &pbf, &mut |_| {})?];
    if geonames {
        let gn = geo_fixture(start, "geonames_postal_AU.txt")
            .ok_or_else(|| missing("geonames_postal_AU.txt"))?;
        summaries.push(import_file(&g, &gn, &mut |_| {})?);
    }
    Ok((path, summaries))
}
