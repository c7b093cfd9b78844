//! The facade's sync calls: what the sender (`routemate-sync`) reads and records around each
//! HTTP exchange, the outbox as the dispatcher sees it (retry, discard), and pulled jobs. The
//! engine does no HTTP; these calls are blocking like the rest of the facade.

use super::Api;
use crate::error::EngineError;
use crate::jobs::{self, JobRef, JobView};
use crate::outbox::{self, Entry, EntryKind, OutboxCounts};
use crate::sync::pull::{self, Applied, Resolution};
use crate::sync::{self as sync_state, content_fingerprint, push_request, SyncBadge, SyncConfig};
use routemate_core::model::{ImportRequest, StopStatus};
use serde::{de::DeserializeOwned, Serialize};

/// A stop status the hosted side has not been told.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusPush {
    pub external_stop_id: String,
    pub status: StopStatus,
    pub note: Option<String>,
}

/// What delivering one sync entry takes, read at send time.
#[derive(Debug, Clone, PartialEq)]
pub enum Prepared {
    /// The job is gone: nothing to send.
    Gone,
    Send {
        job: Box<JobView>,
        /// The content fingerprint of `import` (recorded after a 2xx).
        content: String,
        /// The import body, or `None` when the hosted side already holds this content.
        import: Option<Box<ImportRequest>>,
        /// The hosted `job_id`, once known.
        hosted_job_id: Option<String>,
        /// The hosted revision seen at the last exchange: a different one now means the hosted
        /// side changed the job, which must be pulled (and may conflict) before pushing.
        hosted_revision: Option<u64>,
        /// Stop statuses changed here since the last sync.
        statuses: Vec<StatusPush>,
    },
}

impl Api {
    /// Tells listeners (the background sync) that the sync login changed.
    pub fn notify_settings_changed(&self) {
        self.context()
            .emit(crate::events::EngineEvent::SettingsChanged);
    }

    pub fn sync_config(&self) -> Result<Option<SyncConfig>, EngineError> {
        sync_state::config(self.store())
    }

    /// Stores (or with `None` forgets) where to sync to; the secret is never passed here.
    pub fn set_sync_config(&self, config: Option<&SyncConfig>) -> Result<(), EngineError> {
        sync_state::set_config(self.store(), config)
    }

    /// A persisted value of the sync loop (`cursor`, `last_success`, `last_error`).
    pub fn sync_meta<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, EngineError> {
        sync_state::meta(self.store(), key)
    }

    pub fn set_sync_meta<T: Serialize>(&self, key: &str, value: &T) -> Result<(), EngineError> {
        sync_state::set_meta(self.store(), key, value)
    }

    /// Every sync outbox entry, oldest first, parked ones included (webhook deliveries share
    /// the outbox but not this list).
    pub fn outbox_entries(&self) -> Result<Vec<Entry>, EngineError> {
        Ok(outbox::all(self.store())?
            .into_iter()
            .filter(|e| e.kind == EntryKind::SyncJob)
            .collect())
    }

    pub fn outbox_counts(&self) -> Result<OutboxCounts, EngineError> {
        outbox::counts(self.store(), EntryKind::SyncJob)
    }

    /// What delivering `entry` takes now: the job as it is, its import body unless the hosted
    /// side holds that content already, and the stop statuses it has not been told.
    pub fn sync_prepare(&self, entry: &Entry) -> Result<Prepared, EngineError> {
        if entry.kind != EntryKind::SyncJob {
            return Err(EngineError::invalid_field(
                "id",
                "not_sync",
                "not a sync entry",
            ));
        }
        let Some(job) = jobs::load(self.store(), &entry.target)? else {
            return Ok(Prepared::Gone);
        };
        let view = job.view();
        let st = sync_state::job_sync(self.store(), &job.job_id)?.unwrap_or_default();
        let content = content_fingerprint(&view);
        let import = (st.content.as_deref() != Some(content.as_str()))
            .then(|| Box::new(push_request(&view)));
        let statuses = view
            .stops
            .iter()
            .filter(|s| s.status != st.status(&s.external_stop_id))
            .map(|s| StatusPush {
                external_stop_id: s.external_stop_id.clone(),
                status: s.status,
                note: s.status_note.clone(),
            })
            .collect();
        Ok(Prepared::Send {
            job: Box::new(view),
            content,
            import,
            hosted_job_id: st.hosted_job_id,
            hosted_revision: st.hosted_revision,
            statuses,
        })
    }

    /// Records that the hosted side acknowledged the job's content `content` (its answer:
    /// `hosted`); flushed before it returns.
    pub fn sync_record_push(
        &self,
        job_id: &str,
        content: &str,
        hosted: &JobView,
    ) -> Result<(), EngineError> {
        sync_state::update_job_sync(self.store(), job_id, |s| {
            s.hosted_job_id = Some(hosted.job_id.clone());
            s.content = Some(content.to_string());
            s.hosted_revision = Some(hosted.revision);
            s.hosted_updated_at = Some(hosted.updated_at);
        })?;
        Ok(())
    }

