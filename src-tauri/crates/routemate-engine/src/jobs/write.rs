//! The one write path for jobs. Imports, dispatcher edits and stop statuses all store a job here:
//! under the job's lock, after one validation of what the record may hold, with a new revision,
//! a flush before anything is acknowledged, and an event that carries the revision.

use super::{find, JobRecord, JobRef};
use crate::context::Context;
use crate::error::EngineError;
use crate::events::EngineEvent;
use crate::outbox::{Enqueue, EntryKind, Outbox};
use crate::settings::Settings;
use crate::store::kv::transaction::ConflictableTransactionError;
use crate::store::kv::Transactional;
use crate::store::{encode, key2};
use routemate_core::validate::MAX_TEXT_LEN;
use std::sync::MutexGuard;

/// What a write did, for the event it emits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// A new job from an import.
    Created,
    /// An existing job changed (re-import, edit, re-optimization).
    Updated,
    /// One stop's status or note changed.
    StopStatus { external_stop_id: String },
}

/// Where a change comes from: a local one is queued for the hosted API in the outbox (in the
/// same transaction); one pulled from the hosted API is not sent back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Local,
    Hosted,
}

/// The extra records an import writes with its job, in the same transaction.
pub(crate) struct ImportRecords {
    /// `imports` tree: account + external_job_id → job id and payload fingerprint.
    pub key: Vec<u8>,
    pub key_value: Vec<u8>,
    /// `drivers` tree: a driver seen for the first time (written only if still absent).
    pub new_driver: Option<(Vec<u8>, Vec<u8>)>,
    /// The `imports` value read before the job was built (`None`: there was none). The
    /// transaction refuses with [`EngineError::Conflict`] when it changed meanwhile (another
    /// server imported the same job), and the import starts over.
    pub expected: Option<crate::store::kv::IVec>,
}

/// How many times a write that lost a race with another process starts over.
pub(crate) const RACE_TRIES: usize = 10;

/// Just the revision of a stored job.
#[derive(serde::Deserialize)]
struct Revision {
    revision: u64,
}

/// Holds the job's lock: imports and edits of the same (account, external_job_id) never
/// interleave in this process, so neither overwrites the other. Across processes (several
/// servers on PostgreSQL) the transaction in [`store`] checks what was read instead.
pub(crate) fn lock<'a>(
    ctx: &'a Context,
    account: &str,
    external_job_id: &str,
) -> MutexGuard<'a, ()> {
    ctx.job_lock(&key2(account, external_job_id))
}

/// The stop-status note limit: the same for HTTP, the desktop and the CLI.
pub(crate) fn check_note(note: Option<&str>) -> Result<(), EngineError> {
    match note {
        Some(n) if n.chars().count() > MAX_TEXT_LEN => Err(EngineError::invalid_field(
            "note",
            "too_long",
            format!("must be at most {MAX_TEXT_LEN} characters"),
        )),
        _ => Ok(()),
    }
}

/// What a stored job may hold beyond what the import validator checked: the dispatcher's notes.
fn validate(job: &JobRecord) -> Result<(), EngineError> {
    job.stops
        .iter()
        .try_for_each(|s| check_note(s.status_note.as_deref()))
}

