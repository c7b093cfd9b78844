//! The sender: drains the engine's outbox to the hosted API. Per job in order (an entry is one
//! job, coalesced, and a job is never in flight twice), several jobs in parallel
//! ([`PARALLEL`]), each entry leaving the outbox only after a 2xx and the local flush.
//!
//! Host gate: the sender starts closed. While it is closed, one request at a time goes out (a
//! probe: the oldest due entry), spaced by a full-jitter backoff of its own and at least the
//! server's `Retry-After`; the first 2xx opens it, and the first retryable failure closes it
//! again. So a fresh start, an outage or a 503 storm never sends a burst.

use crate::client::{Client, Failure};
use chrono::Utc;
use reqwest::Method;
use routemate_engine::api::sync::{Prepared, StatusPush};
use routemate_engine::jobs::JobView;
use routemate_engine::outbox::{backoff, retry, Entry};
use routemate_engine::sync::Applied;
use routemate_engine::Api;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Jobs delivered at once while the host is healthy.
pub const PARALLEL: usize = 8;
/// Lost answers in a row that close the gate.
pub const STREAK: u32 = 3;

/// The host's health as the sender sees it.
#[derive(Debug)]
pub struct HostGate {
    open: bool,
    attempts: u32,
    streak: u32,
    next_probe: Instant,
}

impl Default for HostGate {
    fn default() -> Self {
        HostGate {
            open: false,
            attempts: 0,
            streak: 0,
            next_probe: Instant::now(),
        }
    }
}

impl HostGate {
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// When the next probe may go (now when open).
    pub fn next_probe(&self) -> Instant {
        self.next_probe
    }

    /// A request that was not a delivery (the pull) reached the host: it is up.
    pub fn reachable(&mut self) {
        self.succeeded();
    }

    fn succeeded(&mut self) {
        self.open = true;
        self.attempts = 0;
        self.streak = 0;
    }

    /// Answers whether the gate is now closed.
    fn failed(&mut self, retry_after: Option<Duration>, host_down: bool) -> bool {
        self.streak += 1;
        if self.open && !host_down && self.streak < STREAK {
            return false;
        }
        let wait = backoff(
            self.attempts,
            retry::BASE,
            retry::CAP,
            &mut rand::thread_rng(),
        )
        .max(retry_after.unwrap_or_default());
        self.open = false;
        self.attempts = self.attempts.saturating_add(1);
        self.next_probe = Instant::now() + wait;
        true
    }
}

/// How one entry ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivered {
    /// Acknowledged and removed (or superseded by a newer version, still queued).
    Done,
    Parked,
    Retry {
        after: Option<Duration>,
        host_down: bool,
    },
}

/// Counts of one drain.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PushCounts {
    pub pushed: usize,
    pub parked: usize,
}

async fn blocking<T: Send + 'static>(
    api: &Api,
    f: impl FnOnce(&Api) -> Result<T, routemate_engine::EngineError> + Send + 'static,
) -> Result<T, Failure> {
    let api = api.clone();
    tokio::task::spawn_blocking(move || f(&api))
        .await
        .map_err(|e| Failure::Retry {
            error: format!("local task failed: {e}"),
            retry_after: None,
        })?
        .map_err(|e| Failure::Retry {
            error: format!("local store: {}", e.code()),
            retry_after: None,
        })
}

/// Sends what `entry` stands for: the job's import (unless the hosted side has this content) and
/// the stop statuses it has not been told; then removes the entry. A job the hosted side changed
/// since the last exchange is pulled first, so a push never overwrites a hosted change silently
/// (a change on both sides parks the entry as a conflict instead).
async fn send(api: &Api, client: &Client, entry: &Entry) -> Result<Delivered, Failure> {
    let mut checked = false;
    loop {
        let e = entry.clone();
        let prepared = blocking(api, move |a| a.sync_prepare(&e)).await?;
        let Prepared::Send {
            job,
            content,
            import,
            mut hosted_job_id,
            hosted_revision,
            statuses,
        } = prepared
        else {
            // The job is gone: nothing to tell; the entry leaves.
            let (id, rev) = (entry.id, entry.payload_ref);
            blocking(api, move |a| a.outbox_complete(id, rev)).await?;
            return Ok(Delivered::Done);
        };
        let has_work = import.is_some() || !statuses.is_empty();
        if let (Some(hid), false, true) = (hosted_job_id.as_deref(), checked, has_work) {
            checked = true;
            let hosted: JobView = client
                .call(Method::GET, job_url(client, hid)?, None)
                .await?;
            if Some(hosted.revision) != hosted_revision {
                let account = entry.account.clone();
                let applied =
                    blocking(api, move |a| a.sync_apply_hosted(&account, &hosted)).await?;
                if applied == Applied::Conflict {
                    return Ok(Delivered::Parked);
                }
                continue; // prepare again over what the hosted side holds now
            }
        }
        if let Some(body) = import {
            let body = serde_json::to_value(&*body).unwrap_or_default();
            let hosted: JobView = client
                .call(
                    Method::POST,
                    client.url("v1/integration-import"),
                    Some(&body),
                )
                .await?;
            hosted_job_id = Some(hosted.job_id.clone());
            let (id, c) = (job.job_id.clone(), content.clone());
            blocking(api, move |a| a.sync_record_push(&id, &c, &hosted)).await?;
        }
        for StatusPush {
            external_stop_id,
            status,
            note,
        } in statuses
        {
            let Some(hid) = hosted_job_id.as_deref() else {
                break; // not reachable: statuses only differ after a first push recorded the id
            };
            let mut url = job_url(client, hid)?;
            url.path_segments_mut().map_err(|_| bad_url())?.extend([
                "stops",
                external_stop_id.as_str(),
                "status",
            ]);
            let body = serde_json::json!({"status": status, "note": note});
            let hosted: JobView = client.call(Method::POST, url, Some(&body)).await?;
            let id = job.job_id.clone();
            blocking(api, move |a| {
                a.sync_record_status(&id, &external_stop_id, status, &hosted)
            })
            .await?;
        }
        let (id, rev) = (entry.id, entry.payload_ref);
        blocking(api, move |a| a.outbox_complete(id, rev)).await?;
        return Ok(Delivered::Done);
    }
}