    /// Records that the hosted side acknowledged a stop status; flushed before it returns.
    pub fn sync_record_status(
        &self,
        job_id: &str,
        external_stop_id: &str,
        status: StopStatus,
        hosted: &JobView,
    ) -> Result<(), EngineError> {
        sync_state::update_job_sync(self.store(), job_id, |s| {
            s.statuses.insert(external_stop_id.to_string(), status);
            s.hosted_job_id = Some(hosted.job_id.clone());
            s.hosted_revision = Some(hosted.revision);
            s.hosted_updated_at = Some(hosted.updated_at);
        })?;
        Ok(())
    }

    /// Removes a delivered entry (unless a newer version was queued meanwhile); flushed.
    pub fn outbox_complete(&self, id: u64, payload_ref: u64) -> Result<bool, EngineError> {
        outbox::complete(self.store(), id, payload_ref)
    }

    /// Records a failed attempt: the entry backs off (full jitter, `retry_after` as a floor).
    pub fn outbox_failed(
        &self,
        id: u64,
        error: String,
        retry_after: Option<std::time::Duration>,
    ) -> Result<Option<Entry>, EngineError> {
        let now = self.context().now();
        outbox::update(self.store(), id, |e| {
            e.retry
                .failed(now, error, retry_after, &mut rand::thread_rng());
        })
    }

    /// Parks an entry the receiver refused for good, with its problem body.
    pub fn outbox_park(
        &self,
        id: u64,
        status: u16,
        problem: serde_json::Value,
    ) -> Result<Option<Entry>, EngineError> {
        let at = self.context().now();
        outbox::update(self.store(), id, |e| {
            e.retry.attempts = e.retry.attempts.saturating_add(1);
            e.parked = Some(outbox::Parked {
                status,
                problem,
                at,
            });
        })
    }

    /// The dispatcher's "retry" on a parked entry: due again now. A conflict is not retried
    /// here (it needs [`Api::sync_resolve`]).
    pub fn outbox_retry(&self, id: u64) -> Result<bool, EngineError> {
        let entries = self.outbox_entries()?;
        if !entries.iter().any(|e| e.id == id) {
            return Ok(false);
        }
        let conflicted = entries.into_iter().any(|e| {
            e.id == id
                && e.parked
                    .as_ref()
                    .is_some_and(|p| p.problem["type"] == "conflict")
        });
        if conflicted {
            return Err(EngineError::invalid_field(
                "id",
                "conflict",
                "this job changed on both sides: choose keep mine or take hosted",
            ));
        }
        Ok(outbox::update(self.store(), id, |e| {
            e.parked = None;
            e.retry = Default::default();
        })?
        .is_some())
    }

    /// The dispatcher's "discard": the entry is dropped undelivered.
    pub fn outbox_discard(&self, id: u64) -> Result<bool, EngineError> {
        if !self.outbox_entries()?.iter().any(|e| e.id == id) {
            return Ok(false);
        }
        outbox::discard(self.store(), id)
    }

    /// Applies a job the hosted side changed (see `sync::pull` for the rules).
    pub fn sync_apply_hosted(
        &self,
        account: &str,
        hosted: &JobView,
    ) -> Result<Applied, EngineError> {
        self.store()
            .guard(0, || pull::apply(self.context(), account, hosted))
    }

    /// When a hosted job was last seen changed (to skip unchanged ones in a pull without
    /// fetching them).
    pub fn sync_known_hosted_update(
        &self,
        account: &str,
        external_job_id: &str,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, EngineError> {
        let job = match jobs::find(
            self.store(),
            account,
            &JobRef::External(external_job_id.into()),
        ) {
            Ok(j) => j,
            Err(EngineError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(sync_state::job_sync(self.store(), &job.job_id)?
            .filter(|s| s.conflict.is_none())
            .and_then(|s| s.hosted_updated_at))
    }

    /// Settles a job changed on both sides: keep mine (push it) or take hosted.
    pub fn sync_resolve(
        &self,
        account: &str,
        job_id: &str,
        choice: Resolution,
    ) -> Result<(), EngineError> {
        pull::resolve(self.context(), account, job_id, choice)
    }

    /// The hosted copy of a job in conflict, if it is in conflict.
    pub fn sync_conflict(&self, job_id: &str) -> Result<Option<JobView>, EngineError> {
        Ok(sync_state::job_sync(self.store(), job_id)?.and_then(|s| s.conflict))
    }

    /// The job's sync badge.
    pub fn sync_badge(&self, job_id: &str) -> Result<SyncBadge, EngineError> {
        let st = sync_state::job_sync(self.store(), job_id)?;
        if st.as_ref().is_some_and(|s| s.conflict.is_some()) {
            return Ok(SyncBadge::Conflict);
        }
        if self.sync_config()?.is_none() {
            return Ok(SyncBadge::LocalOnly);
        }
        Ok(
            match outbox::find(self.store(), EntryKind::SyncJob, job_id)? {
                Some(e) if e.parked.is_some() => SyncBadge::Parked,
                Some(_) => SyncBadge::Pending,
                None if st.is_some_and(|s| s.hosted_job_id.is_some()) => SyncBadge::Synced,
                None => SyncBadge::LocalOnly,
            },
        )
    }

    /// Jobs that came from the hosted side (local `job_id`s).
    pub fn sync_from_hosted(&self) -> Result<Vec<String>, EngineError> {
        Ok(sync_state::all_job_syncs(self.store())?
            .into_iter()
            .filter(|(_, s)| s.from_hosted)
            .map(|(id, _)| id)
            .collect())
    }
}
