//! Webhook events through the facade: which events each change makes (types, per-job sequence,
//! `job.completed` once), that they and their outbox entries are written with the change, the
//! replay, the retention, and the subscription rules (URL, secret shown once and never stored
//! plain).

use chrono::{Duration, TimeZone, Utc};
use routemate_core::model::StopStatus;
use routemate_engine::webhooks::{EventType, NewSubscription};
use routemate_engine::{Api, EngineConfig, ManualClock};
use serde_json::json;
use std::sync::Arc;

const A: &str = "default";

fn open(dir: &std::path::Path) -> (Api, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 1, 6, 0, 0).unwrap(),
    ));
    let api = Api::open(EngineConfig {
        data_dir: dir.into(),
        clock: clock.clone(),
        geocoder: None,
    })
    .unwrap();
    (api, clock)
}

fn job(ext: &str, title: &str) -> serde_json::Value {
    json!({"external_job_id": ext, "title": title, "depot": {"lat": -27.47, "lng": 153.0},
           "stops": [
               {"external_stop_id": "S1", "address": "1 A St", "lat": -27.47, "lng": 153.01},
               {"external_stop_id": "S2", "address": "2 A St", "lat": -27.47, "lng": 153.02}]})
}

fn kinds(api: &Api) -> Vec<(String, EventType, u64)> {
    api.webhook_events(A, None, 1000)
        .unwrap()
        .events
        .into_iter()
        .map(|e| (e.subject, e.kind, e.sequence))
        .collect()
}

#[test]
fn each_change_makes_its_events_in_order_with_a_per_job_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let (api, _) = open(dir.path());
    let sub = api
        .webhook_create(
            A,
            &NewSubscription {
                url: "https://erp.example.com/hook".into(),
                events: Some(vec![EventType::JobCompleted]),
                description: None,
            },
            false,
        )
        .unwrap();
    let j = api.import_value(A, &job("J1", "One")).unwrap().job.job_id;
    // The same payload again writes nothing, so it makes no event.
    api.import_value(A, &job("J1", "One")).unwrap();
    api.import_value(A, &job("J1", "One, renamed")).unwrap();
    api.set_stop_status(A, &j, "S1", StopStatus::Completed, None)
        .unwrap();
    api.set_stop_status(A, &j, "S2", StopStatus::Failed, Some("closed".into()))
        .unwrap();
    api.set_stop_status(
        A,
        &j,
        "S2",
        StopStatus::Failed,
        Some("closed, again".into()),
    )
    .unwrap();
    use EventType::*;
    let want = vec![
        (j.clone(), JobImported, 1),
        (j.clone(), JobUpdated, 2),
        (j.clone(), StopStatusChanged, 3),
        (j.clone(), StopStatusChanged, 4),
        (j.clone(), JobCompleted, 5),
        (j.clone(), StopStatusChanged, 6),
    ];
    assert_eq!(
        kinds(&api),
        want,
        "job.completed only once, right after its change"
    );
    // Only job.completed was subscribed: one delivery due, for this job, up to its event (5);
    // the later, unsubscribed status change queued nothing more.
    let (due, _) = api.webhook_due(&sub.subscription.id).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].subject.as_str(), due[0].upto), (j.as_str(), 5));
    let pending = api.webhook_pending(&due[0]).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].kind, JobCompleted);
    assert_eq!(pending[0].data["status_counts"]["failed"], 1);
    // Sync's outbox view does not see webhook entries.
    assert!(api
        .outbox_entries()
        .unwrap()
        .iter()
        .all(|e| e.kind == routemate_engine::outbox::EntryKind::SyncJob));
}

#[test]
fn replay_pages_after_an_id_and_events_expire_after_the_retention() {
    let dir = tempfile::tempdir().unwrap();
    let (api, clock) = open(dir.path());
    for i in 0..5 {
        api.import_value(A, &job(&format!("R{i}"), "R")).unwrap();
    }
    api.import_value("other", &job("X", "X")).unwrap();
    let all = api.webhook_events(A, None, 1000).unwrap();
    assert_eq!(
        all.events.len(),
        5,
        "another account's events are not listed"
    );
    let page = api.webhook_events(A, Some(&all.events[1].id), 2).unwrap();
    assert_eq!(
        page.events.iter().map(|e| &e.id).collect::<Vec<_>>(),
        vec![&all.events[2].id, &all.events[3].id]
    );
    assert!(page.has_more);
    assert!(api.webhook_events(A, Some("evt_zz"), 10).is_err());
    clock.advance(Duration::days(8));
    api.import_value(A, &job("NEW", "New")).unwrap();
    assert_eq!(api.webhook_prune().unwrap(), 6);
    let left = api.webhook_events(A, None, 1000).unwrap().events;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].data["external_job_id"], "NEW");
}

