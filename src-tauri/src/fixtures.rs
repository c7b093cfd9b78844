//! Writes `ui/test/fixtures/sample-job-view.json`: the engine's real answer for the sample job,
//! which the UI's unit tests render and `tsc` checks against the `JobView` type. Fails when the
//! committed file's shape (its field paths) differs from the engine's answer, i.e. when the UI's
//! types may be stale; a better route from a new optimizer alone does not fail it. Regenerate
//! with `UPDATE_BINDINGS=1 cargo test -p routemate-desktop`.

use routemate_engine::{Api, EngineConfig, ManualClock};
use std::sync::Arc;

#[test]
fn sample_job_view_fixture_is_current() {
    let dir = tempfile::tempdir().unwrap();
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-05T08:00:00Z")
        .unwrap()
        .to_utc();
    let api = Api::open(EngineConfig {
        clock: Arc::new(ManualClock::new(start)),
        ..EngineConfig::new(dir.path())
    })
    .unwrap();
    let report =
        crate::importing::import_text(&api, "sample-job.json", crate::importing::SAMPLE_JOB)
            .unwrap();
    let outcome = report.jobs[0].outcome.clone().expect("the sample imports");
    assert!(outcome.created);
    assert_eq!(outcome.job.optimization.routed_stops, 12);
    let mut value = serde_json::to_value(&outcome.job).unwrap();
    // Not deterministic between runs: a random id and the optimizer's wall time.
    value["job_id"] = "job-sample".into();
    value["optimization"]["elapsed_ms"] = 0.into();
    let text = serde_json::to_string_pretty(&value).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ui/test/fixtures/sample-job-view.json");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let found = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        found == text,
        "{} is stale: run UPDATE_BINDINGS=1 cargo test -p routemate-desktop",
        path.display()
    );
}