/// Validates and stores `job` (the caller holds its [`lock`] and has set its revision), with an
/// import's extra records in one transaction; flushes, then emits the event for `change`.
pub(crate) fn store(
    ctx: &Context,
    job: &JobRecord,
    import: Option<&ImportRecords>,
    change: Change,
    origin: Origin,
) -> Result<(), EngineError> {
    validate(job)?;
    let store = ctx.store();
    let job_bytes = encode(job);
    // The list index row (`job_index`) and the outbox entry for the hosted API (`outbox`) are
    // written in the same transaction as the job.
    let index = crate::job_index::JobIndex::open(store)?;
    let outbox = Outbox::open(store)?;
    let enqueue = match origin {
        Origin::Local => Some(Enqueue {
            kind: EntryKind::SyncJob,
            account: job.account.clone(),
            target: job.job_id.clone(),
            payload_ref: job.revision,
            now: ctx.now(),
            fresh_id: crate::outbox::fresh_id(store)?,
        }),
        Origin::Hosted => None,
    };
    // Webhook events go in the same transaction too (`webhooks::store`).
    let hooks = crate::webhooks::store::prepare(store, &job.account, ctx.now())?;
    let hook_trees = &hooks.trees;
    let trees = (
        &store.jobs,
        &store.imports,
        &store.drivers,
        &index.summaries,
        &index.keys,
        &outbox.entries,
        &outbox.keys,
        &hook_trees.unnumbered,
        &hook_trees.counters,
    );
    let raced = || ConflictableTransactionError::Abort(EngineError::Conflict);
    trees.transaction(|(tj, ti, td, ts, tk, toe, tok, thu, thc)| {
        // Still the revision this write was built on (no other process wrote the job since).
        let stored = match tj.get(job.job_id.as_bytes())? {
            Some(v) => Some(
                serde_json::from_slice::<Revision>(&v)
                    .map_err(|e| {
                        ConflictableTransactionError::Abort(EngineError::Store(format!(
                            "unreadable job record: {e}"
                        )))
                    })?
                    .revision,
            ),
            None => None,
        };
        if stored != job.revision.checked_sub(1).filter(|r| *r > 0) {
            return Err(raced());
        }
        if let Some(records) = import {
            if ti.get(records.key.as_slice())? != records.expected {
                return Err(raced());
            }
            if let Some((k, v)) = &records.new_driver {
                if td.get(k)?.is_none() {
                    td.insert(k.as_slice(), v.as_slice())?;
                }
            }
            ti.insert(records.key.as_slice(), records.key_value.as_slice())?;
        }
        tj.insert(job.job_id.as_bytes(), job_bytes.as_slice())?;
        let before = crate::job_index::current(ts, tk, &job.job_id)?;
        let drafts = crate::webhooks::draft::for_job(job, &change, before.as_ref());
        crate::webhooks::store::record(&hooks, (thu, thc), (toe, tok), &job.job_id, &drafts)?;
        crate::job_index::put(ts, tk, job)?;
        if let Some(e) = &enqueue {
            crate::outbox::enqueue(toe, tok, e)?;
        }
        Ok::<_, ConflictableTransactionError<EngineError>>(())
    })?;
    store.flush()?;
    let (account, job_id, revision) = (job.account.clone(), job.job_id.clone(), job.revision);
    let external_job_id = job.external_job_id.clone();
    ctx.emit(match change {
        Change::Created => EngineEvent::JobImported {
            account,
            job_id,
            external_job_id,
            revision,
        },
        Change::Updated => EngineEvent::JobUpdated {
            account,
            job_id,
            external_job_id,
            revision,
        },
        Change::StopStatus { external_stop_id } => EngineEvent::StopStatusChanged {
            account,
            job_id,
            external_stop_id,
            revision,
        },
    });
    Ok(())
}

/// Loads `account`'s job under its lock, lets `change` modify it, and stores it with a new
/// revision. `change` answers `Ok(false)` when nothing changed: then nothing is written.
pub(crate) fn edit(
    ctx: &Context,
    account: &str,
    job_id: &str,
    kind: Change,
    origin: Origin,
    mut change: impl FnMut(&mut JobRecord, &Settings) -> Result<bool, EngineError>,
) -> Result<JobRecord, EngineError> {
    let mut tries = 0;
    loop {
        match edit_once(ctx, account, job_id, kind.clone(), origin, &mut change) {
            Err(EngineError::Conflict) if tries < RACE_TRIES => tries += 1,
            done => return done,
        }
    }
}

fn edit_once(
    ctx: &Context,
    account: &str,
    job_id: &str,
    kind: Change,
    origin: Origin,
    change: &mut impl FnMut(&mut JobRecord, &Settings) -> Result<bool, EngineError>,
) -> Result<JobRecord, EngineError> {
    let id = JobRef::Id(job_id.to_string());
    let first = find(ctx.store(), account, &id)?;
    let _guard = lock(ctx, account, &first.external_job_id);
    // Re-read under the lock so a concurrent re-import is not overwritten.
    let mut job = find(ctx.store(), account, &id)?;
    let settings = Settings::load(ctx.store())?;
    if !change(&mut job, &settings)? {
        return Ok(job);
    }
    job.updated_at = ctx.now();
    job.revision += 1;
    store(ctx, &job, None, kind, origin)?;
    tracing::info!(job_id, revision = job.revision, "job edited");
    Ok(job)
}
