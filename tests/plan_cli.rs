//! `routemate fleet` and `routemate plan` as a user meets them: the sample day over the sample
//! fleet becomes one job per driver, readable with `routemate jobs`; without a fleet the error
//! names the fix; a bad fleet saves nothing and names every bad field; `routemate export --plan`
//! writes a driver pack per driver.

use routemate_blackbox::{cli, cli_json};
use serde_json::json;
use std::path::PathBuf;

fn asset(name: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    root.join("assets")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn the_sample_day_is_planned_over_the_saved_fleet() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let day = asset("sample-day.csv");
    let out = cli(&data, &["plan", &day]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("routemate fleet set"), "{err}");

    let bad = dir.path().join("fleet.json");
    std::fs::write(
        &bad,
        json!({"drivers": [{"email": "x"}, {"email": "y@example.com", "capacity": -2}]})
            .to_string(),
    )
    .unwrap();
    let out = cli(&data, &["fleet", "set", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("drivers[0].email") && err.contains("drivers[1].capacity"),
        "{err}"
    );
    assert_eq!(cli_json(&data, &["fleet", "list"]), json!({"drivers": []}));

    let fleet = cli_json(&data, &["fleet", "set", &asset("sample-fleet.json")]);
    assert_eq!(fleet["drivers"].as_array().unwrap().len(), 4);
    let plans = cli_json(&data, &["plan", &day]);
    let plan = &plans[0];
    assert_eq!(plan["totals"]["stops"], 60);
    let jobs = plan["jobs"].as_array().unwrap();
    assert!(jobs.len() >= 2, "{plan}");
    let planned: u64 = jobs.iter().map(|j| j["stop_count"].as_u64().unwrap()).sum();
    let left = plan["unassigned"].as_array().unwrap().len() as u64;
    assert_eq!(planned + left, 60);
    for j in jobs {
        let ext = j["external_job_id"].as_str().unwrap();
        let job = cli_json(&data, &["jobs", "--external-job-id", ext]);
        assert_eq!(job["driver_email"], j["driver"]);
        assert_eq!(job["stop_count"], j["stop_count"]);
    }

    // Driver packs for the whole plan: one folder per driver's job, each with its run sheet.
    let packs = dir.path().join("packs");
    let plan_id = plan["plan_id"].as_str().unwrap();
    let out = cli_json(
        &data,
        &[
            "export",
            "--plan",
            plan_id,
            "--out",
            packs.to_str().unwrap(),
        ],
    );
    let written = out["packs"].as_array().unwrap();
    assert_eq!(written.len(), jobs.len(), "{out}");
    for folder in written {
        let folder = PathBuf::from(folder.as_str().unwrap());
        let pdfs = std::fs::read_dir(&folder)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "pdf")
            })
            .count();
        assert_eq!(pdfs, 1, "{}", folder.display());
    }
}
