//! The store: one tree per record kind, JSON values, on the backend the [`kv`] seam opens —
//! sled in the data dir (the default), or PostgreSQL for several `routemate serve` processes
//! ([`Store::open_postgres`]).
//!
//! Trees: `accounts`, `credentials` (client_id → argon2id hash), `tokens` (SHA-256 of the token →
//! account and expiry), `drivers`, `jobs` (job_id → job with its stops), `imports` (account +
//! external_job_id → job_id and payload fingerprint), `settings`, `meta`; the day planner's
//! `plans` and `plan_keys` are opened by `plan::record` through [`Store::tree`]. Related writes go in one
//! multi-tree transaction; callers `flush` before acknowledging anything.
//!
//! Hardening (a full disk must not cost a job): [`space`] refuses to open or write below a free
//! space reserve, before sled touches the disk; [`Health`] latches the first storage error so
//! nothing more is written and a server can exit for its supervisor; [`backup`] keeps verified
//! exports and restores the newest good one when the store cannot be read. These three guard
//! the sled files; on PostgreSQL the database server owns its disk and backups (`pg_dump`), a
//! connection problem is [`EngineError::StoreUnavailable`] (never latched), and
//! [`Store::backup`] says backups are `pg_dump`'s.

pub mod backup;
mod health;
pub mod kv;
pub mod space;
pub mod testing;

pub use health::Health;

use crate::error::EngineError;
use serde::{de::DeserializeOwned, Serialize};
use std::path::{Path, PathBuf};

/// Store format version, checked at open so an old binary never misreads a newer store.
const SCHEMA_VERSION: u64 = 1;

#[derive(Clone)]
pub struct Store {
    pub(crate) db: kv::Db,
    pub(crate) path: PathBuf,
    health: Health,
    recovered: Option<std::sync::Arc<backup::Restored>>,
    pub(crate) accounts: kv::Tree,
    pub(crate) credentials: kv::Tree,
    pub(crate) tokens: kv::Tree,
    pub(crate) drivers: kv::Tree,
    pub(crate) jobs: kv::Tree,
    pub(crate) imports: kv::Tree,
    pub(crate) settings: kv::Tree,
    pub(crate) meta: kv::Tree,
}

