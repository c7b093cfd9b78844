//! RouteMate's pure core: domain types, request validation, geometry and the route optimizer.
//!
//! Invariants: this crate does no IO, spawns no threads, has no async and never reads the clock
//! except `std::time::Instant` for the optimizer's wall-clock budget.

pub mod dayplan;
pub mod geo;
pub mod geocode;
pub mod model;
pub mod optimize;
pub mod validate;
pub mod vrp;
