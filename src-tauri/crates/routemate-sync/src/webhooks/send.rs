//! One signed webhook POST: the event JSON as the body, `RouteMate-Signature` over the timestamp
//! and the body, the event id and type in headers, no redirects followed, a timeout on the whole
//! exchange. The outcome is what the delivery log records (no URL, no secret). Without
//! `private_ok`, no internal address is called ([`super::resolve`]).

use super::resolve::{self, PublicOnly};
use routemate_engine::webhooks::{sign, Attempt, Target};
use std::time::{Duration, Instant};

/// The HTTP client deliveries share, and whether it may call internal addresses.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    private_ok: bool,
}

impl Http {
    /// Whether this client connects to loopback and private addresses.
    pub fn private_ok(&self) -> bool {
        self.private_ok
    }
}

/// The HTTP client deliveries share; without `private_ok` its host names resolve only to public
/// addresses ([`PublicOnly`]) and [`post`] refuses internal IP literals.
pub fn client(timeout: Duration, private_ok: bool) -> Result<Http, String> {
    // reqwest is built without a default TLS provider (see `client`); a second install is a
    // harmless error.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder();
    if !private_ok {
        builder = builder.dns_resolver(PublicOnly);
    }
    let client = builder
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(Duration::from_secs(30))
        .user_agent(concat!("routemate-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    Ok(Http { client, private_ok })
}

enum Failed {
    Refused(resolve::Refused),
    Http(reqwest::Error),
}

/// What one POST met.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub attempt: Attempt,
    /// The receiver's `Retry-After` (seconds), a floor for the next try.
    pub retry_after: Option<Duration>,
}

/// POSTs `body` (the event `event_id` of type `kind`) to `target`, signed at the current time.
pub async fn post(
    http: &Http,
    target: &Target,
    event_id: &str,
    kind: &str,
    body: Vec<u8>,
) -> Outcome {
    let now = chrono::Utc::now();
    let signature = sign::header(&target.secret, now.timestamp(), &body);
    let started = Instant::now();
    let refused = if http.private_ok {
        None
    } else {
        resolve::refused_literal(&target.url)
    };
    let answer = match refused {
        Some(r) => Err(Failed::Refused(r)),
        None => http
            .client
            .post(&target.url)
            .header("Content-Type", "application/json")
            .header(sign::HEADER, signature)
            .header("RouteMate-Event-Id", event_id)
            .header("RouteMate-Event-Type", kind)
            .body(body)
            .send()
            .await
            .map_err(Failed::Http),
    };
    let mut attempt = Attempt {
        event_id: event_id.to_string(),
        kind: kind.to_string(),
        at: now,
        status: None,
        latency_ms: 0,
        ok: false,
        error: None,
    };
    let mut retry_after = None;
    match answer {
        Ok(resp) => {
            let status = resp.status();
            retry_after = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(|s| Duration::from_secs(s.min(3600)));
            // Read (and drop) the answer so the connection can be reused.
            let _ = resp.bytes().await;
            attempt.status = Some(status.as_u16());
            attempt.ok = status.is_success();
            if !attempt.ok {
                attempt.error = Some(format!("HTTP {}", status.as_u16()));
            }
        }
        Err(Failed::Refused(r)) => attempt.error = Some(r.0),
        Err(Failed::Http(e)) => {
            attempt.error = Some(if let Some(r) = resolve::refused_in(&e) {
                r.0
            } else {
                if e.is_timeout() {
                    "timeout"
                } else if e.is_connect() {
                    "connection refused or unreachable"
                } else {
                    "connection failed"
                }
                .to_string()
            });
        }
    }
    attempt.latency_ms = started.elapsed().as_millis() as u64;
    Outcome {
        attempt,
        retry_after,
    }
}
