//! `routemate-bench` as a user runs it: one instance solved, a benchmark table, and a missing
//! shared folder reported in one line.

use std::path::Path;
use std::process::{Command, Output};

const SQUARE: &str = "NAME: square\nTYPE: TSP\nDIMENSION: 4\nEDGE_WEIGHT_TYPE: EUC_2D\n\
                      NODE_COORD_SECTION\n1 0 0\n2 0 10\n3 10 0\n4 10 10\nEOF\n";

fn bench(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_routemate-bench"));
    cmd.args(args).current_dir(std::env::temp_dir());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn solve_prints_the_closed_tour_of_one_instance() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("square.tsp");
    write(&file, SQUARE);
    let out = bench(&["solve", "--tsplib", file.to_str().unwrap()], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["name"], "square");
    assert_eq!(v["n"], 4);
    assert_eq!(v["length"], 40, "around the square, never across");
    assert_eq!(v["tour"][0], 0);
}

#[test]
fn optimize_reports_the_gap_to_the_best_known_length() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("tsplib/square.tsp"), SQUARE);
    write(&dir.path().join("tsplib/optima.json"), r#"{"square": 40}"#);
    std::fs::create_dir_all(dir.path().join("delivery")).unwrap();
    let data = dir.path().to_str().unwrap();
    let out = bench(&["optimize", "--data-dir", data, "--budget-ms", "50"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("| square | 4 | 40 | 40 | 0.00 |"), "{table}");
}

#[test]
fn a_missing_shared_folder_is_one_line_that_says_how_to_get_it() {
    let out = bench(
        &["optimize"],
        &[("ROUTEMATE_SHARED", "/nonexistent/routemate-shared")],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("shared data folder"), "{err}");
    assert!(err.contains("ROUTEMATE_SHARED"), "{err}");
}

#[test]
fn api_benchmark_serves_a_fresh_store_and_prints_its_table() {
    let args = [
        "api",
        "--rate",
        "20",
        "--duration-secs",
        "1",
        "--samples",
        "3",
    ];
    let out = bench(&args, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let table = String::from_utf8_lossy(&out.stdout);
    for row in ["status GET", "idempotent re-import", "new import", "token"] {
        let line = table.lines().find(|l| l.contains(row)).unwrap_or_default();
        assert!(line.ends_with("| 0 |"), "{row} without errors: {table}");
    }
}
