//! Prometheus metrics at `GET /metrics`: requests by method, route template and status (count
//! and latency), requests in flight, import and optimizer timings, and the database pool when
//! the store has one.
//!
//! One recorder per process (the `metrics` facade is global), installed by the first router;
//! labels are route templates (`/v1/integration-jobs/{job_id}`), never raw paths, and methods
//! outside the standard set are counted as `OTHER`, so a stranger cannot grow the label set.

use super::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use routemate_engine::import::ImportOutcome;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Latency buckets in seconds: 1 ms to 2 min (the request timeout).
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0,
];

/// The process's recorder, installed on first use; `None` when another recorder was installed
/// first (an embedding program's own), in which case `/metrics` says so.
fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets(BUCKETS)
                .ok()?
                .install_recorder()
                .map_err(|e| tracing::warn!(error = %e, "metrics recorder not installed"))
                .ok()?;
            metrics::describe_counter!(
                "routemate_http_requests_total",
                "HTTP requests answered, by method, route template and status."
            );
            metrics::describe_histogram!(
                "routemate_http_request_duration_seconds",
                metrics::Unit::Seconds,
                "Time to answer an HTTP request, by method, route template and status."
            );
            metrics::describe_gauge!(
                "routemate_http_requests_in_flight",
                "HTTP requests being answered now."
            );
            metrics::describe_histogram!(
                "routemate_import_duration_seconds",
                metrics::Unit::Seconds,
                "Time of a job import in the engine (validate, place, optimize, store), by outcome."
            );
            metrics::describe_histogram!(
                "routemate_optimizer_duration_seconds",
                metrics::Unit::Seconds,
                "Time the route optimizer took for an imported job, by algorithm."
            );
            metrics::describe_gauge!(
                "routemate_db_pool_connections",
                "PostgreSQL connections open in this process's pool."
            );
            metrics::describe_gauge!(
                "routemate_db_pool_available",
                "Open PostgreSQL connections not in use."
            );
            metrics::describe_gauge!(
                "routemate_db_pool_waiting",
                "Requests waiting for a PostgreSQL connection."
            );
            Some(handle)
        })
        .as_ref()
}

/// Installs the recorder (idempotent); the router calls it so counting starts at once.
pub(crate) fn install() {
    let _ = handle();
}

/// `GET /metrics`: every metric in the Prometheus text format, without authentication.
#[utoipa::path(get, path = "/metrics", tag = "meta",
    responses((status = 200, description = "Prometheus metrics (text exposition format 0.0.4): \
        `routemate_http_requests_total` and `routemate_http_request_duration_seconds` by \
        `method`, `route` and `status`, `routemate_http_requests_in_flight`, \
        `routemate_import_duration_seconds` by `outcome`, `routemate_optimizer_duration_seconds` \
        by `algorithm`, and on PostgreSQL the connection pool: \
        `routemate_db_pool_connections` (open), `_available` (idle), `_waiting` (callers \
        waiting for one), `_max_connections`.",
        content_type = "text/plain", body = String)))]
pub(crate) async fn metrics_text(State(s): State<AppState>) -> Response {
    if let Some(pg) = s.api.store().postgres() {
        let p = pg.pool_status();
        metrics::gauge!("routemate_db_pool_max_connections").set(p.max_size as f64);
        metrics::gauge!("routemate_db_pool_connections").set(p.size as f64);
        metrics::gauge!("routemate_db_pool_available").set(p.available as f64);
        metrics::gauge!("routemate_db_pool_waiting").set(p.waiting as f64);
    }
    let body = match handle() {
        Some(h) => {
            h.run_upkeep();
            h.render()
        }
        None => "# another metrics recorder is installed in this process\n".to_string(),
    };
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// The method as a bounded label.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// Decrements the in-flight gauge however the request ends (answered or its client gone).
struct InFlight;

impl InFlight {
    fn start() -> InFlight {
        metrics::gauge!("routemate_http_requests_in_flight").increment(1.0);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        metrics::gauge!("routemate_http_requests_in_flight").decrement(1.0);
    }
}

/// Middleware: counts and times every request by route template and status.
pub(crate) async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = method_label(req.method());
    let started = Instant::now();
    let _in_flight = InFlight::start();
    let res = next.run(req).await;
    let labels = [
        ("method", method.to_string()),
        ("route", route),
        ("status", res.status().as_u16().to_string()),
    ];
    metrics::counter!("routemate_http_requests_total", &labels).increment(1);
    metrics::histogram!("routemate_http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    res
}

/// Records one import: its engine time by outcome, and the optimizer's time when it ran (a new
/// or changed job; an identical re-import answers the stored plan and runs nothing).
pub(crate) fn record_import(outcome: &ImportOutcome, took: Duration) {
    let label = if outcome.created {
        "created"
    } else if outcome.changed {
        "updated"
    } else {
        "unchanged"
    };
    metrics::histogram!("routemate_import_duration_seconds", "outcome" => label)
        .record(took.as_secs_f64());
    if outcome.changed {
        let o = &outcome.job.optimization;
        metrics::histogram!("routemate_optimizer_duration_seconds",
            "algorithm" => o.algorithm.clone())
        .record(o.elapsed_ms as f64 / 1000.0);
    }
}
