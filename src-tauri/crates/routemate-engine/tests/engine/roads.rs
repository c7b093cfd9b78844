//! Planning on the road pack: a job inside an imported extract is planned on roads (durations,
//! leg lines), a stop outside it is warned and the job falls back to the flagged estimate, and
//! re-optimizing after an edit uses the same source.

use chrono::{TimeZone, Utc};
use routemate_core::model::warning_codes;
use routemate_engine::{Api, EngineConfig, ManualClock};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;

/// The shared South Brisbane extract and its addresses, or `None` (skipped, said once) when the
/// shared folder is missing; `ROUTEMATE_REQUIRE_SHARED=1` makes that a failure.
fn shared_geo() -> Option<PathBuf> {
    let dir = std::env::var_os("ROUTEMATE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../shared"))
        .join("fixtures/geo");
    if dir.join("south_brisbane.osm.pbf").is_file() {
        return Some(dir);
    }
    if std::env::var_os("ROUTEMATE_REQUIRE_SHARED").is_some_and(|v| v == "1") {
        panic!("shared/fixtures/geo/south_brisbane.osm.pbf not found (ROUTEMATE_SHARED)");
    }
    eprintln!("SKIP roads: shared/fixtures/geo not found (set ROUTEMATE_SHARED)");
    None
}

fn open_with_roads(dir: &std::path::Path, geo: &std::path::Path) -> Api {
    routemate_roads::import_extract(
        &geo.join("south_brisbane.osm.pbf"),
        dir,
        "car",
        Utc::now(),
        &mut |_| {},
    )
    .expect("the extract imports");
    Api::open(EngineConfig {
        data_dir: dir.into(),
        clock: Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap(),
        )),
        geocoder: None,
    })
    .expect("opens")
}

/// `n` stops at the extract's addresses (every 9th), depot at the first address.
fn job(geo: &std::path::Path, ext: &str, n: usize, extra: Option<Value>) -> Value {
    let mut rd = csv::Reader::from_path(geo.join("south_brisbane_addresses.csv")).unwrap();
    let rows: Vec<(f64, f64)> = rd
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[8].parse().unwrap(), r[9].parse().unwrap())
        })
        .collect();
    let mut stops: Vec<Value> = (0..n)
        .map(|i| {
            let (lat, lng) = rows[(i * 9 + 5) % rows.len()];
            json!({"external_stop_id": format!("S{i}"), "address": format!("{i} Road St"),
                   "lat": lat, "lng": lng})
        })
        .collect();
    stops.extend(extra);
    json!({"external_job_id": ext, "driver_email": "d@example.com",
           "depot": {"lat": rows[0].0, "lng": rows[0].1}, "stops": stops})
}

#[test]
fn a_job_inside_the_extract_is_planned_on_roads_with_leg_lines() {
    let Some(geo) = shared_geo() else { return };
    let dir = tempfile::tempdir().unwrap();
    let api = open_with_roads(dir.path(), &geo);
    let out = api
        .import_value("a", &job(&geo, "R1", 12, None))
        .unwrap()
        .job;
    let o = &out.optimization;
    assert_eq!(o.distance_source, "road", "{o:?}");
    assert!(!o.estimate);
    assert!(out
        .warnings
        .iter()
        .all(|w| w.code != warning_codes::STOP_OFF_ROAD_NETWORK));
    // Depot → 12 stops → depot: 13 legs, each with a road line that starts near its stop.
    assert_eq!(o.legs.len(), 13);
    let by_id: std::collections::HashMap<_, _> = out
        .stops
        .iter()
        .map(|s| (s.external_stop_id.clone(), s))
        .collect();
    for leg in &o.legs {
        let line = leg.geometry.as_deref().expect("a road line");
        let pts = polyline::decode_polyline(line, 5).expect("valid polyline");
        if let Some(to) = &leg.to_stop {
            let s = by_id[to];
            let last = pts.0.last().copied().expect("a point");
            let d = routemate_core::geo::haversine_m(
                routemate_core::geo::LatLng::new(last.y, last.x),
                routemate_core::geo::LatLng::new(s.lat.unwrap(), s.lng.unwrap()),
            );
            assert!(d < 200.0, "leg to {to} ends {d} m from the stop");
            assert_eq!(Some(leg.distance_km), s.leg_distance_km);
        }
    }
    let legs_km: f64 = o.legs.iter().map(|l| l.distance_km).sum();
    assert!(
        (legs_km - o.total_distance_km).abs() < 0.02,
        "{legs_km} vs {}",
        o.total_distance_km
    );
    // Road durations are not distance at the average speed.
    let at_avg = o.total_distance_km / o.average_speed_kmh * 60.0;
    assert!(
        (at_avg - o.total_duration_minutes).abs() > 0.5,
        "{at_avg} {o:?}"
    );

    // Re-optimizing after an edit stays on roads.
    let again = api.reoptimize("a", &out.job_id).unwrap();
    let job = api
        .job("a", &routemate_engine::jobs::JobRef::Id(out.job_id.clone()))
        .unwrap();
    let _ = again;
    assert_eq!(job.optimization.distance_source, "road");
}

#[test]
fn a_stop_outside_the_extract_is_warned_and_the_job_falls_back_to_the_estimate() {
    let Some(geo) = shared_geo() else { return };
    let dir = tempfile::tempdir().unwrap();
    let api = open_with_roads(dir.path(), &geo);
    let sydney = json!({"external_stop_id": "FAR", "address": "1 George St Sydney",
                        "lat": -33.8688, "lng": 151.2093});
    let out = api
        .import_value("a", &job(&geo, "R2", 5, Some(sydney)))
        .unwrap()
        .job;
    assert_eq!(out.optimization.distance_source, "straight_line_estimate");
    assert!(out.optimization.estimate);
    let w: Vec<_> = out
        .warnings
        .iter()
        .filter(|w| w.code == warning_codes::STOP_OFF_ROAD_NETWORK)
        .collect();
    assert_eq!(w.len(), 1, "{:?}", out.warnings);
    assert_eq!(w[0].external_stop_id.as_deref(), Some("FAR"));
    assert!(
        w[0].message.contains(" m from the nearest drivable road"),
        "{}",
        w[0].message
    );
    assert!(out.optimization.legs.iter().all(|l| l.geometry.is_none()));
}

#[test]
fn without_a_road_pack_jobs_use_the_estimate_and_no_road_warning() {
    let Some(geo) = shared_geo() else { return };
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(EngineConfig {
        data_dir: dir.path().into(),
        clock: Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap(),
        )),
        geocoder: None,
    })
    .unwrap();
    let out = api
        .import_value("a", &job(&geo, "R3", 5, None))
        .unwrap()
        .job;
    assert_eq!(out.optimization.distance_source, "straight_line_estimate");
    assert!(out
        .warnings
        .iter()
        .all(|w| w.code != warning_codes::STOP_OFF_ROAD_NETWORK));
}
