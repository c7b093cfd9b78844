//! A sync round (push what is due, then pull) and the background loop that `routemate serve`
//! and the desktop app run once logged in.

use crate::client::{Client, ClientOptions};
use crate::push::{drain, HostGate};
use crate::{pull, secret};
use chrono::{DateTime, Utc};
use routemate_engine::outbox::Entry;
use routemate_engine::sync::SyncConfig;
use routemate_engine::Api;
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// How often the background loop pulls when nothing else wakes it.
pub const PULL_EVERY: Duration = Duration::from_secs(10);

/// What `routemate sync now` prints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RoundReport {
    /// Entries delivered in this round.
    pub pushed: usize,
    /// Entries parked now (refused for good, or in conflict), waiting for the dispatcher.
    pub parked: usize,
    /// Entries still waiting (the host was down or they are backing off).
    pub queued: usize,
    /// Hosted jobs created or updated here by the pull.
    pub pulled: usize,
}

/// A logged-in sync: the engine, the client and the host's health.
pub struct Syncer {
    pub api: Api,
    pub client: Arc<Client>,
    pub config: SyncConfig,
    gate: Mutex<HostGate>,
}

impl Syncer {
    /// The syncer for the stored config and secret; `Ok(None)` when not logged in.
    pub fn open(api: &Api, options: &ClientOptions) -> Result<Option<Syncer>, String> {
        let Some(config) = api.sync_config().map_err(|e| e.to_string())? else {
            return Ok(None);
        };
        let secret = secret::load(api.data_dir(), &config.secret_store, &config.client_id)
            .map_err(|e| e.to_string())?;
        let client = Client::new(&config.url, &config.client_id, &secret, options)?;
        Ok(Some(Syncer {
            api: api.clone(),
            client: Arc::new(client),
            config,
            gate: Mutex::new(HostGate::default()),
        }))
    }

    /// One round: push what is due, waiting out backoff for at most `max_wait`, then pull once.
    /// A host that is down is not an error: the work stays queued.
    pub async fn round(&self, max_wait: Duration) -> RoundReport {
        let deadline = Instant::now() + max_wait;
        let mut report = RoundReport::default();
        loop {
            let c = drain(&self.api, &self.client, &self.gate).await;
            report.pushed += c.pushed;
            let waiting = self.waiting().await;
            if waiting.is_empty() {
                break;
            }
            // Sleep until the next entry or probe is due, if that is before the deadline.
            let now = Utc::now();
            let next_entry = waiting
                .iter()
                .filter_map(|e| e.retry.next_attempt_at)
                .min()
                .map(|t| (t - now).to_std().unwrap_or_default())
                .unwrap_or_default();
            let next_probe = self
                .gate
                .lock()
                .await
                .next_probe()
                .saturating_duration_since(Instant::now());
            let wake = Instant::now() + next_entry.max(next_probe);
            if wake > deadline {
                break;
            }
            tokio::time::sleep_until(wake.into()).await;
        }
        let mut pulled = false;
        if self.gate.lock().await.is_open() || report.pushed > 0 || self.waiting().await.is_empty()
        {
            match pull::pull(&self.api, &self.client, &self.config.account).await {
                Ok(p) => {
                    report.pulled = p.pulled;
                    pulled = true;
                    self.gate.lock().await.reachable();
                }
                Err(e) => tracing::info!(error = ?e, "pull failed; will retry"),
            }
        }
        let counts = self.api.outbox_counts().unwrap_or_default();
        report.parked = counts.parked;
        report.queued = counts.queued;
        // A success: the hosted side holds everything and what it changed is here.
        if pulled && counts.queued == 0 {
            let _ = self.api.set_sync_meta("last_success", &Utc::now());
        }
        report
    }

    /// Entries not yet delivered and not parked.
    async fn waiting(&self) -> Vec<Entry> {
        let api = self.api.clone();
        tokio::task::spawn_blocking(move || api.outbox_entries())
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e.parked.is_none())
            .collect()
    }

    /// Whether the last request reached the host.
    pub async fn online(&self) -> bool {
        self.gate.lock().await.is_open()
    }
}

/// Syncs in the background until `stop` completes: a round whenever a job changes, when backoff
/// ends, and every [`PULL_EVERY`]. Not logged in: it checks again each time a setting changes.
/// `on_round` sees every round's report (the desktop's status bar).
pub async fn run_background(
    api: Api,
    stop: impl std::future::Future<Output = ()>,
    on_round: impl Fn(&RoundReport, bool) + Send + Sync + 'static,
) {
    let mut events = api.subscribe();
    tokio::pin!(stop);
    let mut syncer: Option<Syncer> = None;
    loop {
        if syncer.is_none() {
            let a = api.clone();
            syncer =
                tokio::task::spawn_blocking(move || Syncer::open(&a, &ClientOptions::default()))
                    .await
                    .ok()
                    .and_then(|r| {
                        r.map_err(|e| tracing::warn!(error = %e, "sync not started"))
                            .ok()
                    })
                    .flatten();
        }
        if let Some(s) = &syncer {
            let report = s.round(Duration::ZERO).await;
            on_round(&report, s.online().await);
        }
        let next = tokio::time::sleep(PULL_EVERY);
        tokio::select! {
            _ = &mut stop => return,
            _ = next => {},
            ev = events.recv() => {
                use routemate_engine::events::EngineEvent;
                if matches!(ev, Ok(EngineEvent::SettingsChanged)) {
                    syncer = None; // re-read the config (login, logout)
                }
                // Let a burst of changes settle into one round.
                tokio::time::sleep(Duration::from_millis(200)).await;
                while events.try_recv().is_ok() {}
            }
        }
    }
}

/// What `routemate sync status` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub configured: bool,
    pub url: Option<String>,
    pub client_id: Option<String>,
    /// `"keyring"` or `"file"`.
    pub secret_store: Option<String>,
    pub queued: usize,
    pub parked: usize,
    pub conflicts: usize,
    pub last_success: Option<DateTime<Utc>>,
    /// The newest hosted update time pulled.
    pub cursor: Option<DateTime<Utc>>,
    /// Parked entries with the server's problem.
    pub parked_entries: Vec<Entry>,
}

/// The sync state, from the store alone (no network).
pub fn status(api: &Api) -> Result<Status, routemate_engine::EngineError> {
    let config = api.sync_config()?;
    let entries = api.outbox_entries()?;
    let parked: Vec<Entry> = entries
        .iter()
        .filter(|e| e.parked.is_some())
        .cloned()
        .collect();
    let conflicts = parked
        .iter()
        .filter(|e| {
            e.parked
                .as_ref()
                .is_some_and(|p| p.problem["type"] == "conflict")
        })
        .count();
    Ok(Status {
        configured: config.is_some(),
        url: config.as_ref().map(|c| c.url.clone()),
        client_id: config.as_ref().map(|c| c.client_id.clone()),
        secret_store: config.as_ref().map(|c| c.secret_store.clone()),
        queued: entries.len() - parked.len(),
        parked: parked.len(),
        conflicts,
        last_success: api.sync_meta("last_success")?,
        cursor: api.sync_meta("cursor")?,
        parked_entries: parked,
    })
}
