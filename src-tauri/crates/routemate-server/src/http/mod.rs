//! The axum router: the spec's three calls, the stop-status extension and the job list.
//!
//! Handlers parse and authenticate, then hand the call to the engine on a blocking thread (sled
//! and argon2 block). Requests are logged by method, path and status: never headers, bodies or
//! query strings, which can carry secrets.

mod bearer;
mod jobs;
pub mod problem;
mod token;

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use problem::Problem;
use routemate_engine::{Api, EngineError};
use std::time::Instant;

/// Router settings.
#[derive(Debug, Clone)]
pub struct RouterOptions {
    /// Largest request body accepted (413 above it).
    pub max_body_bytes: usize,
    /// Refuse requests whose `Host` is not a loopback name (the desktop's local API, against DNS
    /// rebinding from web pages).
    pub loopback_only: bool,
}

impl Default for RouterOptions {
    fn default() -> Self {
        RouterOptions {
            max_body_bytes: 10 * 1024 * 1024,
            loopback_only: false,
        }
    }
}

#[derive(Clone)]
pub(crate) struct AppState {
    pub api: Api,
    pub options: RouterOptions,
}

/// Builds the API router over `api`.
pub fn router(api: Api, options: RouterOptions) -> Router {
    let loopback_only = options.loopback_only;
    let state = AppState { api, options };
    let mut app = Router::new()
        .route("/v1/integration-token", post(token::token))
        .route("/v1/integration-import", post(jobs::import))
        .route("/v1/integration-jobs", get(jobs::status_or_list))
        .route("/v1/integration-jobs/{job_id}", get(jobs::status_by_path))
        .route(
            "/v1/integration-jobs/{job_id}/stops/{external_stop_id}/status",
            post(jobs::stop_status),
        )
        .route("/healthz", get(|| async { "ok" }))
        .fallback(not_found)
        .with_state(state);
    if loopback_only {
        app = app.layer(middleware::from_fn(loopback_host));
    }
    app.layer(middleware::from_fn(log_request))
}

async fn not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "Not found",
        "no such endpoint",
    )
}

async fn log_request(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    tracing::info!(
        %method,
        path,
        status = res.status().as_u16(),
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    res
}

/// Only `localhost`, `127.0.0.1` and `[::1]` (any port) may be named in `Host`.
async fn loopback_host(req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let name = if host.starts_with('[') {
        host.split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or("").to_string()
    };
    if matches!(name.as_str(), "localhost" | "127.0.0.1" | "[::1]") {
        next.run(req).await
    } else {
        Problem::new(
            StatusCode::FORBIDDEN,
            "non-loopback-host",
            "Forbidden",
            "the local API only answers requests addressed to localhost or 127.0.0.1",
        )
        .into_response()
    }
}

/// Runs an engine call on the blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, EngineError> + Send + 'static,
) -> Result<T, Problem> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(Problem::from),
        Err(e) => {
            tracing::error!(error = %e, "engine task failed");
            Err(Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                "the request could not be completed; retrying is safe",
            ))
        }
    }
}

/// Reads the body up to the limit: 413 beyond it.
pub(crate) async fn read_body(
    body: axum::body::Body,
    limit: usize,
) -> Result<axum::body::Bytes, Problem> {
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| Problem::too_large(limit))
}

/// The request's media type without parameters, lower-cased ("" when absent).
pub(crate) fn media_type(headers: &axum::http::HeaderMap) -> String {
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    ctype
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}
