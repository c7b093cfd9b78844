//! Optional online geocoding against a Nominatim-compatible server: off unless configured, at most
//! one request per interval (Nominatim's usage policy is 1/s), and silent when the server is
//! unreachable (the offline answer stands and no error reaches the user).
//!
//! Only https is used unless the server is on this machine or `allow_insecure` is set, and a
//! response larger than `max_response_bytes` is cut off (see [`crate::remote`]).
//!
//! Requests run on one worker thread that owns the blocking HTTP client, so the geocoder can be
//! called from inside a tokio runtime (the server's handlers) without the blocking client's
//! runtime panicking.

use crate::remote::{self, RemoteError};
use crate::GeocodeError;
use routemate_core::geo::LatLng;
use routemate_core::geocode::{GeocodeLevel, Geocoded};
use serde::Deserialize;
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Settings for the Nominatim backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NominatimConfig {
    /// e.g. "https://nominatim.example.org" (the `/search` path is appended).
    pub base_url: String,
    /// Nominatim requires an identifying User-Agent.
    pub user_agent: String,
    /// Minimum time between two requests.
    pub min_interval: Duration,
    /// Per-request timeout.
    pub timeout: Duration,
    /// After a failure, do not try again for this long (offline depot: no repeated timeouts).
    pub retry_after: Duration,
    /// `countrycodes` parameter ("au").
    pub country_codes: Option<String>,
    /// Accept a plain http:// server that is not on this machine (addresses would travel
    /// unencrypted). Off by default.
    pub allow_insecure: bool,
    /// Responses larger than this are cut off and count as a failure (a search answer with
    /// three hits is a few kilobytes).
    pub max_response_bytes: usize,
}

/// Default [`NominatimConfig::max_response_bytes`].
pub const MAX_RESPONSE_BYTES: usize = 512 * 1024;

impl NominatimConfig {
    pub fn new(base_url: &str) -> Self {
        NominatimConfig {
            base_url: base_url.trim_end_matches('/').to_string(),
            user_agent: concat!("RouteMate/", env!("CARGO_PKG_VERSION")).to_string(),
            min_interval: Duration::from_secs(1),
            timeout: Duration::from_secs(5),
            retry_after: Duration::from_secs(60),
            country_codes: Some("au".into()),
            allow_insecure: false,
            max_response_bytes: MAX_RESPONSE_BYTES,
        }
    }
}

/// Why one online lookup gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OnlineError {
    #[error("the online geocoder failed recently; not retrying yet")]
    BackingOff,
    #[error(transparent)]
    Remote(#[from] RemoteError),
    #[error("the online geocoder answered HTTP {0}")]
    Status(u16),
    #[error("cannot reach the online geocoder: {0}")]
    Transport(String),
    #[error("unreadable answer from the online geocoder: {0}")]
    Decode(String),
    #[error("the online geocoder did not answer in time")]
    NoReply,
}

impl OnlineError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            OnlineError::BackingOff => "ONLINE_BACKING_OFF",
            OnlineError::Remote(e) => e.code(),
            OnlineError::Status(_) => "ONLINE_STATUS",
            OnlineError::Transport(_) => "ONLINE_TRANSPORT",
            OnlineError::Decode(_) => "ONLINE_DECODE",
            OnlineError::NoReply => "ONLINE_NO_REPLY",
        }
    }
}

type Reply = mpsc::Sender<Result<Option<Geocoded>, OnlineError>>;

/// The Nominatim client (a handle to its worker thread).
pub struct Nominatim {
    jobs: Mutex<mpsc::Sender<(String, Reply)>>,
    config: NominatimConfig,
    down_until: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for Nominatim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Nominatim")
            .field("base_url", &self.config.base_url)
            .finish()
    }
}

#[derive(Deserialize)]
struct Hit {
    lat: String,
    lon: String,
    display_name: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default, rename = "class")]
    class: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    address: Option<serde_json::Map<String, serde_json::Value>>,
}

impl Nominatim {
    pub fn start(config: NominatimConfig) -> Result<Nominatim, GeocodeError> {
        remote::check_url(&config.base_url, config.allow_insecure)
            .map_err(|e| GeocodeError::OnlineConfig(format!("online geocoder URL: {e}")))?;
        let (tx, rx) = mpsc::channel::<(String, Reply)>();
        let worker_config = config.clone();
        std::thread::Builder::new()
            .name("nominatim".into())
            .spawn(move || worker(worker_config, rx))
            .map_err(|e| GeocodeError::OnlineConfig(format!("cannot start worker: {e}")))?;
        Ok(Nominatim {
            jobs: Mutex::new(tx),
            config,
            down_until: Mutex::new(None),
        })
    }

    /// Looks an address up; `None` when the server has no answer, is down or is backing off
    /// (a failure is logged and starts the back-off).
    pub fn geocode(&self, address: &str) -> Option<Geocoded> {
        match self.lookup(address) {
            Ok(found) => found,
            Err(OnlineError::BackingOff) => None,
            Err(e) => self.mark_down(&e),
        }
    }