/// Imports on several threads at once while a receiver catches up by replay after the last id
/// it saw: the numbers have no gaps, and a replay never skips an event that shows up later.
#[test]
fn concurrent_changes_get_gap_free_numbers_and_replay_after_an_id_misses_none() {
    let dir = tempfile::tempdir().unwrap();
    let (api, _) = open(dir.path());
    const THREADS: usize = 4;
    const EACH: usize = 12;
    let total = THREADS * EACH;
    let seen = std::thread::scope(|s| {
        for t in 0..THREADS {
            let api = &api;
            s.spawn(move || {
                for i in 0..EACH {
                    api.import_value(A, &job(&format!("C{t}-{i}"), "C"))
                        .unwrap();
                }
            });
        }
        let reader = s.spawn(|| {
            let mut seen: Vec<String> = Vec::new();
            for _ in 0..20_000 {
                let page = api
                    .webhook_events(A, seen.last().map(String::as_str), 7)
                    .unwrap();
                seen.extend(page.events.into_iter().map(|e| e.id));
                if seen.len() >= total {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            seen
        });
        reader.join().unwrap()
    });
    let all: Vec<String> = api
        .webhook_events(A, None, 1000)
        .unwrap()
        .events
        .into_iter()
        .map(|e| e.id)
        .collect();
    let numbers: Vec<u64> = all
        .iter()
        .map(|id| routemate_engine::webhooks::parse_event_id(id).unwrap())
        .collect();
    assert_eq!(
        numbers,
        (1..=total as u64).collect::<Vec<_>>(),
        "one number each, no gaps"
    );
    assert_eq!(
        seen, all,
        "the receiver that paged by `after` saw every event once, in order"
    );
}

#[test]
fn the_secret_is_shown_once_and_stored_only_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let (api, _) = open(dir.path());
    let new = |url: &str| NewSubscription {
        url: url.into(),
        events: None,
        description: Some("ERP".into()),
    };
    assert!(api
        .webhook_create(A, &new("http://erp.example.com/"), true)
        .is_err());
    assert!(api
        .webhook_create(A, &new("http://127.0.0.1:9/"), false)
        .is_err());
    let created = api
        .webhook_create(A, &new("http://127.0.0.1:9/"), true)
        .unwrap();
    assert!(created.secret.starts_with("whsec_"));
    assert_eq!(created.subscription.events.len(), 5, "all by default");
    let listed = api.webhook_list(A).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].secret_hint,
        created.secret[created.secret.len() - 4..]
    );
    assert!(api.webhook_list("other").unwrap().is_empty());
    api.flush().unwrap();
    drop(api);
    let secret = created.secret.as_bytes();
    for entry in walk(dir.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret),
            "{} holds the secret",
            entry.display()
        );
    }
    let (api, _) = open(dir.path());
    let target = api.webhook_target(A, &created.subscription.id).unwrap();
    assert_eq!(target.secret, created.secret, "unsealed after a restart");
    assert!(api.webhook_delete(A, &created.subscription.id).unwrap());
    assert!(!api.webhook_delete(A, &created.subscription.id).unwrap());
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_new_plan_makes_plan_created_and_its_jobs_job_imported() {
    let dir = tempfile::tempdir().unwrap();
    let (api, _) = open(dir.path());
    let body = json!({"external_plan_id": "DAY-1", "date": "2026-11-02",
        "depot": {"lat": -27.47, "lng": 153.02},
        "drivers": [{"email": "d@example.com", "capacity": 50, "shift_start": "07:00",
                     "shift_end": "17:00"}],
        "stops": [
            {"external_stop_id": "P1", "address": "1 P St", "lat": -27.46, "lng": 153.03},
            {"external_stop_id": "P2", "address": "2 P St", "lat": -27.45, "lng": 153.04}],
        "options": {"time_limit_ms": 200}});
    let plan = api.plan_day_value(A, &body).unwrap().plan;
    api.plan_day_value(A, &body).unwrap(); // the same request again: nothing new
    let events = api.webhook_events(A, None, 1000).unwrap().events;
    let created: Vec<_> = events
        .iter()
        .filter(|e| e.kind == EventType::PlanCreated)
        .collect();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].subject, plan.plan_id);
    assert_eq!(
        created[0].data["jobs"][0]["job_id"],
        plan.jobs[0].job_id.as_str()
    );
    assert!(events
        .iter()
        .any(|e| e.kind == EventType::JobImported && e.subject == plan.jobs[0].job_id));
}

#[test]
fn a_public_server_refuses_names_resolving_to_internal_addresses_and_marks_its_subscriptions() {
    let dir = tempfile::tempdir().unwrap();
    let (api, _) = open(dir.path());
    let new = |url: &str| NewSubscription {
        url: url.into(),
        events: None,
        description: None,
    };
    // The cloud metadata service, mapped into IPv6, is internal too.
    let refused = api
        .webhook_create(A, &new("https://[::ffff:169.254.169.254]/latest"), false)
        .unwrap_err();
    assert!(matches!(refused, routemate_engine::EngineError::Invalid(_)));
    // Not resolvable (yet): accepted; the deliverer checks the name at every connection.
    let public = api
        .webhook_create(A, &new("https://hooks.routemate-test.invalid/h"), false)
        .unwrap();
    let local = api
        .webhook_create(A, &new("http://localhost:9000/h"), true)
        .unwrap();
    let targets = api.webhook_targets().unwrap();
    let private_ok = |id: &str| targets.iter().find(|t| t.id == id).unwrap().private_ok;
    assert!(
        !private_ok(&public.subscription.id),
        "made through a public server"
    );
    assert!(
        private_ok(&local.subscription.id),
        "made by this machine's user"
    );
    assert!(
        api.webhook_target(A, &local.subscription.id)
            .unwrap()
            .private_ok
    );
}