fn bad_url() -> Failure {
    Failure::Retry {
        error: "bad base URL".into(),
        retry_after: None,
    }
}

/// `…/v1/integration-jobs/{hosted_job_id}`, the id percent-encoded as a path segment.
fn job_url(client: &Client, hosted_job_id: &str) -> Result<reqwest::Url, Failure> {
    let mut url = client.url("v1/integration-jobs/");
    url.path_segments_mut()
        .map_err(|_| bad_url())?
        .pop_if_empty()
        .push(hosted_job_id);
    Ok(url)
}

/// Delivers one entry and records the outcome on it (backoff or parking).
pub async fn deliver(api: &Api, client: &Client, entry: &Entry) -> Delivered {
    match send(api, client, entry).await {
        Ok(d) => d,
        Err(Failure::Park { status, problem }) => {
            tracing::warn!(entry = entry.id, status, "hosted API refused a job: parked");
            let id = entry.id;
            let _ = blocking(api, move |a| a.outbox_park(id, status, problem)).await;
            Delivered::Parked
        }
        Err(f @ Failure::Retry { .. }) => {
            let host_down = f.host_down();
            let Failure::Retry { error, retry_after } = f else {
                unreachable!("matched above")
            };
            tracing::info!(entry = entry.id, %error, "sync attempt failed; will retry");
            let id = entry.id;
            let _ = blocking(api, move |a| a.outbox_failed(id, error, retry_after)).await;
            Delivered::Retry {
                after: retry_after,
                host_down,
            }
        }
    }
}

/// The entries due now, oldest first.
async fn due(api: &Api) -> Vec<Entry> {
    let now = Utc::now();
    blocking(api, |a| a.outbox_entries())
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e.is_due(now))
        .collect()
}

/// Drains every due entry once (a probe at a time while the gate is closed), and answers what it
/// pushed and parked. Entries that failed wait for their backoff; the caller decides whether to
/// wait for them.
pub async fn drain(api: &Api, client: &Arc<Client>, gate: &Mutex<HostGate>) -> PushCounts {
    let mut counts = PushCounts::default();
    let mut tried = std::collections::HashSet::new();
    loop {
        let entries: Vec<Entry> = due(api)
            .await
            .into_iter()
            .filter(|e| !tried.contains(&(e.id, e.payload_ref)))
            .collect();
        if entries.is_empty() {
            return counts;
        }
        let open = {
            let g = gate.lock().await;
            if !g.open && Instant::now() < g.next_probe {
                return counts;
            }
            g.open
        };
        let batch: Vec<Entry> = if open {
            entries
        } else {
            entries.into_iter().take(1).collect()
        };
        let mut set = tokio::task::JoinSet::new();
        let mut pending = batch.into_iter();
        let mut failed = false;
        loop {
            while set.len() < if open { PARALLEL } else { 1 } && !failed {
                let Some(e) = pending.next() else { break };
                tried.insert((e.id, e.payload_ref));
                let (api, client) = (api.clone(), client.clone());
                set.spawn(async move { deliver(&api, &client, &e).await });
            }
            let Some(done) = set.join_next().await else {
                break;
            };
            let done = done.unwrap_or(Delivered::Retry {
                after: None,
                host_down: true,
            });
            match done {
                Delivered::Done => {
                    counts.pushed += 1;
                    gate.lock().await.succeeded();
                }
                Delivered::Parked => {
                    counts.parked += 1;
                    // The host answered: it is up.
                    gate.lock().await.succeeded();
                }
                Delivered::Retry { after, host_down } => {
                    if gate.lock().await.failed(after, host_down) {
                        failed = true; // launch no more; the next pass probes
                    }
                }
            }
        }
        if failed {
            return counts;
        }
    }
}
