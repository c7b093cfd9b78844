//! Liveness and readiness for load balancers and supervisors, without authentication.
//!
//! `/healthz` says the process answers; `/readyz` says it can do work: the store answers within
//! [`READY_TIMEOUT`] (PostgreSQL reachable; sled not latched by a storage failure). A load balancer routes only
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

/// The store's own check (PostgreSQL: a `SELECT 1` through the pool; sled: the storage-failure
/// latch), bounded in time so a hung database cannot hold the probe.
async fn store_ready(s: &AppState) -> Result<(), &'static str> {
    let api = s.api.clone();
    let ping = tokio::task::spawn_blocking(move || api.store().ping());
    match tokio::time::timeout(READY_TIMEOUT, ping).await {
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(_) => Err("the store is unreachable or failed"),
        Err(_) => Err("the store did not answer within 2 s"),
    }
}