impl Store {
    /// Opens (or creates) the store under `dir/store`, in this order: make the data dir private
    /// (0700/0600, also fixing older installs); refuse with [`EngineError::DiskFull`] when the
    /// disk has less than [`space::reserve`] free, before sled touches anything; open; if
    /// the store is unreadable, restore the newest good backup (logged loudly, and reported by
    /// [`Store::recovered`]); check the schema; take the daily backup if one is due.
    ///
    /// Errors: held by another process is [`EngineError::StoreLocked`]; unreadable with no good
    /// backup is [`EngineError::StoreCorrupt`].
    ///
    /// Under the tests' `ROUTEMATE_TEST_DATABASE_URL` this opens PostgreSQL instead, with a
    /// schema of its own per data dir (see [`testing`]), so every suite runs on both backends.
    pub fn open(dir: &Path) -> Result<Store, EngineError> {
        if let Some(opts) = testing::postgres_for(dir)? {
            return Store::open_postgres(&opts, dir);
        }
        std::fs::create_dir_all(dir).map_err(|source| EngineError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        space::make_data_dir_private(dir);
        space::check(dir, 0)?;
        let path = dir.join("store");
        let (db, recovered) = match open_db_waiting(&path) {
            Ok(db) => (db, None),
            Err(e @ EngineError::StoreCorrupt { .. }) => {
                let Some(good) = backup::newest_good(dir) else {
                    return Err(e);
                };
                tracing::error!(
                    error = %e,
                    backup = %good.path.display(),
                    "the store is unreadable; restoring the newest good backup (writes made \
                     after that backup are not in it)"
                );
                let restored = backup::restore(dir, &good.path)?;
                (open_db(&path)?, Some(std::sync::Arc::new(restored)))
            }
            Err(e) => return Err(e),
        };
        let _ = space::make_private_tree(&path);
        let tree = |name: &str| {
            db.open_tree(name)
                .map(kv::Tree::Sled)
                .map_err(|e| open_error(&path, e))
        };
        let store = Store::with_trees(tree, kv::Db::Sled(db.clone()), path.clone(), recovered)?;
        store.check_schema()?;
        if let Err(e) = backup::create_if_due(&store) {
            tracing::warn!(error = %e, "the daily store backup could not be taken");
        }
        tracing::info!(path = %store.path.display(), "store opened");
        Ok(store)
    }

    /// Opens (or creates) the store in the PostgreSQL database `opts` names, applying the
    /// migrations it lacks. Several processes may hold it at once. `dir` is still the data dir of
    /// the process's local files (geocoder, logs); the free-space reserve and the backups of the
    /// sled store do not apply.
    ///
    /// Errors: an unreachable database is [`EngineError::StoreUnavailable`].
    pub fn open_postgres(opts: &kv::postgres::PgOptions, dir: &Path) -> Result<Store, EngineError> {
        std::fs::create_dir_all(dir).map_err(|source| EngineError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        space::make_data_dir_private(dir);
        let db = kv::Db::Postgres(kv::postgres::PgDb::open(opts)?);
        let tree = |name: &str| Ok(db.open_tree(name)?);
        let store = Store::with_trees(tree, db.clone(), dir.join("store"), None)?;
        store.check_schema()?;
        Ok(store)
    }

    /// The store over `db`, its named trees opened by `tree` (each backend maps its own errors).
    fn with_trees(
        tree: impl Fn(&str) -> Result<kv::Tree, EngineError>,
        db: kv::Db,
        path: PathBuf,
        recovered: Option<std::sync::Arc<backup::Restored>>,
    ) -> Result<Store, EngineError> {
        Ok(Store {
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
            health: Health::default(),
            recovered,
        })
    }

    /// The PostgreSQL pool behind this store (`None` on sled), for readiness and metrics.
    pub fn postgres(&self) -> Option<&kv::postgres::PgDb> {
        match &self.db {
            kv::Db::Postgres(db) => Some(db),
            kv::Db::Sled(_) => None,
        }
    }

    /// Whether the store answers now: sled always does (until [`Health`] latches), PostgreSQL
    /// when the database can be reached.
    pub fn ping(&self) -> Result<(), EngineError> {
        self.ensure_healthy()?;
        match &self.db {
            kv::Db::Postgres(db) => Ok(db.ping()?),
            kv::Db::Sled(_) => Ok(()),
        }
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
                if found < SCHEMA_VERSION && found > 0 && self.db.as_sled().is_some() {
                    // A migration rewrites records in place: back up first, always. (No older
                    // version than 1 exists yet, so after the backup this is refused for now.)
                    backup::create(self, &format!("pre-migration-v{found}"))?;
                }
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
    pub(crate) fn tree(&self, name: &str) -> Result<kv::Tree, EngineError> {
        Ok(self.db.open_tree(name)?)
    }

    /// Makes every write so far durable. Call before acknowledging. After a storage error it
    /// fails at once with [`EngineError::StorageFailed`] (sled would fail or hang).
    pub fn flush(&self) -> Result<(), EngineError> {
        self.ensure_healthy()?;
        self.db.flush().map_err(|e| self.noted(e.into()))?;
        Ok(())
    }

    /// Refuses a write of about `incoming` bytes when the store has failed or the disk is too
    /// full ([`EngineError::DiskFull`], nothing written).
    pub fn ensure_writable(&self, incoming: u64) -> Result<(), EngineError> {
        self.ensure_healthy()?;
        if self.db.as_sled().is_none() {
            return Ok(()); // the database server guards its own disk
        }
        space::check(self.data_dir(), incoming)
    }

    /// Runs a write of about `incoming` bytes: refused up front as by [`Store::ensure_writable`];
    /// a storage error it hits latches the store as failed.
    pub fn guard<T>(
        &self,
        incoming: u64,
        write: impl FnOnce() -> Result<T, EngineError>,
    ) -> Result<T, EngineError> {
        self.ensure_writable(incoming)?;
        write().map_err(|e| self.noted(e))
    }

    /// Whether writes still work, and a way to wait for them to stop.
    pub fn health(&self) -> &Health {
        &self.health
    }

    /// The backup this store was restored from at open because the store was unreadable.
    pub fn recovered(&self) -> Option<&backup::Restored> {
        self.recovered.as_deref()
    }

    /// Backs the store up now (see [`backup`]).
    pub fn backup(&self, reason: &str) -> Result<backup::BackupInfo, EngineError> {
        self.ensure_healthy()?;
        backup::create(self, reason)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The data dir holding the store and its backups.
    pub fn data_dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    fn ensure_healthy(&self) -> Result<(), EngineError> {
        match self.health.failure() {
            Some(detail) => Err(EngineError::StorageFailed { detail }),
            None => Ok(()),
        }
    }

    /// Latches a storage failure seen in `e`; returns `e`.
    fn noted(&self, e: EngineError) -> EngineError {
        if let EngineError::StorageFailed { detail } = &e {
            self.health.fail(detail);
        }
        e
    }
}

/// Opens sled at `path`. sled 0.34 panics on some damaged files instead of returning an error:
/// that is corruption too.
/// [`open_db`], waiting briefly while the store is locked: a handle of this process closed just
/// before (sled's background writers let go of the file lock a moment after the last `Db` drops,
/// longer on a busy machine) is not another process holding the store.
fn open_db_waiting(path: &Path) -> Result<sled::Db, EngineError> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        match open_db(path) {
            Err(EngineError::StoreLocked { .. }) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

fn open_db(path: &Path) -> Result<sled::Db, EngineError> {
    let opened = std::panic::catch_unwind(|| {
        sled::Config::new()
            .path(path)
            .mode(sled::Mode::HighThroughput)
            .open()
    });
    match opened {
        Ok(r) => r.map_err(|e| open_error(path, e)),
        Err(panic) => Err(EngineError::StoreCorrupt {
            path: path.to_path_buf(),
            detail: panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "sled panicked while opening".into()),
        }),
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
        other => EngineError::from(other),
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
        if testing::sled_only("sled's files") {
            return;
        }
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
    fn the_first_storage_error_stops_all_writes() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        assert!(s.health().failure().is_none());
        let err = s
            .guard(0, || -> Result<(), EngineError> {
                Err(sled::Error::Io(std::io::Error::from_raw_os_error(28)).into())
            })
            .unwrap_err();
        assert_eq!(err.code(), "storage_failed");
        assert!(s.health().failure().is_some(), "latched");
        let mut ran = false;
        let again = s.guard(0, || {
            ran = true;
            Ok(())
        });
        assert_eq!(again.unwrap_err().code(), "storage_failed");
        assert!(!ran, "nothing reaches sled after the failure");
        assert_eq!(s.flush().unwrap_err().code(), "storage_failed");
        assert!(
            s.clone().health().failure().is_some(),
            "clones share the latch"
        );
    }

    #[test]
    fn an_unreadable_store_is_restored_from_the_newest_good_backup() {
        if testing::sled_only("sled's files and backups") {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        {
            let s = Store::open(dir.path()).unwrap();
            s.jobs.insert("j1", "one").unwrap();
            s.flush().unwrap();
            backup::create(&s, "test").unwrap();
            s.jobs.insert("j2", "two").unwrap();
            s.flush().unwrap();
        }
        // A damaged newer backup is skipped.
        let newest = dir
            .path()
            .join("backups/store-29991231T000000000Z-test.rmbak");
        std::fs::write(&newest, b"ROUTEMATE-STORE-BACKUP 1\nT\0\0").unwrap();
        for f in std::fs::read_dir(dir.path().join("store"))
            .unwrap()
            .flatten()
        {
            if f.file_type().unwrap().is_file() {
                std::fs::write(f.path(), vec![0xAB; 4096]).unwrap();
            }
        }
        let s = Store::open(dir.path()).expect("recovered from the backup");
        let restored = s.recovered().expect("says it was restored");
        assert!(restored
            .backup
            .path
            .to_string_lossy()
            .contains("-test.rmbak"));
        assert!(restored.replaced.as_ref().is_some_and(|p| p.exists()));
        assert_eq!(s.jobs.get("j1").unwrap().as_deref(), Some(&b"one"[..]));
        assert!(
            s.jobs.get("j2").unwrap().is_none(),
            "written after the backup"
        );
    }

    #[test]
    fn a_store_in_use_is_not_restored_over() {
        if testing::sled_only("sled's file lock and backups") {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        s.jobs.insert("j", "v").unwrap();
        let info = s.backup("t").unwrap();
        let err = backup::restore(dir.path(), &info.path).unwrap_err();
        assert_eq!(err.code(), "store_locked");
        assert_eq!(s.jobs.get("j").unwrap().as_deref(), Some(&b"v"[..]));
    }

    #[test]
    fn backups_round_trip_and_are_pruned() {
        if testing::sled_only("backups are sled's (pg_dump on PostgreSQL)") {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        for i in 0..50u32 {
            s.jobs.insert(i.to_be_bytes(), vec![i as u8; 100]).unwrap();
        }
        for _ in 0..backup::KEEP + 2 {
            s.backup("t").unwrap();
        }
        let all = backup::list(dir.path());
        assert_eq!(all.len(), backup::KEEP);
        let info = backup::verify(&all[0]).unwrap();
        assert_eq!(info.records, 50 + 1, "50 jobs and the schema version");
        let mut bytes = std::fs::read(&all[0]).unwrap();
        let n = bytes.len();
        bytes.truncate(n - 3);
        std::fs::write(&all[0], &bytes).unwrap();
        assert_eq!(
            backup::verify(&all[0]).unwrap_err().code(),
            "backup_invalid"
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
