//! The axum router: the spec's three calls, the stop-status extension and the job list.
//!
//! Handlers parse and authenticate, then hand the call to the engine on a blocking thread (sled
//! and argon2 block). Requests are logged by method, path and status: never headers, bodies or
//! query strings, which can carry secrets; the path is cut to a bounded length and error lines go
//! through a line budget, so strangers cannot fill the disk. Every request has a deadline and
//! every body a read deadline; `conn` holds the connection-level limits.

#[cfg(unix)]
pub mod admin;
mod bearer;
pub mod conn;
mod export;
mod health;
mod jobs;
pub mod metrics;
pub mod openapi;
mod plans;
pub mod problem;
mod proxy;
mod responses;
mod token;
mod webhooks;

use axum::extract::Request;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use problem::Problem;
use routemate_engine::log_budget::{bounded_to, LogBudget};
use routemate_engine::{Api, EngineError};
use std::sync::Arc;
use std::time::{Duration, Instant};
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Router and listener settings.
#[derive(Debug, Clone)]
pub struct RouterOptions {
    /// Largest request body accepted (413 above it).
    pub max_body_bytes: usize,
    /// Refuse requests whose `Host` is not a loopback name, and requests from web pages of
    /// other origins (`Origin` not on loopback): the desktop's local API and a server bound to
    /// loopback, against DNS rebinding and cross-site form posts.
    pub loopback_only: bool,
    /// Host names accepted besides the loopback ones when `loopback_only` (e.g. the name a
    /// reverse proxy on the same machine forwards).
    pub extra_hosts: Vec<String>,
    /// Most open connections (see [`conn::ConnLimits`]).
    pub max_connections: usize,
    /// Time to send a request head; also the idle keep-alive timeout.
    pub header_read_timeout: Duration,
    /// Time to send a whole request body (`408` after it).
    pub body_timeout: Duration,
    /// Time to answer a request (`503` after it; an import already under way still completes,
    /// so retrying it is safe).
    pub request_timeout: Duration,
    /// Load balancers whose `X-Forwarded-For` names the client (see `proxy`); empty: none.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for RouterOptions {
    fn default() -> Self {
        RouterOptions {
            max_body_bytes: 10 * 1024 * 1024,
            loopback_only: false,
            extra_hosts: Vec::new(),
            max_connections: 512,
            header_read_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(120),
            trusted_proxies: Vec::new(),
        }
    }
}

impl RouterOptions {
    /// The connection-level part.
    pub fn conn_limits(&self) -> conn::ConnLimits {
        conn::ConnLimits {
            max_connections: self.max_connections,
            header_read_timeout: self.header_read_timeout,
        }
    }
}

#[derive(Clone)]
pub(crate) struct AppState {
    pub api: Api,
    pub options: RouterOptions,
}

/// Every documented route, with the document they make ([`openapi::document`] adds the rest).
/// The paths and methods come from the handlers' `#[utoipa::path]`, so the router and the
/// document cannot disagree.
pub(crate) fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(token::token))
        .routes(routes!(jobs::import))
        .routes(routes!(jobs::status_or_list))
        .routes(routes!(jobs::status_by_path))
        .routes(routes!(jobs::stop_status))
        .routes(routes!(plans::create_plan))
        .routes(routes!(plans::get_plan))
        .routes(routes!(export::export))
        .routes(routes!(webhooks::create_webhook, webhooks::list_webhooks))
        .routes(routes!(webhooks::delete_webhook))
        .routes(routes!(webhooks::webhook_deliveries))
        .routes(routes!(webhooks::retry_webhook))
        .routes(routes!(webhooks::list_events))
        .routes(routes!(openapi_json))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(metrics::metrics_text))
}

/// Builds the API router over `api`.
pub fn router(api: Api, options: RouterOptions) -> Router {
    let loopback_only = options.loopback_only;
    let request_timeout = options.request_timeout;
    let hosts = Arc::new(options.extra_hosts.clone());
    let proxies = Arc::new(options.trusted_proxies.clone());
    let state = AppState { api, options };
    metrics::install();
    let mut app = api_routes()
        .split_for_parts()
        .0
        .fallback(not_found)
        .with_state(state);
    if loopback_only {
        app = app.layer(middleware::from_fn_with_state(hosts, loopback_host));
    }
    app.layer(middleware::from_fn_with_state(
        request_timeout,
        request_deadline,
    ))
    .layer(middleware::from_fn(metrics::track))
    .layer(middleware::from_fn_with_state(
        proxies,
        proxy::forwarded_peer,
    ))
    .layer(middleware::from_fn(log_request))
}

