//! The watched folder's record of imported content: SHA-256 of a file's bytes → what it became.
//! It makes "the same bytes again" a duplicate, and tells a restart that a claimed file in
//! `processing/` was already imported (the claim id matches), so it is only moved on.
//! Kept in the engine's sled store (`Api::tree("watch_files")`), flushed before a file moves.

use crate::error::EngineError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The sled tree holding the ledger.
pub const TREE: &str = "watch_files";

/// One job a file produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    tree: sled::Tree,
}

impl Ledger {
    pub fn new(tree: sled::Tree) -> Ledger {
        Ledger { tree }
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
        self.tree
            .insert(hash.as_bytes(), bytes)
            .map_err(store_err)?;
        self.tree.flush().map_err(store_err)?;
        Ok(())
    }

    /// Number of distinct contents imported.
    pub fn len(&self) -> usize {
        self.tree.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
    }
}

fn store_err(e: sled::Error) -> EngineError {
    EngineError::Store(e.to_string())
}
