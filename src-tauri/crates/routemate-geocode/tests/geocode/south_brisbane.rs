//! Accuracy on the South Brisbane fixture: the 244 known addresses, written the ways dispatchers
//! write them, must come back at address level within 30 m; streets elsewhere in Brisbane must
//! never be placed on a same-named street of the fixture.

use super::support::start;
use routemate_bench::geocode as bench;
use routemate_core::geo::{haversine_m, LatLng};
use routemate_core::geocode::GeocodeLevel;
use routemate_geocode::chain::OfflineGeocoder;
use routemate_geocode::{fixture, Gazetteer};

/// The fixture gazetteer; `None` (the test skips) without the shared folder.
fn geocoder(geonames: bool) -> Option<(tempfile::TempDir, OfflineGeocoder)> {
    let start = start()?;
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = fixture::build_south_brisbane(start, dir.path(), geonames).unwrap();
    let g = OfflineGeocoder::new(Some(Gazetteer::open(&path).unwrap()), None);
    Some((dir, g))
}

/// Address level within 30 m for the fixture's 244 addresses, each written eight ways
/// (`bench::fixture_probes`: full/abbreviated types, lowercase without commas, no postcode, unit
/// prefixes, a one-letter typo, the bare street address).
fn share_found(geonames: bool) {
    let Some((_dir, g)) = geocoder(geonames) else {
        return;
    };
    let probes = bench::fixture_probes(start().unwrap()).unwrap();
    assert_eq!(probes.len(), 244 * 8);
    let mut misses = Vec::new();
    for p in &probes {
        let got = g.geocode(&p.query);
        let d = got
            .point
            .map(|x| haversine_m(x, p.truth))
            .unwrap_or(f64::INFINITY);
        if !(got.level == GeocodeLevel::Address && d <= 30.0) {
            misses.push(format!(
                "{} -> {:?} {:.0} m {:?}",
                p.query, got.level, d, got.matched
            ));
        }
    }
    let share = 1.0 - misses.len() as f64 / probes.len() as f64;
    eprintln!("geonames={geonames}: address level within 30 m: {share:.4}");
    assert!(share >= 0.99, "{share:.4}; misses: {misses:#?}");
}

#[test]
fn fixture_addresses_are_found_at_address_level_across_spellings() {
    share_found(false);
}

#[test]
fn fixture_addresses_are_found_with_geonames_localities_imported_too() {
    share_found(true);
}

#[test]
fn same_named_streets_elsewhere_are_not_placed_on_the_fixture() {
    let Some((_dir, g)) = geocoder(true) else {
        return;
    };
    // Streets whose names exist in the fixture, but these addresses are in other suburbs.
    for q in [
        "100 Boundary Street, Spring Hill QLD 4000",
        "15 Stanley Road, Camp Hill QLD 4152",
        "33 Ernest Street, Manly QLD 4179",
        "12 Grey Street, Gatton QLD 4343",
        "7 Vulture Street, Toowong QLD 4066",
    ] {
        let got = g.geocode(q);
        assert!(
            got.level >= GeocodeLevel::Locality,
            "{q} placed at {:?} {:?} {:?}",
            got.level,
            got.matched,
            got.point
        );
        assert!(got.point.is_some(), "{q} should fall back to its suburb");
    }
}

#[test]
fn locality_fallback_lands_on_the_suburb_centroid() {
    let Some((_dir, g)) = geocoder(true) else {
        return;
    };
    let got = g.geocode("42 Nowhere Street, Toowong QLD 4066");
    assert_eq!(got.level, GeocodeLevel::Locality);
    // GeoNames: Toowong 4066 at -27.4833, 152.9833 (locality centroid).
    let d = haversine_m(got.point.unwrap(), LatLng::new(-27.4833, 152.9833));
    assert!(d < 1_000.0, "{d} m, {:?}", got.matched);
}

#[test]
fn any_text_gets_an_honest_answer() {
    use proptest::prelude::*;
    let Some((_dir, g)) = geocoder(true) else {
        return;
    };
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: 128,
        ..Default::default()
    });
    let text =
        "[0-9]{0,3}[/ ,-]{0,2}[A-Za-z ,]{0,24}(St|Street|Rd|Tce| )*[A-Za-z ]{0,12}[0-9]{0,4}";
    runner
        .run(&text, |q| {
            let r = g.geocode(&q);
            prop_assert!((0.0..=1.0).contains(&r.confidence), "{q}: {r:?}");
            prop_assert_eq!(
                r.point.is_none(),
                r.level == GeocodeLevel::None,
                "{}: {:?}",
                q,
                r
            );
            prop_assert!(!r.ambiguous || r.candidates.len() > 1, "{q}: {r:?}");
            Ok(())
        })
        .unwrap();
}
