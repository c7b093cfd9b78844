//! The `routemate` command line as a user meets it: import files, read jobs, clear errors.

use routemate_blackbox::{cli, cli_json, job, Server};
use serde_json::json;

#[test]
fn import_file_then_read_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("jobs.json");
    std::fs::write(&file, json!([job("A", 3), job("B", 5)]).to_string()).unwrap();
    let out = cli_json(&data, &["import", file.to_str().unwrap()]);
    assert_eq!(out.as_array().unwrap().len(), 2);
    assert_eq!(out[1]["stop_count"], 5);
    let all = cli_json(&data, &["jobs"]);
    let mut ids: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["external_job_id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, ["A", "B"]);
    // The same file again changes nothing.
    let again = cli_json(&data, &["import", file.to_str().unwrap()]);
    assert_eq!(again[0]["job_id"], out[0]["job_id"]);
    assert_eq!(cli_json(&data, &["jobs"]).as_array().unwrap().len(), 2);
}

#[test]
fn a_bad_file_imports_nothing_and_names_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("bad.json");
    let mut bad = job("C", 2);
    bad["stops"][1]["parcel_count"] = json!("two");
    std::fs::write(&file, json!([job("OK", 2), bad]).to_string()).unwrap();
    let out = cli(&data, &["import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("[1].stops[1].parcel_count"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one clear line: {err}");
    assert_eq!(cli_json(&data, &["jobs"]), json!([]));

    let out = cli(&data, &["jobs", "--job-id", "nope"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("job nope not found"));
}

#[test]
fn import_reads_a_spreadsheet_and_names_a_bad_cell_by_sheet_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut book = rust_xlsxwriter::Workbook::new();
    let s = book.add_worksheet();
    s.set_name("Orders").unwrap();
    for (c, h) in [
        "Job ID",
        "Order ID",
        "Address",
        "Parcels",
        "Latitude",
        "Longitude",
    ]
    .iter()
    .enumerate()
    {
        s.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=3u32 {
        s.write_string(r, 0, "X1").unwrap();
        s.write_number(r, 1, 1000 + r).unwrap();
        s.write_string(r, 2, format!("{r} George St Brisbane"))
            .unwrap();
        s.write_number(r, 3, 2.0).unwrap();
        s.write_number(r, 4, -27.47 - f64::from(r) * 0.001).unwrap();
        s.write_number(r, 5, 153.02).unwrap();
    }
    let file = dir.path().join("orders.xlsx");
    book.save(&file).unwrap();
    let out = cli_json(&data, &["import", file.to_str().unwrap()]);
    assert_eq!(out[0]["external_job_id"], "X1", "{out}");
    assert_eq!(out[0]["stop_count"], 3, "{out}");
    assert_eq!(
        out[0]["stops"][0]["external_stop_id"], "1001",
        "numeric ids read as text"
    );

    // A bad cell in an .ods: the one line names sheet, row and column; nothing is imported.
    let bad = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../src-tauri/crates/routemate-engine/tests/fixtures/sheets/orders-bad.ods");
    let out = cli(&data, &["import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Sheet \"Orders\", row 3, column \"Parcels\""),
        "{err}"
    );
    assert_eq!(cli_json(&data, &["jobs"]).as_array().unwrap().len(), 1);
}

#[test]
fn a_second_process_gets_a_clear_store_locked_error() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let _server = Server::start(&data, &[], &dir.path().join("log"));
    let out = cli(&data, &["jobs"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in use by another RouteMate process"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn optimize_is_reachable_from_routemate_and_prints_the_closed_tour() {
    let dir = tempfile::tempdir().unwrap();
    // A square with a point in the middle: the best closed tour runs three sides and detours
    // through the middle instead of the fourth side.
    let tsp = dir.path().join("square.tsp");
    std::fs::write(
        &tsp,
        "NAME: square\nTYPE: TSP\nDIMENSION: 5\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n\
         1 0 0\n2 100 0\n3 100 100\n4 0 100\n5 50 50\nEOF\n",
    )
    .unwrap();
    let out = cli(
        &dir.path().join("data"),
        &[
            "optimize",
            "--tsplib",
            tsp.to_str().unwrap(),
            "--time-limit-ms",
            "50",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("routemate-bench binary, which is not built") {
        panic!("build routemate-bench first (the test command does): {stderr}");
    }
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut tour: Vec<u64> = v["tour"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    assert_eq!(v["n"], 5);
    // 100 + 100 + 100 + 71 + 71 = 442 with EUC_2D rounding.
    assert_eq!(v["length"], 442);
    tour.sort();
    assert_eq!(tour, [0, 1, 2, 3, 4], "every node once");
}