/// The API document, serialised once per process.
fn document_json() -> &'static str {
    static JSON: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    JSON.get_or_init(|| {
        serde_json::to_string_pretty(&openapi::document()).expect("the OpenAPI document serialises")
    })
}

/// `GET /v1/openapi.json`: this document, without authentication.
#[utoipa::path(get, path = "/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API.",
        content_type = "application/json", body = Object)))]
async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document_json(),
    )
        .into_response()
}

async fn not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "Not found",
        "no such endpoint",
    )
}

/// Longest path (in characters) a request log line shows.
const MAX_LOGGED_PATH: usize = 160;
/// Error answers are logged up to 100 lines every 10 s; the rest are counted.
static ERROR_LOG: LogBudget = LogBudget::new(100, 10);

async fn log_request(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = bounded_to(req.uri().path(), MAX_LOGGED_PATH);
    let res = next.run(req).await;
    let status = res.status().as_u16();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if status < 400 {
        tracing::info!(%method, path, status, ms, "request");
    } else if let Some(suppressed) = ERROR_LOG.allow() {
        tracing::info!(%method, path, status, ms, suppressed, "request");
    }
    res
}

/// Answers `503` when the handler takes longer than the request timeout.
async fn request_deadline(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "request-timeout",
            "The request took too long",
            format!(
                "no answer within {} s; a job import may still complete, retrying it is safe",
                limit.as_secs()
            ),
        )
        .with_header(header::RETRY_AFTER, "1")
        .into_response(),
    }
}

/// The host part of a `Host` header or an origin's authority, lower-cased, without the port.
fn host_name(authority: &str) -> String {
    let name = if authority.starts_with('[') {
        authority
            .split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or("").to_string()
    };
    name.to_ascii_lowercase()
}

fn is_loopback_name(name: &str, extra: &[String]) -> bool {
    matches!(name, "localhost" | "127.0.0.1" | "[::1]")
        || extra.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// Only `localhost`, `127.0.0.1` and `[::1]` (any port, or an extra configured name) may be named
/// in `Host`; a request carrying an `Origin` must come from a page served from one of them (a
/// page elsewhere cannot post forms or fetch here).
async fn loopback_host(
    State(extra): State<Arc<Vec<String>>>,
    req: Request,
    next: Next,
) -> Response {
    // Owned copies: a borrow of the request must not live across the await below.
    let (host, origin) = {
        let text = |name: header::HeaderName| {
            req.headers()
                .get(name)
                .map(|h| h.to_str().unwrap_or("\u{0}").to_string())
        };
        (text(header::HOST).unwrap_or_default(), text(header::ORIGIN))
    };
    if !is_loopback_name(&host_name(&host), &extra) {
        return Problem::new(
            StatusCode::FORBIDDEN,
            "non-loopback-host",
            "Forbidden",
            "the local API only answers requests addressed to localhost or 127.0.0.1",
        )
        .into_response();
    }
    if let Some(origin) = origin {
        // `scheme://host[:port]`; "null" (sandboxed pages, files) is foreign too.
        let authority = origin.split_once("://").map_or("", |(_, a)| a);
        if !is_loopback_name(&host_name(authority), &extra) {
            return Problem::new(
                StatusCode::FORBIDDEN,
                "foreign-origin",
                "Forbidden",
                "requests from web pages of other sites are refused; call the API from a \
                 program, not a browser page",
            )
            .into_response();
        }
    }
    next.run(req).await
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

/// Reads the body up to the limit within the deadline: 413 beyond the limit, 408 when the body
/// does not arrive in time (a trickled body would otherwise hold a connection for hours).
pub(crate) async fn read_body(
    body: axum::body::Body,
    limit: usize,
    deadline: Duration,
) -> Result<axum::body::Bytes, Problem> {
    match tokio::time::timeout(deadline, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(_)) => Err(Problem::too_large(limit)),
        Err(_) => Err(Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            "body-timeout",
            "Request body too slow",
            format!(
                "the body did not arrive within {} s; send it at once",
                deadline.as_secs()
            ),
        )
        .with_header(header::CONNECTION, "close")),
    }
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
