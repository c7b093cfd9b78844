//! Several processes on one PostgreSQL store (the hosted API): two engines opened on the same
//! database stand for two `routemate serve` processes. On sled a store has one owner, so these
//! run only under `ROUTEMATE_TEST_DATABASE_URL` (`tests/postgres/with-postgres.sh`).

use routemate_core::model::StopStatus;
use routemate_engine::jobs::{JobQuery, JobRef};
use routemate_engine::store::testing;
use routemate_engine::{Api, EngineConfig};
use serde_json::{json, Value};
use std::sync::Barrier;

fn open(dir: &std::path::Path) -> Api {
    Api::open(EngineConfig::new(dir)).unwrap()
}

fn job(ext: &str, n: usize, title: &str) -> Value {
    let stops: Vec<Value> = (0..n)
        .map(|i| json!({"external_stop_id": format!("S{i}"), "lat": -27.45 - 0.01 * i as f64, "lng": 153.0}))
        .collect();
    json!({"external_job_id": ext, "title": title, "driver_email": "d@example.com", "stops": stops})
}

fn two_processes() -> Option<(tempfile::TempDir, Api, Api)> {
    if !testing::on_postgres() {
        eprintln!("skipped on sled: several processes share only a PostgreSQL store");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    // The same data dir names the same test schema: a second pool, as a second process has.
    let a = open(dir.path());
    let b = open(dir.path());
    Some((dir, a, b))
}

#[test]
fn the_same_import_sent_to_two_processes_at_once_creates_one_job() {
    let Some((_dir, a, b)) = two_processes() else {
        return;
    };
    for round in 0..8 {
        let ext = format!("J{round}");
        let body = job(&ext, 4, "same");
        let barrier = Barrier::new(2);
        let (ra, rb) = std::thread::scope(|s| {
            let ta = s.spawn(|| {
                barrier.wait();
                a.import_value("acct", &body).unwrap()
            });
            let tb = s.spawn(|| {
                barrier.wait();
                b.import_value("acct", &body).unwrap()
            });
            (ta.join().unwrap(), tb.join().unwrap())
        });
        assert_eq!(ra.job.job_id, rb.job.job_id, "round {round}: one job");
        assert_eq!(
            [ra.created, rb.created].iter().filter(|c| **c).count(),
            1,
            "round {round}: exactly one process created it"
        );
    }
    let page = a.list_jobs("acct", &JobQuery::default()).unwrap();
    assert_eq!(page.jobs.len(), 8, "one job per external id");
}

#[test]
fn different_payloads_at_once_leave_one_job_at_a_consistent_revision() {
    let Some((_dir, a, b)) = two_processes() else {
        return;
    };
    let first = a.import_value("acct", &job("J", 3, "v0")).unwrap();
    let barrier = Barrier::new(2);
    std::thread::scope(|s| {
        for (api, title) in [(&a, "from a"), (&b, "from b")] {
            let barrier = &barrier;
            s.spawn(move || {
                barrier.wait();
                api.import_value("acct", &job("J", 3, title)).unwrap();
            });
        }
    });
    let view = b.job("acct", &JobRef::External("J".into())).unwrap();
    assert_eq!(view.job_id, first.job.job_id);
    assert_eq!(
        view.revision, 3,
        "both updates applied, one after the other"
    );
    assert!(view.title == "from a" || view.title == "from b");
    assert_eq!(
        a.list_jobs("acct", &JobQuery::default())
            .unwrap()
            .jobs
            .len(),
        1
    );
}

#[test]
fn stop_statuses_from_two_processes_are_both_kept() {
    let Some((_dir, a, b)) = two_processes() else {
        return;
    };
    let j = a
        .import_value("acct", &job("J", 6, "t"))
        .unwrap()
        .job
        .job_id;
    std::thread::scope(|s| {
        for (api, stops) in [(&a, ["S0", "S2", "S4"]), (&b, ["S1", "S3", "S5"])] {
            let j = &j;
            s.spawn(move || {
                for stop in stops {
                    api.set_stop_status("acct", j, stop, StopStatus::Completed, None)
                        .unwrap();
                }
            });
        }
    });
    let view = a.job("acct", &JobRef::Id(j.clone())).unwrap();
    assert!(
        view.stops.iter().all(|s| s.status == StopStatus::Completed),
        "no status lost: {:?}",
        view.stops.iter().map(|s| s.status).collect::<Vec<_>>()
    );
    assert_eq!(view.revision, 7);
}

#[test]
fn tokens_issued_by_one_process_are_accepted_by_the_other_until_revoked() {
    let Some((_dir, a, b)) = two_processes() else {
        return;
    };
    let cred = a.create_credential("acct", "erp").unwrap();
    let token = b
        .issue_token(&cred.client_id, &cred.client_secret, None)
        .unwrap();
    assert_eq!(a.authenticate(&token.access_token).unwrap(), "acct");
    b.revoke_credential(None, &cred.client_id).unwrap();
    assert!(
        b.authenticate(&token.access_token).is_err(),
        "the revoking process refuses it at once"
    );
    // The other trusts what it resolved for a moment: refused within that time.
    let until = std::time::Instant::now()
        + routemate_engine::auth::TOKEN_CACHE_FRESH
        + std::time::Duration::from_secs(1);
    while a.authenticate(&token.access_token).is_ok() {
        assert!(
            std::time::Instant::now() < until,
            "revocation seen by the other process within seconds"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn a_list_cursor_from_one_process_pages_on_the_other() {
    let Some((_dir, a, b)) = two_processes() else {
        return;
    };
    for i in 0..5 {
        a.import_value("acct", &job(&format!("J{i}"), 1, "t"))
            .unwrap();
    }
    let q = JobQuery {
        limit: Some(2),
        ..JobQuery::default()
    };
    let first = a.list_jobs("acct", &q).unwrap();
    let next = b
        .list_jobs(
            "acct",
            &JobQuery {
                cursor: first.next_cursor.clone(),
                ..q
            },
        )
        .unwrap();
    let ids: Vec<_> = first
        .jobs
        .iter()
        .chain(&next.jobs)
        .map(|j| &j.job_id)
        .collect();
    assert_eq!(ids.len(), 4);
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), 4, "no job twice across processes");
}

/// Stops and starts the suite's PostgreSQL server (`with-postgres.sh` provides the command).
fn pg_ctl(action: &str) {
    let ctl = std::env::var("ROUTEMATE_PG_CTL").expect("ROUTEMATE_PG_CTL (with-postgres.sh)");
    let ok = std::process::Command::new(ctl)
        .arg(action)
        .status()
        .unwrap()
        .success();
    assert!(ok, "pg_ctl {action}");
}

/// Stops the database under a running engine: calls fail with the retryable
/// `store_unavailable` (no latch), and once it is back the same engine works again without
/// being reopened. It stops the server the whole suite shares, so it is `#[ignore]`d and run
/// alone: `with-postgres.sh cargo test -p routemate-engine --test engine -- --ignored outage`.
#[test]
#[ignore = "stops the shared PostgreSQL server: run alone (test-all.sh does)"]
fn a_database_outage_is_retryable_and_the_pool_recovers_by_itself() {
    let Some((_dir, a, _b)) = two_processes() else {
        return;
    };
    let cred = a.create_credential("acct", "erp").unwrap();
    let token = a
        .issue_token(&cred.client_id, &cred.client_secret, None)
        .unwrap();
    a.import_value("acct", &job("before", 2, "t")).unwrap();

    pg_ctl("stop");
    let err = a.import_value("acct", &job("during", 2, "t")).unwrap_err();
    assert_eq!(err.code(), "store_unavailable", "{err}");
    assert!(!err.is_storage_failure());
    assert_eq!(
        a.authenticate(&token.access_token),
        Err(routemate_engine::AuthError::Unavailable),
        "a token that cannot be checked is not called invalid"
    );
    assert!(a.store().health().failure().is_none(), "nothing latched");
    assert_eq!(a.store().ping().unwrap_err().code(), "store_unavailable");

    pg_ctl("start");
    a.store().ping().expect("the pool reconnects by itself");
    assert_eq!(a.authenticate(&token.access_token).unwrap(), "acct");
    let after = a.import_value("acct", &job("after", 2, "t")).unwrap();
    assert!(after.created);
    let page = a.list_jobs("acct", &JobQuery::default()).unwrap();
    let mut ext: Vec<_> = page
        .jobs
        .iter()
        .map(|j| j.external_job_id.as_str())
        .collect();
    ext.sort();
    assert_eq!(
        ext,
        ["after", "before"],
        "nothing half-written during the outage"
    );
}

#[test]
fn the_same_day_plan_sent_to_two_processes_at_once_is_one_plan() {
    let Some((_dir, a, b)) = two_processes() else {
        return;
    };
    let stops: Vec<Value> = (0..6)
        .map(|i| json!({"external_stop_id": format!("S{i}"), "lat": -27.40 - 0.01 * i as f64, "lng": 153.0}))
        .collect();
    let drivers = json!([{"email": "d0@example.com", "shift_start": "07:00", "shift_end": "17:00"},
                         {"email": "d1@example.com", "shift_start": "07:00", "shift_end": "17:00"}]);
    let body = json!({"external_plan_id": "DAY", "date": "2026-11-02",
                      "depot": {"lat": -27.47, "lng": 153.02}, "drivers": drivers,
                      "stops": stops, "options": {"time_limit_ms": 200}});
    let barrier = Barrier::new(2);
    let (pa, pb) = std::thread::scope(|s| {
        let ta = s.spawn(|| {
            barrier.wait();
            a.plan_day_value("acct", &body).unwrap()
        });
        let tb = s.spawn(|| {
            barrier.wait();
            b.plan_day_value("acct", &body).unwrap()
        });
        (ta.join().unwrap(), tb.join().unwrap())
    });
    assert_eq!(pa.plan.plan_id, pb.plan.plan_id, "one plan");
    assert_eq!([pa.created, pb.created].iter().filter(|c| **c).count(), 1);
    let jobs = a.list_jobs("acct", &JobQuery::default()).unwrap().jobs;
    let mut ext: Vec<_> = jobs.iter().map(|j| j.external_job_id.clone()).collect();
    let n = ext.len();
    ext.sort();
    ext.dedup();
    assert_eq!(ext.len(), n, "each of the plan's jobs once: {ext:?}");
}
