//! The job list's index: one small summary per job, keyed so that a prefix scan yields an
//! account's jobs newest first. A page reads only its own rows (plus the filtered-out ones it
//! skips), never a job with its stops.
//!
//! Trees: `job_summaries` (account `\0` inverted update time (8 bytes, big-endian) job_id →
//! [`JobSummary`] JSON) and `job_summary_keys` (job_id → its current key in `job_summaries`, so
//! an update can remove the old row). Every job write updates both in the same sled transaction
//! as the job ([`put`], called by `jobs::write::store`, the one job write path). Stores from
//! before the index get it built at open ([`migrate`]).

use crate::error::EngineError;
use crate::jobs::{JobPage, JobQuery, JobRecord, JobSummary};
use crate::store::kv::transaction::{ConflictableTransactionError, TransactionalTree};
use crate::store::{decode, encode, Store};
use chrono::{DateTime, Utc};
use std::ops::Bound;

const SUMMARIES: &str = "job_summaries";
const KEYS: &str = "job_summary_keys";
/// `meta` key recording which index format has been built.
const META_KEY: &str = "job_index_version";
const VERSION: u64 = 1;

/// The two index trees.
pub(crate) struct JobIndex {
    pub summaries: crate::store::kv::Tree,
    pub keys: crate::store::kv::Tree,
}

impl JobIndex {
    /// The index trees of `store` (opening a known tree is a map lookup).
    pub fn open(store: &Store) -> Result<JobIndex, EngineError> {
        Ok(JobIndex {
            summaries: store.tree(SUMMARIES)?,
            keys: store.tree(KEYS)?,
        })
    }
}

/// Nanoseconds since the epoch, as in list cursors.
fn nanos(t: DateTime<Utc>) -> i64 {
    t.timestamp_nanos_opt().unwrap_or(0)
}

/// `account \0 !time job_id`: byte order is newest first, then job_id ascending.
fn row_key(account: &str, nanos: i64, job_id: &str) -> Vec<u8> {
    // Flip the sign bit so signed order becomes unsigned byte order, then invert for newest first.
    let rank = !((nanos as u64) ^ (1 << 63));
    let mut k = Vec::with_capacity(account.len() + 9 + job_id.len());
    k.extend_from_slice(account.as_bytes());
    k.push(0);
    k.extend_from_slice(&rank.to_be_bytes());
    k.extend_from_slice(job_id.as_bytes());
    k
}

fn job_key(job: &JobRecord) -> Vec<u8> {
    row_key(&job.account, nanos(job.updated_at), &job.job_id)
}

/// Writes `job`'s index row inside a transaction that also writes the job itself.
pub(crate) fn put(
    summaries: &TransactionalTree,
    keys: &TransactionalTree,
    job: &JobRecord,
) -> Result<(), ConflictableTransactionError<EngineError>> {
    let key = job_key(job);
    if let Some(old) = keys.get(job.job_id.as_bytes())? {
        if old.as_ref() != key.as_slice() {
            summaries.remove(old)?;
        }
    }
    summaries.insert(key.as_slice(), encode(&job.summary()))?;
    keys.insert(job.job_id.as_bytes(), key)?;
    Ok(())
}

/// Builds the index from the `jobs` tree unless this store already has it. Runs at open, before
/// any request, so nothing writes meanwhile; a crash mid-way rebuilds on the next open.
pub(crate) fn migrate(store: &Store) -> Result<(), EngineError> {
    let built = store
        .meta
        .get(META_KEY)?
        .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
        .map(u64::from_be_bytes);
    if built == Some(VERSION) {
        return Ok(());
    }
    let idx = JobIndex::open(store)?;
    idx.summaries.clear()?;
    idx.keys.clear()?;
    let mut count = 0usize;
    for item in store.jobs.iter() {
        let (_, v) = item?;
        let job: JobRecord = decode(&v)?;
        let key = job_key(&job);
        idx.summaries
            .insert(key.as_slice(), encode(&job.summary()))?;
        idx.keys.insert(job.job_id.as_bytes(), key)?;
        count += 1;
    }
    store.flush()?;
    store.meta.insert(META_KEY, &VERSION.to_be_bytes())?;
    store.flush()?;
    tracing::info!(jobs = count, "job list index built");
    Ok(())
}

/// Parses a list cursor (`{nanos}_{job_id}`, the last row of the previous page).
pub(crate) fn parse_cursor(c: &str) -> Option<(i64, &str)> {
    let (n, id) = c.split_once('_')?;
    Some((n.parse().ok()?, id))
}

/// One page of `account`'s jobs, newest first, filtered by `q`.
pub(crate) fn page(store: &Store, account: &str, q: &JobQuery) -> Result<JobPage, EngineError> {
    let idx = JobIndex::open(store)?;
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let mut start = account.as_bytes().to_vec();
    start.push(0);
    let mut end = account.as_bytes().to_vec();
    end.push(1);
    let from = match q.cursor.as_deref().and_then(parse_cursor) {
        Some((n, id)) => Bound::Excluded(row_key(account, n, id)),
        None => Bound::Included(start),
    };
    let mut jobs: Vec<JobSummary> = Vec::new();
    let mut next_cursor = None;
    for item in idx.summaries.range((from, Bound::Excluded(end))) {
        let (_, v) = item?;
        let row: JobSummary = decode(&v)?;
        // Rows come newest first: the first one too old ends the scan.
        if q.updated_since.is_some_and(|t| row.updated_at < t) {
            break;
        }
        if q.status.is_some_and(|s| s != row.status) {
            continue;
        }
        if jobs.len() == limit {
            let last = &jobs[limit - 1];
            next_cursor = Some(format!("{}_{}", nanos(last.updated_at), last.job_id));
            break;
        }
        jobs.push(row);
    }
    Ok(JobPage { jobs, next_cursor })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_order_newest_first_then_by_id_and_stay_inside_the_account() {
        let a = row_key("acct", 2_000, "b");
        let b = row_key("acct", 2_000, "c");
        let c = row_key("acct", 1_000, "a");
        let d = row_key("acct", -5, "a");
        assert!(a < b && b < c && c < d);
        let mut end = b"acct".to_vec();
        end.push(1);
        assert!(d < end && row_key("acct", i64::MIN, "zzz") < end);
        assert!(row_key("acc", 0, "x") < row_key("acct", i64::MAX, "a"));
    }
}
