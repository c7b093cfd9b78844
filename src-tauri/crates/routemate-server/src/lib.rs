//! The RouteMate HTTP API (an axum router over the engine's [`Api`] facade) and the
//! pieces of the `routemate` command-line tool.
//!
//! `serve(listener, api, options, shutdown)` is the whole server, so tests bind `127.0.0.1:0`; it
//! runs the hardened accept loop of [`http::conn`] (timeouts, connection cap).

pub mod cli;
pub mod http;

pub use http::{router, RouterOptions};

use routemate_engine::Api;
use std::future::Future;
use tokio::net::TcpListener;

/// Serves the API on `listener` until `shutdown` completes, then finishes in-flight requests.
pub async fn serve(
    listener: TcpListener,
    api: Api,
    options: RouterOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = options.conn_limits();
    http::conn::run(listener, router(api, options), limits, shutdown).await
}
