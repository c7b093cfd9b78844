//! D1 of reliability.md §8.1 at CI scale: 200 job files dropped into a folder watched by the
//! built `routemate watch` while it is SIGKILLed 5 times and restarted; every file ends in
//! exactly one of imported/ and failed/, 0 jobs are lost and 0 duplicated. The harness is
//! `routemate_bench::d1`, which `routemate-bench watch` runs at 1,000 files and 20 kills.

use routemate_bench::d1::{self, D1Config};
use routemate_blackbox::bin;

#[test]
fn d1_kill_9_during_watched_imports_loses_and_duplicates_nothing() {
    let work = tempfile::tempdir().unwrap();
    let seed = std::env::var("D1_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED);
    let config = D1Config {
        files: 200,
        kills: 5,
        seed,
    };
    let report = d1::run(&bin(), work.path(), config).unwrap();
    let problems = report.problems();
    let log = std::fs::read_to_string(work.path().join("watch.log")).unwrap_or_default();
    assert!(
        problems.is_empty(),
        "seed {seed}: {problems:?}\n{report:#?}\nwatch log:\n{log}"
    );
    assert_eq!(report.kills, 5);
    assert!(
        report.failed >= 1 && report.expected_jobs >= 150,
        "{report:#?}"
    );
}
