//! The day planner through the facade: one job per driver, every plan checked by
//! `core::vrp::check` (rebuilt from the stored plan and jobs), idempotency, validation naming every
//! bad field, the saved fleet, reasons for stops left out, and single jobs with time windows.

use chrono::{TimeZone, Utc};
use routemate_core::dayplan::validate::parse_fleet;
use routemate_core::model::warning_codes;
use routemate_engine::jobs::JobRef;
use routemate_engine::plan::{check_stored, record::PlanView};
use routemate_engine::{Api, EngineConfig, ManualClock};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::Arc;

fn open(dir: &std::path::Path) -> Api {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 1, 6, 0, 0).unwrap(),
    ));
    Api::open(EngineConfig {
        data_dir: dir.into(),
        clock,
        geocoder: None,
    })
    .unwrap()
}

fn drivers(n: usize, capacity: u32) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({"email": format!("driver{i}@example.com"), "name": format!("Driver {i}"),
                   "capacity": capacity, "shift_start": "07:00", "shift_end": "17:00"})
        })
        .collect()
}

/// `n` stops around Brisbane, every third with a window.
fn stops(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let mut s = json!({"external_stop_id": format!("S{i}"),
                "address": format!("{i} Test St, Brisbane"),
                "lat": -27.40 - 0.011 * (i % 9) as f64, "lng": 152.95 + 0.017 * (i / 9) as f64,
                "parcel_count": 1 + i % 3});
            if i % 3 == 0 {
                let (a, b) = if i % 2 == 0 {
                    ("08:00", "11:00")
                } else {
                    ("12:00", "15:00")
                };
                s["time_windows"] = json!([{"start": a, "end": b}]);
            }
            s
        })
        .collect()
}

fn body(id: &str, drivers: Vec<Value>, stops: Vec<Value>) -> Value {
    json!({"external_plan_id": id, "date": "2026-11-02", "depot": {"lat": -27.47, "lng": 153.02},
           "drivers": drivers, "stops": stops, "options": {"time_limit_ms": 300}})
}

/// Every stop is in exactly one job or in `unassigned`; the plan passes the solver's checker.
fn assert_complete_and_checked(api: &Api, account: &str, plan: &PlanView, n: usize) {
    let mut seen = BTreeSet::new();
    for j in &plan.jobs {
        for s in &j.stops {
            assert!(seen.insert(s.clone()), "{s} twice");
        }
        let job = api.job(account, &JobRef::Id(j.job_id.clone())).unwrap();
        assert_eq!(job.driver_email.as_deref(), Some(j.driver.as_str()));
        let ids: Vec<&str> = job
            .stops
            .iter()
            .map(|s| s.external_stop_id.as_str())
            .collect();
        assert_eq!(ids, j.stops.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(
            !job.warnings
                .iter()
                .any(|w| w.code == warning_codes::TIME_WINDOW_MISSED),
            "a planned job never misses a window"
        );
    }
    for u in &plan.unassigned {
        assert!(
            seen.insert(u.external_stop_id.clone()),
            "{} twice",
            u.external_stop_id
        );
        assert!(!u.message.is_empty());
    }
    assert_eq!(seen.len(), n, "every stop accounted for");
    check_stored(api.context(), account, &plan.plan_id).expect("the stored plan is feasible");
}

#[test]
fn a_day_becomes_one_job_per_driver_and_is_feasible() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let out = api
        .plan_day_value("a", &body("DAY-1", drivers(4, 30), stops(60)))
        .unwrap();
    assert!(out.created && out.changed);
    let plan = &out.plan;
    assert!(plan.jobs.len() >= 2, "{} jobs", plan.jobs.len());
    assert_eq!(plan.totals.stops, 60);
    assert_eq!(plan.totals.planned_stops + plan.totals.unassigned_stops, 60);
    assert_complete_and_checked(&api, "a", plan, 60);
    for j in &plan.jobs {
        assert!(j.parcels <= 30, "{} carries {}", j.driver, j.parcels);
        // The job status call works per driver, by the job's natural key.
        let by_key = api
            .job("a", &JobRef::External(format!("DAY-1/{}", j.driver)))
            .unwrap();
        assert_eq!(by_key.job_id, j.job_id);
        assert_eq!(by_key.stop_count, j.stop_count);
        assert_eq!(by_key.date.as_deref(), Some("2026-11-02"));
    }
    // Another account does not see it.
    assert_eq!(
        api.plan("b", &plan.plan_id).unwrap_err().code(),
        "not_found"
    );
    assert_eq!(api.plan("a", &plan.plan_id).unwrap(), *plan);
}

