//! Generates `ui/src/api/generated.ts`: the TypeScript declarations of the domain types (from
//! routemate-core's `ts` feature) and of the desktop's own answers, with ts-rs, and fails when
//! the committed file is stale. `ui/src/api/types.ts` re-exports them beside the engine's shapes.
//! Regenerate: `UPDATE_BINDINGS=1 cargo test -p routemate-desktop ts_types`.

use routemate_core::geocode::GeocodeLevel;
use routemate_core::model::{
    GeocodeInfo, JobStatus, Optimization, Stop, StopStatus, TimeWindow, Warning,
};
use std::path::PathBuf;
use ts_rs::{Config, TS};

fn decl<T: TS>(cfg: &Config) -> String {
    let docs = T::docs().unwrap_or_default();
    format!("{docs}export {}\n", T::decl(cfg))
}

fn render() -> String {
    // Counts and milliseconds are plain JSON numbers on the wire, never bigint.
    let cfg = Config::new().with_large_int("number");
    let decls = [
        decl::<JobStatus>(&cfg),
        decl::<StopStatus>(&cfg),
        decl::<GeocodeLevel>(&cfg),
        decl::<GeocodeInfo>(&cfg),
        decl::<TimeWindow>(&cfg),
        decl::<Stop>(&cfg),
        decl::<Optimization>(&cfg),
        decl::<Warning>(&cfg),
        decl::<crate::settings::DesktopSettings>(&cfg),
        decl::<crate::logging::LogTail>(&cfg),
        decl::<crate::updates::UpdateStatus>(&cfg),
        decl::<crate::tiles::TileCacheInfo>(&cfg),
    ];
    format!(
        "// Generated from the Rust types by `cargo test -p routemate-desktop ts_types` (ts-rs).\n\
         // Do not edit: regenerate with UPDATE_BINDINGS=1 cargo test -p routemate-desktop ts_types.\n\n{}",
        decls.join("\n")
    )
}

#[test]
fn ts_types_are_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/api/generated.ts");
    let expected = render();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    let found = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        found == expected,
        "{} is stale: run UPDATE_BINDINGS=1 cargo test -p routemate-desktop ts_types",
        path.display()
    );
}
