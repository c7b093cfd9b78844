//! RouteMate's benchmarks and the test data they share with the tests: the instance parsers
//! (TSPLIB, ATSP, delivery JSON), synthetic one-way street matrices, the shared-data locator,
//! the watched-folder crash harness (D1) and one command per benchmark. Product crates carry none of this.
//!
//! The `routemate-bench` binary (`src/main.rs`) runs the commands; `tests/watch_d1.rs` and the
//! optimizer's tests use the library.

pub mod atsp;
pub mod cmd;
pub mod d1;
pub mod geocode;
pub mod grid_roads;
pub mod instance;
pub mod shared;
pub mod synth_osm;
pub mod vrp_instance;

pub use routemate_core::optimize::rng::Rng;
