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
        a.authenticate(&token.access_token).is_err(),
        "revocation seen at once"
    );
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
