//! The HTTP client for the hosted API: connect and request timeouts on every call, the bearer
//! token cached until shortly before it expires and fetched again once on a 401, and every answer
//! sorted into success, retry (with the server's `Retry-After`) or park (with its problem body).

use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// A token is refreshed this long before the server says it expires (a quarter of its life
/// for short-lived tokens).
const TOKEN_MARGIN: Duration = Duration::from_secs(30);

/// Timeouts of the client.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// Worth trying again later: a transport error, a timeout, 408/425/429/5xx, or a 401 that a
    /// fresh token did not cure. `retry_after` is the server's `Retry-After`, if any.
    Retry {
        error: String,
        retry_after: Option<Duration>,
    },
    /// Refused for good (400/403/404/409/413/422 and other 4xx): the entry is parked with the
    /// server's problem body.
    Park { status: u16, problem: Value },
}

impl Failure {
    pub fn is_retry(&self) -> bool {
        matches!(self, Failure::Retry { .. })
    }

    /// Whether this failure says the host as a whole is down or overloaded (no connection, a
    /// timeout, 5xx, 429, a `Retry-After`), rather than one exchange going wrong (an answer lost
    /// on the way back).
    pub fn host_down(&self) -> bool {
        match self {
            Failure::Retry { error, retry_after } => {
                retry_after.is_some()
                    || error == TRANSPORT_CONNECT
                    || error == TRANSPORT_TIMEOUT
                    || error.starts_with("HTTP 5")
                    || error.starts_with("HTTP 429")
                    || error.starts_with("token:")
            }
            Failure::Park { .. } => false,
        }
    }
}

const TRANSPORT_CONNECT: &str = "connection refused or unreachable";
const TRANSPORT_TIMEOUT: &str = "timeout";

/// A hosted API client for one set of credentials.
pub struct Client {
    http: reqwest::Client,
    base: Url,
    client_id: String,
    secret: String,
    token: Mutex<Option<(String, Instant)>>,
    /// Tokens fetched so far (reported by `sync status`, checked by tests).
    pub token_fetches: AtomicU64,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret and the token are never printed.
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// Checks a hosted API URL: `https://`, or `http://` only to this machine.
pub fn check_url(url: &str) -> Result<Url, String> {
    let mut u = Url::parse(url.trim()).map_err(|e| format!("not a URL: {e}"))?;
    let loopback = matches!(
        u.host_str(),
        Some("localhost" | "127.0.0.1" | "[::1]" | "::1")
    );
    match u.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err("must be https:// (plain http:// only to this machine)".into()),
        other => return Err(format!("unsupported scheme {other}://")),
    }
    if !u.path().ends_with('/') {
        let p = format!("{}/", u.path());
        u.set_path(&p);
    }
    Ok(u)
}

fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    let v = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?;
    v.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn is_retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 425 | 429) || status.is_server_error()
}

impl Client {
    pub fn new(
        url: &str,
        client_id: &str,
        secret: &str,
        options: &ClientOptions,
    ) -> Result<Client, String> {
        // reqwest is built without a default TLS provider; the binaries install ring's, and this
        // makes a library user (tests) work too. A second install is a harmless error.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .pool_idle_timeout(Duration::from_secs(5))
            .user_agent(concat!("routemate-sync/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Client {
            http,
            base: check_url(url)?,
            client_id: client_id.to_string(),
            secret: secret.to_string(),
            token: Mutex::new(None),
            token_fetches: AtomicU64::new(0),
        })
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The URL of `path` (no leading slash) under the base.
    pub fn url(&self, path: &str) -> Url {
        self.base.join(path).unwrap_or_else(|_| self.base.clone())
    }

    /// A bearer token: the cached one, or a new one when it is missing, near expiry or `fresh`.
    async fn token(&self, fresh: bool) -> Result<String, Failure> {
        let mut cached = self.token.lock().await;
        if !fresh {
            if let Some((t, until)) = cached.as_ref() {
                if Instant::now() < *until {
                    return Ok(t.clone());
                }
            }
        }
        let body = serde_json::json!({"client_id": self.client_id, "client_secret": self.secret});
        let resp = self
            .http
            .post(self.url("v1/integration-token"))
            .json(&body)
            .send()
            .await
            .map_err(transport)?;
        let status = resp.status();
        let after = retry_after(&resp);
        let value: Value = resp.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(
                if is_retryable(status) || status == StatusCode::UNAUTHORIZED {
                    // A refused secret is retried with backoff: it may be rotated while we wait.
                    Failure::Retry {
                        error: format!(
                            "token: HTTP {} {}",
                            status.as_u16(),
                            value["error"].as_str().unwrap_or("")
                        ),
                        retry_after: after,
                    }
                } else {
                    Failure::Park {
                        status: status.as_u16(),
                        problem: value,
                    }
                },
            );
        }
        let token = value["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let ttl = value["expires_in"].as_u64().unwrap_or(60);
        let life = Duration::from_secs(ttl);
        let until = Instant::now() + life.saturating_sub(TOKEN_MARGIN.min(life / 4));
        self.token_fetches.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(ttl, "hosted API token fetched");
        *cached = Some((token.clone(), until));
        Ok(token)
    }

    /// Checks the credentials by fetching a token.
    pub async fn test(&self) -> Result<(), Failure> {
        self.token(true).await.map(|_| ())
    }

    /// One call with the bearer token; on a 401 the token is fetched again and the call repeated
    /// once. The answer's JSON body is decoded as `T`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> Result<T, Failure> {
        let mut fresh = false;
        loop {
            let token = self.token(fresh).await?;
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(&token);
            if let Some(b) = body {
                req = req.json(b);
            }
            let resp = req.send().await.map_err(transport)?;
            let status = resp.status();
            if status == StatusCode::UNAUTHORIZED && !fresh {
                tracing::debug!("hosted API answered 401: fetching a new token once");
                fresh = true;
                continue;
            }
            let after = retry_after(&resp);
            let text = resp.text().await.map_err(transport)?;
            if status.is_success() {
                return serde_json::from_str(&text).map_err(|e| Failure::Retry {
                    error: format!("unreadable answer: {e}"),
                    retry_after: None,
                });
            }
            let problem = serde_json::from_str(&text).unwrap_or(Value::String(text));
            return Err(
                if is_retryable(status) || status == StatusCode::UNAUTHORIZED {
                    Failure::Retry {
                        error: format!("HTTP {}", status.as_u16()),
                        retry_after: after,
                    }
                } else {
                    Failure::Park {
                        status: status.as_u16(),
                        problem,
                    }
                },
            );
        }
    }
}

/// A transport error as a retryable failure (its kind only: no URL with ids, no token).
fn transport(e: reqwest::Error) -> Failure {
    let kind = if e.is_timeout() {
        TRANSPORT_TIMEOUT
    } else if e.is_connect() {
        TRANSPORT_CONNECT
    } else if e.is_body() || e.is_decode() {
        "connection dropped during the answer"
    } else {
        "connection failed"
    };
    Failure::Retry {
        error: kind.to_string(),
        retry_after: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_https_except_to_this_machine() {
        assert!(check_url("https://api.routemate.app").is_ok());
        assert_eq!(
            check_url("http://127.0.0.1:8787").unwrap().as_str(),
            "http://127.0.0.1:8787/"
        );
        assert!(check_url("http://example.com")
            .unwrap_err()
            .contains("https"));
        assert!(check_url("ftp://x").is_err());
    }
}
