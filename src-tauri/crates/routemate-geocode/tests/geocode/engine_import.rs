//! End to end: a job imported through the engine's API, its stops given only as addresses, placed
//! from a gazetteer built from the South Brisbane fixture, with the warnings the engine derives.

use super::support::start;
use routemate_core::geo::{haversine_m, LatLng};
use routemate_core::geocode::GeocodeLevel;
use routemate_engine::{Api, EngineConfig, DEFAULT_ACCOUNT};
use routemate_geocode::{fixture, GeocodeConfig, GeocodeStack};
use serde_json::json;
use std::sync::Arc;

#[test]
fn address_only_stops_are_placed_from_the_fixture_gazetteer() {
    let Some(start) = start() else { return };
    let dir = tempfile::tempdir().unwrap();
    // The gazetteer lives in the engine's data dir, as the app keeps it.
    fixture::build_south_brisbane(start, dir.path(), true).unwrap();
    let api = Api::open(EngineConfig::new(dir.path())).unwrap();
    let config = GeocodeConfig::for_data_dir(dir.path(), None);
    api.set_geocoder(Arc::new(GeocodeStack::open(config).unwrap()));

    let body = json!({
        "external_job_id": "GEO-1", "title": "South Brisbane run",
        "driver_email": "driver@example.com", "depot": {"lat": -27.4800, "lng": 153.0200},
        "stops": [
            {"external_stop_id": "A", "address": "197 Vulture St, South Brisbane QLD 4101"},
            {"external_stop_id": "B", "address": "2/184 grey street south brisbane"},
            {"external_stop_id": "C", "address": "42 Nowhere Street, Toowong QLD 4066"},
            {"external_stop_id": "D", "address": "PO Box 12, Brisbane QLD 4001"}
        ]
    });
    let out = api.import_value(DEFAULT_ACCOUNT, &body).unwrap();
    let stops = &out.job.stops;
    let by_id = |id: &str| stops.iter().find(|s| s.external_stop_id == id).unwrap();
    let at = |id: &str| LatLng::new(by_id(id).lat.unwrap(), by_id(id).lng.unwrap());

    assert_eq!(by_id("A").geocode.level, GeocodeLevel::Address);
    assert!(haversine_m(at("A"), LatLng::new(-27.4821659, 153.0193228)) < 30.0);
    assert_eq!(by_id("B").geocode.level, GeocodeLevel::Address);
    assert!(haversine_m(at("B"), LatLng::new(-27.4802972, 153.0230451)) < 30.0);
    assert_eq!(by_id("C").geocode.level, GeocodeLevel::Locality);
    assert!(by_id("D").lat.is_none());

    let codes: Vec<(String, Option<String>)> = out
        .job
        .warnings
        .iter()
        .map(|w| (w.code.clone(), w.external_stop_id.clone()))
        .collect();
    let has = |code: &str, stop: &str| {
        codes
            .iter()
            .any(|(c, s)| c == code && s.as_deref() == Some(stop))
    };
    assert!(has("GEOCODE_APPROXIMATE", "C"), "{codes:?}");
    assert!(has("GEOCODE_FAILED", "D"), "{codes:?}");
    assert!(has("ADDRESS_FLAGGED", "D"), "{codes:?}");
    assert!(
        !codes.iter().any(|(_, s)| s.as_deref() == Some("A")),
        "{codes:?}"
    );
}

/// Item 14: one account's imports and pins stay its own. Account A imports and pins an address;
/// account B importing the same address gets neither A's cached answer nor A's pin.
#[test]
fn another_account_sees_neither_the_cache_nor_the_pins() {
    let Some(start) = start() else { return };
    let dir = tempfile::tempdir().unwrap();
    fixture::build_south_brisbane(start, dir.path(), true).unwrap();
    let api = Api::open(EngineConfig::new(dir.path())).unwrap();
    let config = GeocodeConfig::for_data_dir(dir.path(), None);
    api.set_geocoder(Arc::new(GeocodeStack::open(config).unwrap()));
    let job = |id: &str| {
        json!({"external_job_id": id, "depot": {"lat": -27.48, "lng": 153.02},
               "stops": [{"external_stop_id": "A", "address": "197 Vulture St, South Brisbane QLD 4101"}]})
    };
    let stop = |j: &routemate_engine::jobs::JobView| j.stops[0].clone();

    let a1 = api.import_value("acct-a", &job("J1")).unwrap().job;
    assert_eq!(stop(&a1).geocode.source, "gazetteer");
    let a2 = api.import_value("acct-a", &job("J2")).unwrap().job;
    assert_eq!(
        stop(&a2).geocode.source,
        "cache",
        "A's own second import is cached"
    );
    let b1 = api.import_value("acct-b", &job("J1")).unwrap().job;
    assert_eq!(
        stop(&b1).geocode.source,
        "gazetteer",
        "B must not learn from the cache that A imported this address"
    );

    api.move_stop_pin("acct-a", &a1.job_id, "A", -27.49, 153.01)
        .unwrap();
    let a3 = api.import_value("acct-a", &job("J3")).unwrap().job;
    assert_eq!(
        (stop(&a3).lat, stop(&a3).geocode.source.as_str()),
        (Some(-27.49), "correction")
    );
    let b2 = api.import_value("acct-b", &job("J2")).unwrap().job;
    assert_ne!(stop(&b2).geocode.source, "correction");
    assert_ne!(
        stop(&b2).lat,
        Some(-27.49),
        "A's pin must not move B's stop"
    );
}
