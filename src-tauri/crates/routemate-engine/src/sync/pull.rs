//! Applying a job the hosted side changed, by the conflict rules (README "Sync"):
//!
//! - a job new on the hosted side is created here, in the hosted order, marked as from the
//!   hosted API;
//! - a final hosted stop status (completed, failed, skipped) wins over a local pending one, and
//!   any hosted status change wins where the local status did not change since the last sync;
//! - content (stops, order, coordinates) the hosted side changed while the local copy did not is
//!   taken; content the local side changed while the hosted did not is left for the push;
//! - both sides changed the content (or set different final statuses for one stop) since the
//!   last sync: the local job is kept, the hosted copy is held in [`JobSync::conflict`], the
//!   job's outbox entry is parked as a conflict, and the dispatcher chooses ([`resolve`]).
//!
//! Writes made here carry `Origin::Hosted`, so they queue nothing for the hosted side.

use super::{content_fingerprint, job_sync, push_request, update_job_sync, JobSync};
use crate::context::Context;
use crate::error::EngineError;
use crate::import;
use crate::jobs::write::{self, Change, Origin};
use crate::jobs::{self, JobRef, JobView};
use crate::outbox::{self, EntryKind, Parked};
use routemate_core::model::StopStatus;
use serde::{Deserialize, Serialize};

/// What applying one hosted job did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Applied {
    /// Already known (the hosted revision seen before), or the same as here.
    Unchanged,
    /// A job new to this machine.
    Created,
    /// Content or stop statuses taken from the hosted side.
    Updated,
    /// Both sides changed it: flagged, nothing overwritten.
    Conflict,
}

/// The dispatcher's choice for a job in conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Push the local job over the hosted one.
    KeepMine,
    /// Replace the local job with the hosted one.
    TakeHosted,
}

fn is_final(s: StopStatus) -> bool {
    s != StopStatus::Pending
}

/// Applies `hosted` (a job of the hosted side, as `GET /v1/integration-jobs/{id}` answers) to
/// `account`'s jobs.
pub(crate) fn apply(
    ctx: &Context,
    account: &str,
    hosted: &JobView,
) -> Result<Applied, EngineError> {
    let store = ctx.store();
    let local = match jobs::find(
        store,
        account,
        &JobRef::External(hosted.external_job_id.clone()),
    ) {
        Ok(j) => Some(j.view()),
        Err(EngineError::NotFound { .. }) => None,
        Err(e) => return Err(e),
    };
    let Some(local) = local else {
        let created = import::import(ctx, account, push_request(hosted), Origin::Hosted)?.job;
        let taken: Vec<_> = hosted
            .stops
            .iter()
            .filter(|s| is_final(s.status) || s.status_note.is_some())
            .map(|s| (s.external_stop_id.clone(), s.status, s.status_note.clone()))
            .collect();
        set_statuses(ctx, account, &created.job_id, &taken)?;
        update_job_sync(store, &created.job_id, |st| {
            *st = baseline(hosted);
            st.from_hosted = true;
        })?;
        return Ok(Applied::Created);
    };
    let st = job_sync(store, &local.job_id)?.unwrap_or_default();
    if st.hosted_revision == Some(hosted.revision) && st.conflict.is_none() {
        return Ok(Applied::Unchanged);
    }
    let hosted_fp = content_fingerprint(hosted);
    let local_fp = content_fingerprint(&local);
    let base = st.content.as_deref();
    let hosted_changed = base != Some(hosted_fp.as_str());
    let local_changed = base != Some(local_fp.as_str());
    let mut conflict = hosted_fp != local_fp && hosted_changed && local_changed;
    let mut changed = false;
    if hosted_fp != local_fp && hosted_changed && !local_changed {
        import::import(ctx, account, push_request(hosted), Origin::Hosted)?;
        changed = true;
    }
    // Stop statuses, stop by stop against the baseline.
    let mut taken = Vec::new();
    let mut agreed = Vec::new();
    for h in &hosted.stops {
        let id = h.external_stop_id.as_str();
        let Some(l) = local.stops.iter().find(|s| s.external_stop_id == id) else {
            continue;
        };
        let b = st.status(id);
        if h.status == l.status {
            agreed.push((id.to_string(), h.status));
        } else if h.status != b && (l.status == b || (l.status == StopStatus::Pending)) {
            // The hosted side changed it and the local side did not, or the hosted status is
            // final where the local one is still pending.
            taken.push((h.external_stop_id.clone(), h.status, h.status_note.clone()));
        } else if h.status != b {
            conflict = true; // both set it, differently
        }
    }
    if !taken.is_empty() {
        set_statuses(ctx, account, &local.job_id, &taken)?;
        changed = true;
    }
    update_job_sync(store, &local.job_id, |s| {
        s.hosted_job_id = Some(hosted.job_id.clone());
        s.hosted_revision = Some(hosted.revision);
        s.hosted_updated_at = Some(hosted.updated_at);
        for (id, status) in &agreed {
            s.statuses.insert(id.clone(), *status);
        }
        for (id, status, _) in &taken {
            s.statuses.insert(id.clone(), *status);
        }
        if conflict {
            s.conflict = Some(hosted.clone());
        } else {
            s.content = Some(hosted_fp.clone());
            s.conflict = None;
        }
    })?;
    if conflict {
        park_conflict(ctx, &local.job_id)?;
        tracing::warn!(job_id = %local.job_id, "job changed on both sides: flagged as a conflict");
        return Ok(Applied::Conflict);
    }
    Ok(if changed {
        Applied::Updated
    } else {
        Applied::Unchanged
    })
}

