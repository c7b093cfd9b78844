//! The durable outbox: what the engine still has to tell another system, written in the same sled
//! transaction as the change itself, so a crash never keeps a change and loses its message (or
//! the other way round).
//!
//! An [`Entry`] is generic: a [`EntryKind`], a target (for sync, the local `job_id`), a payload
//! reference (for sync, the job revision to deliver; the sender reads the job itself), and its own
//! retry state ([`Retry`]) and parked state ([`Parked`]). Entries are coalesced per
//! (kind, target): a newer change replaces the payload reference of the pending entry instead of
//! queueing a second one, so the outbox holds at most one entry per job and kind, whatever the
//! number of edits, and a later login can push the whole history. An entry leaves only through
//! [`complete`], which a sender calls after a 2xx, and which flushes before it returns.
//!
//! Trees: `outbox` (id, big-endian `u64` from `Db::generate_id`, so iteration is oldest first →
//! [`Entry`] JSON) and `outbox_keys` (kind `\0` target → id).

pub mod retry;

use crate::error::EngineError;
use crate::store::kv::transaction::{ConflictableTransactionError, TransactionalTree};
use crate::store::kv::Transactional;
use crate::store::{decode, encode, key2, Store};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use retry::{backoff, Retry};

const TREE: &str = "outbox";
const KEYS: &str = "outbox_keys";

/// What an entry delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A job (its stops, order, coordinates and stop statuses) for the hosted API.
    SyncJob,
    /// A job's (or plan's) events for one webhook subscription: target `subscription/subject`,
    /// payload reference the subject's newest event sequence (see `webhooks::store`).
    Webhook,
}

impl EntryKind {
    fn as_str(self) -> &'static str {
        match self {
            EntryKind::SyncJob => "sync_job",
            EntryKind::Webhook => "webhook",
        }
    }
}

/// Why an entry stopped being retried: the receiver refused it for good (400/404/409/413/422).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Parked {
    /// The HTTP status of the refusal.
    pub status: u16,
    /// The receiver's problem body (JSON when it sent JSON, else its text as a string).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub problem: serde_json::Value,
    pub at: DateTime<Utc>,
}

/// One pending delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Entry {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: u64,
    pub kind: EntryKind,
    pub account: String,
    /// What is delivered to: for [`EntryKind::SyncJob`] the local `job_id`.
    pub target: String,
    /// Which version to deliver: for [`EntryKind::SyncJob`] the job revision (the sender reads
    /// the job as it is when it sends, so a newer revision only makes this larger).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub payload_ref: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub retry: Retry,
    pub parked: Option<Parked>,
}

impl Entry {
    /// Whether a sender may try this entry at `now`.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.parked.is_none() && self.retry.next_attempt_at.is_none_or(|t| t <= now)
    }
}

/// The outbox trees of a store.
pub(crate) struct Outbox {
    pub entries: crate::store::kv::Tree,
    pub keys: crate::store::kv::Tree,
}

impl Outbox {
    pub fn open(store: &Store) -> Result<Outbox, EngineError> {
        Ok(Outbox {
            entries: store.tree(TREE)?,
            keys: store.tree(KEYS)?,
        })
    }
}

/// What a change asks the outbox for, before the transaction (ids are generated outside it).
pub(crate) struct Enqueue {
    pub kind: EntryKind,
    pub account: String,
    pub target: String,
    pub payload_ref: u64,
    pub now: DateTime<Utc>,
    /// A fresh id, used only when no entry for (kind, target) is pending.
    pub fresh_id: u64,
}

/// Writes or coalesces the entry for `e` inside the change's transaction. A pending entry for the
/// same (kind, target) keeps its id (its place in line) and its backoff, takes the newer payload
/// reference, and is unparked: the new version deserves a new try.
pub(crate) fn enqueue(
    entries: &TransactionalTree,
    keys: &TransactionalTree,
    e: &Enqueue,
) -> Result<(), ConflictableTransactionError<EngineError>> {
    let key = key2(e.kind.as_str(), &e.target);
    let existing = match keys.get(&key)? {
        Some(id) => entries
            .get(&id)?
            .map(|v| decode::<Entry>(&v))
            .transpose()
            .map_err(ConflictableTransactionError::Abort)?,
        None => None,
    };
    let entry = match existing {
        Some(mut old) => {
            old.payload_ref = old.payload_ref.max(e.payload_ref);
            old.updated_at = e.now;
            old.parked = None;
            old
        }
        None => Entry {
            id: e.fresh_id,
            kind: e.kind,
            account: e.account.clone(),
            target: e.target.clone(),
            payload_ref: e.payload_ref,
            created_at: e.now,
            updated_at: e.now,
            retry: Retry::default(),
            parked: None,
        },
    };
    entries.insert(entry.id.to_be_bytes(), encode(&entry))?;
    keys.insert(key, &entry.id.to_be_bytes())?;
    Ok(())
}

/// A fresh, crash-safe, increasing entry id.
pub(crate) fn fresh_id(store: &Store) -> Result<u64, EngineError> {
    Ok(store.db.generate_id()?)
}

/// Every entry, oldest first (parked ones included).
pub(crate) fn all(store: &Store) -> Result<Vec<Entry>, EngineError> {
    let ob = Outbox::open(store)?;
    ob.entries
        .iter()
        .values()
        .map(|v| decode(&v?))
        .collect::<Result<Vec<Entry>, _>>()
}