#[test]
fn the_same_plan_again_writes_nothing_and_a_changed_one_updates_the_same_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let b = body("DAY-2", drivers(3, 40), stops(30));
    let first = api.plan_day_value("a", &b).unwrap();
    let again = api.plan_day_value("a", &b).unwrap();
    assert!(!again.created && !again.changed);
    assert_eq!(again.plan, first.plan);
    let jobs_before = api.list_jobs("a", &Default::default()).unwrap().jobs.len();

    let mut changed = b.clone();
    changed["stops"] = json!(stops(24));
    let second = api.plan_day_value("a", &changed).unwrap();
    assert!(!second.created && second.changed);
    assert_eq!(second.plan.plan_id, first.plan.plan_id);
    assert_eq!(second.plan.revision, 2);
    let jobs_after = api.list_jobs("a", &Default::default()).unwrap().jobs.len();
    assert_eq!(
        jobs_after, jobs_before,
        "re-planning updates jobs, never duplicates them"
    );
    let old: BTreeSet<_> = first
        .plan
        .jobs
        .iter()
        .map(|j| (&j.driver, &j.job_id))
        .collect();
    for j in &second.plan.jobs {
        if let Some((_, id)) = old.iter().find(|(d, _)| **d == j.driver) {
            assert_eq!(**id, j.job_id, "same driver, same job");
        }
    }
    assert_complete_and_checked(&api, "a", &second.plan, 24);
}

#[test]
fn validation_names_every_bad_field() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let err = api
        .plan_day_value(
            "a",
            &json!({"date": "2026-13-40",
            "drivers": [{"email": "x@example.com", "max_stops": 0}],
            "stops": [{"external_stop_id": "S1"},
                      {"external_stop_id": "S2", "lat": -27.4, "lng": 153.0, "parcel_count": "two",
                       "time_windows": [{"start": "9", "end": "10:00"}]}]}),
        )
        .unwrap_err();
    let routemate_engine::EngineError::Invalid(errs) = err else {
        panic!("{err:?}")
    };
    let got: Vec<&str> = errs.iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(
        got,
        [
            "/external_plan_id",
            "/date",
            "/drivers/0/max_stops",
            "/stops/0/address",
            "/stops/1/parcel_count",
            "/stops/1/time_windows/0/start",
        ]
    );
}

#[test]
fn without_drivers_the_saved_fleet_is_used_and_without_one_the_error_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let mut b = body("DAY-3", vec![], stops(12));
    b.as_object_mut().unwrap().remove("drivers");
    let err = api.plan_day_value("a", &b).unwrap_err();
    assert_eq!(err.code(), "validation_failed");
    assert!(err.to_string().contains("no fleet saved"), "{err}");

    let fleet = parse_fleet(&json!({"drivers": drivers(2, 50)})).unwrap();
    api.set_fleet(&fleet).unwrap();
    assert_eq!(api.fleet().unwrap(), fleet);
    let out = api.plan_day_value("a", &b).unwrap();
    let used: BTreeSet<&str> = out.plan.jobs.iter().map(|j| j.driver.as_str()).collect();
    assert!(used.iter().all(|d| d.starts_with("driver")));
    assert_eq!(out.plan.totals.drivers, 2);
    assert_complete_and_checked(&api, "a", &out.plan, 12);

    let bad = api.set_fleet(&routemate_core::dayplan::Fleet {
        drivers: vec![fleet.drivers[0].clone(), fleet.drivers[0].clone()],
    });
    assert_eq!(bad.unwrap_err().code(), "validation_failed");
    assert_eq!(api.fleet().unwrap(), fleet, "nothing saved on a problem");
}

