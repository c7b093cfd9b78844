//! The black-box tests in one binary (one link instead of one per file). Each module starts
//! the built `routemate` binary (see `support/lib.rs`) and checks what a user or integrator
//! would see.

mod accounts_cli;
mod api_flow;
mod cli;
mod cli_export;
mod cli_streets;
mod durability;
mod hardening_attacks;
mod hardening_disk;
mod hardening_watch;
mod ops;
mod plan_cli;
mod secrets;
mod sync;
mod watch_cli;
mod watch_d1;
mod webhooks;

/// Every `*.rs` file here must be a module above: Cargo only builds this one test binary, so a
/// file left out would silently never run.
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let main = std::fs::read_to_string(dir.join("main.rs")).unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".rs").filter(|s| *s != "main") {
            assert!(
                main.contains(&format!("mod {stem};")),
                "tests/{name} is not `mod {stem};` in tests/main.rs, so it never runs"
            );
        }
    }
}
