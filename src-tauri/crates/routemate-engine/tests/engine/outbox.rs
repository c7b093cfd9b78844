//! The sync outbox and the pull's conflict rules through the facade: every local change queues
//! one coalesced entry in its own transaction, hosted changes queue nothing, an entry survives a
//! newer version arriving mid-delivery, and both-sides changes become a conflict.

use chrono::{TimeZone, Utc};
use routemate_core::model::StopStatus;
use routemate_engine::api::sync::Prepared;
use routemate_engine::jobs::{JobRef, JobView};
use routemate_engine::sync::{Applied, Resolution, SyncBadge};
use routemate_engine::{Api, EngineConfig, ManualClock};
use serde_json::{json, Value};
use std::sync::Arc;

fn open(dir: &std::path::Path) -> Api {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap(),
    ));
    Api::open(EngineConfig {
        data_dir: dir.into(),
        clock,
        geocoder: None,
    })
    .unwrap()
}

fn job(ext: &str, n: usize) -> Value {
    let stops: Vec<Value> = (0..n)
        .map(|i| {
            json!({"external_stop_id": format!("S{i}"), "label": format!("L{i}"),
                   "lat": -27.45 - 0.01 * (i as f64 % 5.0), "lng": 153.0 + 0.013 * (i as f64 / 5.0)})
        })
        .collect();
    json!({"external_job_id": ext, "depot": {"lat": -27.5, "lng": 153.0}, "stops": stops})
}

/// Acts as the sender after a 2xx: records the content and completes the entry.
fn deliver_all(api: &Api, hosted: &mut std::collections::HashMap<String, JobView>) {
    for e in api.outbox_entries().unwrap() {
        if e.parked.is_some() {
            continue;
        }
        if let Prepared::Send { job, content, .. } = api.sync_prepare(&e).unwrap() {
            let mut h = (*job).clone();
            h.job_id = format!("H-{}", job.job_id);
            h.revision = 100 + job.revision;
            api.sync_record_push(&job.job_id, &content, &h).unwrap();
            hosted.insert(job.external_job_id.clone(), h);
        }
        assert!(api.outbox_complete(e.id, e.payload_ref).unwrap());
    }
}

#[test]
fn local_changes_queue_one_coalesced_entry_per_job() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let a = api.import_value("acct", &job("A", 4)).unwrap().job;
    api.import_value("acct", &job("B", 3)).unwrap();
    let mut edited = job("A", 4);
    edited["stops"][0]["label"] = json!("changed");
    api.import_value("acct", &edited).unwrap();
    api.set_stop_status("acct", &a.job_id, "S1", StopStatus::Completed, None)
        .unwrap();
    let entries = api.outbox_entries().unwrap();
    assert_eq!(entries.len(), 2, "one entry per job, however many changes");
    let ea = entries.iter().find(|e| e.target == a.job_id).unwrap();
    assert_eq!(ea.payload_ref, 3, "the newest revision");
    // The entries are durable: they are there after a reopen.
    drop(api);
    let api = open(dir.path());
    assert_eq!(api.outbox_counts().unwrap().queued, 2);
    // A newer version while the older one is in flight keeps the entry.
    let ea = api
        .outbox_entries()
        .unwrap()
        .into_iter()
        .find(|e| e.target == a.job_id)
        .unwrap();
    api.set_stop_status("acct", &a.job_id, "S2", StopStatus::Failed, None)
        .unwrap();
    assert!(!api.outbox_complete(ea.id, ea.payload_ref).unwrap());
    assert!(api.outbox_complete(ea.id, ea.payload_ref + 1).unwrap());
}

