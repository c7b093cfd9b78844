//! Jobs as stored and as answered: the record in the `jobs` tree, the wire view of the import and
//! status responses, summaries for lists, and the account-scoped lookups. Every change to a job
//! goes through [`write`], the one write path.

pub(crate) mod write;

use crate::context::Context;
use crate::error::EngineError;
use crate::store::{decode, key2, Store};
use chrono::{DateTime, Utc};
use routemate_core::geo::LatLng;
use routemate_core::model::{
    job_status, ImportRequest, JobStatus, Optimization, Stop, StopStatus, Warning,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A job with its stops, as stored under its `job_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    pub job_id: String,
    pub account: String,
    pub external_job_id: String,
    pub title: String,
    pub driver_email: Option<String>,
    pub driver_id: Option<String>,
    /// SHA-256 of the canonical import payload: the same payload again changes nothing.
    pub fingerprint: String,
    pub request: ImportRequest,
    pub depot: Option<LatLng>,
    pub return_to_depot: bool,
    pub date: Option<String>,
    pub cancelled: bool,
    /// Placed stops by sequence, then the unplaced ones.
    pub stops: Vec<Stop>,
    pub optimization: Optimization,
    pub warnings: Vec<Warning>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Incremented on every change.
    pub revision: u64,
}

impl JobRecord {
    pub fn status(&self) -> JobStatus {
        let statuses: Vec<StopStatus> = self.stops.iter().map(|s| s.status).collect();
        job_status(self.driver_email.is_some(), self.cancelled, &statuses)
    }

    pub fn status_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for s in &self.stops {
            *counts.entry(s.status.as_str().to_string()).or_insert(0) += 1;
        }
        counts
    }

    pub fn view(&self) -> JobView {
        JobView {
            job_id: self.job_id.clone(),
            external_job_id: self.external_job_id.clone(),
            title: self.title.clone(),
            driver_email: self.driver_email.clone(),
            status: self.status(),
            stop_count: self.stops.len(),
            status_counts: self.status_counts(),
            date: self.date.clone(),
            depot: self.depot,
            return_to_depot: self.return_to_depot,
            optimization: self.optimization.clone(),
            stops: self.stops.clone(),
            warnings: self.warnings.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            revision: self.revision,
        }
    }

    pub fn summary(&self) -> JobSummary {
        JobSummary {
            job_id: self.job_id.clone(),
            external_job_id: self.external_job_id.clone(),
            title: self.title.clone(),
            driver_email: self.driver_email.clone(),
            status: self.status(),
            stop_count: self.stops.len(),
            status_counts: self.status_counts(),
            unplaced_count: self.stops.iter().filter(|s| s.sequence.is_none()).count(),
            warnings_count: self.warnings.len(),
            total_distance_km: self.optimization.total_distance_km,
            total_duration_minutes: self.optimization.total_duration_minutes,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// The import and status response body (the spec's shape plus a few extensions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct JobView {
    pub job_id: String,
    pub external_job_id: String,
    pub title: String,
    pub driver_email: Option<String>,
    pub status: JobStatus,
    pub stop_count: usize,
    pub status_counts: BTreeMap<String, usize>,
    pub date: Option<String>,
    pub depot: Option<LatLng>,
    pub return_to_depot: bool,
    pub optimization: Optimization,
    pub stops: Vec<Stop>,
    pub warnings: Vec<Warning>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub revision: u64,
}

/// One row of a job list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct JobSummary {
    pub job_id: String,
    pub external_job_id: String,
    pub title: String,
    pub driver_email: Option<String>,
    pub status: JobStatus,
    pub stop_count: usize,
    pub status_counts: BTreeMap<String, usize>,
    pub unplaced_count: usize,
    pub warnings_count: usize,
    pub total_distance_km: f64,
    pub total_duration_minutes: f64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// How a caller names a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobRef {
    Id(String),
    External(String),
}

/// Filters and paging for job lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobQuery {
    pub status: Option<JobStatus>,
    pub updated_since: Option<DateTime<Utc>>,
    /// Default 50, at most 500.
    pub limit: Option<usize>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct JobPage {
    pub jobs: Vec<JobSummary>,
    pub next_cursor: Option<String>,
}

/// What the `imports` tree keeps per (account, external_job_id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ImportKey {
    pub job_id: String,
    pub fingerprint: String,
}

pub(crate) fn load(store: &Store, job_id: &str) -> Result<Option<JobRecord>, EngineError> {
    match store.jobs.get(job_id.as_bytes())? {
        Some(v) => Ok(Some(decode(&v)?)),
        None => Ok(None),
    }
}

/// Finds a job of `account`; a job of another account is "not found", never visible.
pub(crate) fn find(store: &Store, account: &str, job: &JobRef) -> Result<JobRecord, EngineError> {
    let record = match job {
        JobRef::Id(id) => load(store, id)?,
        JobRef::External(ext) => match store.imports.get(key2(account, ext))? {
            Some(v) => load(store, &decode::<ImportKey>(&v)?.job_id)?,
            None => None,
        },
    };
    match record {
        Some(r) if r.account == account => Ok(r),
        _ => Err(EngineError::not_found(match job {
            JobRef::Id(id) => format!("job {id}"),
            JobRef::External(ext) => format!("job with external_job_id {ext}"),
        })),
    }
}

/// Lists `account`'s jobs newest first (by last update), filtered and paged.
pub(crate) fn list(store: &Store, account: &str, q: &JobQuery) -> Result<JobPage, EngineError> {
    // Pages come from the summary index (`job_index`), never from decoding every job.
    crate::job_index::page(store, account, q)
}

/// True when `c` has the form of a list cursor (`job_index` makes and reads them).
pub fn is_valid_cursor(c: &str) -> bool {
    crate::job_index::parse_cursor(c).is_some()
}

/// Records a stop's progress (the job status follows from the stop statuses). The note is held
/// to the same limit whichever front end sends it.
pub(crate) fn set_stop_status(
    ctx: &Context,
    account: &str,
    job_id: &str,
    external_stop_id: &str,
    status: StopStatus,
    note: Option<String>,
    origin: write::Origin,
) -> Result<JobRecord, EngineError> {
    write::check_note(note.as_deref())?;
    let kind = write::Change::StopStatus {
        external_stop_id: external_stop_id.to_string(),
    };
    write::edit(ctx, account, job_id, kind, origin, |job, _| {
        let job_id = job.job_id.clone();
        let stop = job
            .stops
            .iter_mut()
            .find(|s| s.external_stop_id == external_stop_id)
            .ok_or_else(|| {
                EngineError::not_found(format!("stop {external_stop_id} in job {job_id}"))
            })?;
        if stop.status == status && stop.status_note == note {
            return Ok(false);
        }
        stop.status = status;
        stop.status_note = note.clone();
        Ok(true)
    })
}
