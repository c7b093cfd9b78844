//! Store backups: taken automatically (at start when the newest is older than a day, daily in a
//! long-running server, before a schema migration) and on demand (`routemate store backup`);
//! verified by checksum; restored into a fresh store, by hand (`routemate store restore`) or at
//! open when the store is unreadable. The newest [`KEEP`] are kept in `<data>/backups/`.
//!
//! Decision: a logical export through sled's API (every tree, every key and value, in order)
//! into one file with a SHA-256 trailer, not a copy of sled's files. A file copy is only safe
//! with every write paused, which sled 0.34 cannot do from outside, and a copied store inherits
//! whatever sled bug broke the original; an export is restored by sled's ordinary writes into a
//! brand-new store, and `verify` can check a backup without opening any store.
//!
//! Consistency: sled's iterators are not snapshots, and an import writes a job, its natural key
//! and its driver in one multi-tree transaction. So the export is read twice and kept only when
//! both reads are byte-identical (same SHA-256): no write landed in between, and the backup is a
//! state the store really had. Under a steady stream of writes it is retried, then refused.
//!
//! File format (`store-<UTC time>-<reason>.rmbak`): the line `ROUTEMATE-STORE-BACKUP 1`, then
//! frames `T <u32 len> <tree name>` and `R <u32 len> <key> <u32 len> <value>` (big-endian), then
//! `E <u64 record count>` and the SHA-256 of everything before it.

use super::{space, Store};
use crate::error::EngineError;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How many backups are kept (newest first); older ones are deleted after each new backup.
pub const KEEP: usize = 7;
/// Age of the newest backup after which an automatic one is taken.
pub const DAILY: Duration = Duration::from_secs(24 * 3600);
/// Reads of the store before a backup under constant writes is refused.
const ATTEMPTS: usize = 5;
const MAGIC: &[u8] = b"ROUTEMATE-STORE-BACKUP 1\n";
const EXT: &str = "rmbak";
/// Largest key or value a backup may hold: a corrupt length must not allocate gigabytes.
const MAX_FIELD: u32 = 256 * 1024 * 1024;

/// What a backup holds.
#[derive(Debug, Clone, Serialize)]
pub struct BackupInfo {
    pub path: PathBuf,
    pub trees: usize,
    pub records: u64,
    pub bytes: u64,
    pub sha256: String,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    pub backup: BackupInfo,
    /// Where the store that was replaced now is (kept for support), if there was one.
    pub replaced: Option<PathBuf>,
}

/// `<data>/backups`.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

/// Backs `store` up now; `reason` ends up in the file name (`daily`, `manual`, `pre-migration`).
pub fn create(store: &Store, reason: &str) -> Result<BackupInfo, EngineError> {
    let Some(db) = store.db.as_sled() else {
        return Err(EngineError::Unsupported {
            what: "store backups of a PostgreSQL store: back the database up with pg_dump".into(),
        });
    };
    let data_dir = store.data_dir();
    let dir = dir(data_dir);
    fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    space::make_private(&dir).map_err(io_err(&dir))?;
    // The backup is about the size of the live data; sled's files are an upper bound.
    space::check_room(&dir, db.size_on_disk().unwrap_or(0))?;
    // Microseconds, and a counter on a clash: two backups in one instant must not overwrite each
    // other (names sort by time; the counter keeps that order within the instant).
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%6fZ").to_string();
    let mut path = dir.join(format!("store-{stamp}-{reason}.{EXT}"));
    for n in 1.. {
        if !path.exists() {
            break;
        }
        path = dir.join(format!("store-{stamp}{n:03}-{reason}.{EXT}"));
    }
    let tmp = dir.join(format!(".{stamp}-{:08x}.tmp", rand::random::<u32>()));
    for attempt in 1..=ATTEMPTS {
        let (_, _, first) = export(db, io::sink())?;
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(io_err(&tmp))?;
        let _ = space::make_private(&tmp);
        let written = export(db, BufWriter::new(&file)).and_then(|r| {
            file.sync_all().map_err(io_err(&tmp))?;
            Ok(r)
        });
        let (trees, records, second) = match written {
            Ok(r) => r,
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
        };
        if first != second {
            tracing::debug!(
                attempt,
                "the store changed during the backup; reading again"
            );
            let _ = fs::remove_file(&tmp);
            continue;
        }
        fs::rename(&tmp, &path).map_err(io_err(&path))?;
        let _ = File::open(&dir).and_then(|d| d.sync_all());
        let info = BackupInfo {
            bytes: fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
            path,
            trees,
            records,
            sha256: hex::encode(second),
        };
        tracing::info!(path = %info.path.display(), records, "store backed up");
        prune(data_dir);
        return Ok(info);
    }
    Err(EngineError::Store(format!(
        "the store changed during each of {ATTEMPTS} backup attempts; try again when it is quieter"
    )))
}

