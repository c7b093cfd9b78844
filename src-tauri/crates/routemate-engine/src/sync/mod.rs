//! Sync with the hosted RouteMate API, minus the HTTP (that is the `routemate-sync` crate): the
//! sync configuration, what each job last agreed on with the hosted side ([`JobSync`]), the body
//! a job is pushed as ([`push_request`]), and applying what a pull brought back ([`pull`]).
//!
//! A job's [`JobSync`] is its baseline: the content fingerprint and the stop statuses both sides
//! held after the last successful exchange, and the hosted revision seen then. A local change
//! differs from the baseline, so it is pushed; a hosted change differs too, so it is taken; both
//! at once is a conflict the dispatcher settles (see [`pull`]). Trees: `sync` (config, cursor,
//! last success) and `sync_jobs` (local `job_id` → [`JobSync`]).

pub mod pull;

pub use pull::{Applied, Resolution};

use crate::error::EngineError;
use crate::import::fingerprint;
use crate::jobs::JobView;
use crate::store::{decode, encode, Store};
use chrono::{DateTime, Utc};
use routemate_core::model::{DepotInput, ImportRequest, StopInput, StopStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const TREE: &str = "sync";
const JOBS: &str = "sync_jobs";

/// Where this installation syncs to. The secret is not here: it lives in the OS keyring or a
/// 0600 file (`secret_store` says which), never in the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncConfig {
    /// The hosted API's base URL (`https://…`, or `http://` to this machine).
    pub url: String,
    pub client_id: String,
    /// `"keyring"` or `"file"`.
    pub secret_store: String,
    /// The local account whose jobs are synced.
    pub account: String,
}

/// What one job last agreed on with the hosted side.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobSync {
    /// The job's id on the hosted side (learnt from the first push or pull).
    pub hosted_job_id: Option<String>,
    /// Fingerprint of [`push_request`] of the content both sides held at the last exchange.
    pub content: Option<String>,
    /// Stop statuses both sides held at the last exchange (missing: pending).
    pub statuses: BTreeMap<String, StopStatus>,
    /// The hosted revision and update time seen at the last exchange.
    pub hosted_revision: Option<u64>,
    pub hosted_updated_at: Option<DateTime<Utc>>,
    /// The job came from the hosted side (created there, pulled here).
    pub from_hosted: bool,
    /// Both sides changed the job since the last exchange: the hosted copy, kept until the
    /// dispatcher chooses. Nothing is pushed for the job meanwhile.
    pub conflict: Option<JobView>,
}

impl JobSync {
    /// The baseline status of a stop.
    pub fn status(&self, stop: &str) -> StopStatus {
        self.statuses
            .get(stop)
            .copied()
            .unwrap_or(StopStatus::Pending)
    }
}

/// The sync badge of a job, for the job list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SyncBadge {
    /// Sync is not set up, or the job never left this machine.
    LocalOnly,
    Synced,
    Pending,
    Parked,
    Conflict,
}

/// The import body a job is pushed as: its stops in the dispatcher's order with coordinates and
/// per-stop `sequence`, and `"optimize": false`, so the hosted copy equals the local one. The
/// same function makes the body from a hosted job, so equal content has equal fingerprints.
pub fn push_request(job: &JobView) -> ImportRequest {
    ImportRequest {
        external_job_id: job.external_job_id.clone(),
        title: Some(job.title.clone()),
        driver_email: job.driver_email.clone(),
        stops: job
            .stops
            .iter()
            .map(|s| StopInput {
                external_stop_id: s.external_stop_id.clone(),
                address: s.address.clone(),
                label: s.label.clone(),
                parcel_count: s.parcel_count,
                lat: s.lat,
                lng: s.lng,
                notes: s.notes.clone(),
                phone: s.phone.clone(),
                service_minutes: Some(s.service_minutes),
                time_window: s.time_window.clone(),
                sequence: s.sequence,
            })
            .collect(),
        depot: job.depot.map(|d| DepotInput {
            address: None,
            lat: Some(d.lat),
            lng: Some(d.lng),
        }),
        return_to_depot: Some(job.return_to_depot),
        date: job.date.clone(),
        optimize: Some(false),
    }
}

/// The fingerprint of a job's content as pushed (stops, order, coordinates, texts).
pub fn content_fingerprint(job: &JobView) -> String {
    fingerprint(&push_request(job))
}

pub(crate) fn config(store: &Store) -> Result<Option<SyncConfig>, EngineError> {
    store
        .tree(TREE)?
        .get("config")?
        .map(|v| decode(&v))
        .transpose()
}

pub(crate) fn set_config(store: &Store, config: Option<&SyncConfig>) -> Result<(), EngineError> {
    let t = store.tree(TREE)?;
    match config {
        Some(c) => t.insert("config", encode(c))?,
        None => t.remove("config")?,
    };
    store.flush()
}

/// A small persisted value of the sync (`cursor`, `last_success`, `last_error`).
pub(crate) fn meta<T: serde::de::DeserializeOwned>(
    store: &Store,
    key: &str,
) -> Result<Option<T>, EngineError> {
    store.tree(TREE)?.get(key)?.map(|v| decode(&v)).transpose()
}

pub(crate) fn set_meta<T: Serialize>(
    store: &Store,
    key: &str,
    value: &T,
) -> Result<(), EngineError> {
    store.tree(TREE)?.insert(key, encode(value))?;
    store.flush()
}

pub(crate) fn job_sync(store: &Store, job_id: &str) -> Result<Option<JobSync>, EngineError> {
    store
        .tree(JOBS)?
        .get(job_id.as_bytes())?
        .map(|v| decode(&v))
        .transpose()
}

/// Reads, changes and stores a job's [`JobSync`], and flushes.
pub(crate) fn update_job_sync(
    store: &Store,
    job_id: &str,
    change: impl FnOnce(&mut JobSync),
) -> Result<JobSync, EngineError> {
    let mut s = job_sync(store, job_id)?.unwrap_or_default();
    change(&mut s);
    store.tree(JOBS)?.insert(job_id.as_bytes(), encode(&s))?;
    store.flush()?;
    Ok(s)
}

/// Every job's sync record (for status counts).
pub(crate) fn all_job_syncs(store: &Store) -> Result<Vec<(String, JobSync)>, EngineError> {
    store
        .tree(JOBS)?
        .iter()
        .map(|r| {
            let (k, v) = r?;
            Ok((String::from_utf8_lossy(&k).into_owned(), decode(&v)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_status_of_an_unknown_stop_is_pending() {
        let s = JobSync::default();
        assert_eq!(s.status("S1"), StopStatus::Pending);
    }
}
