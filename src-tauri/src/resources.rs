//! Data the app ships with: Tauri resources (`bundle.resources` in `tauri.conf.json`), found
//! through the shell's resource folder only. An installed `.deb` keeps them in
//! `/usr/lib/RouteMate/`; a dev build finds the copies tauri-build puts beside the binary in
//! `target/<profile>/`. Nothing here searches environment variables or the working directory.

use routemate_geocode::bundled::RESOURCE_RELATIVE;
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Manager, Runtime};

/// The bundled locality file inside a resource folder.
pub fn localities_in(resource_dir: &Path) -> PathBuf {
    resource_dir.join(RESOURCE_RELATIVE)
}

/// The bundled locality file of this app (`None` only when the platform has no resource folder;
/// a missing file is logged by the geocoder when it opens).
pub fn localities<R: Runtime>(app: &AppHandle<R>) -> Option<PathBuf> {
    match app.path().resource_dir() {
        Ok(dir) => Some(localities_in(&dir)),
        Err(e) => {
            tracing::warn!(error = %e, "no resource folder: the bundled localities are not loaded");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geocoding::Geocoding;
    use routemate_core::geocode::GeocodeLevel::{Locality, Postcode};
    use routemate_engine::{Api, EngineConfig, DEFAULT_ACCOUNT as A};
    use serde_json::json;

    /// `tauri.conf.json` ships the file the set-up writes, at the place `localities_in` reads.
    #[test]
    fn the_package_carries_the_localities_where_the_app_reads_them() {
        let conf: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tauri.conf.json"))
                .unwrap(),
        )
        .unwrap();
        let resources = conf["bundle"]["resources"].as_object().expect("a map");
        let source = format!("../{}", routemate_geocode::bundled::BUNDLED_RELATIVE);
        assert_eq!(resources[&source], RESOURCE_RELATIVE);
        assert_eq!(
            localities_in(Path::new("/usr/lib/RouteMate")),
            Path::new("/usr/lib/RouteMate/geodata/au_localities.tsv")
        );
    }

    /// The geocoder loads the localities from the resource folder it is given, and only there.
    #[test]
    fn suburbs_are_placed_from_the_resource_folder() {
        let resources = tempfile::tempdir().unwrap();
        let file = localities_in(resources.path());
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(
            &file,
            "AU\t4006\tFORTITUDE VALLEY\tQueensland\tQLD\t\t\t\t\t-27.457\t153.032\t2\n",
        )
        .unwrap();
        let job = json!({"external_job_id": "R1", "depot": {"lat": -27.47, "lng": 153.02},
            "stops": [{"external_stop_id": "A", "address": "Fortitude Valley QLD 4006"}]});
        let place = |geocoding: Geocoding| {
            let data = tempfile::tempdir().unwrap();
            let api = Api::open(EngineConfig::new(data.path())).unwrap();
            geocoding.attach(&api, data.path());
            let stop = api.import_value(A, &job).unwrap().job.stops[0].clone();
            (stop.lat, stop.geocode.level)
        };
        let (lat, level) = place(Geocoding::new(Some(file)));
        assert_eq!(lat, Some(-27.457));
        assert!(matches!(level, Locality | Postcode), "{level:?}");
        // No resource folder given: nothing is found elsewhere (the checkout has a copy).
        let (lat, _) = place(Geocoding::new(None));
        assert_eq!(lat, None);
    }
}
