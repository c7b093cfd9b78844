//! The watched folder's record of imported content: SHA-256 of a file's bytes → what it became.
//! It makes "the same bytes again" a duplicate, and tells a restart that a claimed file in
//! `processing/` was already imported (the claim id matches), so it is only moved on.
//! Kept in the engine's sled store (`Api::tree("watch_files")`), flushed before a file moves.
//!
//! Retention: an entry is kept [`MAX_AGE_DAYS`] days, and at most [`MAX_ENTRIES`] entries (the
//! oldest go first), expired at start and daily. After that, the same bytes dropped again are
//! imported again, which the engine's per-`external_job_id` idempotency turns into an update.

use crate::error::EngineError;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The sled tree holding the ledger.
pub const TREE: &str = "watch_files";
/// Days an entry is kept.
pub const MAX_AGE_DAYS: i64 = 180;
/// Entries kept at most (about 1 KiB each).
pub const MAX_ENTRIES: usize = 100_000;

/// One job a file produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportedJob {
    pub external_job_id: String,
    pub job_id: String,
    /// A new job (false: an existing job was updated or unchanged).
    pub created: bool,
    pub changed: bool,
    pub stop_count: usize,
    pub warnings: Vec<routemate_core::model::Warning>,
}

/// What the ledger keeps per content hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The claim that imported it (`processing/<claim>--<name>`).
    pub claim: String,
    /// The file's name when it was dropped.
    pub file: String,
    pub jobs: Vec<ImportedJob>,
    pub imported_at: chrono::DateTime<chrono::Utc>,
}

/// Hex SHA-256 of a file's content.
pub fn content_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The ledger over a sled tree.
#[derive(Clone)]
pub struct Ledger {
    tree: crate::store::kv::Tree,
    store: Store,
}

impl Ledger {
    /// The ledger kept in `store`.
    pub fn open(store: &Store) -> Result<Ledger, EngineError> {
        Ok(Ledger {
            tree: store.tree(TREE)?,
            store: store.clone(),
        })
    }

    pub fn get(&self, hash: &str) -> Result<Option<Entry>, EngineError> {
        match self.tree.get(hash.as_bytes()).map_err(store_err)? {
            None => Ok(None),
            Some(v) => serde_json::from_slice(&v)
                .map(Some)
                .map_err(|e| EngineError::Store(format!("watch ledger entry {hash}: {e}"))),
        }
    }

    /// Records an import and flushes, so a file is only moved on after its record is durable.
    pub fn record(&self, hash: &str, entry: &Entry) -> Result<(), EngineError> {
        let bytes = serde_json::to_vec(entry).expect("ledger entries serialise");
        let size = bytes.len() as u64;
        self.store.guard(size, || {
            self.tree.insert(hash.as_bytes(), bytes)?;
            Ok(())
        })?;
        self.store.flush()
    }

    /// Removes entries older than [`MAX_AGE_DAYS`] at `now`, then the oldest beyond
    /// [`MAX_ENTRIES`]. Returns how many were removed.
    pub fn expire(&self, now: chrono::DateTime<chrono::Utc>) -> Result<usize, EngineError> {
        self.expire_with(now, chrono::Duration::days(MAX_AGE_DAYS), MAX_ENTRIES)
    }

    fn expire_with(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        max_age: chrono::Duration,
        max_entries: usize,
    ) -> Result<usize, EngineError> {
        let mut kept = Vec::new();
        let mut drop = Vec::new();
        for kv in self.tree.iter() {
            let (k, v) = kv.map_err(store_err)?;
            // An entry that no longer parses protects nothing: it goes too.
            match serde_json::from_slice::<Entry>(&v) {
                Ok(e) if now - e.imported_at <= max_age => kept.push((e.imported_at, k)),
                _ => drop.push(k),
            }
        }
        if kept.len() > max_entries {
            kept.sort();
            let excess = kept.len() - max_entries;
            drop.extend(kept.drain(..excess).map(|(_, k)| k));
        }
        if drop.is_empty() {
            return Ok(0);
        }
        let mut batch = crate::store::kv::Batch::default();
        for k in &drop {
            batch.remove(k.clone());
        }
        self.store.guard(0, || Ok(self.tree.apply_batch(batch)?))?;
        self.store.flush()?;
        Ok(drop.len())
    }

    /// Number of distinct contents imported.
    pub fn len(&self) -> usize {
        self.tree.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
    }
}

fn store_err(e: crate::store::kv::Error) -> EngineError {
    EngineError::from(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn entry(days_ago: i64, now: chrono::DateTime<Utc>) -> Entry {
        Entry {
            claim: "c".into(),
            file: "f.csv".into(),
            jobs: vec![],
            imported_at: now - Duration::days(days_ago),
        }
    }

    #[test]
    fn old_entries_expire_and_the_count_is_capped() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let ledger = Ledger::open(&store).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
        for (i, age) in [1, 2, 3, 200, 400].iter().enumerate() {
            ledger.record(&format!("h{i}"), &entry(*age, now)).unwrap();
        }
        assert_eq!(
            ledger.expire(now).unwrap(),
            2,
            "the 200- and 400-day-old entries"
        );
        assert_eq!(ledger.len(), 3);
        assert_eq!(ledger.expire_with(now, Duration::days(180), 2).unwrap(), 1);
        assert!(
            ledger.get("h2").unwrap().is_none(),
            "the oldest left goes first"
        );
        assert!(ledger.get("h0").unwrap().is_some());
    }
}
