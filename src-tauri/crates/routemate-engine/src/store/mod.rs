//! The sled store: one database per data dir, one tree per record kind, JSON values.
//!
//! Trees: `accounts`, `credentials` (client_id → argon2id hash), `tokens` (SHA-256 of the token →
//! account and expiry), `drivers`, `jobs` (job_id → job with its stops), `imports` (account +
//! external_job_id → job_id and payload fingerprint), `settings`, `meta`. Related writes go in one
//! multi-tree transaction; callers `flush` before acknowledging anything.

use crate::error::EngineError;
use serde::{de::DeserializeOwned, Serialize};
use std::path::{Path, PathBuf};

/// Store format version, checked at open so an old binary never misreads a newer store.
const SCHEMA_VERSION: u64 = 1;

#[derive(Clone)]
pub struct Store {
    pub(crate) db: sled::Db,
    pub(crate) path: PathBuf,
    pub accounts: sled::Tree,
    pub credentials: sled::Tree,
    pub tokens: sled::Tree,
    pub drivers: sled::Tree,
    pub jobs: sled::Tree,
    pub imports: sled::Tree,
    pub settings: sled::Tree,
    pub meta: sled::Tree,
}

impl Store {
    /// Opens (or creates) the store under `dir/store`. A store held by another process is
    /// [`EngineError::StoreLocked`]; an unreadable one is [`EngineError::StoreCorrupt`].
    pub fn open(dir: &Path) -> Result<Store, EngineError> {
        std::fs::create_dir_all(dir).map_err(|source| EngineError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join("store");
        let db = sled::Config::new()
            .path(&path)
            .mode(sled::Mode::HighThroughput)
            .open()
            .map_err(|e| open_error(&path, e))?;
        let tree = |name: &str| db.open_tree(name).map_err(|e| open_error(&path, e));
        let store = Store {
            accounts: tree("accounts")?,
            credentials: tree("credentials")?,
            tokens: tree("tokens")?,
            drivers: tree("drivers")?,
            jobs: tree("jobs")?,
            imports: tree("imports")?,
            settings: tree("settings")?,
            meta: tree("meta")?,
            db,
            path,
        };
        store.check_schema()?;
        tracing::info!(path = %store.path.display(), "store opened");
        Ok(store)
    }

    fn check_schema(&self) -> Result<(), EngineError> {
        match self.meta.get("schema_version")? {
            None => {
                self.meta
                    .insert("schema_version", &SCHEMA_VERSION.to_be_bytes())?;
                self.flush()?;
            }
            Some(v) => {
                let found = <[u8; 8]>::try_from(v.as_ref())
                    .map(u64::from_be_bytes)
                    .unwrap_or(0);
                if found != SCHEMA_VERSION {
                    return Err(EngineError::StoreCorrupt {
                        path: self.path.clone(),
                        detail: format!(
                            "schema version {found}, this build reads {SCHEMA_VERSION}"
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    /// A named extra tree for a module that keeps its own records (geocode cache, watch journal).
    pub fn tree(&self, name: &str) -> Result<sled::Tree, EngineError> {
        Ok(self.db.open_tree(name)?)
    }

    /// Makes every write so far durable. Call before acknowledging.
    pub fn flush(&self) -> Result<(), EngineError> {
        self.db.flush()?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn open_error(path: &Path, e: sled::Error) -> EngineError {
    match e {
        sled::Error::Io(io) if io.to_string().contains("lock") => EngineError::StoreLocked {
            path: path.to_path_buf(),
        },
        sled::Error::Io(io) if io.kind() == std::io::ErrorKind::WouldBlock => {
            EngineError::StoreLocked {
                path: path.to_path_buf(),
            }
        }
        sled::Error::Corruption { .. } | sled::Error::Unsupported(_) => EngineError::StoreCorrupt {
            path: path.to_path_buf(),
            detail: e.to_string(),
        },
        other => EngineError::Store(other.to_string()),
    }
}

/// Serializes a record for a sled value.
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("store records always serialize")
}

/// Reads a record; a value that does not parse is corruption, not a panic.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, EngineError> {
    serde_json::from_slice(bytes)
        .map_err(|e| EngineError::Store(format!("unreadable record in store: {e}")))
}

/// `a \0 b`: a composite key whose prefix `a \0` scans everything under `a`.
pub fn key2(a: &str, b: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(a.len() + b.len() + 1);
    k.extend_from_slice(a.as_bytes());
    k.push(0);
    k.extend_from_slice(b.as_bytes());
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_store_is_a_typed_error_with_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("store")).unwrap();
        std::fs::write(dir.path().join("store/conf"), b"\xff\xfe not a sled config").unwrap();
        std::fs::write(dir.path().join("store/db"), vec![0xAB; 4096]).unwrap();
        let err = Store::open(dir.path())
            .err()
            .expect("garbage must not open");
        assert!(
            matches!(err.code(), "store_corrupt" | "store_error"),
            "{err:?}"
        );
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = Store::open(dir.path()).unwrap();
            s.meta
                .insert("schema_version", &99u64.to_be_bytes())
                .unwrap();
            s.flush().unwrap();
        }
        let err = Store::open(dir.path())
            .err()
            .expect("schema 99 must be refused");
        assert_eq!(err.code(), "store_corrupt");
        assert!(err.to_string().contains("move that folder"), "{err}");
    }
}
