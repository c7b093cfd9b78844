//! RouteMate's engine: everything with IO. The sled store, credentials and tokens, the import
//! pipeline (validate → geocode → matrix → optimize → assign → store) and the [`api`] facade that
//! the HTTP server, the CLI and the desktop app all call. The facade, the pipeline, job files and
//! the watched folder share one [`Context`]; every job change goes through `jobs::write`.
//!
//! Invariants: the engine never looks up the data dir or reads the wall clock itself; both are
//! passed in ([`EngineConfig`]). Nothing is acknowledged before the store is flushed. Secrets and
//! tokens exist in memory only on their way to the caller; the store keeps hashes.

pub mod api;
pub mod auth;
pub mod clock;
pub mod context;
pub mod error;
pub mod events;
pub mod import;
pub mod job_index;
pub mod jobfile;
pub mod jobs;
pub mod log_budget;
pub mod outbox;
pub mod plan;
pub mod settings;
pub mod store;
pub mod sync;
pub mod travel;
pub mod watch;
pub mod webhooks;

pub use api::{Api, EngineConfig};
pub use clock::{Clock, ManualClock, SystemClock};
pub use context::Context;
pub use error::{AuthError, EngineError};

/// The account that the CLI, the desktop app and the watched folder use unless told otherwise.
pub const DEFAULT_ACCOUNT: &str = "default";
