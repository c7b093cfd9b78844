//! Tests of the dispatcher edits against a real store in a temp dir.

use super::*;
use crate::{Api, EngineConfig};
use serde_json::json;

const A: &str = "default";

/// Six stops along a street east of the depot, an open route (so visiting them in order is the
/// one optimum), plus one stop with an address only, which the engine without a geocoder cannot
/// place.
fn job_json(title: &str) -> serde_json::Value {
    let mut stops: Vec<serde_json::Value> = (1..=6)
        .map(|i| {
            json!({"external_stop_id": format!("S{i}"), "address": format!("{i} Line St"),
                        "lat": -27.47, "lng": 153.00 + 0.01 * i as f64})
        })
        .collect();
    stops.push(json!({"external_stop_id": "LOST", "address": "7 Nowhere Rd"}));
    json!({"external_job_id": "J1", "title": title, "depot": {"lat": -27.47, "lng": 153.0},
           "return_to_depot": false,
           "stops": stops})
}

fn setup() -> (tempfile::TempDir, Api, JobView) {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(EngineConfig::new(dir.path())).unwrap();
    api.set_geocoder(std::sync::Arc::new(Memory::default()));
    let job = api.import_value(A, &job_json("Run")).unwrap().job;
    (dir, api, job)
}

/// Where every stop of `job` is now: what an undo restores.
fn placements(job: &JobView) -> Vec<StopPlacement> {
    job.stops
        .iter()
        .map(|s| StopPlacement {
            external_stop_id: s.external_stop_id.clone(),
            sequence: s.sequence,
            locked: s.locked,
            lat: s.lat,
            lng: s.lng,
            geocode: s.geocode.clone(),
        })
        .collect()
}

fn order(job: &JobView) -> Vec<String> {
    job.stops
        .iter()
        .filter(|s| s.sequence.is_some())
        .map(|s| s.external_stop_id.clone())
        .collect()
}

#[test]
fn moving_a_stop_reorders_and_updates_totals() {
    let (_d, api, job) = setup();
    assert_eq!(order(&job), ["S1", "S2", "S3", "S4", "S5", "S6"]);
    let moved = api.move_stop_to(A, &job.job_id, "S1", 4).unwrap();
    assert_eq!(order(&moved), ["S2", "S3", "S4", "S1", "S5", "S6"]);
    assert!(moved.optimization.total_distance_km > job.optimization.total_distance_km);
    assert_eq!(moved.optimization.algorithm, "manual");
    assert_eq!(moved.revision, job.revision + 1);
    // Stored, not just answered.
    assert_eq!(
        order(&api.job(A, &JobRef::Id(job.job_id.clone())).unwrap()),
        order(&moved)
    );
}

#[test]
fn bad_moves_are_refused_and_change_nothing() {
    let (_d, api, job) = setup();
    let e = api.move_stop_to(A, &job.job_id, "S1", 7).unwrap_err();
    assert_eq!(e.code(), "validation_failed");
    assert!(e.to_string().contains("between 1 and 6"), "{e}");
    assert_eq!(
        api.move_stop_to(A, &job.job_id, "LOST", 1)
            .unwrap_err()
            .code(),
        "validation_failed"
    );
    assert_eq!(
        api.move_stop_to(A, &job.job_id, "NOPE", 1)
            .unwrap_err()
            .code(),
        "validation_failed"
    );
    assert_eq!(
        api.move_stop_to("other", &job.job_id, "S1", 2)
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        api.job(A, &JobRef::Id(job.job_id.clone()))
            .unwrap()
            .revision,
        job.revision
    );
}

#[test]
fn reoptimize_keeps_locked_stops_and_reports_savings() {
    let (_d, api, job) = setup();
    let id = &job.job_id;
    api.move_stop_to(A, id, "S6", 1).unwrap();
    api.move_stop_to(A, id, "S2", 3).unwrap();
    api.set_stop_locked(A, id, "S2", true).unwrap();
    let r = api.reoptimize(A, id).unwrap();
    let seq = |j: &JobView, s: &str| {
        j.stops
            .iter()
            .find(|x| x.external_stop_id == s)
            .unwrap()
            .sequence
    };
    assert_eq!(
        seq(&r.job, "S2"),
        Some(3),
        "the locked stop keeps its place"
    );
    assert!(r.saved_km > 0.0, "{r:?}");
    assert!((r.before_km - r.after_km - r.saved_km).abs() < 0.01);
    assert!(r.stops_moved.contains(&"S6".to_string()));
    assert!(!r.stops_moved.contains(&"S2".to_string()));
    assert_eq!(r.job.optimization.algorithm, "local_search");
}