#[test]
fn every_stop_left_out_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let ds = vec![
        json!({"email": "a@example.com", "capacity": 5, "shift_start": "08:00", "shift_end": "12:00"}),
        json!({"email": "b@example.com", "capacity": 5, "shift_start": "08:00", "shift_end": "12:00"}),
    ];
    let mut ss: Vec<Value> = (0..12)
        .map(|i| {
            json!({"external_stop_id": format!("P{i}"), "lat": -27.47 - 0.002 * i as f64,
                        "lng": 153.02, "parcel_count": 1})
        })
        .collect();
    ss.push(json!({"external_stop_id": "HEAVY", "lat": -27.46, "lng": 153.03, "parcel_count": 9}));
    ss.push(
        json!({"external_stop_id": "LATE", "lat": -27.46, "lng": 153.01,
                   "time_windows": [{"start": "18:00", "end": "19:00"}], "parcel_count": 0}),
    );
    ss.push(json!({"external_stop_id": "NOWHERE", "address": "Nowhere"}));
    let out = api.plan_day_value("a", &body("DAY-4", ds, ss)).unwrap();
    let why: std::collections::BTreeMap<&str, &str> = out
        .plan
        .unassigned
        .iter()
        .map(|u| (u.external_stop_id.as_str(), u.code.as_str()))
        .collect();
    assert_eq!(
        why.get("HEAVY"),
        Some(&"DEMAND_EXCEEDS_CAPACITY"),
        "{why:?}"
    );
    assert_eq!(why.get("LATE"), Some(&"WINDOW_UNREACHABLE"), "{why:?}");
    assert_eq!(why.get("NOWHERE"), Some(&"GEOCODE_FAILED"), "{why:?}");
    let full: Vec<_> = why.iter().filter(|(k, _)| k.starts_with('P')).collect();
    assert_eq!(full.len(), 2, "10 parcels of room for 12: {why:?}");
    assert!(
        full.iter().all(|(_, c)| **c == "CAPACITY_EXHAUSTED"),
        "{why:?}"
    );
    assert_complete_and_checked(&api, "a", &out.plan, 15);
}

#[test]
fn a_stop_locked_to_a_driver_rides_with_that_driver() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let mut ss = stops(20);
    ss[5]["driver_email"] = json!("driver2@example.com");
    ss[6]["driver_email"] = json!("driver2@example.com");
    let out = api
        .plan_day_value("a", &body("DAY-5", drivers(3, 40), ss))
        .unwrap();
    let j = out
        .plan
        .jobs
        .iter()
        .find(|j| j.driver == "driver2@example.com")
        .unwrap();
    assert!(j.stops.contains(&"S5".to_string()) && j.stops.contains(&"S6".to_string()));
    assert_complete_and_checked(&api, "a", &out.plan, 20);
}

#[test]
fn a_single_job_with_time_windows_is_planned_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    // Listed in the order that misses every window; the windows need the reverse.
    let windows = [
        ("11:00", "11:30"),
        ("10:00", "10:30"),
        ("09:00", "09:30"),
        ("08:15", "08:45"),
    ];
    let mut ss: Vec<Value> = windows
        .iter()
        .enumerate()
        .map(|(i, (a, b))| {
            json!({"external_stop_id": format!("W{i}"), "lat": -27.47 - 0.01 * i as f64,
            "lng": 153.02, "time_window": {"start": a, "end": b}})
        })
        .collect();
    ss.push(json!({"external_stop_id": "X", "lat": -27.3, "lng": 153.1}));
    let job = json!({"external_job_id": "TW-1", "driver_email": "d@example.com",
                     "depot": {"lat": -27.47, "lng": 153.02}, "stops": ss});
    let out = api.import_value("a", &job).unwrap().job;
    let order: Vec<&str> = out
        .stops
        .iter()
        .map(|s| s.external_stop_id.as_str())
        .collect();
    let pos = |id: &str| order.iter().position(|s| *s == id).unwrap();
    assert!(
        pos("W3") < pos("W2") && pos("W2") < pos("W1") && pos("W1") < pos("W0"),
        "{order:?}"
    );
    assert!(
        !out.warnings
            .iter()
            .any(|w| w.code == warning_codes::TIME_WINDOW_MISSED),
        "{:?}",
        out.warnings
    );
    assert_eq!(out.optimization.algorithm, "time_windows");

    // A window the day start cannot reach: still in the job, visited last, with the reason.
    let late = json!({"external_job_id": "TW-2", "driver_email": "d@example.com",
        "depot": {"lat": -27.47, "lng": 153.02}, "stops": [
            {"external_stop_id": "A", "lat": -27.48, "lng": 153.02},
            {"external_stop_id": "EARLY", "lat": -27.2, "lng": 153.3,
             "time_window": {"start": "06:00", "end": "06:30"}}]});
    let out = api.import_value("a", &late).unwrap().job;
    assert_eq!(out.stops.last().unwrap().external_stop_id, "EARLY");
    let w = out
        .warnings
        .iter()
        .find(|w| w.code == warning_codes::STOP_CANNOT_FIT)
        .expect("the reason is a warning");
    assert_eq!(w.external_stop_id.as_deref(), Some("EARLY"));
    assert!(w.message.starts_with("WINDOW_UNREACHABLE"), "{}", w.message);
}

