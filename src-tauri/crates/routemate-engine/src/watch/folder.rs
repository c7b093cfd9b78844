//! The watched folder's layout and the durable file moves the watcher relies on.
//!
//! ```text
//! <watched>/                          files are dropped here
//! <watched>/.routemate/processing/    claimed files, `<claim>--<name>` (same filesystem: atomic)
//! <watched>/imported/                 original + <name>.result.json
//! <watched>/failed/                   original + <name>.report.txt + <name>.report.json
//! ```
//! A rename is made durable by fsyncing the directories involved; sidecar files are written to a
//! temporary name, fsynced and renamed, so a reader never sees half a report.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Paths of one watched folder.
#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
    pub processing: PathBuf,
    pub imported: PathBuf,
    pub failed: PathBuf,
}

impl Layout {
    pub fn new(root: &Path) -> Layout {
        Layout {
            root: root.to_path_buf(),
            processing: root.join(".routemate").join("processing"),
            imported: root.join("imported"),
            failed: root.join("failed"),
        }
    }

    /// Creates the subfolders (the root must exist: a missing root is reported, not created).
    pub fn prepare(&self) -> io::Result<()> {
        if !self.root.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                "the watched folder is missing",
            ));
        }
        for d in [&self.processing, &self.imported, &self.failed] {
            fs::create_dir_all(d)?;
        }
        Ok(())
    }
}

/// Separates the claim id from the original name in `processing/`.
pub const CLAIM_SEP: &str = "--";

/// Splits `processing/<claim>--<name>` into (claim, name).
pub fn split_claimed(file_name: &str) -> Option<(&str, &str)> {
    file_name
        .split_once(CLAIM_SEP)
        .filter(|(c, n)| !c.is_empty() && !n.is_empty())
}

/// fsyncs a directory so renames into or out of it survive a crash.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Writes `bytes` to `path` atomically and durably (temp file, fsync, rename, fsync dir).
pub fn write_durable(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("sidecar");
    let tmp = dir.join(format!(".{name}.tmp"));
    {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    sync_dir(dir)
}

/// Renames `from` to `to` and fsyncs both directories.
pub fn move_durable(from: &Path, to: &Path) -> io::Result<()> {
    fs::rename(from, to)?;
    if let Some(d) = to.parent() {
        sync_dir(d)?;
    }
    match from.parent() {
        Some(d) if Some(d) != to.parent() => sync_dir(d),
        _ => Ok(()),
    }
}

/// `orders.csv` + `-abc` → `orders-abc.csv`.
pub fn with_suffix(name: &str, suffix: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}-{suffix}.{ext}"),
        _ => format!("{name}-{suffix}"),
    }
}