#[test]
fn a_pin_places_the_stop_is_learned_and_survives_reimport() {
    let (_d, api, job) = setup();
    assert!(job.warnings.iter().any(|w| w.code == "GEOCODE_FAILED"));
    let pinned = api
        .move_stop_pin(A, &job.job_id, "LOST", -27.48, 153.035)
        .unwrap();
    let lost = pinned
        .stops
        .iter()
        .find(|s| s.external_stop_id == "LOST")
        .unwrap();
    assert_eq!(lost.geocode.source, "pin");
    assert_eq!(
        lost.sequence,
        Some(7),
        "a newly placed stop joins the end of the route"
    );
    assert!(!pinned
        .warnings
        .iter()
        .any(|w| w.external_stop_id.as_deref() == Some("LOST")));
    assert_eq!(pinned.optimization.routed_stops, 7);
    let learned = api.geocoder().geocode(A, "  7 NOWHERE rd ");
    assert_eq!(
        learned.point,
        Some(LatLng::new(-27.48, 153.035)),
        "remembered per address"
    );
    assert!(
        api.geocoder()
            .geocode("other-account", "7 Nowhere Rd")
            .point
            .is_none(),
        "another account's pin is not ours"
    );

    // Lock one stop, then re-import a changed payload: pin and lock are both kept.
    api.set_stop_locked(A, &job.job_id, "S3", true).unwrap();
    let seq_s3 = api
        .job(A, &JobRef::Id(job.job_id.clone()))
        .unwrap()
        .stops
        .iter()
        .find(|s| s.external_stop_id == "S3")
        .unwrap()
        .sequence;
    let again = api.import_value(A, &job_json("Run, renamed")).unwrap();
    assert!(again.changed && !again.created);
    let lost = again
        .job
        .stops
        .iter()
        .find(|s| s.external_stop_id == "LOST")
        .unwrap();
    assert_eq!(
        (lost.lat, lost.lng, lost.geocode.source.as_str()),
        (Some(-27.48), Some(153.035), "pin")
    );
    let s3 = again
        .job
        .stops
        .iter()
        .find(|s| s.external_stop_id == "S3")
        .unwrap();
    assert!(s3.locked);
    assert_eq!(s3.sequence, seq_s3);
}

#[test]
fn restore_undoes_a_move_and_a_pin() {
    let (_d, api, job) = setup();
    let before = placements(&job);
    api.move_stop_to(A, &job.job_id, "S1", 6).unwrap();
    api.move_stop_pin(A, &job.job_id, "LOST", -27.48, 153.035)
        .unwrap();
    let back = api.restore_stops(A, &job.job_id, &before).unwrap();
    assert_eq!(order(&back), order(&job));
    assert_eq!(
        back.optimization.total_distance_km,
        job.optimization.total_distance_km
    );
    let lost = back
        .stops
        .iter()
        .find(|s| s.external_stop_id == "LOST")
        .unwrap();
    assert_eq!((lost.sequence, lost.lat), (None, None));
    assert!(
        api.geocoder().geocode(A, "7 Nowhere Rd").point.is_none(),
        "undoing a pin forgets it"
    );

    let mut unknown = before.clone();
    unknown[0].external_stop_id = "GHOST".into();
    assert_eq!(
        api.restore_stops(A, &job.job_id, &unknown)
            .unwrap_err()
            .code(),
        "not_found"
    );
}

#[test]
fn triage_lists_unplaced_stops_until_they_are_pinned() {
    let (_d, api, job) = setup();
    let items = api.triage(A).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        (
            items[0].external_stop_id.as_str(),
            items[0].problem.as_str()
        ),
        ("LOST", "unplaced")
    );
    assert_eq!(items[0].job_id, job.job_id);
    api.move_stop_pin(A, &job.job_id, "LOST", -27.48, 153.035)
        .unwrap();
    assert!(api.triage(A).unwrap().is_empty());
    assert!(api.triage("other").unwrap().is_empty());
}

