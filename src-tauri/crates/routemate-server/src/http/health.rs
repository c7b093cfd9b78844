//! Liveness and readiness for load balancers and supervisors, without authentication.
//!
//! `/healthz` says the process answers; `/readyz` says it can do work: the store takes a read
//! within [`READY_TIMEOUT`] and has not latched a storage failure. A load balancer routes only
//! to ready processes, so one whose database is unreachable drops out and comes back by itself.

use super::problem::Problem;
use super::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// Longest a readiness probe waits for the store.
pub const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /healthz`: liveness, without authentication.
#[utoipa::path(get, path = "/healthz", tag = "meta",
    responses((status = 200, description = "The server is up.", content_type = "text/plain",
        body = String, example = "ok")))]
pub(crate) async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: readiness (the store reachable), without authentication.
#[utoipa::path(get, path = "/readyz", tag = "meta",
    responses(
        (status = 200, description = "The server can serve requests: its store answered a read.",
            content_type = "text/plain", body = String, example = "ready"),
        (status = 503, description = "The store is unreachable or failed; retry after the \
            `Retry-After` seconds.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = String, description = "Seconds to wait before retrying."))),
    ))]
pub(crate) async fn readyz(State(s): State<AppState>) -> Response {
    match store_ready(&s).await {
        Ok(()) => ([(header::CONTENT_TYPE, "text/plain")], "ready").into_response(),
        Err(detail) => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not-ready",
            "Not ready",
            detail,
        )
        .with_header(header::RETRY_AFTER, "1")
        .into_response(),
    }
}

/// A real read through the engine (the same path requests take, so it fails exactly when they
/// would), bounded in time; the storage-failure latch first, as a failed store is never ready.
async fn store_ready(s: &AppState) -> Result<(), &'static str> {
    if s.api.store().health().failure().is_some() {
        return Err("the store failed a write; the server is restarting");
    }
    let api = s.api.clone();
    let read = tokio::task::spawn_blocking(move || api.settings());
    match tokio::time::timeout(READY_TIMEOUT, read).await {
        Ok(Ok(Ok(_))) => Ok(()),
        Ok(_) => Err("the store did not answer a read"),
        Err(_) => Err("the store did not answer within 2 s"),
    }
}
