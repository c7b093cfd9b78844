//! Sync with the hosted RouteMate API (README "Sync"). The engine owns the durable part (the
//! outbox written in each change's transaction, the per-job sync baseline, the conflict rules);
//! this crate owns the network: the HTTP client with its token ([`client`]), the sender that
//! drains the outbox ([`push`]), the pull of hosted changes ([`pull`]), the round and the
//! background loop ([`round`]), login and where the secret lives ([`secret`]).
//!
//! Invariants: an outbox entry leaves only after a 2xx and a local flush (the engine's
//! `outbox_complete`); while the host fails, one request at a time; the client secret is never
//! logged and never stored in the sled store.

pub mod client;
pub mod login;
pub mod pull;
pub mod push;
pub mod round;
pub mod secret;
pub mod webhooks;

pub use client::{Client, ClientOptions};
pub use login::{login, LoginReport};
pub use round::{run_background, status, RoundReport, Syncer};
