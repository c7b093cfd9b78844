//! Engine behaviour through the `Api` facade: idempotent imports, in-place updates, concurrency,
//! account isolation, tokens and their expiry, stop statuses, persistence.

use chrono::{Duration, TimeZone, Utc};
use routemate_core::model::{JobStatus, StopStatus};
use routemate_engine::jobs::{JobQuery, JobRef};
use routemate_engine::{Api, EngineConfig, ManualClock};
use serde_json::{json, Value};
use std::sync::Arc;

fn open(dir: &std::path::Path) -> (Api, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap(),
    ));
    let api = Api::open(EngineConfig {
        data_dir: dir.into(),
        clock: clock.clone(),
        geocoder: None,
    })
    .unwrap();
    (api, clock)
}

fn job(ext: &str, n: usize) -> Value {
    let stops: Vec<Value> = (0..n)
        .map(|i| {
            json!({"external_stop_id": format!("S{i}"), "address": format!("{i} Test St"),
                   "lat": -27.45 - 0.01 * (i as f64 % 5.0), "lng": 153.0 + 0.013 * (i as f64 / 5.0)})
        })
        .collect();
    json!({"external_job_id": ext, "title": "Morning", "driver_email": "Driver@Example.com",
           "depot": {"lat": -27.5, "lng": 153.0}, "stops": stops})
}

#[test]
fn same_payload_returns_same_job_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (api, clock) = open(dir.path());
    let first = api.import_value("a", &job("J1", 6)).unwrap();
    assert!(first.created && first.changed);
    assert_eq!(first.job.status, JobStatus::Assigned);
    assert_eq!(first.job.stops.len(), 6);
    let seqs: Vec<u32> = first.job.stops.iter().filter_map(|s| s.sequence).collect();
    assert_eq!(seqs, (1..=6).collect::<Vec<_>>());
    clock.advance(Duration::minutes(5));
    let again = api.import_value("a", &job("J1", 6)).unwrap();
    assert!(!again.created && !again.changed);
    assert_eq!(
        again.job, first.job,
        "same payload must return the stored result unchanged"
    );
}

#[test]
fn changed_payload_updates_in_place_and_keeps_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let (api, _) = open(dir.path());
    let first = api.import_value("a", &job("J1", 4)).unwrap().job;
    api.set_stop_status("a", &first.job_id, "S1", StopStatus::Completed, None)
        .unwrap();
    let mut changed = job("J1", 4);
    changed["stops"].as_array_mut().unwrap().remove(3);
    changed["stops"]
        .as_array_mut()
        .unwrap()
        .push(json!({"external_stop_id": "S9", "lat": -27.4, "lng": 153.1}));
    let out = api.import_value("a", &changed).unwrap();
    assert!(!out.created && out.changed);
    assert_eq!(out.job.job_id, first.job_id);
    let s1 = out
        .job
        .stops
        .iter()
        .find(|s| s.external_stop_id == "S1")
        .unwrap();
    assert_eq!(s1.status, StopStatus::Completed);
    assert_eq!(out.job.status, JobStatus::InProgress);
    let codes: Vec<&str> = out.job.warnings.iter().map(|w| w.code.as_str()).collect();
    assert!(
        codes.contains(&"JOB_UPDATED") && codes.contains(&"STOP_ADDED"),
        "{codes:?}"
    );
    assert!(codes.contains(&"STOP_REMOVED"), "{codes:?}");
    assert_eq!(
        api.list_jobs("a", &JobQuery::default()).unwrap().jobs.len(),
        1
    );
}

#[test]
fn concurrent_identical_imports_make_one_job() {
    let dir = tempfile::tempdir().unwrap();
    let (api, _) = open(dir.path());
    let handles: Vec<_> = (0..16)
        .map(|_| {
            let api = api.clone();
            std::thread::spawn(move || api.import_value("a", &job("SAME", 10)).unwrap())
        })
        .collect();
    let outs: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(outs.iter().filter(|o| o.created).count(), 1);
    assert!(outs.iter().all(|o| o.job.job_id == outs[0].job.job_id));
    assert_eq!(
        api.list_jobs("a", &JobQuery::default()).unwrap().jobs.len(),
        1
    );
}

#[test]
fn accounts_do_not_see_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let (api, _) = open(dir.path());
    let j = api.import_value("a", &job("J1", 2)).unwrap().job;
    let err = api.job("b", &JobRef::Id(j.job_id.clone())).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(
        api.job("b", &JobRef::External("J1".into()))
            .unwrap_err()
            .code(),
        "not_found"
    );
    // The same external id in another account is another job.
    let other = api.import_value("b", &job("J1", 2)).unwrap();
    assert!(other.created);
    assert_ne!(other.job.job_id, j.job_id);
}