/// Takes a backup when the store holds data and the newest backup is older than [`DAILY`].
pub fn create_if_due(store: &Store) -> Result<Option<BackupInfo>, EngineError> {
    let empty = store.accounts.is_empty() && store.jobs.is_empty() && store.credentials.is_empty();
    if empty || !due(store.data_dir()) {
        return Ok(None);
    }
    create(store, "daily").map(Some)
}

/// True when no backup is younger than [`DAILY`] (file times: the age of a file on disk).
pub fn due(data_dir: &Path) -> bool {
    let newest = list(data_dir)
        .first()
        .and_then(|p| fs::metadata(p).and_then(|m| m.modified()).ok());
    match newest {
        Some(t) => SystemTime::now()
            .duration_since(t)
            .is_ok_and(|age| age >= DAILY),
        None => true,
    }
}

/// The backups in `<data>/backups`, newest first (the names sort by time).
pub fn list(data_dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir(data_dir))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == EXT)
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("store-"))
        })
        .collect();
    found.sort();
    found.reverse();
    found
}

/// The newest backup that verifies, skipping damaged ones (each is logged).
pub fn newest_good(data_dir: &Path) -> Option<BackupInfo> {
    list(data_dir).into_iter().find_map(|p| match verify(&p) {
        Ok(info) => Some(info),
        Err(e) => {
            tracing::warn!(error = %e, "skipping a damaged backup");
            None
        }
    })
}

/// Reads a backup through and checks its structure, record count and checksum.
pub fn verify(path: &Path) -> Result<BackupInfo, EngineError> {
    read(path, |_| Ok(()))
}

/// Replaces the store under `data_dir` with the content of `backup`. The backup is first loaded
/// into a new store next to it; only a complete load replaces the old store, which is kept as
/// `store.replaced-<time>`. Refused while a process holds the store.
pub fn restore(data_dir: &Path, backup: &Path) -> Result<Restored, EngineError> {
    let live = data_dir.join("store");
    ensure_unlocked(&live)?;
    let size = fs::metadata(backup).map_err(io_err(backup))?.len();
    space::check_room(data_dir, size.saturating_mul(2))?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%3fZ");
    let fresh = data_dir.join(format!("store.restoring-{stamp}"));
    let loaded = (|| {
        let db = sled::Config::new()
            .path(&fresh)
            .open()
            .map_err(EngineError::from)?;
        let mut tree: Option<sled::Tree> = None;
        let info = read(backup, |frame| {
            match frame {
                Frame::Tree(name) => tree = Some(db.open_tree(name)?),
                Frame::Record(k, v) => {
                    let t = tree
                        .as_ref()
                        .ok_or_else(|| invalid(backup, "record before tree"))?;
                    t.insert(k, v)?;
                }
            }
            Ok(())
        })?;
        db.flush()?;
        Ok::<_, EngineError>(info)
    })();
    let info = match loaded {
        Ok(info) => info,
        Err(e) => {
            let _ = fs::remove_dir_all(&fresh);
            return Err(e);
        }
    };
    let replaced = if fs::symlink_metadata(&live).is_ok() {
        let aside = data_dir.join(format!("store.replaced-{stamp}"));
        fs::rename(&live, &aside).map_err(io_err(&live))?;
        Some(aside)
    } else {
        None
    };
    fs::rename(&fresh, &live).map_err(io_err(&live))?;
    let _ = File::open(data_dir).and_then(|d| d.sync_all());
    let _ = space::make_private_tree(&live);
    tracing::warn!(backup = %backup.display(), records = info.records, "store restored from a backup");
    Ok(Restored {
        backup: info,
        replaced,
    })
}

/// Deletes all but the newest [`KEEP`] backups.
fn prune(data_dir: &Path) {
    for old in list(data_dir).into_iter().skip(KEEP) {
        if let Err(e) = fs::remove_file(&old) {
            tracing::warn!(path = %old.display(), error = %e, "cannot delete an old backup");
        }
    }
}

/// Refuses when another process holds sled's lock on the store (`store/db`).
fn ensure_unlocked(live: &Path) -> Result<(), EngineError> {
    use fs2::FileExt;
    let db = live.join("db");
    let Ok(file) = OpenOptions::new().read(true).write(true).open(&db) else {
        return Ok(()); // no store, or not even a readable one: nothing to wait for
    };
    if file.try_lock_exclusive().is_err() {
        return Err(EngineError::StoreLocked {
            path: live.to_path_buf(),
        });
    }
    let _ = FileExt::unlock(&file);
    Ok(())
}

