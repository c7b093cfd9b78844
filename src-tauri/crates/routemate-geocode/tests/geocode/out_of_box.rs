//! Out of the box: with only the bundled locality file that `src-tauri/scripts/geodata.sh`
//! writes (no import at all), Queensland "Suburb QLD postcode" queries are placed at locality or
//! postcode level. The file comes from the set-up step; without it this test reports and passes
//! unless `ROUTEMATE_REQUIRE_GEODATA=1` (CI runs the set-up first and sets it).

use super::support::fixture;
use routemate_bench::geocode as bench;
use routemate_geocode::bundled;
use std::path::{Path, PathBuf};

fn bundled_file() -> Option<PathBuf> {
    let start = Path::new(env!("CARGO_MANIFEST_DIR"));
    let from_env = std::env::var_os("ROUTEMATE_GEODATA").map(PathBuf::from);
    from_env.filter(|p| p.is_file()).or_else(|| {
        start
            .ancestors()
            .map(|a| a.join(bundled::BUNDLED_RELATIVE))
            .find(|p| p.is_file())
    })
}

#[test]
fn queensland_suburbs_are_placed_without_any_import() {
    let Some(file) = bundled_file() else {
        assert!(
            std::env::var("ROUTEMATE_REQUIRE_GEODATA").is_err(),
            "bundled locality file missing: run src-tauri/scripts/geodata.sh"
        );
        eprintln!("skipped: no bundled locality file (run src-tauri/scripts/geodata.sh)");
        return;
    };
    let Some(geonames) = fixture("geonames_postal_AU.txt") else {
        return;
    };
    let r = bench::out_of_box(&geonames, &file).unwrap();
    eprintln!("{r:?}");
    assert!(r.queries > 3_000);
    assert!(r.placed_share >= 0.95, "{r:?}");
    // Regression guard at today's figure (8.7 km); the goal of 5 km is not reached with
    // one point per postcode for the suburbs the bundled data does not name.
    assert!(r.median_error_km <= 10.0, "{r:?}");
}