/// The baseline after both sides hold `hosted`.
fn baseline(hosted: &JobView) -> JobSync {
    JobSync {
        hosted_job_id: Some(hosted.job_id.clone()),
        content: Some(content_fingerprint(hosted)),
        statuses: hosted
            .stops
            .iter()
            .map(|s| (s.external_stop_id.clone(), s.status))
            .collect(),
        hosted_revision: Some(hosted.revision),
        hosted_updated_at: Some(hosted.updated_at),
        from_hosted: false,
        conflict: None,
    }
}

/// Sets several stops' statuses in one write that queues nothing for the hosted side.
fn set_statuses(
    ctx: &Context,
    account: &str,
    job_id: &str,
    taken: &[(String, StopStatus, Option<String>)],
) -> Result<(), EngineError> {
    if taken.is_empty() {
        return Ok(());
    }
    write::edit(
        ctx,
        account,
        job_id,
        Change::Updated,
        Origin::Hosted,
        |job, _| {
            let mut changed = false;
            for (id, status, note) in taken {
                if let Some(s) = job.stops.iter_mut().find(|s| &s.external_stop_id == id) {
                    if s.status != *status || s.status_note != *note {
                        s.status = *status;
                        s.status_note = note.clone();
                        changed = true;
                    }
                }
            }
            Ok(changed)
        },
    )?;
    Ok(())
}

/// Parks the job's pending outbox entry as a conflict (queuing one if none is pending), so the
/// local version is not pushed over the hosted one until the dispatcher chooses.
fn park_conflict(ctx: &Context, job_id: &str) -> Result<(), EngineError> {
    let store = ctx.store();
    let now = ctx.now();
    let entry = match outbox::find(store, EntryKind::SyncJob, job_id)? {
        Some(e) => e,
        None => {
            let job = jobs::load(store, job_id)?
                .ok_or_else(|| EngineError::not_found(format!("job {job_id}")))?;
            outbox::enqueue_alone(store, &job.account, job_id, job.revision, now)?
        }
    };
    outbox::update(store, entry.id, |e| {
        e.parked = Some(Parked {
            status: 409,
            problem: serde_json::json!({
                "type": "conflict",
                "title": "changed here and on the hosted side since the last sync",
                "detail": "choose keep mine or take hosted",
            }),
            at: now,
        });
    })?;
    Ok(())
}

/// Settles a conflict by the dispatcher's choice.
pub(crate) fn resolve(
    ctx: &Context,
    account: &str,
    job_id: &str,
    choice: Resolution,
) -> Result<(), EngineError> {
    let store = ctx.store();
    let job = jobs::find(store, account, &JobRef::Id(job_id.to_string()))?;
    let st = job_sync(store, job_id)?.unwrap_or_default();
    let Some(hosted) = st.conflict.clone() else {
        return Err(EngineError::invalid_field(
            "job_id",
            "no_conflict",
            "this job is not in conflict",
        ));
    };
    match choice {
        Resolution::KeepMine => {
            // The hosted copy becomes the baseline, so every local difference is pushed.
            update_job_sync(store, job_id, |s| {
                s.content = Some(content_fingerprint(&hosted));
                s.statuses = baseline(&hosted).statuses;
                s.conflict = None;
            })?;
            let entry = match outbox::find(store, EntryKind::SyncJob, job_id)? {
                Some(e) => e,
                None => outbox::enqueue_alone(store, account, job_id, job.revision, ctx.now())?,
            };
            outbox::update(store, entry.id, |e| {
                e.parked = None;
                e.retry = Default::default();
            })?;
        }
        Resolution::TakeHosted => {
            import::import(ctx, account, push_request(&hosted), Origin::Hosted)?;
            let all: Vec<_> = hosted
                .stops
                .iter()
                .map(|s| (s.external_stop_id.clone(), s.status, s.status_note.clone()))
                .collect();
            set_statuses(ctx, account, job_id, &all)?;
            let from_hosted = st.from_hosted;
            update_job_sync(store, job_id, |s| {
                *s = baseline(&hosted);
                s.from_hosted = from_hosted;
            })?;
            if let Some(e) = outbox::find(store, EntryKind::SyncJob, job_id)? {
                outbox::discard(store, e.id)?;
            }
        }
    }
    tracing::info!(job_id, ?choice, "sync conflict resolved");
    Ok(())
}
