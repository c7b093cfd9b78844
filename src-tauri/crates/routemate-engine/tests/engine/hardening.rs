//! Engine side of issue 10: the job list reads its index, not the jobs (a page costs its own
//! size), the index follows every write and is built for old stores at open, and expired tokens
//! are swept.

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
    // sled's flusher thread lets go of the file lock a moment after the last handle is dropped,
    // so a reopen in the same process may briefly see the store as locked.
    for _ in 0..100 {
        match Api::open(EngineConfig {
            data_dir: dir.into(),
            clock: clock.clone(),
            geocoder: None,
        }) {
            Ok(api) => return (api, clock),
            Err(e) if e.code() == "store_locked" => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            Err(e) => panic!("cannot open the store: {e}"),
        }
    }
    panic!("the store stayed locked")
}

/// Runs `f` on the closed store's raw sled database (what an older binary or a damaged disk
/// leaves behind); the engine hands no sled tree out, so the test opens the files itself.
fn with_raw_store<T>(dir: &std::path::Path, f: impl FnOnce(&sled::Db) -> T) -> T {
    let config = sled::Config::new()
        .path(dir.join("store"))
        .mode(sled::Mode::HighThroughput);
    let db = (0..100)
        .find_map(|_| {
            let db = config.open().ok();
            if db.is_none() {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            db
        })
        .expect("the store stayed locked");
    let out = f(&db);
    db.flush().unwrap();
    out
}

fn job(ext: &str, n: usize) -> Value {
    let stops: Vec<Value> = (0..n)
        .map(|i| json!({"external_stop_id": format!("S{i}"), "lat": -27.4 - 0.01 * i as f64, "lng": 153.0}))
        .collect();
    json!({"external_job_id": ext, "driver_email": "d@example.com", "stops": stops})
}

fn page(api: &Api, q: JobQuery) -> (Vec<String>, Option<String>) {
    let p = api.list_jobs("a", &q).unwrap();
    let ids = p.jobs.into_iter().map(|j| j.external_job_id).collect();
    (ids, p.next_cursor)
}

/// Imports J0..Jn-1, ten seconds apart (J{n-1} newest); returns their job ids.
fn import_many(api: &Api, clock: &ManualClock, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let out = api.import_value("a", &job(&format!("J{i}"), 2)).unwrap();
            clock.advance(Duration::seconds(10));
            out.job.job_id
        })
        .collect()
}

#[test]
fn a_page_reads_only_its_own_rows_not_every_job() {
    if routemate_engine::store::testing::sled_only("reads the raw sled files") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (api, clock) = open(dir.path());
    let ids = import_many(&api, &clock, 4);
    drop(api);
    // Damage the oldest job's record: a page that does not show it must not need it.
    with_raw_store(dir.path(), |db| {
        db.open_tree("jobs")
            .unwrap()
            .insert(ids[0].as_bytes(), b"not a job".as_slice())
            .unwrap();
    });
    let (api, _) = open(dir.path());
    let q = JobQuery {
        limit: Some(2),
        ..Default::default()
    };
    assert_eq!(page(&api, q).0, ["J3", "J2"]);
}

#[test]
fn the_index_follows_updates_statuses_and_paging() {
    let dir = tempfile::tempdir().unwrap();
    let (api, clock) = open(dir.path());
    let ids = import_many(&api, &clock, 5);
    // A stop status makes J1 the most recently updated, and its status in_progress.
    api.set_stop_status("a", &ids[1], "S0", StopStatus::Completed, None)
        .unwrap();
    clock.advance(Duration::seconds(10));
    // A changed re-import of J0 moves it to the top without leaving its old row behind.
    api.import_value("a", &job("J0", 3)).unwrap();
    let all = JobQuery {
        limit: Some(500),
        ..Default::default()
    };
    assert_eq!(page(&api, all.clone()).0, ["J0", "J1", "J4", "J3", "J2"]);
    let (first, cursor) = page(
        &api,
        JobQuery {
            limit: Some(2),
            ..Default::default()
        },
    );
    assert_eq!(first, ["J0", "J1"]);
    let rest = JobQuery {
        limit: Some(2),
        cursor,
        ..Default::default()
    };
    let (second, cursor) = page(&api, rest);
    assert_eq!(second, ["J4", "J3"]);
    let (third, cursor) = page(
        &api,
        JobQuery {
            limit: Some(2),
            cursor,
            ..Default::default()
        },
    );
    assert_eq!((third, cursor), (vec!["J2".to_string()], None));
    let in_progress = JobQuery {
        status: Some(JobStatus::InProgress),
        ..all.clone()
    };
    assert_eq!(page(&api, in_progress).0, ["J1"]);
    let recent = JobQuery {
        updated_since: Some(Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 40).unwrap()),
        ..all
    };
    assert_eq!(page(&api, recent).0, ["J0", "J1", "J4"]);
    // Another account sees none of them.
    assert!(api
        .list_jobs("b", &JobQuery::default())
        .unwrap()
        .jobs
        .is_empty());
    assert_eq!(
        api.job("a", &JobRef::External("J0".into()))
            .unwrap()
            .stop_count,
        3
    );
}

#[test]
fn a_store_without_the_index_gets_it_built_at_open() {
    if routemate_engine::store::testing::sled_only("reads the raw sled files") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    {
        let (api, clock) = open(dir.path());
        import_many(&api, &clock, 3);
        api.flush().unwrap();
    }
    // What a store written before the index looks like.
    with_raw_store(dir.path(), |db| {
        db.open_tree("job_summaries").unwrap().clear().unwrap();
        db.open_tree("job_summary_keys").unwrap().clear().unwrap();
        db.open_tree("meta")
            .unwrap()
            .remove("job_index_version")
            .unwrap();
    });
    let (api, _) = open(dir.path());
    assert_eq!(page(&api, JobQuery::default()).0, ["J2", "J1", "J0"]);
}

#[test]
fn expired_tokens_are_swept_from_the_store() {
    if routemate_engine::store::testing::sled_only("reads the raw sled files") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (api, clock) = open(dir.path());
    let c = api.create_credential("a", "t").unwrap();
    for _ in 0..3 {
        api.issue_token(&c.client_id, &c.client_secret, None)
            .unwrap();
    }
    clock.advance(Duration::hours(2));
    let fresh = api
        .issue_token(&c.client_id, &c.client_secret, None)
        .unwrap();
    assert_eq!(api.authenticate(&fresh.access_token).unwrap(), "a");
    drop(api);
    let left = with_raw_store(dir.path(), |db| db.open_tree("tokens").unwrap().len());
    assert_eq!(left, 1, "only the fresh token is left");
}
