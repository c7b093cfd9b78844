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