/// Writes every tree of `db` to `out`; returns (trees, records, SHA-256).
fn export(db: &sled::Db, out: impl Write) -> Result<(usize, u64, [u8; 32]), EngineError> {
    let mut w = Hashing::new(out);
    let path = PathBuf::from("backup");
    let mut names = db.tree_names();
    names.sort();
    let mut records = 0u64;
    let write = |w: &mut Hashing<_>, bytes: &[u8]| w.write_all(bytes).map_err(io_err(&path));
    write(&mut w, MAGIC)?;
    for name in &names {
        let tree = db.open_tree(name)?;
        write(&mut w, b"T")?;
        write(&mut w, &(name.len() as u32).to_be_bytes())?;
        write(&mut w, name)?;
        for kv in tree.iter() {
            let (k, v) = kv?;
            write(&mut w, b"R")?;
            for field in [&k, &v] {
                write(&mut w, &(field.len() as u32).to_be_bytes())?;
                write(&mut w, field)?;
            }
            records += 1;
        }
    }
    write(&mut w, b"E")?;
    write(&mut w, &records.to_be_bytes())?;
    let digest: [u8; 32] = w.hasher.finalize_reset().into();
    w.inner.write_all(&digest).map_err(io_err(&path))?;
    w.inner.flush().map_err(io_err(&path))?;
    Ok((names.len(), records, digest))
}

enum Frame<'a> {
    Tree(&'a [u8]),
    Record(&'a [u8], &'a [u8]),
}

/// Reads a backup, handing each frame to `visit`, and checks count and checksum at the end.
fn read(
    path: &Path,
    mut visit: impl FnMut(Frame<'_>) -> Result<(), EngineError>,
) -> Result<BackupInfo, EngineError> {
    let file = File::open(path).map_err(io_err(path))?;
    let bytes = file.metadata().map_err(io_err(path))?.len();
    let mut r = Hashing::new(BufReader::new(file));
    let truncated = |e: io::Error| invalid(path, &format!("truncated or unreadable ({e})"));
    let mut magic = vec![0; MAGIC.len()];
    r.read_exact(&mut magic).map_err(truncated)?;
    if magic != MAGIC {
        return Err(invalid(path, "not a RouteMate store backup"));
    }
    let (mut trees, mut records) = (0usize, 0u64);
    loop {
        let mut tag = [0u8; 1];
        r.read_exact(&mut tag).map_err(truncated)?;
        match tag[0] {
            b'T' => {
                let name = field(&mut r, path)?;
                visit(Frame::Tree(&name))?;
                trees += 1;
            }
            b'R' => {
                let k = field(&mut r, path)?;
                let v = field(&mut r, path)?;
                visit(Frame::Record(&k, &v))?;
                records += 1;
            }
            b'E' => break,
            other => return Err(invalid(path, &format!("unknown frame {other:#04x}"))),
        }
    }
    let mut count = [0u8; 8];
    r.read_exact(&mut count).map_err(truncated)?;
    let expected: [u8; 32] = r.hasher.finalize_reset().into();
    let mut digest = [0u8; 32];
    r.inner.read_exact(&mut digest).map_err(truncated)?;
    if digest != expected {
        return Err(invalid(path, "checksum mismatch (the file was damaged)"));
    }
    if u64::from_be_bytes(count) != records {
        return Err(invalid(path, "record count mismatch"));
    }
    if r.inner.read(&mut [0u8; 1]).map_err(truncated)? != 0 {
        return Err(invalid(path, "data after the end"));
    }
    Ok(BackupInfo {
        path: path.to_path_buf(),
        trees,
        records,
        bytes,
        sha256: hex::encode(digest),
    })
}

fn field(r: &mut impl Read, path: &Path) -> Result<Vec<u8>, EngineError> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)
        .map_err(|_| invalid(path, "truncated"))?;
    let len = u32::from_be_bytes(len);
    if len > MAX_FIELD {
        return Err(invalid(path, &format!("a field claims {len} bytes")));
    }
    let mut buf = vec![0; len as usize];
    r.read_exact(&mut buf)
        .map_err(|_| invalid(path, "truncated"))?;
    Ok(buf)
}

/// A reader or writer that hashes what passes through it.
struct Hashing<T> {
    inner: T,
    hasher: Sha256,
}

impl<T> Hashing<T> {
    fn new(inner: T) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
        }
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

fn invalid(path: &Path, detail: &str) -> EngineError {
    EngineError::BackupInvalid {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    }
}

fn io_err(path: &Path) -> impl Fn(io::Error) -> EngineError + '_ {
    move |source| EngineError::Io {
        path: path.to_path_buf(),
        source,
    }
}