/// A day's CSV: no driver column, windows, parcels and service columns under their aliases.
fn day_csv(n: usize) -> String {
    let mut s = String::from(
        "Order ID,Address,Latitude,Longitude,Parcels,Window Start,Window End,Service Time\n",
    );
    for i in 0..n {
        let (a, b) = if i % 4 == 0 {
            ("09:00", "12:00")
        } else {
            ("", "")
        };
        s.push_str(&format!(
            "O{i},\"{i} Queen St, Brisbane\",{:.4},{:.4},{},{a},{b},4\n",
            -27.40 - 0.01 * (i % 7) as f64,
            152.97 + 0.015 * (i / 7) as f64,
            1 + i % 2
        ));
    }
    s
}

#[test]
fn a_day_file_without_drivers_is_planned_across_the_saved_fleet() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    // No fleet: imported as one unassigned job, as before.
    let r = api
        .import_file_bytes("a", "monday.csv", day_csv(10).as_bytes())
        .unwrap();
    assert_eq!(r.jobs.len(), 1);
    assert!(r.plans.is_empty());

    api.set_fleet(&parse_fleet(&json!({"drivers": drivers(3, 20)})).unwrap())
        .unwrap();
    let mut settings = api.settings().unwrap();
    settings.depot = Some(routemate_engine::settings::DepotSetting {
        address: None,
        lat: -27.47,
        lng: 153.02,
    });
    api.update_settings(settings).unwrap();
    let r = api
        .import_file_bytes("a", "tuesday.csv", day_csv(30).as_bytes())
        .unwrap();
    assert_eq!(r.plans.len(), 1);
    let plan = &r.plans[0].plan;
    assert_eq!(r.jobs.len(), plan.jobs.len());
    assert!(plan.jobs.len() >= 2, "45 parcels over vans of 20");
    for j in &r.jobs {
        let job = &j.result.as_ref().unwrap().job;
        assert!(job.driver_email.as_deref().unwrap().starts_with("driver"));
        assert!(j.external_job_id.starts_with("tuesday/"));
        assert!(job.stops.iter().all(|s| s.service_minutes == 4.0));
    }
    assert_complete_and_checked(&api, "a", plan, 30);
}

#[test]
fn a_day_csv_in_the_watched_folder_becomes_one_job_per_driver() {
    use routemate_engine::watch::{WatchConfig, WatchEvent, Watcher};
    use std::time::{Duration, Instant};
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    std::fs::create_dir(&drop).unwrap();
    let api = Api::open(EngineConfig::new(tmp.path().join("data"))).unwrap();
    api.set_fleet(&parse_fleet(&json!({"drivers": drivers(4, 15)})).unwrap())
        .unwrap();
    let mut settings = api.settings().unwrap();
    settings.depot = Some(routemate_engine::settings::DepotSetting {
        address: None,
        lat: -27.47,
        lng: 153.02,
    });
    api.update_settings(settings).unwrap();
    let events: Arc<std::sync::Mutex<Vec<WatchEvent>>> = Arc::default();
    let seen = events.clone();
    let cfg = WatchConfig {
        quiet_period: Duration::from_millis(1500),
        settle: Duration::from_millis(200),
        ..WatchConfig::new(&drop, routemate_engine::DEFAULT_ACCOUNT)
    };
    let _w = Watcher::start(api.clone(), cfg, move |e| seen.lock().unwrap().push(e)).unwrap();
    let tmp_name = drop.join(".day.csv.part");
    std::fs::write(&tmp_name, day_csv(40)).unwrap();
    std::fs::rename(&tmp_name, drop.join("day-0602.csv")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    let jobs = loop {
        let done = events.lock().unwrap().iter().find_map(|e| match e {
            WatchEvent::Imported { jobs, .. } => Some(jobs.clone()),
            WatchEvent::Failed { message, .. } => panic!("failed: {message}"),
            _ => None,
        });
        if let Some(j) = done {
            break j;
        }
        assert!(Instant::now() < deadline, "{:?}", events.lock().unwrap());
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        jobs.len() >= 4,
        "60 parcels over 4 vans of 15: {} jobs",
        jobs.len()
    );
    let mut drivers_seen = BTreeSet::new();
    for j in &jobs {
        let job = api
            .job(
                routemate_engine::DEFAULT_ACCOUNT,
                &JobRef::Id(j.job_id.clone()),
            )
            .unwrap();
        assert!(
            drivers_seen.insert(job.driver_email.clone().unwrap()),
            "one job per driver"
        );
    }
    // The sidecar carries the plan, with the stops left out and why.
    let dir = drop.join("imported");
    let sidecar = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with(".result.json"))
        .expect("a result sidecar");
    let result = std::fs::read_to_string(sidecar.path()).unwrap();
    let v: Value = serde_json::from_str(&result).unwrap();
    assert_eq!(v["plans"][0]["totals"]["stops"], 40, "{v}");
}