    /// Looks an address up and says why there is no answer (does not start the back-off).
    pub fn lookup(&self, address: &str) -> Result<Option<Geocoded>, OnlineError> {
        if let Ok(d) = self.down_until.lock() {
            if d.is_some_and(|until| Instant::now() < until) {
                return Err(OnlineError::BackingOff);
            }
        }
        let (reply_tx, reply_rx) = mpsc::channel();
        let sent = self
            .jobs
            .lock()
            .map_err(|_| OnlineError::NoReply)?
            .send((address.to_string(), reply_tx));
        sent.map_err(|_| OnlineError::NoReply)?;
        // The worker may first wait out the rate limit for queued requests.
        let wait = self.config.timeout * 2 + self.config.min_interval * 4;
        reply_rx
            .recv_timeout(wait)
            .unwrap_or(Err(OnlineError::NoReply))
    }

    fn mark_down(&self, reason: &OnlineError) -> Option<Geocoded> {
        tracing::warn!(
            code = reason.code(),
            reason = %reason,
            "online geocoder unavailable; the offline answer stands"
        );
        if let Ok(mut d) = self.down_until.lock() {
            *d = Some(Instant::now() + self.config.retry_after);
        }
        None
    }
}

fn worker(config: NominatimConfig, jobs: mpsc::Receiver<(String, Reply)>) {
    crate::install_crypto_provider();
    let client = reqwest::blocking::Client::builder()
        .user_agent(config.user_agent.clone())
        .timeout(config.timeout)
        .redirect(remote::redirect_policy(config.allow_insecure))
        .build();
    let client = match client {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the online geocoder's HTTP client");
            for (_, reply) in jobs {
                let _ = reply.send(Err(OnlineError::Transport("no HTTP client".into())));
            }
            return;
        }
    };
    let mut last: Option<Instant> = None;
    for (address, reply) in jobs {
        if let Some(t) = last {
            let since = t.elapsed();
            if since < config.min_interval {
                std::thread::sleep(config.min_interval - since);
            }
        }
        last = Some(Instant::now());
        let _ = reply.send(search(&client, &config, &address));
    }
}

fn search(
    client: &reqwest::blocking::Client,
    config: &NominatimConfig,
    address: &str,
) -> Result<Option<Geocoded>, OnlineError> {
    let mut query: Vec<(&str, &str)> = vec![
        ("q", address),
        ("format", "jsonv2"),
        ("addressdetails", "1"),
        ("limit", "3"),
    ];
    if let Some(cc) = &config.country_codes {
        query.push(("countrycodes", cc));
    }
    let url = reqwest::Url::parse_with_params(&format!("{}/search", config.base_url), &query)
        .map_err(|e| RemoteError::BadUrl(e.to_string()))?;
    let response = client
        .get(url)
        .send()
        .map_err(|e| OnlineError::Transport(e.to_string()))?;
    if !response.status().is_success() {
        return Err(OnlineError::Status(response.status().as_u16()));
    }
    let declared = response.content_length();
    let body = remote::read_capped(declared, response, config.max_response_bytes)?;
    let hits: Vec<Hit> =
        serde_json::from_slice(&body).map_err(|e| OnlineError::Decode(e.to_string()))?;
    Ok(to_geocoded(&hits))
}

fn to_geocoded(hits: &[Hit]) -> Option<Geocoded> {
    let mut out: Option<Geocoded> = None;
    for hit in hits {
        let (Ok(lat), Ok(lng)) = (hit.lat.parse::<f64>(), hit.lon.parse::<f64>()) else {
            continue;
        };
        let point = LatLng::new(lat, lng);
        if !point.is_valid() {
            continue;
        }
        let level = level_of(hit);
        let confidence = match level {
            GeocodeLevel::Address => 0.8,
            GeocodeLevel::Street => 0.45,
            GeocodeLevel::Locality => 0.35,
            _ => 0.25,
        };
        let matched = hit.display_name.clone().unwrap_or_default();
        if out.is_none() {
            out = Some(Geocoded {
                point: Some(point),
                level,
                confidence,
                matched: Some(matched),
                source: "nominatim".into(),
                ambiguous: false,
                candidates: Vec::new(),
                flags: Vec::new(),
            });
        }
    }
    out
}

/// What a Nominatim hit is: a house (address), a road (street), a suburb, or a postcode area.
fn level_of(hit: &Hit) -> GeocodeLevel {
    let class = hit
        .category
        .as_deref()
        .or(hit.class.as_deref())
        .unwrap_or("");
    let kind = hit.kind.as_deref().unwrap_or("");
    let has_number = hit
        .address
        .as_ref()
        .is_some_and(|a| a.contains_key("house_number"));
    match (class, kind) {
        _ if has_number => GeocodeLevel::Address,
        ("highway", _) => GeocodeLevel::Street,
        ("place", "postcode") | ("boundary", "postal_code") => GeocodeLevel::Postcode,
        ("place", _) | ("boundary", _) => GeocodeLevel::Locality,
        _ => GeocodeLevel::Locality,
    }
}
