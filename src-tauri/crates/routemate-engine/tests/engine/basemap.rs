//! The road pack beyond planning: its streets for drawing (by box and zoom, none outside it),
//! and live totals of a proposed order from the same travel costs the drop then uses.

use routemate_engine::jobs::JobRef;
use routemate_engine::{Api, EngineConfig};
use serde_json::json;
use std::path::PathBuf;

fn shared_geo() -> Option<PathBuf> {
    let dir = std::env::var_os("ROUTEMATE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../shared"))
        .join("fixtures/geo");
    if dir.join("south_brisbane.osm.pbf").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("ROUTEMATE_REQUIRE_SHARED").is_none_or(|v| v != "1"),
        "shared/fixtures/geo/south_brisbane.osm.pbf not found (ROUTEMATE_SHARED)"
    );
    eprintln!("SKIP basemap: shared/fixtures/geo not found (set ROUTEMATE_SHARED)");
    None
}

fn api_with_roads(dir: &std::path::Path, geo: &std::path::Path) -> Api {
    routemate_roads::import_extract(
        &geo.join("south_brisbane.osm.pbf"),
        dir,
        "car",
        chrono::Utc::now(),
        &mut |_| {},
    )
    .unwrap();
    Api::open(EngineConfig::new(dir)).unwrap()
}

#[test]
fn streets_come_by_box_and_zoom_and_not_outside_the_pack() {
    let Some(geo) = shared_geo() else { return };
    let dir = tempfile::tempdir().unwrap();
    let empty = Api::open(EngineConfig::new(dir.path().join("none"))).unwrap();
    let bbox = [-27.490, 152.996, -27.469, 153.034];
    assert!(!empty.streets(bbox, 15).unwrap().covered, "no pack loaded");
    drop(empty);
    let api = api_with_roads(dir.path(), &geo);
    let near = api.streets(bbox, 16).unwrap();
    assert!(
        near.covered && near.streets.len() > 50,
        "{}",
        near.streets.len()
    );
    assert!(near.attribution.contains("OpenStreetMap"));
    assert!(near.streets.iter().any(|s| s.class == "residential"));
    // Zoomed out: only the big roads (ranks 0–1), fewer of them.
    let far = api.streets(bbox, 11).unwrap();
    assert!(far.streets.len() < near.streets.len());
    assert!(far.streets.iter().all(|s| s.rank <= 1), "{:?}", far.streets);
    // Every point of every street near the box (a road crossing it keeps its whole line).
    for s in &near.streets {
        assert!(s.points.len() >= 2);
        for p in &s.points {
            assert!((-27.6..-27.3).contains(&p[0]) && (152.9..153.1).contains(&p[1]));
        }
    }
    let sydney = api.streets([-33.9, 151.1, -33.8, 151.3], 16).unwrap();
    assert!(!sydney.covered && sydney.streets.is_empty());
    let bad = api.streets([-27.0, 153.0, -28.0, 153.1], 15).unwrap_err();
    assert!(bad.to_string().contains("south"), "{bad}");
}

#[test]
fn a_proposed_order_costs_what_the_drop_then_gives_on_roads() {
    let Some(geo) = shared_geo() else { return };
    let dir = tempfile::tempdir().unwrap();
    let api = api_with_roads(dir.path(), &geo);
    let mut rd = csv::Reader::from_path(geo.join("south_brisbane_addresses.csv")).unwrap();
    let rows: Vec<(f64, f64)> = rd
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[8].parse().unwrap(), r[9].parse().unwrap())
        })
        .collect();
    let stops: Vec<_> = (0..8)
        .map(|i| {
            let (lat, lng) = rows[i * 23 % rows.len()];
            json!({"external_stop_id": format!("S{i}"), "lat": lat, "lng": lng})
        })
        .collect();
    let job = api
        .import_value(
            "a",
            &json!({"external_job_id": "P1", "depot": {"lat": rows[0].0, "lng": rows[0].1},
                    "stops": stops}),
        )
        .unwrap()
        .job;
    assert_eq!(job.optimization.distance_source, "road");
    let mut order: Vec<String> = {
        let mut s: Vec<_> = job.stops.iter().collect();
        s.sort_by_key(|s| s.sequence);
        s.iter().map(|s| s.external_stop_id.clone()).collect()
    };
    // The current order costs what the job says.
    let same = api.preview_order("a", &job.job_id, &order).unwrap();
    assert_eq!(same.total_distance_km, job.optimization.total_distance_km);
    // Move the first stop to the end: the preview equals what the move then stores, on roads.
    let first = order.remove(0);
    order.push(first.clone());
    let preview = api.preview_order("a", &job.job_id, &order).unwrap();
    assert_eq!(preview.distance_source, "road");
    assert!(!preview.estimate);
    let moved = api.move_stop_to("a", &job.job_id, &first, 8).unwrap();
    assert_eq!(
        preview.total_distance_km,
        moved.optimization.total_distance_km
    );
    assert_eq!(
        preview.total_duration_minutes,
        moved.optimization.total_duration_minutes
    );
    // Nothing was written by the previews: the stored revision moved once (the drop).
    let stored = api.job("a", &JobRef::Id(job.job_id.clone())).unwrap();
    assert_eq!(stored.revision, job.revision + 1);
    // A wrong order is named.
    let short = &order[1..];
    let e = api.preview_order("a", &job.job_id, short).unwrap_err();
    assert!(e.to_string().contains("missing"), "{e}");
    let mut twice = order.clone();
    twice[1] = twice[0].clone();
    assert!(api.preview_order("a", &job.job_id, &twice).is_err());
}