#[test]
fn pins_must_be_on_the_globe() {
    let (_d, api, job) = setup();
    let e = api
        .move_stop_pin(A, &job.job_id, "S1", 91.0, 0.0)
        .unwrap_err();
    assert_eq!(e.code(), "validation_failed");
}

/// A geocoder that only knows what it was taught, per account.
#[derive(Default)]
struct Memory(std::sync::Mutex<HashMap<(String, String), LatLng>>);

fn key(account: &str, address: &str) -> (String, String) {
    let words: Vec<&str> = address.split_whitespace().collect();
    (account.to_string(), words.join(" ").to_lowercase())
}

impl routemate_core::geocode::Geocoder for Memory {
    fn geocode(&self, account: &str, address: &str) -> routemate_core::geocode::Geocoded {
        let known = self.0.lock().unwrap().get(&key(account, address)).copied();
        match known {
            Some(p) => routemate_core::geocode::Geocoded {
                point: Some(p),
                level: GeocodeLevel::Exact,
                confidence: 1.0,
                matched: None,
                source: "correction".into(),
                ambiguous: false,
                candidates: vec![],
                flags: vec![],
            },
            None => routemate_core::geocode::Geocoded::none("none"),
        }
    }

    fn learn(&self, account: &str, address: &str, point: LatLng) {
        self.0.lock().unwrap().insert(key(account, address), point);
    }

    fn forget(&self, account: &str, address: &str) {
        self.0.lock().unwrap().remove(&key(account, address));
    }
}

#[test]
fn a_pin_teaches_the_geocoder_and_undo_forgets_it() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(EngineConfig::new(dir.path())).unwrap();
    api.set_geocoder(std::sync::Arc::new(Memory::default()));
    let job = api.import_value(A, &job_json("Run")).unwrap().job;
    let before = placements(&job);
    api.move_stop_pin(A, &job.job_id, "LOST", -27.48, 153.035)
        .unwrap();
    let mut other = job_json("Other");
    other["external_job_id"] = json!("OTHER");
    let placed = api.import_value(A, &other).unwrap().job;
    let lost = placed
        .stops
        .iter()
        .find(|s| s.external_stop_id == "LOST")
        .unwrap();
    assert_eq!(
        (lost.lat, lost.lng),
        (Some(-27.48), Some(153.035)),
        "a new job uses the pin"
    );

    api.restore_stops(A, &job.job_id, &before).unwrap();
    other["external_job_id"] = json!("THIRD");
    let third = api.import_value(A, &other).unwrap().job;
    let lost = third
        .stops
        .iter()
        .find(|s| s.external_stop_id == "LOST")
        .unwrap();
    assert_eq!(
        lost.lat, None,
        "undoing the pin made the geocoder forget it"
    );
}

#[test]
fn pins_from_the_old_engine_tree_are_handed_to_the_geocoder_once() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(EngineConfig::new(dir.path())).unwrap();
    let old = api
        .context()
        .store()
        .tree(crate::api::legacy::LEGACY_PINS)
        .unwrap();
    let pin = json!({"address": "7 Nowhere Rd", "lat": -27.48, "lng": 153.035,
                     "job_id": "j", "external_stop_id": "LOST", "at": "2026-01-01T00:00:00Z"});
    old.insert(b"acct\x007 nowhere rd", serde_json::to_vec(&pin).unwrap())
        .unwrap();
    api.set_geocoder(std::sync::Arc::new(Memory::default()));
    let placed = api.geocoder().geocode("acct", "7 Nowhere Rd");
    assert_eq!(placed.point, Some(LatLng::new(-27.48, 153.035)));
    assert!(api.geocoder().geocode(A, "7 Nowhere Rd").point.is_none());
    let names = api.context().store().db.tree_names();
    assert!(
        !names.iter().any(|n| n.as_ref() == b"corrections"),
        "old tree dropped"
    );
}
