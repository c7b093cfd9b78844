//! Jobs for the tests, imported through the engine (validated, placed, optimized) so the
//! exports see exactly what the app and the API answer with.

use routemate_core::model::{DepotInput, ImportRequest, StopInput, TimeWindow};
use routemate_engine::jobs::JobView;
use routemate_engine::{Api, EngineConfig};
use std::path::PathBuf;
use std::process::Command;

/// Street names in several scripts: every address must render and extract as written.
const STREETS: [&str; 6] = [
    "Queen St",
    "Müllerstraße",
    "Łódzka",
    "Ταχυδρόμου",
    "вул. Шевченка",
    "Rue de l'Église",
];

/// A stop's address: unique, and no address is a substring of another.
pub fn address(i: usize) -> String {
    format!(
        "Unit {i:03}, {} {i:03}, Brisbane QLD 4000",
        STREETS[i % STREETS.len()]
    )
}

/// An import body with `n` stops around Brisbane, every field a driver sees filled on some.
pub fn request(external_job_id: &str, n: usize) -> ImportRequest {
    let stops = (0..n)
        .map(|i| StopInput {
            external_stop_id: format!("S{i:03}"),
            address: Some(address(i)),
            label: Some(format!("Customer {i:03}")),
            parcel_count: (i % 4 + 1) as u32,
            lat: Some(-27.40 - (i % 15) as f64 * 0.006 - (i / 15) as f64 * 0.0011),
            lng: Some(152.98 + (i / 15) as f64 * 0.006 + (i % 3) as f64 * 0.0007),
            notes: (i % 5 == 0).then(|| format!("Leave at the back door <{i}> & ring twice")),
            phone: (i % 2 == 0).then(|| format!("+61 7 3000 {i:04}")),
            service_minutes: None,
            time_window: (i % 7 == 0).then(|| TimeWindow {
                start: "09:00".into(),
                end: "12:30".into(),
            }),
            sequence: None,
        })
        .collect();
    ImportRequest {
        external_job_id: external_job_id.into(),
        title: Some(format!("Morning run {external_job_id}")),
        driver_email: Some("driver@example.com".into()),
        optimize: None,
        stops,
        depot: Some(DepotInput {
            address: None,
            lat: Some(-27.4698),
            lng: Some(153.0251),
        }),
        return_to_depot: Some(true),
        date: Some("2026-11-30".into()),
    }
}

/// A fresh engine in a temp dir.
pub fn engine() -> (Api, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(EngineConfig::new(dir.path())).unwrap();
    (api, dir)
}

/// `n` stops imported; plus one stop with neither coordinates nor a geocoder (left off the
/// route) when `with_unplaced`.
pub fn job(api: &Api, external_job_id: &str, n: usize, with_unplaced: bool) -> JobView {
    let mut req = request(external_job_id, n);
    if with_unplaced {
        req.stops.push(StopInput {
            external_stop_id: "NOWHERE".into(),
            address: Some("Somewhere Unknown Rd, Nowhere".into()),
            label: Some("Unplaced customer".into()),
            parcel_count: 2,
            lat: None,
            lng: None,
            notes: None,
            phone: None,
            service_minutes: None,
            time_window: None,
            sequence: None,
        });
    }
    api.import("default", req).unwrap().job
}

/// Where tests keep files for a person to look at: `target/export-tests/`.
pub fn keep_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../target"));
    let dir = target.join("export-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// True when `tool` runs; otherwise prints one SKIP line (or fails under CI, which installs
/// it: poppler-utils, libxml2-utils).
pub fn have_tool(tool: &str, package: &str) -> bool {
    let ok = Command::new(tool).arg("-v").output().is_ok()
        || Command::new(tool).arg("--version").output().is_ok();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is missing: apt-get install {package}"
        );
        eprintln!("SKIP: {tool} is not installed (apt-get install {package})");
    }
    ok
}
