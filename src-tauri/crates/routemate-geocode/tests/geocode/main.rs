//! The geocoder's integration tests in one binary (one link instead of one per file): the
//! parser table, importers and the fallback chain, South Brisbane accuracy, the full stack with
//! the online backend, an import through the engine, the out-of-the-box figure, and hostile input
//! against a synthetic gazetteer (`hardening`, `synthetic`).

mod chain_and_import;
mod engine_import;
mod hardening;
mod out_of_box;
mod parse_table;
mod south_brisbane;
mod stack_and_online;
mod synthetic;

mod support {
    //! The shared geodata fixtures; a test without them skips after one line saying what is
    //! missing (or, with `ROUTEMATE_REQUIRE_SHARED=1`, the binary fails with that line).

    use std::path::{Path, PathBuf};

    /// Where `routemate_geocode::fixture` starts looking for the shared folder; `None` when
    /// the fixtures are missing.
    pub fn start() -> Option<&'static Path> {
        routemate_bench::shared::for_test("fixtures/geo")?;
        Some(Path::new(env!("CARGO_MANIFEST_DIR")))
    }

    /// `fixtures/geo/<name>` of the shared folder.
    pub fn fixture(name: &str) -> Option<PathBuf> {
        routemate_bench::shared::for_test(&format!("fixtures/geo/{name}"))
    }
}
