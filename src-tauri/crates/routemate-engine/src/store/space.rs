//! Free disk space and file permissions of the data dir: the store is never opened or written on a
//! disk too full to finish the write, and its files are readable by their owner only.
//!
//! Why a reserve: sled 0.34 keeps a sticky error after one failed write (ENOSPC included) and a
//! process that opens a store on a full disk can leave it unopenable later, so the checks refuse
//! *before* sled touches the disk; see reliability.md §7.

use crate::error::EngineError;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

const MIB: u64 = 1024 * 1024;

/// Free space the store's disk must keep by default: opening and every write are refused below
/// it. sled appends to its log and rewrites segments, so it needs headroom beyond the record.
pub const RESERVE_BYTES: u64 = 16 * MIB;

/// The reserve in force (process-wide: one process serves one store).
static RESERVE: AtomicU64 = AtomicU64::new(RESERVE_BYTES);

/// Sets the reserve (the CLI's `--disk-reserve-mb`); 0 leaves only the disk's own limit.
pub fn set_reserve(bytes: u64) {
    RESERVE.store(bytes, Ordering::Relaxed);
}

/// The reserve in force.
pub fn reserve() -> u64 {
    RESERVE.load(Ordering::Relaxed)
}

/// sled writes a record several times over (log, segment rewrite, snapshot): what a write of
/// `n` bytes is assumed to need on top of the reserve.
const WRITE_AMPLIFICATION: u64 = 4;

/// Bytes available to this user on the disk holding `dir`.
pub fn available(dir: &Path) -> io::Result<u64> {
    fs2::available_space(dir)
}

/// `Ok` when the disk holding `dir` has the [`reserve`] plus room for `incoming` bytes; otherwise
/// [`EngineError::DiskFull`] with both numbers. An unreadable free-space figure is not a refusal
/// (some file systems do not report it); the write itself then decides.
pub fn check(dir: &Path, incoming: u64) -> Result<(), EngineError> {
    check_room(dir, incoming.saturating_mul(WRITE_AMPLIFICATION))
}

/// Like [`check`] for a plain file write of `bytes` (a backup, a restored store).
pub fn check_room(dir: &Path, bytes: u64) -> Result<(), EngineError> {
    let needed = reserve().saturating_add(bytes);
    match available(dir) {
        Ok(free) if free < needed => Err(EngineError::DiskFull {
            path: dir.to_path_buf(),
            available_mib: free / MIB,
            needed_mib: needed.div_ceil(MIB),
        }),
        Ok(_) => Ok(()),
        Err(e) => {
            tracing::debug!(error = %e, dir = %dir.display(), "free space unknown");
            Ok(())
        }
    }
}

/// Makes `path` private to its owner: folders 0700, files 0600. Symlinks are left alone (chmod
/// would follow them). A no-op off Unix.
pub fn make_private(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::symlink_metadata(path)?;
        let mode = if meta.is_dir() {
            0o700
        } else if meta.is_file() {
            0o600
        } else {
            return Ok(());
        };
        if meta.permissions().mode() & 0o777 != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// [`make_private`] on `dir` and everything below it (without following symlinks).
pub fn make_private_tree(dir: &Path) -> io::Result<()> {
    make_private(dir)?;
    if std::fs::symlink_metadata(dir)?.is_dir() {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                make_private_tree(&entry.path())?;
            } else {
                make_private(&entry.path())?;
            }
        }
    }
    Ok(())
}

/// Tightens the data dir at start: the dir itself, the store and backups below it, and the
/// gazetteer and log files in it. Older versions created them 0755/0644. Only RouteMate's own
/// names are touched, in case `--data` points at a folder shared with other things. Failures
/// are logged, not fatal: a store on a file system without Unix modes still opens.
pub fn make_data_dir_private(dir: &Path) {
    let fix = || -> io::Result<()> {
        make_private(dir)?;
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let our_dir = name == "store" || name == "backups" || name.starts_with("store.");
            let our_file = name.starts_with("gazetteer") || name.ends_with(".log");
            if kind.is_dir() && our_dir {
                make_private_tree(&entry.path())?;
            } else if kind.is_file() && our_file {
                make_private(&entry.path())?;
            }
        }
        Ok(())
    };
    if let Err(e) = fix() {
        tracing::warn!(dir = %dir.display(), error = %e, "cannot make the data dir private");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_write_is_refused_with_both_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let err = check(dir.path(), u64::MAX / 8).unwrap_err();
        assert_eq!(err.code(), "disk_full");
        let msg = err.to_string();
        assert!(
            msg.contains("MiB free") && msg.contains("MiB needed"),
            "{msg}"
        );
        check(dir.path(), 0).expect("a temp dir has 16 MiB free");
    }

    #[cfg(unix)]
    #[test]
    fn data_dir_files_become_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(data.join("store")).unwrap();
        std::fs::write(data.join("store/db"), b"x").unwrap();
        std::fs::write(data.join("gazetteer.sqlite"), b"x").unwrap();
        std::fs::write(data.join("notes.txt"), b"not ours").unwrap();
        std::fs::set_permissions(
            data.join("notes.txt"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        for p in [&data, &data.join("store")] {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        make_data_dir_private(&data);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join("store")), 0o700);
        assert_eq!(mode(&data.join("store/db")), 0o600);
        assert_eq!(mode(&data.join("gazetteer.sqlite")), 0o600);
        assert_eq!(mode(&data.join("notes.txt")), 0o644, "not ours: left alone");
    }
}
