//! `routemate roads streets` as a script runs it: the shared South Brisbane extract imported,
//! its streets in a box as GeoJSON by zoom; a malformed box is one clear line, not a panic.

use routemate_blackbox::{cli, cli_json};
use std::path::PathBuf;

fn extract() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/geo/south_brisbane.osm.pbf");
    if p.is_file() {
        return Some(p);
    }
    assert!(
        std::env::var_os("ROUTEMATE_REQUIRE_SHARED").is_none_or(|v| v != "1"),
        "{} not found",
        p.display()
    );
    eprintln!("SKIP cli_streets: {} not found", p.display());
    None
}

#[test]
fn streets_come_out_as_geojson_by_zoom() {
    let Some(pbf) = extract() else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    cli_json(&data, &["roads", "import", pbf.to_str().unwrap()]);
    let bbox = "-27.490,152.996,-27.469,153.034";
    let near = cli_json(&data, &["roads", "streets", "--bbox", bbox, "--zoom", "16"]);
    assert_eq!(near["type"], "FeatureCollection");
    let features = near["features"].as_array().unwrap();
    assert!(features.len() > 50, "{} streets", features.len());
    assert!(features
        .iter()
        .any(|f| f["properties"]["class"] == "residential"));
    for f in features {
        assert_eq!(f["geometry"]["type"], "LineString");
        let first = &f["geometry"]["coordinates"][0];
        // GeoJSON order: longitude first.
        assert!(
            (152.9..153.1).contains(&first[0].as_f64().unwrap()),
            "{first}"
        );
    }
    assert!(near["attribution"]
        .as_str()
        .unwrap()
        .contains("OpenStreetMap"));
    let far = cli_json(&data, &["roads", "streets", "--bbox", bbox, "--zoom", "11"]);
    let far = far["features"].as_array().unwrap();
    assert!(far.len() < features.len());
    assert!(far
        .iter()
        .all(|f| f["properties"]["rank"].as_u64() <= Some(1)));

    let bad = cli(
        &data,
        &["roads", "streets", "--bbox", "-27.4,153.0,-27.5,153.1"],
    );
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("south edge"), "{err}");
}