#[test]
fn prepared_push_keeps_the_dispatchers_order_and_only_untold_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let a = api.import_value("acct", &job("A", 5)).unwrap().job;
    let mut hosted = Default::default();
    deliver_all(&api, &mut hosted);
    api.set_stop_status("acct", &a.job_id, "S3", StopStatus::Completed, None)
        .unwrap();
    let e = api.outbox_entries().unwrap().remove(0);
    let Prepared::Send {
        import, statuses, ..
    } = api.sync_prepare(&e).unwrap()
    else {
        panic!("job is there")
    };
    assert!(import.is_none(), "the hosted side already has this content");
    assert_eq!(statuses.len(), 1);
    assert_eq!(statuses[0].external_stop_id, "S3");
    // The import body carries the order and coordinates, and asks not to optimize.
    let view = api.job("acct", &JobRef::Id(a.job_id.clone())).unwrap();
    let body = routemate_engine::sync::push_request(&view);
    assert_eq!(body.optimize, Some(false));
    let seqs: Vec<_> = body.stops.iter().map(|s| s.sequence).collect();
    let want: Vec<_> = view.stops.iter().map(|s| s.sequence).collect();
    assert_eq!(seqs, want);
    // Re-imported that way, a job keeps the given order exactly.
    let mut reversed = body.clone();
    reversed.external_job_id = "copy".into();
    let n = reversed.stops.len() as u32;
    for s in reversed.stops.iter_mut() {
        s.sequence = s.sequence.map(|q| n + 1 - q);
    }
    let copy = api.import("other", reversed).unwrap().job;
    let got: Vec<_> = copy
        .stops
        .iter()
        .map(|s| s.external_stop_id.clone())
        .collect();
    let mut want: Vec<_> = view
        .stops
        .iter()
        .map(|s| s.external_stop_id.clone())
        .collect();
    want.reverse();
    assert_eq!(got, want);
    assert_eq!(copy.optimization.algorithm, "manual");
}

#[test]
fn hosted_changes_are_applied_by_the_rules_and_queue_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let a = api.import_value("acct", &job("A", 4)).unwrap().job;
    let mut hosted = Default::default();
    deliver_all(&api, &mut hosted);
    // A final hosted status over a local pending one: taken, nothing queued.
    let mut h = hosted["A"].clone();
    h.stops[1].status = StopStatus::Completed;
    h.revision += 1;
    assert_eq!(api.sync_apply_hosted("acct", &h).unwrap(), Applied::Updated);
    let local = api.job("acct", &JobRef::Id(a.job_id.clone())).unwrap();
    assert_eq!(local.stops[1].status, StopStatus::Completed);
    assert_eq!(api.outbox_counts().unwrap().queued, 0, "not sent back");
    // A job new on the hosted side is created here, marked as from there.
    let mut new = h.clone();
    new.external_job_id = "FROM-OFFICE".into();
    new.job_id = "H-new".into();
    assert_eq!(
        api.sync_apply_hosted("acct", &new).unwrap(),
        Applied::Created
    );
    assert_eq!(api.sync_from_hosted().unwrap().len(), 1);
    assert_eq!(api.outbox_counts().unwrap().queued, 0);
    // Both sides change the content: a conflict, the local job kept, the entry parked.
    let mut mine = job("A", 4);
    mine["stops"][0]["label"] = json!("mine");
    api.import_value("acct", &mine).unwrap();
    let mut theirs = h.clone();
    theirs.stops[2].label = Some("theirs".into());
    theirs.revision += 1;
    assert_eq!(
        api.sync_apply_hosted("acct", &theirs).unwrap(),
        Applied::Conflict
    );
    let local = api.job("acct", &JobRef::Id(a.job_id.clone())).unwrap();
    assert!(local
        .stops
        .iter()
        .any(|s| s.label.as_deref() == Some("mine")));
    assert_eq!(api.outbox_counts().unwrap().parked, 1);
    api.set_sync_config(Some(&routemate_engine::sync::SyncConfig {
        url: "http://127.0.0.1:1".into(),
        client_id: "c".into(),
        secret_store: "file".into(),
        account: "acct".into(),
    }))
    .unwrap();
    assert_eq!(api.sync_badge(&a.job_id).unwrap(), SyncBadge::Conflict);
    // Keep mine: the local copy is pushed over the hosted one.
    api.sync_resolve("acct", &a.job_id, Resolution::KeepMine)
        .unwrap();
    let e = api.outbox_entries().unwrap().remove(0);
    assert!(e.parked.is_none());
    let Prepared::Send { import, .. } = api.sync_prepare(&e).unwrap() else {
        panic!()
    };
    let body = import.expect("mine differs from the hosted copy");
    assert!(body
        .stops
        .iter()
        .any(|s| s.label.as_deref() == Some("mine")));
    assert_eq!(api.sync_badge(&a.job_id).unwrap(), SyncBadge::Pending);
}