#[test]
fn unplaceable_stop_is_kept_unrouted_and_warned() {
    let dir = tempfile::tempdir().unwrap();
    let (api, _) = open(dir.path());
    let mut body = job("J1", 3);
    body["stops"]
        .as_array_mut()
        .unwrap()
        .push(json!({"external_stop_id": "X", "address": "Nowhere"}));
    let j = api.import_value("a", &body).unwrap().job;
    let x = j.stops.iter().find(|s| s.external_stop_id == "X").unwrap();
    assert_eq!(x.sequence, None);
    assert_eq!(j.stops.len(), 4);
    assert!(j
        .warnings
        .iter()
        .any(|w| w.code == "GEOCODE_FAILED" && w.external_stop_id.as_deref() == Some("X")));
    assert_eq!(j.optimization.unplaced_stops, 1);
    assert!(j.optimization.estimate);
}

#[test]
fn new_driver_is_registered_once() {
    let dir = tempfile::tempdir().unwrap();
    let (api, _) = open(dir.path());
    let a = api.import_value("a", &job("J1", 2)).unwrap().job;
    assert!(a.warnings.iter().any(|w| w.code == "DRIVER_REGISTERED"));
    let b = api.import_value("a", &job("J2", 2)).unwrap().job;
    assert!(!b.warnings.iter().any(|w| w.code == "DRIVER_REGISTERED"));
    assert_eq!(b.driver_email.as_deref(), Some("driver@example.com"));
}

#[test]
fn stop_statuses_drive_job_status() {
    let dir = tempfile::tempdir().unwrap();
    let (api, _) = open(dir.path());
    let j = api.import_value("a", &job("J1", 2)).unwrap().job;
    let v = api
        .set_stop_status(
            "a",
            &j.job_id,
            "S0",
            StopStatus::Completed,
            Some("left at door".into()),
        )
        .unwrap();
    assert_eq!(v.status, JobStatus::InProgress);
    assert_eq!(v.status_counts.get("completed"), Some(&1));
    let v = api
        .set_stop_status("a", &j.job_id, "S1", StopStatus::Failed, None)
        .unwrap();
    assert_eq!(v.status, JobStatus::Completed);
    assert_eq!(
        api.set_stop_status("a", &j.job_id, "NOPE", StopStatus::Failed, None)
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        api.set_stop_status("b", &j.job_id, "S0", StopStatus::Failed, None)
            .unwrap_err()
            .code(),
        "not_found"
    );
}

#[test]
fn tokens_expire_after_an_hour_and_die_with_their_credential() {
    let dir = tempfile::tempdir().unwrap();
    let (api, clock) = open(dir.path());
    let c = api.create_credential("a", "test").unwrap();
    assert!(c.client_id.starts_with("rm_ci_") && c.client_secret.starts_with("rm_cs_"));
    let t = api
        .issue_token(&c.client_id, &c.client_secret, None)
        .unwrap();
    assert_eq!(t.expires_in, 3600);
    assert_eq!(api.authenticate(&t.access_token).unwrap(), "a");
    clock.advance(Duration::seconds(3599));
    assert!(api.authenticate(&t.access_token).is_ok());
    clock.advance(Duration::seconds(1));
    assert!(
        api.authenticate(&t.access_token).is_err(),
        "expired at 3600 s"
    );
    let t2 = api
        .issue_token(&c.client_id, &c.client_secret, None)
        .unwrap();
    api.revoke_credential(None, &c.client_id).unwrap();
    assert!(
        api.authenticate(&t2.access_token).is_err(),
        "revoked credential's token"
    );
    let err = api
        .issue_token(&c.client_id, &c.client_secret, None)
        .unwrap_err();
    assert_eq!(err.code(), "invalid_client");
}

#[test]
fn wrong_secret_unknown_id_and_revoked_look_the_same_then_rate_limit() {
    let dir = tempfile::tempdir().unwrap();
    let (api, clock) = open(dir.path());
    let c = api.create_credential("a", "test").unwrap();
    let e1 = api
        .issue_token(&c.client_id, "rm_cs_wrong", None)
        .unwrap_err();
    let e2 = api
        .issue_token("rm_ci_unknown", &c.client_secret, None)
        .unwrap_err();
    assert_eq!(e1.to_string(), e2.to_string());
    // The limit is per (client id, peer): ten failures from one address lock that pair only.
    for _ in 0..10 {
        let _ = api.issue_token(&c.client_id, "bad", Some("10.0.0.1"));
    }
    let limited = api
        .issue_token(&c.client_id, &c.client_secret, Some("10.0.0.1"))
        .unwrap_err();
    assert_eq!(limited.code(), "rate_limited");
    assert!(api
        .issue_token(&c.client_id, &c.client_secret, Some("10.0.0.2"))
        .is_ok());
    clock.advance(Duration::seconds(61));
    assert!(api
        .issue_token(&c.client_id, &c.client_secret, Some("10.0.0.1"))
        .is_ok());
}

