//! RouteMate's engine: everything with IO. The sled store, credentials and tokens, the import
//! pipeline (validate → geocode → matrix → optimize → assign → store) and the [`api`] facade that
//! the HTTP server, the CLI and the desktop app all call.
//!
//! Invariants: the engine never looks up the data dir or reads the wall clock itself; both are
//! passed in ([`EngineConfig`]). Nothing is acknowledged before the store is flushed.

pub mod jobfile;
pub mod watch;