/// The entry of (kind, target), if one is pending.
pub(crate) fn find(
    store: &Store,
    kind: EntryKind,
    target: &str,
) -> Result<Option<Entry>, EngineError> {
    let ob = Outbox::open(store)?;
    match ob.keys.get(key2(kind.as_str(), target))? {
        Some(id) => ob.entries.get(id)?.map(|v| decode(&v)).transpose(),
        None => Ok(None),
    }
}

fn get(ob: &Outbox, id: u64) -> Result<Option<Entry>, EngineError> {
    ob.entries
        .get(id.to_be_bytes())?
        .map(|v| decode(&v))
        .transpose()
}

/// Removes entry `id` after its delivery of `payload_ref` was acknowledged, and flushes. When a
/// newer version was queued meanwhile (a larger payload reference) the entry stays, with a clean
/// retry state, for the sender's next pass. Answers whether the entry left.
pub(crate) fn complete(store: &Store, id: u64, payload_ref: u64) -> Result<bool, EngineError> {
    let removed = settle(store, id, payload_ref)?;
    store.flush()?;
    Ok(removed)
}

/// [`complete`] without the flush, for a sender whose redoing it after a crash is harmless.
pub(crate) fn settle(store: &Store, id: u64, payload_ref: u64) -> Result<bool, EngineError> {
    Ok(settle_many(store, &[(id, payload_ref)])? == 1)
}

/// [`settle`] for several entries (id, delivered payload reference) in one transaction; answers
/// how many left.
pub(crate) fn settle_many(store: &Store, done: &[(u64, u64)]) -> Result<usize, EngineError> {
    if done.is_empty() {
        return Ok(0);
    }
    let ob = Outbox::open(store)?;
    let removed = (&ob.entries, &ob.keys).transaction(|(te, tk)| {
        let mut removed = 0;
        for &(id, payload_ref) in done {
            let Some(v) = te.get(id.to_be_bytes())? else {
                continue;
            };
            let mut entry: Entry = decode(&v).map_err(ConflictableTransactionError::Abort)?;
            if entry.payload_ref > payload_ref {
                entry.retry = Retry::default();
                te.insert(id.to_be_bytes(), encode(&entry))?;
                continue;
            }
            te.remove(id.to_be_bytes())?;
            tk.remove(key2(entry.kind.as_str(), &entry.target))?;
            removed += 1;
        }
        Ok::<_, ConflictableTransactionError<EngineError>>(removed)
    })?;
    Ok(removed)
}

/// Rewrites entry `id` through `change` (retry state, parking), and flushes. A missing entry
/// (discarded meanwhile) is not an error.
pub(crate) fn update(
    store: &Store,
    id: u64,
    change: impl FnOnce(&mut Entry),
) -> Result<Option<Entry>, EngineError> {
    let ob = Outbox::open(store)?;
    let Some(mut entry) = get(&ob, id)? else {
        return Ok(None);
    };
    change(&mut entry);
    ob.entries.insert(id.to_be_bytes(), encode(&entry))?;
    store.flush()?;
    Ok(Some(entry))
}

/// Drops entry `id` without delivering it (the dispatcher's "discard"), and flushes.
pub(crate) fn discard(store: &Store, id: u64) -> Result<bool, EngineError> {
    let ob = Outbox::open(store)?;
    let Some(entry) = get(&ob, id)? else {
        return Ok(false);
    };
    (&ob.entries, &ob.keys).transaction(|(te, tk)| {
        te.remove(id.to_be_bytes())?;
        tk.remove(key2(entry.kind.as_str(), &entry.target))?;
        Ok::<_, ConflictableTransactionError<EngineError>>(())
    })?;
    store.flush()?;
    Ok(true)
}

/// Counts for a status line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutboxCounts {
    /// Entries waiting to be delivered (due now or backing off).
    pub queued: usize,
    /// Entries refused for good, waiting for the dispatcher (retry or discard).
    pub parked: usize,
}

/// Counts of the entries of `kind`.
pub(crate) fn counts(store: &Store, kind: EntryKind) -> Result<OutboxCounts, EngineError> {
    let mut c = OutboxCounts::default();
    for e in all(store)?.into_iter().filter(|e| e.kind == kind) {
        if e.parked.is_some() {
            c.parked += 1;
        } else {
            c.queued += 1;
        }
    }
    Ok(c)
}

/// Queues (or coalesces) a sync entry outside a job change, e.g. when a conflict is settled in
/// favour of the local copy; flushes.
pub(crate) fn enqueue_alone(
    store: &Store,
    account: &str,
    job_id: &str,
    revision: u64,
    now: DateTime<Utc>,
) -> Result<Entry, EngineError> {
    let ob = Outbox::open(store)?;
    let e = Enqueue {
        kind: EntryKind::SyncJob,
        account: account.to_string(),
        target: job_id.to_string(),
        payload_ref: revision,
        now,
        fresh_id: fresh_id(store)?,
    };
    (&ob.entries, &ob.keys).transaction(|(te, tk)| enqueue(te, tk, &e))?;
    store.flush()?;
    find(store, EntryKind::SyncJob, job_id)?
        .ok_or_else(|| EngineError::Store("outbox entry vanished after its write".into()))
}