#[test]
fn jobs_survive_a_reopen_and_list_newest_first_with_paging() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (api, clock) = open(dir.path());
        for i in 0..5 {
            api.import_value("a", &job(&format!("J{i}"), 2)).unwrap();
            clock.advance(Duration::seconds(10));
        }
    }
    let (api, _) = open(dir.path());
    let p1 = api
        .list_jobs(
            "a",
            &JobQuery {
                limit: Some(2),
                ..Default::default()
            },
        )
        .unwrap();
    let ids: Vec<&str> = p1.jobs.iter().map(|j| j.external_job_id.as_str()).collect();
    assert_eq!(ids, ["J4", "J3"]);
    let p2 = api
        .list_jobs(
            "a",
            &JobQuery {
                limit: Some(10),
                cursor: p1.next_cursor,
                ..Default::default()
            },
        )
        .unwrap();
    let ids: Vec<&str> = p2.jobs.iter().map(|j| j.external_job_id.as_str()).collect();
    assert_eq!(ids, ["J2", "J1", "J0"]);
    assert!(p2.next_cursor.is_none());
}

#[test]
fn invalid_import_names_fields_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (api, _) = open(dir.path());
    let err = api
        .import_value("a", &json!({"external_job_id": "J", "stops": [{"external_stop_id": "S", "parcel_count": 1.5}]}))
        .unwrap_err();
    let routemate_engine::EngineError::Invalid(fields) = err else {
        panic!("{err:?}")
    };
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(names, ["stops[0].parcel_count", "stops[0].address"]);
    assert!(api
        .list_jobs("a", &JobQuery::default())
        .unwrap()
        .jobs
        .is_empty());
}

#[test]
fn settings_are_validated_and_used_for_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let (api, _) = open(dir.path());
    let mut s = api.settings().unwrap();
    s.average_speed_kmh = 0.0;
    assert_eq!(
        api.update_settings(s.clone()).unwrap_err().code(),
        "validation_failed"
    );
    s.average_speed_kmh = 60.0;
    s.service_minutes = 0.0;
    api.update_settings(s).unwrap();
    let j = api.import_value("a", &job("J1", 3)).unwrap().job;
    let km = j.optimization.total_distance_km;
    assert!(
        (j.optimization.total_duration_minutes - km).abs() < 0.2,
        "60 km/h: minutes = km"
    );
}

#[test]
fn a_stop_note_over_the_limit_is_refused_from_every_front_end() {
    let dir = tempfile::tempdir().unwrap();
    let (api, _) = open(dir.path());
    let j = api.import_value("a", &job("J1", 2)).unwrap().job;
    let limit = routemate_core::validate::MAX_TEXT_LEN;
    let e = api
        .set_stop_status(
            "a",
            &j.job_id,
            "S0",
            StopStatus::Failed,
            Some("x".repeat(limit + 1)),
        )
        .unwrap_err();
    assert_eq!(e.code(), "validation_failed");
    assert!(e.to_string().contains("note"), "{e}");
    let unchanged = api.job("a", &JobRef::Id(j.job_id.clone())).unwrap();
    assert_eq!(unchanged.revision, j.revision, "nothing was written");
    let ok = api
        .set_stop_status(
            "a",
            &j.job_id,
            "S0",
            StopStatus::Failed,
            Some("é".repeat(limit)),
        )
        .unwrap();
    assert_eq!(ok.revision, j.revision + 1);
}

#[test]
fn events_carry_the_revision_the_change_produced() {
    use routemate_engine::events::EngineEvent;
    let dir = tempfile::tempdir().unwrap();
    let (api, _) = open(dir.path());
    let mut rx = api.subscribe();
    let j = api.import_value("a", &job("J1", 3)).unwrap().job;
    let status = api
        .set_stop_status("a", &j.job_id, "S1", StopStatus::Completed, None)
        .unwrap();
    let moved = api.move_stop_to("a", &j.job_id, "S0", 3).unwrap();
    // The same status again changes nothing and says nothing.
    api.set_stop_status("a", &j.job_id, "S1", StopStatus::Completed, None)
        .unwrap();
    let mut revisions = Vec::new();
    while let Ok(event) = rx.try_recv() {
        revisions.push(match event {
            EngineEvent::JobImported { revision, .. } => ("imported", revision),
            EngineEvent::StopStatusChanged { revision, .. } => ("status", revision),
            EngineEvent::JobUpdated { revision, .. } => ("updated", revision),
            EngineEvent::SettingsChanged => ("settings", 0),
        });
    }
    assert_eq!(
        revisions,
        [
            ("imported", j.revision),
            ("status", status.revision),
            ("updated", moved.revision)
        ]
    );
    assert_eq!(moved.revision, 3);
}
