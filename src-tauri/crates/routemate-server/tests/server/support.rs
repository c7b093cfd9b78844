//! What every server test starts from: a server on a free loopback port over a fresh store with a
//! manual clock, and the calls most tests make (a token, an import, a small job).

use chrono::{TimeZone, Utc};
use reqwest::Client;
use routemate_engine::{Api, EngineConfig, ManualClock};
use routemate_server::{serve, RouterOptions};
use serde_json::{json, Value};
use std::sync::Arc;

pub struct Server {
    pub addr: std::net::SocketAddr,
    pub base: String,
    pub api: Api,
    pub clock: Arc<ManualClock>,
    pub http: Client,
    _dir: tempfile::TempDir,
}

pub async fn start(options: RouterOptions) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap(),
    ));
    let api = Api::open(EngineConfig {
        data_dir: dir.path().into(),
        clock: clock.clone(),
        geocoder: None,
    })
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(
        listener,
        api.clone(),
        options,
        std::future::pending(),
    ));
    routemate_geocode::install_crypto_provider();
    Server {
        addr,
        base: format!("http://{addr}"),
        api,
        clock,
        http: Client::new(),
        _dir: dir,
    }
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A bearer token for a new credential of `account`.
    pub async fn token(&self, account: &str) -> String {
        let c = self.api.create_credential(account, "t").unwrap();
        let r = self
            .http
            .post(self.url("/v1/integration-token"))
            .json(&json!({"client_id": c.client_id, "client_secret": c.client_secret}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn import(&self, token: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url("/v1/integration-import"))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

/// A two-stop job with coordinates.
pub fn job(ext: &str) -> Value {
    json!({"external_job_id": ext, "title": "T", "driver_email": "d@example.com",
           "stops": [{"external_stop_id": "S1", "address": "1 A St", "lat": -27.47, "lng": 153.02},
                     {"external_stop_id": "S2", "address": "2 B St", "lat": -27.48, "lng": 153.03}]})
}