#[test]
fn a_dispatcher_moves_a_stop_between_drivers_and_locks_one() {
    use routemate_engine::plan::edit::{DriverStops, StopLock};
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let plan = api
        .plan_day_value("a", &body("DAY-6", drivers(3, 30), stops(30)))
        .unwrap()
        .plan;
    assert!(plan.jobs.len() >= 2);
    let mut routes: Vec<DriverStops> = plan
        .jobs
        .iter()
        .map(|j| DriverStops {
            driver: j.driver.clone(),
            stops: j.stops.clone(),
        })
        .collect();
    check_stored(api.context(), "a", &plan.plan_id).expect("stored plan feasible");
    // The plan as it is evaluates feasible, with the same totals.
    let same = api.evaluate_plan("a", &plan.plan_id, &routes).unwrap();
    assert!(same.feasible, "{:?}", same.problem);
    assert_eq!(same.distance_km, plan.totals.distance_km);

    // Move the last stop of the first driver to the end of the second one.
    let moved = routes[0].stops.pop().unwrap();
    routes[1].stops.push(moved.clone());
    let eval = api.evaluate_plan("a", &plan.plan_id, &routes).unwrap();
    assert_eq!(eval.routes[1].stop_count, plan.jobs[1].stop_count + 1);
    if eval.feasible {
        let after = api.assign_plan("a", &plan.plan_id, &routes).unwrap();
        assert!(after.jobs[1].stops.contains(&moved));
        let job = api
            .job("a", &JobRef::Id(after.jobs[1].job_id.clone()))
            .unwrap();
        assert_eq!(job.stops.last().unwrap().external_stop_id, moved);
        assert_complete_and_checked(&api, "a", &after, 30);
    }

    // Everything on one van of 30 parcels breaks a rule: refused, nothing written.
    let all: Vec<String> = plan.jobs.iter().flat_map(|j| j.stops.clone()).collect();
    let one = vec![DriverStops {
        driver: plan.jobs[0].driver.clone(),
        stops: all,
    }];
    let eval = api.evaluate_plan("a", &plan.plan_id, &one).unwrap();
    assert!(!eval.feasible);
    // The first broken rule, in words (a window or the capacity, whichever comes first).
    let why = eval.problem.as_deref().unwrap();
    assert!(
        why.contains("capacity") || why.contains("time window"),
        "{why}"
    );
    let before = api.plan("a", &plan.plan_id).unwrap();
    assert_eq!(
        api.assign_plan("a", &plan.plan_id, &one)
            .unwrap_err()
            .code(),
        "validation_failed"
    );
    assert_eq!(api.plan("a", &plan.plan_id).unwrap(), before);

    // Lock a stop to the third driver and plan again around it.
    let lock = StopLock {
        external_stop_id: "S7".into(),
        driver: "driver2@example.com".into(),
    };
    let again = api.replan("a", &plan.plan_id, &[lock]).unwrap().plan;
    assert_eq!(again.plan_id, plan.plan_id);
    let j = again
        .jobs
        .iter()
        .find(|j| j.driver == "driver2@example.com")
        .unwrap();
    assert!(j.stops.contains(&"S7".to_string()));
    assert_complete_and_checked(&api, "a", &again, 30);
}
