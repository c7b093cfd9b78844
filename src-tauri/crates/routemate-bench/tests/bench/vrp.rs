//! `routemate-bench vrp-solve` (`routemate vrp`) as a user runs it: a small Solomon and VRPLIB
//! instance planned and printed as JSON, parser errors named, and the shared checker
//! `vrp_check.py` accepting the printed plans of shared instances at a short budget.

use routemate_bench::shared;
use routemate_bench::vrp_instance::{parse_solomon, parse_vrplib, Convention, Kind};
use std::path::Path;
use std::process::Command;

const SOLOMON: &str = "tiny\n\nVEHICLE\nNUMBER     CAPACITY\n  3         10\n\nCUSTOMER\n\
CUST NO.  XCOORD.    YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE TIME\n \n\
    0      0   0   0    0   1000    0\n\
    1      0  10   6    0    100   10\n\
    2     10   0   6    0    100   10\n\
    3     10  10   3  500    600   10\n";

const CVRP: &str = "NAME : tinyx\nTYPE : CVRP\nDIMENSION : 4\nEDGE_WEIGHT_TYPE : EUC_2D\n\
CAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 0 10\n3 10 0\n4 10 10\nDEMAND_SECTION\n1 0\n2 6\n\
3 6\n4 3\nDEPOT_SECTION\n1\n-1\nEOF\n";

fn vrp_solve(file: &Path, extra: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_routemate-bench"))
        .args([
            "vrp-solve",
            "--instance",
            file.to_str().unwrap(),
            "--time-limit-ms",
            "200",
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn parsers_read_both_formats_with_the_readme_conventions() {
    let s = parse_solomon(SOLOMON).unwrap();
    assert_eq!(
        (s.kind, s.fleet, s.capacity, s.xy.len()),
        (Kind::Vrptw, Some(3), 10, 4)
    );
    assert_eq!(
        (s.ready[3], s.due[3], s.service[3], s.service[0]),
        (500, 600, 10, 0)
    );
    // One-decimal truncation in tenths: sqrt(200) = 14.142… -> 141.
    assert_eq!(s.edge(Convention::Dist, 1, 2), 141);
    let c = parse_vrplib(CVRP).unwrap();
    assert_eq!((c.kind, c.capacity, c.demand[3]), (Kind::Cvrp, 10, 3));
    assert_eq!(c.edge(Convention::Dist, 1, 2), 14, "nearest integer");
    let bad = SOLOMON.replace("2     10   0", "7     10   0");
    let e = parse_solomon(&bad).unwrap_err().to_string();
    assert!(e.contains("line") && e.contains("CUST NO. 7"), "{e}");
    let e = parse_vrplib(&CVRP.replace("DIMENSION : 4", "DIMENSION : 5")).unwrap_err();
    assert!(e.to_string().contains("DIMENSION 5"), "{e}");
}

#[test]
fn vrp_solve_prints_one_json_plan() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tiny.txt");
    std::fs::write(&file, SOLOMON).unwrap();
    let v = vrp_solve(&file, &[]);
    assert_eq!(v["name"], "tiny");
    let routes: Vec<Vec<usize>> = serde_json::from_value(v["routes"].clone()).unwrap();
    let mut all: Vec<usize> = routes.concat();
    all.sort();
    assert_eq!(all, vec![1, 2, 3], "every customer once");
    assert_eq!(v["vehicles"], routes.len());
    assert!(v["unassigned"].as_array().unwrap().is_empty());
    // Capacity 10 against demands 6 + 6: customers 1 and 2 never share a route.
    assert!(
        routes.iter().all(|r| !(r.contains(&1) && r.contains(&2))),
        "{routes:?}"
    );
    let file = dir.path().join("tinyx.vrp");
    std::fs::write(&file, CVRP).unwrap();
    let v = vrp_solve(&file, &[]);
    // Depot → 1 → 3 → depot (10 + 10 + 14) and depot → 2 → depot (20): 54.
    assert_eq!(v["cost"], 54);
}

/// Writes the plan as a `.sol` file (`Route k : …`, `Cost X`) and runs the shared checker on it.
fn shared_checker_accepts(instance: &Path, plan: &serde_json::Value, convention: &str) {
    let dir = tempfile::tempdir().unwrap();
    let sol = dir.path().join("plan.sol");
    let mut text = String::new();
    for (k, r) in plan["routes"].as_array().unwrap().iter().enumerate() {
        let customers: Vec<String> = r
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        text.push_str(&format!("Route {} : {}\n", k + 1, customers.join(" ")));
    }
    text.push_str(&format!("Cost {}\n", plan["cost"]));
    std::fs::write(&sol, text).unwrap();
    let checker = shared::path("bench/vrp_check.py").unwrap();
    let out = Command::new("python3")
        .arg(&checker)
        .arg(instance)
        .arg(&sol)
        .args(["--convention", convention])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: {}{}",
        instance.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_shared_checker_accepts_printed_plans() {
    let Some(dir) = shared::for_test("bench/data/vrp") else {
        return;
    };
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped: python3 is not installed (needed to run shared/bench/vrp_check.py)");
        return;
    }
    for (file, conv) in [
        ("solomon/RC102.txt", "dist"),
        ("solomon/R205.txt", "hier"),
        ("homberger/C1_2_2.txt", "dist"),
        ("cvrp/X-n106-k14.vrp", "dist"),
    ] {
        let path = dir.join(file);
        let extra: &[&str] = if conv == "hier" {
            &["--objective", "vehicles"]
        } else {
            &[]
        };
        let plan = vrp_solve(&path, extra);
        assert!(plan["unassigned"].as_array().unwrap().is_empty(), "{file}");
        shared_checker_accepts(&path, &plan, conv);
    }
}
