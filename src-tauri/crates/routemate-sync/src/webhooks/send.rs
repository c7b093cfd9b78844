//! One signed webhook POST: the event JSON as the body, `RouteMate-Signature` over the timestamp
//! and the body, the event id and type in headers, no redirects followed, a timeout on the whole
//! exchange. The outcome is what the delivery log records (no URL, no secret).

use routemate_engine::webhooks::{sign, Attempt, Target};
use std::time::{Duration, Instant};

/// The HTTP client every delivery shares.
pub fn client(timeout: Duration) -> Result<reqwest::Client, String> {
    // reqwest is built without a default TLS provider (see `client`); a second install is a
    // harmless error.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(Duration::from_secs(30))
        .user_agent(concat!("routemate-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
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
    http: &reqwest::Client,
    target: &Target,
    event_id: &str,
    kind: &str,
    body: Vec<u8>,
) -> Outcome {
    let now = chrono::Utc::now();
    let signature = sign::header(&target.secret, now.timestamp(), &body);
    let started = Instant::now();
    let answer = http
        .post(&target.url)
        .header("Content-Type", "application/json")
        .header(sign::HEADER, signature)
        .header("RouteMate-Event-Id", event_id)
        .header("RouteMate-Event-Type", kind)
        .body(body)
        .send()
        .await;
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
        Err(e) => {
            attempt.error = Some(
                if e.is_timeout() {
                    "timeout"
                } else if e.is_connect() {
                    "connection refused or unreachable"
                } else {
                    "connection failed"
                }
                .to_string(),
            );
        }
    }
    attempt.latency_ms = started.elapsed().as_millis() as u64;
    Outcome {
        attempt,
        retry_after,
    }
}
